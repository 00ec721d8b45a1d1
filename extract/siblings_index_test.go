package extract

import (
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/syndex/syndex/extract/internal/dom"
)

// TestIndexTextMatchesNodeText: the text index gives every element the
// same text nodeText computes for it.
func TestIndexTextMatchesNodeText(t *testing.T) {
	pages := []string{
		`<html><body><div class="a"><p>One  two&nbsp;three</p><p>four<br>five</p></div><script>x()</script><div><span>six</span> <b>seven</b><ul><li>eight</li><li> nine </li></ul></div></body></html>`,
		`<html><head><title>T</title></head><body>   lead <em>text</em><table><tr><td>cell one</td><td>cell two</td></tr></table>tail</body></html>`,
		`<p>unclosed <div>nested <section>deep<p>deeper</section>`,
	}
	for i, src := range pages {
		doc, err := html.Parse(strings.NewReader(src))
		if err != nil {
			t.Fatal(err)
		}
		dt := indexText(doc)
		n := 0
		dom.WalkElements(doc, func(e *html.Node) bool {
			if dom.SkipTags[e.Data] {
				return false
			}
			n++
			if got, want := dt.text(e), dom.NodeText(e); got != want {
				t.Errorf("page %d <%s>: index %q, nodeText %q", i, e.Data, got, want)
			}
			return true
		})
		if n < 5 {
			t.Errorf("page %d: only %d elements checked", i, n)
		}
	}
}
