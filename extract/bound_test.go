package extract

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"golang.org/x/net/html"

	"github.com/syndex/syndex/extract/internal/dom"
)

func TestBound(t *testing.T) {
	script := "<script>" + strings.Repeat("var x = '<b>';", 200) + "</script>"
	ld := `<script type="application/ld+json">{"@type":"NewsArticle","headline":"Kept"}</script>`
	body := "<p>" + strings.Repeat("Story text. ", 20) + "</p>"
	tests := []struct {
		name      string
		in        string
		maxBytes  int
		maxElems  int
		want      []string // substrings the result keeps
		wantNot   []string // substrings it drops
		cut, same bool
	}{
		{name: "within limits is untouched", in: "<html><head>" + script + "</head><body>" + body + "</body></html>",
			maxBytes: 1 << 20, maxElems: 10000, same: true},
		{name: "scripts, styles, svg and comments go first", maxBytes: 1000, maxElems: 100,
			in: "<html><head>" + ld + script + "<style>" + strings.Repeat("p{}", 300) + "</style></head><body><!--" +
				strings.Repeat("c", 900) + "--><svg><svg><text>" + strings.Repeat("s", 900) + "</text></svg></svg>" + body + "</body></html>",
			want:    []string{ld, "<script></script>", "<style></style>", "<svg></svg>", body, "</html>"},
			wantNot: []string{"var x", "p{}", "ccc", "sss"}},
		{name: "cut at the byte limit", maxBytes: 600, maxElems: 100,
			in:   "<html><body>" + strings.Repeat(body, 10) + "</body></html>",
			want: []string{body}, wantNot: []string{"</html>"}, cut: true},
		{name: "cut at the element limit", maxBytes: 1 << 20, maxElems: 50,
			in:   "<html><body>" + strings.Repeat("<div>", 1000) + "</body></html>",
			cut:  true,
			want: []string{strings.Repeat("<div>", 48)}, wantNot: []string{strings.Repeat("<div>", 49)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, cut := bound([]byte(tt.in), tt.maxBytes, tt.maxElems)
			if cut != tt.cut {
				t.Errorf("cut = %v, want %v", cut, tt.cut)
			}
			if len(got) > tt.maxBytes {
				t.Errorf("%d bytes, over the limit %d", len(got), tt.maxBytes)
			}
			if tt.same && string(got) != tt.in {
				t.Errorf("a page within the limits changed")
			}
			for _, w := range tt.want {
				if !bytes.Contains(got, []byte(w)) {
					t.Errorf("lost %.60q", w)
				}
			}
			for _, w := range tt.wantNot {
				if bytes.Contains(got, []byte(w)) {
					t.Errorf("kept %.60q", w)
				}
			}
		})
	}
}

func TestPruneDOM(t *testing.T) {
	page := func(n int) string {
		var b strings.Builder
		b.WriteString("<html><head><title>T</title></head><body><main>")
		for i := range n {
			fmt.Fprintf(&b, "<section><p>para %d</p></section>", i)
		}
		b.WriteString("</main></body></html>")
		return b.String()
	}
	tests := []struct {
		name   string
		budget domBudget
		pruned bool
		last   string // the last paragraph kept
	}{
		{"within budget", domBudget{elements: 1000, text: 1 << 20, paragraphs: 1000}, false, "para 99"},
		// html, head, title, body, main: 5 elements before the first section.
		{"elements", domBudget{elements: 5 + 2*10, text: 1 << 20, paragraphs: 1000}, true, "para 9"},
		{"paragraphs", domBudget{elements: 1000, text: 1 << 20, paragraphs: 7}, true, "para 6"},
		{"text", domBudget{elements: 1000, text: len("T") + 5*len("para 0"), paragraphs: 1000}, true, "para 4"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := html.Parse(strings.NewReader(page(100)))
			if err != nil {
				t.Fatal(err)
			}
			n, pruned := pruneDOM(doc, tt.budget)
			if pruned != tt.pruned {
				t.Fatalf("pruned = %v, want %v", pruned, tt.pruned)
			}
			if n > tt.budget.elements {
				t.Errorf("kept %d elements, budget %d", n, tt.budget.elements)
			}
			var paras []string
			for _, b := range dom.Blocks(doc) {
				paras = append(paras, b.Text)
			}
			if len(paras) == 0 || paras[len(paras)-1] != tt.last {
				t.Errorf("last paragraph kept = %q, want %q", paras[len(paras)-1:], tt.last)
			}
			if got := titleOf(doc); got != "T" {
				t.Errorf("head lost: title %q", got)
			}
		})
	}
}

// titleOf returns the text of the document's <title>.
func titleOf(doc *html.Node) string {
	var walk func(n *html.Node) string
	walk = func(n *html.Node) string {
		if n.Type == html.ElementNode && n.Data == "title" {
			return dom.NodeText(n)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if s := walk(c); s != "" {
				return s
			}
		}
		return ""
	}
	return walk(doc)
}

func TestCapText(t *testing.T) {
	para := strings.Repeat("x", 99)
	tests := []struct {
		name  string
		in    string
		limit int
		want  string
		cut   bool
	}{
		{"short", "a\n\nb", 10, "a\n\nb", false},
		{"paragraph boundary", para + "\n\n" + para + "\n\n" + para, 250, para + "\n\n" + para, true},
		{"no boundary near: rune boundary", "ééééé", 5, "éé", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, cut := capText(tt.in, tt.limit)
			if got != tt.want || cut != tt.cut {
				t.Errorf("capText = %q, %v; want %q, %v", got, cut, tt.want, tt.cut)
			}
		})
	}
	list, cut := capBlocks([]string{"aaaa", "bbbb", "cccc"}, 10)
	if !cut || strings.Join(list, "|") != "aaaa|bbbb|cc" {
		t.Errorf("capBlocks = %q, %v", list, cut)
	}
}

// hostilePages are the page shapes that cost gigabytes and tens of
// seconds before extraction was bounded; sizes are small multiples of the
// bounds so the test stays fast.
func hostilePages() map[string]string {
	para := "<p>The council met on Tuesday to discuss the budget for the coming year, and members argued at length about the bridge repairs.</p>\n"
	var links strings.Builder
	links.WriteString("<html><body><p>Intro.</p>")
	for i := range 100000 {
		fmt.Fprintf(&links, `<a href="/p/%d">link %d</a> `, i, i)
	}
	deep := strings.Repeat("<div>", 500) + "<p>Text in a deep paragraph that says something.</p>" + strings.Repeat("</div>", 500)
	return map[string]string{
		"unclosed divs": "<html><body>" + strings.Repeat("<div>word text here ", 300000),
		"100k links":    links.String(),
		"500-deep divs": "<html><body>" + strings.Repeat(deep, 5000/2),
		"huge article":  "<html><head><title>Big</title></head><body><article>" + strings.Repeat(para, 6<<20/len(para)),
		"huge declared article": `<html><head><title>Big</title><meta property="og:type" content="article"></head><body><article>` +
			strings.Repeat(para, 6<<20/len(para)),
	}
}

// TestExtractHostileBounded checks that hostile pages are cut to the
// extraction bounds, that what is kept is valid and bounded, and that a
// truncated page is an article only when its markup says so.
func TestExtractHostileBounded(t *testing.T) {
	ex := New(Options{})
	for name, page := range hostilePages() {
		t.Run(name, func(t *testing.T) {
			start := time.Now()
			res, err := ex.Extract(context.Background(), Input{URL: "https://hostile.example/news/2024/05/01/big-story", HTML: []byte(page)})
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%v: %d bytes of text, article %v (%s)", time.Since(start).Round(time.Millisecond), len(res.Article.Text), res.IsArticle, res.Reason)
			if !res.Truncated {
				t.Error("not marked truncated")
			}
			if len(res.Article.Text) > DefaultMaxText || !utf8.ValidString(res.Article.Text) {
				t.Errorf("text of %d bytes (cap %d), valid UTF-8 %v", len(res.Article.Text), DefaultMaxText, utf8.ValidString(res.Article.Text))
			}
			if want := name == "huge declared article"; res.IsArticle != want {
				t.Errorf("IsArticle = %v, want %v (%s)", res.IsArticle, want, res.Reason)
			}
		})
	}
}

func TestExtractTruncatedInput(t *testing.T) {
	page := []byte("<html><head><title>Council story</title></head><body><article>" +
		strings.Repeat("<p>The council met on Tuesday to discuss the budget for the coming year, and members argued at length.</p>", 10) +
		"</article></body></html>")
	ex := New(Options{})
	for _, truncated := range []bool{false, true} {
		res, err := ex.Extract(context.Background(), Input{URL: "https://a.example/news/2024/05/01/council", HTML: page, Truncated: truncated})
		if err != nil {
			t.Fatal(err)
		}
		if res.IsArticle == truncated || res.Truncated != truncated {
			t.Errorf("truncated input %v: IsArticle %v, Truncated %v (%s)", truncated, res.IsArticle, res.Truncated, res.Reason)
		}
	}
}

// FuzzBound: bound never returns more than maxBytes and keeps a page
// within both limits as it is.
func FuzzBound(f *testing.F) {
	f.Add([]byte("<html><head><script>var a='<p>';</script></head><body><p>x</p><svg><text>y</text></svg><!-- c --></body></html>"), 40, 3)
	f.Add([]byte(strings.Repeat("<div>", 100)+"text"), 1000, 10)
	f.Add([]byte("<template><p>t</template><style>p{}</style><p>z"), 10, 100)
	f.Fuzz(func(t *testing.T, page []byte, maxBytes, maxElems int) {
		if maxBytes <= 0 || maxElems <= 0 || maxBytes > 1<<20 || maxElems > 1<<16 {
			return
		}
		out, _ := bound(page, maxBytes, maxElems)
		if len(page) <= maxBytes && bytes.Count(page, []byte{'<'}) <= 2*maxElems {
			if !bytes.Equal(out, page) {
				t.Fatal("a page within the limits changed")
			}
			return
		}
		if len(out) > maxBytes {
			t.Fatalf("%d bytes out, limit %d", len(out), maxBytes)
		}
	})
}
