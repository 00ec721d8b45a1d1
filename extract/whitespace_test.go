package extract

import (
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

func TestDropLayoutWhitespace(t *testing.T) {
	tests := []struct {
		name, page string
		// dropped is how many white-space text nodes go; the page's
		// text, read as paragraphs, must not change.
		dropped int
	}{
		{"indented blocks", "<html>\n<head>\n<title>T</title>\n</head>\n<body>\n<div>\n  <p>One two.</p>\n  <p>Three.</p>\n</div>\n</body>\n</html>", 8},
		{"between inline elements", "<body><p><a href=/a>One</a> <a href=/b>two</a>\n<b>three</b></p></body>", 0},
		{"between a block and inline text", "<body><div><p>One.</p> <span>Two</span> <p>Three.</p></div></body>", 0},
		{"list of links", "<body><ul>\n<li><a href=/a>One</a></li>\n<li><a href=/b>Two</a></li>\n</ul></body>", 3},
		{"preformatted", "<body><pre>\n<div>a</div>\n<div>b</div>\n</pre></body>", 0},
		{"between comments inside a sentence", "<body><p>When <!-- -->President<!-- --> <!-- -->Trump</p>\n<!-- end -->\n<p>Next.</p></body>", 2},
		{"table", "<body><table>\n<tr>\n<td>One</td>\n<td>Two</td>\n</tr>\n</table></body>", 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := html.Parse(strings.NewReader(tt.page))
			if err != nil {
				t.Fatal(err)
			}
			orig, err := html.Parse(strings.NewReader(tt.page))
			if err != nil {
				t.Fatal(err)
			}
			before, nodes := textOf(doc), whitespaceNodes(doc)
			dropLayoutWhitespace(doc)
			if got := nodes - whitespaceNodes(doc); got != tt.dropped {
				t.Errorf("dropped %d white-space nodes, want %d", got, tt.dropped)
			}
			if after := textOf(doc); after != before {
				t.Errorf("text changed:\n%q\nwas\n%q", after, before)
			}
			// Read as one run of text, the words stay apart.
			if got, want := strings.Fields(textContent(doc)), strings.Fields(textContent(orig)); !slices.Equal(got, want) {
				t.Errorf("text content's words %q, were %q", got, want)
			}
		})
	}
}

// textContent is n's text nodes joined as they are, as the DOM's
// textContent reads them.
func textContent(n *html.Node) string {
	if n.Type == html.TextNode {
		return n.Data
	}
	var b strings.Builder
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		b.WriteString(textContent(c))
	}
	return b.String()
}

func whitespaceNodes(n *html.Node) int {
	count := 0
	if n.Type == html.TextNode && strings.TrimSpace(n.Data) == "" {
		count++
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		count += whitespaceNodes(c)
	}
	return count
}
