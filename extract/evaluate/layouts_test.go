package evaluate

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// articlePage is a small news page written for these tests.
const articlePage = `<!doctype html><html lang="en"><head><title>Harbour reopens after storm | Coast Courier</title>
<meta property="og:title" content="Harbour reopens after storm">
<meta name="author" content="Mara Quill">
<meta property="article:published_time" content="2024-03-05T08:00:00+01:00"></head>
<body><nav><a href="/">Home</a> <a href="/sport">Sport</a></nav>
<article><h1>Harbour reopens after storm</h1>
<p>The harbour reopened on Tuesday after three days of closure, the port authority said in a statement issued at dawn.</p>
<p>Fishing boats queued at the entrance while divers checked the quay walls for damage left by the waves.</p>
<p>Repairs to the northern breakwater will take until the summer, according to engineers working for the council.</p>
</article><footer>Subscribe to our newsletter for daily updates</footer></body></html>`

func writeGz(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	if _, err := io.WriteString(zw, content); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestEvalCorpusLayouts runs Corpus over tiny corpora in the
// trafilatura and Readability layouts and checks what it counts.
func TestEvalCorpusLayouts(t *testing.T) {
	tests := []struct {
		name   string
		build  func(t *testing.T, dir string)
		metric string
		f1     float64 // exact expected F1 (segment metric) or minimum (shingles)
		title  float64
		date   float64
		author float64
		lang   float64
	}{
		{
			name: "trafilatura",
			build: func(t *testing.T, dir string) {
				writeGz(t, filepath.Join(dir, "html", "harbour.html.gz"), articlePage)
				writeFile(t, filepath.Join(dir, "evaldata.json"), `{
 "https://courier.example/harbour": {"file": "harbour.html",
   "with": ["three days of closure", "divers checked the quay walls", "not in the page at all"],
   "without": ["Subscribe to our newsletter", "Sport"],
   "title": "Harbour reopens after storm", "author": ["Mara Quill"], "date": "2024-03-05"},
 "https://courier.example/other": {"file": "harbour.html",
   "with": ["northern breakwater"], "without": [],
   "title": "A different headline", "author": "Someone Else", "date": "2023-01-01"}}`)
			},
			// with: 3 found of 4 (TP 3, FN 1); without: none found (FP 0).
			metric: "segments", f1: 6.0 / 7.0, title: 0.5, date: 0.5, author: 0.5,
		},
		{
			name: "readability",
			build: func(t *testing.T, dir string) {
				c := filepath.Join(dir, "pages", "harbour")
				writeGz(t, filepath.Join(c, "source.html.gz"), articlePage)
				writeGz(t, filepath.Join(c, "expected.html.gz"), `<div><p>The harbour reopened on Tuesday after three days of closure, the port authority said in a statement issued at dawn.</p>
<p>Fishing boats queued at the entrance while divers checked the quay walls for damage left by the waves.</p>
<p>Repairs to the northern breakwater will take until the summer, according to engineers working for the council.</p></div>`)
				writeFile(t, filepath.Join(c, "expected-metadata.json"), `{"title": "Harbour reopens after storm", "byline": "By Mara Quill", "publishedTime": "2024-03-05T07:00:00Z", "lang": "en"}`)
			},
			metric: "shingles", f1: 0.9, title: 1, date: 1, author: 1, lang: 1,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			tc.build(t, dir)
			s, err := Corpus(context.Background(), dir, io.Discard)
			if err != nil {
				t.Fatal(err)
			}
			if len(s.Corpora) != 1 {
				t.Fatalf("got %d corpora, want 1", len(s.Corpora))
			}
			cs := s.Corpora[0]
			if cs.Metric != tc.metric {
				t.Errorf("metric %q, want %q", cs.Metric, tc.metric)
			}
			if tc.metric == "segments" && !near(cs.F1, tc.f1) || tc.metric == "shingles" && cs.F1 < tc.f1 {
				t.Errorf("F1 %.3f, want %.3f", cs.F1, tc.f1)
			}
			if !near(cs.LangAccuracy, tc.lang) {
				t.Errorf("lang accuracy %.2f, want %.2f", cs.LangAccuracy, tc.lang)
			}
			if !near(cs.TitleAccuracy, tc.title) || !near(cs.DateAccuracy, tc.date) || !near(cs.AuthorAccuracy, tc.author) {
				t.Errorf("title/date/author = %.2f/%.2f/%.2f, want %.2f/%.2f/%.2f", cs.TitleAccuracy, cs.DateAccuracy, cs.AuthorAccuracy, tc.title, tc.date, tc.author)
			}
		})
	}
}

func near(a, b float64) bool { return a-b < 1e-9 && b-a < 1e-9 }

func TestSameAuthors(t *testing.T) {
	tests := []struct {
		truth []string
		got   string
		want  bool
	}{
		{[]string{"Mara Quill"}, "Mara Quill", true},
		{[]string{"Mara Quill"}, "By Mara Quill", true},
		{[]string{"Mara Quill", "Tom Reed"}, "Tom Reed and Mara Quill", true},
		{[]string{"Mara Quill", "Tom Reed"}, "Mara Quill", false},
		{[]string{"Mara Quill"}, "Mara Quill | Coast Courier", false},
		{[]string{"Mara Quill"}, "", false},
		{[]string{"Trine Jørgensen", "Tôrtia Reimer"}, "Trine Jørgensen og Tôrtia Reimer", true},
	}
	for _, tc := range tests {
		if got := sameAuthors(tc.truth, tc.got); got != tc.want {
			t.Errorf("sameAuthors(%q, %q) = %v, want %v", tc.truth, tc.got, got, tc.want)
		}
	}
}

func TestSameLang(t *testing.T) {
	for _, tc := range []struct {
		truth, got string
		want       bool
	}{{"en-US", "en", true}, {"en", "en", true}, {"pt_BR", "pt", true}, {"en", "fr", false}, {"en", "", false}} {
		if got := sameLang(tc.truth, tc.got); got != tc.want {
			t.Errorf("sameLang(%q, %q) = %v", tc.truth, tc.got, got)
		}
	}
}

func TestTruthParsing(t *testing.T) {
	if got := splitTruthAuthors("['A B', 'C D']"); len(got) != 2 || got[1] != "C D" {
		t.Errorf("python list: %q", got)
	}
	for _, s := range []string{"2024-03-05", "2024-03-05T07:00:00Z", "2024-03-05 07:00:00.123456+00:00"} {
		if d := parseTruthDate(s); d.Year() != 2024 || d.Day() != 5 {
			t.Errorf("parseTruthDate(%q) = %v", s, d)
		}
	}
	if !parseTruthDate("March 5").IsZero() {
		t.Error("unparseable date should be zero")
	}
}

// TestEvalAttributionLayout scores labelled credit lines: one credit that
// must be found, one figure source that must not be read as a credit.
func TestEvalAttributionLayout(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "credits")
	closing := `<html><head><title>Storm warning</title></head><body><article><h1>Storm warning</h1>
<p>Forecasters warned of gales along the whole coast on Wednesday, with gusts above one hundred kilometres an hour.</p>
<p>Ferries were cancelled and schools in three districts closed early as the wind rose through the afternoon.</p>
<p>Source: Environment Canada</p></article></body></html>`
	figure := `<html><head><title>Rents climb</title></head><body><article><h1>Rents climb</h1>
<p>Rents rose faster than wages for the fifth year in a row, the latest survey of landlords shows across the region.</p>
<p>Source: Regional Housing Survey</p>
<p>Tenants' groups called for a cap on increases, while landlords pointed to higher interest rates on their loans.</p>
<p>The council will debate the figures next month, when its housing committee meets for the last time this year.</p>
<p>Ministers have promised a review but set no date for it, and the opposition says the delay costs families money.</p></article></body></html>`
	writeGz(t, filepath.Join(root, "pages", "storm.html.gz"), closing)
	writeGz(t, filepath.Join(root, "pages", "rents.html.gz"), figure)
	writeFile(t, filepath.Join(dir, "attribution-lines.tsv"), "source_file\tline_as_seen\tlabel\tcredited_source\n"+
		"pages/storm.html.gz\tSource: Environment Canada\tsource credit (data)\tEnvironment Canada\n"+
		"pages/rents.html.gz\tSource: Regional Housing Survey (figure)\tnot attribution (false positive)\t\n"+
		"pages/storm.html.gz\tSource: Storm Desk\tself credit\tStorm Desk (itself)\n")
	s, err := Corpus(context.Background(), dir, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Attribution) != 1 {
		t.Fatalf("got %d attribution scores, want 1", len(s.Attribution))
	}
	got := s.Attribution[0]
	want := AttributionScore{Name: "credits", Credits: 1, Found: 1, NonCredits: 1, Misread: 0}
	if got != want {
		t.Errorf("got %+v, want %+v", got, want)
	}
}

func TestCreditMatches(t *testing.T) {
	tests := []struct {
		credited, source string
		want             bool
	}{
		{"The Conversation", "https://theconversation.com/why-bridges-fall-123", true},
		{"Inside Climate News", "insideclimatenews.org", true},
		{"The Associated Press", "apnews.com", true}, // a known outlet resolved to its site
		{"The Associated Press", "reuters.com", false},
		{"Reuters", "", false},
		{"Valley Ledger", "https://othersite.example/x", false},
	}
	for _, tc := range tests {
		if got := creditMatches(tc.credited, tc.source); got != tc.want {
			t.Errorf("creditMatches(%q, %q) = %v, want %v", tc.credited, tc.source, got, tc.want)
		}
	}
}
