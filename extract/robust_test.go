package extract

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/syndex/syndex/internal/testalloc"
)

// checkResult asserts what must hold for any input.
func checkResult(t *testing.T, res *Result) {
	t.Helper()
	a := res.Article
	if !utf8.ValidString(a.Text) || !utf8.ValidString(a.Title) {
		t.Fatalf("invalid UTF-8 in text or title")
	}
	if strings.Contains(a.Text, "\n\n\n") || strings.HasPrefix(a.Text, "\n") || strings.HasSuffix(a.Text, "\n") {
		t.Fatalf("malformed paragraphs: %q", a.Text)
	}
	if res.Reason == "" {
		t.Fatalf("no reason given")
	}
}

// extractPatience is how long an extraction may run before a test calls
// it hung: a hang detector, never a measure (how fast an extraction is
// belongs to the benchmarks). What a test asserts of cost is the bytes one
// extraction allocates, at most testalloc.Bound of its input: the hostile
// cases below allocate 5 to 220 bytes per input byte (deep nesting 5, a
// 1 MB paragraph 155, 20,000 links 220) and a small page about 100 KB;
// work that grows faster than the input (the text of every <p> joined
// once per <p>, a copy of the tree per nesting level: what bound.go's
// limits stop) allocates thousands of bytes per input byte on such pages.
const extractPatience = 5 * time.Minute

func TestRobustness(t *testing.T) {
	para := strings.Repeat("word ", 200_000)
	tests := []struct {
		name string
		html string
		want string // text that must survive, if any
	}{
		{"empty", "", ""},
		{"whitespace", "   \n\t ", ""},
		{"only scripts", "<html><head><script>var a = '<p>not text</p>';</script></head><body><script>document.write('x')</script><style>p{}</style></body></html>", ""},
		{"unclosed tags", "<html><body><div><p>one <b>two <i>three <p>four <table><tr><td>five", ""},
		{"deep nesting", strings.Repeat("<div>", 100_000) + "<p>deep text here that is long enough to count as a paragraph of some sort.</p>" + strings.Repeat("</div>", 100_000), "deep text here"},
		{"deep inline nesting", strings.Repeat("<span><b>", 50_000) + "x" + strings.Repeat("</b></span>", 50_000), ""},
		{"enormous paragraph", "<html><body><article><h1>Big</h1><p>" + para + "</p></article></body></html>", "word word"},
		{"binary", string(bytes.Repeat([]byte{0xff, 0x00, 0xfe, 0x81, 0x3c}, 20_000)), ""},
		{"bad json-ld", `<script type="application/ld+json">{"@graph":[{"@type":["NewsArticle"],"author":[[[[{"name":1}]]]],"datePublished":{}}]</script><p>x</p>`, ""},
		{"many links", "<body>" + strings.Repeat(`<a href="/x">link text</a> `, 20_000) + "</body>", ""},
		// 20,000 paragraphs (900 KB): go-trafilatura joins the text of
		// every <p> once per <p>; maxParagraphs keeps that linear.
		{"many paragraphs", "<html><body><article><h1>Many</h1>" + strings.Repeat("<p>some words of text in a paragraph here</p>", 20_000) + "</article></body></html>", "some words"},
	}
	ex := New(Options{})
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), extractPatience)
			defer cancel()
			var res *Result
			var err error
			alloc := testalloc.Allocated(func() {
				res, err = ex.Extract(ctx, Input{URL: "https://example.org/a/b", HTML: []byte(tc.html)})
			})
			if ctx.Err() != nil {
				t.Fatalf("hung: the extraction of %q (%d bytes) was still running after %v", tc.name, len(tc.html), extractPatience)
			}
			if err != nil {
				t.Fatalf("Extract: %v", err)
			}
			checkResult(t, res)
			if !strings.Contains(res.Article.Text, tc.want) {
				t.Errorf("Text lacks %q: %.200q", tc.want, res.Article.Text)
			}
			if b := testalloc.Bound(len(tc.html)); alloc > b {
				t.Errorf("allocated %d MiB for %d bytes of input, over %d MiB: the work grows faster than the input", alloc>>20, len(tc.html), b>>20)
			}
		})
	}
}

func TestExtractCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := New(Options{}).Extract(ctx, Input{HTML: []byte("<p>x</p>")}); err == nil {
		t.Fatal("Extract with a canceled context returned no error")
	}
}

// FuzzExtract checks that no input panics, yields malformed text or runs
// away: go test ./extract -fuzz FuzzExtract -fuzztime 60s
func FuzzExtract(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join(fixtures, "*.html"))
	for _, fn := range files {
		if b, err := os.ReadFile(fn); err == nil {
			f.Add(b, "text/html")
		}
	}
	f.Add([]byte(""), "")
	f.Add([]byte("<p>Source: Reuters</p><p>This article first appeared in x.org</p>"), "text/html; charset=utf-16")
	f.Add([]byte("\xef\xbb\xbf<meta charset=gbk><title>t</title>"), "text/html; charset=bogus")
	ex := New(Options{MaxBytes: 1 << 20})
	f.Fuzz(func(t *testing.T, body []byte, contentType string) {
		ctx, cancel := context.WithTimeout(context.Background(), extractPatience)
		defer cancel()
		var res *Result
		var err error
		alloc := testalloc.Allocated(func() {
			res, err = ex.Extract(ctx, Input{URL: "https://fuzz.example/2024/01/02/story", HTML: body, ContentType: contentType})
		})
		if ctx.Err() != nil {
			t.Fatalf("hung: an extraction of %d bytes was still running after %v", len(body), extractPatience)
		}
		if err != nil {
			return
		}
		checkResult(t, res)
		if b := testalloc.Bound(len(body)); alloc > b {
			t.Fatalf("allocated %d MiB for %d bytes of input, over %d MiB", alloc>>20, len(body), b>>20)
		}
	})
}

func BenchmarkExtract(b *testing.B) {
	raw, err := os.ReadFile(filepath.Join(fixtures, "republisher.html"))
	if err != nil {
		b.Fatal(err)
	}
	ex := New(Options{})
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ex.Extract(ctx, Input{URL: "https://commonswire.example/2024/03/19/river-towns-flood/", HTML: raw}); err != nil {
			b.Fatal(err)
		}
	}
}

// TestConcurrentExtract shares one Extractor (and its site model) between
// goroutines; run with -race.
func TestConcurrentExtract(t *testing.T) {
	files := []string{"republisher.html", "republisher-2.html", "republisher-3.html"}
	pages := make([][]byte, len(files))
	for i, f := range files {
		b, err := os.ReadFile(filepath.Join(fixtures, f))
		if err != nil {
			t.Fatal(err)
		}
		pages[i] = b
	}
	ex := New(Options{BoilerplatePages: 3})
	const rounds = 4
	errs := make(chan error, rounds*len(files))
	for r := range rounds {
		for i := range files {
			go func() {
				// Each page is fetched several times under its own URL:
				// re-fetches must not count as new pages.
				u := "https://commonswire.example/story/" + files[i]
				_, err := ex.Extract(context.Background(), Input{URL: u, HTML: pages[i], Fetched: time.Unix(int64(r), 0)})
				errs <- err
			}()
		}
	}
	for range rounds * len(files) {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	res, err := ex.Extract(context.Background(), Input{URL: "https://commonswire.example/story/" + files[1], HTML: pages[1]})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(res.Article.Text, "Independent journalism needs readers") || !strings.Contains(res.Article.Text, "harbor commission") {
		t.Errorf("after three distinct pages the appeal should be learned and the story kept: %q", res.Article.Text)
	}
}
