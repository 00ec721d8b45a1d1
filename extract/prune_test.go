package extract

import (
	"bytes"
	"strings"
	"testing"

	"github.com/markusmobius/go-trafilatura"
	"golang.org/x/net/html"
)

// TestPruneCleaned holds pruneCleaned to its promise: go-trafilatura's
// main text (no fallback) is the same with and without the pruned
// subtrees, what is pruned is what the test expects, and restore gives
// back the page byte for byte.
func TestPruneCleaned(t *testing.T) {
	story := strings.Repeat("The council voted on the budget for the coming year after a long debate. ", 6)
	tests := []struct {
		name, body string
		pruned     int // subtrees and their tails' text nodes taken out
	}{
		{"furniture around the story", `<nav><a href=/>Home</a> <a href=/news>News</a></nav>
<article><h1>Budget</h1><p>` + story + `</p><figure><img src=a.jpg><figcaption>A caption.</figcaption></figure><p>` + story + `</p></article>
<aside><h2>Most read</h2><p>Another story entirely.</p></aside><footer><p>© Example</p></footer>`, 5},
		{"tail text goes with the element", `<article><p>` + story + ` Updated <time datetime="2024-01-02">2 Jan</time> by the desk.</p><p>` + story + `</p></article>`, 2},
		{"tail running into a stripped element is left alone", `<article><p>` + story + `<time>2 Jan</time> by <small>the desk</small> today.</p><p>` + story + `</p></article>`, 0},
		{"parent stripped is left alone", `<article><p>` + story + `<font><time>2 Jan</time> by the desk</font> today.</p></article>`, 0},
		{"figure holding a table stays", `<article><p>` + story + `</p><figure><table><tr><td>Votes</td><td>12</td></tr></table></figure><p>` + story + `</p></article>`, 0},
		{"JSON-LD stays, other scripts go", `<script type="application/ld+json">{"@type":"NewsArticle","headline":"Budget"}</script><script>var x = 1;</script>
<article><p>` + story + `</p></article>`, 2},
		{"a form wrapping the page stays", `<form id=aspnetForm><div><p>` + story + `</p><p>` + story + `</p></div><input type=hidden name=v value=1></form>`, 1},
		{"comments", `<article><!-- ad slot --><p>` + story + `</p><!-- end --></article>`, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			page := "<!DOCTYPE html><html><head><title>Budget</title><meta name=author content=\"A. Writer\"></head><body>" + tt.body + "</body></html>"
			doc, err := html.Parse(strings.NewReader(page))
			if err != nil {
				t.Fatal(err)
			}
			before := render(t, doc)
			opt := trafilatura.Options{ExcludeComments: true, HtmlDateMode: trafilatura.Disabled}
			want, err := trafilatura.ExtractDocument(doc, opt)
			if err != nil {
				t.Fatal(err)
			}
			cut := pruneCleaned(doc)
			if len(cut) != tt.pruned {
				t.Errorf("pruned %d nodes, want %d", len(cut), tt.pruned)
			}
			got, err := trafilatura.ExtractDocument(doc, opt)
			if err != nil {
				t.Fatal(err)
			}
			cut.restore()
			if got.ContentText != want.ContentText {
				t.Errorf("main text changed:\n%q\nwas\n%q", got.ContentText, want.ContentText)
			}
			if after := render(t, doc); after != before {
				t.Errorf("restore changed the page:\n%s\nwas\n%s", after, before)
			}
		})
	}
}

func render(t *testing.T, doc *html.Node) string {
	t.Helper()
	var b bytes.Buffer
	if err := html.Render(&b, doc); err != nil {
		t.Fatal(err)
	}
	return b.String()
}
