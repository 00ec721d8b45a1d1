package extract

import (
	"golang.org/x/net/html"

	"github.com/syndex/syndex/extract/internal/dom"
)

// dropLayoutWhitespace removes the white-space-only text nodes that sit
// between block elements (or between a block container's edge and a
// block child): the indentation of the page's source, a fifth of a
// typical news page's nodes. A browser renders none of them, and every
// later pass over the tree (go-trafilatura's copies of it, Readability,
// the metadata walk) visits fewer nodes. White space beside inline
// content (between two links or spans, after a <br>) is kept: it
// separates words. So that text read across blocks without separators
// (a container's text content, as go-trafilatura's last-resort baseline
// and Readability's scoring read it) does not run two blocks' words
// together, the text before a removed node ends with a space.
func dropLayoutWhitespace(root *html.Node) {
	var lw layoutWhitespace
	lw.walk(root, 0)
}

// layoutWhitespace is dropLayoutWhitespace's walk: the last text node
// with more than white space.
type layoutWhitespace struct {
	last *html.Node
}

func (lw *layoutWhitespace) walk(n *html.Node, depth int) {
	if depth > dom.MaxDepth {
		return
	}
	blockParent := n.Type == html.DocumentNode || n.Type == html.ElementNode && layoutBlock[n.Data]
	for c := n.FirstChild; c != nil; {
		next := c.NextSibling
		switch c.Type {
		case html.TextNode:
			lw.text(n, c, blockParent)
		case html.ElementNode:
			switch c.Data {
			case "pre", "textarea", "script", "style", "template", "code", "listing", "plaintext", "xmp":
			default:
				lw.walk(c, depth+1)
			}
		}
		c = next
	}
}

// text removes the text node c of n when it is white space between blocks
// (ending the text before it with a space), or notes it as the last text.
func (lw *layoutWhitespace) text(n, c *html.Node, blockParent bool) {
	switch {
	case !isSpaceOnly(c.Data):
		lw.last = c
	case blockParent && blockSide(c.PrevSibling, false) && blockSide(c.NextSibling, true):
		n.RemoveChild(c)
		if lw.last != nil && !endsInSpace(lw.last.Data) {
			lw.last.Data += " "
		}
	}
}

func endsInSpace(s string) bool {
	if s == "" {
		return false
	}
	switch s[len(s)-1] {
	case ' ', '\t', '\n', '\r', '\f':
		return true
	}
	return false
}

// blockSide reports whether a white-space node's neighbour n, and the
// siblings beyond it in the same direction (next, or else previous),
// leave it between blocks: it reaches the container's edge or a block
// element before any text or inline element. Comments and white space
// are looked through: "President<!-- --> <!-- -->Trump" keeps its space.
func blockSide(n *html.Node, next bool) bool {
	for ; n != nil; n = sibling(n, next) {
		switch n.Type {
		case html.CommentNode, html.DoctypeNode:
			continue
		case html.ElementNode:
			return layoutBlock[n.Data]
		case html.TextNode:
			if isSpaceOnly(n.Data) {
				continue
			}
		}
		return false
	}
	return true
}

func sibling(n *html.Node, next bool) *html.Node {
	if next {
		return n.NextSibling
	}
	return n.PrevSibling
}

func isSpaceOnly(s string) bool {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ' ', '\t', '\n', '\r', '\f':
		default:
			return false
		}
	}
	return true
}

// layoutBlock are the elements that start a new line of their own (and
// the document's head and its children, which are not rendered).
var layoutBlock = map[string]bool{
	"html": true, "head": true, "body": true, "title": true, "meta": true, "link": true, "base": true,
	"address": true, "article": true, "aside": true, "blockquote": true, "dd": true, "details": true,
	"dialog": true, "div": true, "dl": true, "dt": true, "fieldset": true, "figcaption": true,
	"figure": true, "footer": true, "form": true, "h1": true, "h2": true, "h3": true, "h4": true,
	"h5": true, "h6": true, "header": true, "hgroup": true, "hr": true, "li": true, "main": true,
	"nav": true, "ol": true, "p": true, "section": true, "table": true, "tbody": true, "thead": true,
	"tfoot": true, "tr": true, "td": true, "th": true, "caption": true, "colgroup": true, "ul": true,
	"menu": true, "summary": true,
}
