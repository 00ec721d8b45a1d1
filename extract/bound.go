package extract

import (
	"bytes"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"

	"github.com/syndex/syndex/extract/internal/dom"
)

// The bounds on one page's extraction. News articles are far inside them
// (measured on the real corpora: HTML at most 2.2 MB, almost all of it
// scripts; at most 10,112 elements, 95 levels deep; article text at most
// 96 KB), and a hostile page cannot make extraction cost more than they
// allow: gigabytes and tens of seconds of CPU for 10 MiB of unclosed
// <div>s before they existed.
const (
	// DefaultMaxBytes is the default Options.MaxBytes.
	DefaultMaxBytes = 2 << 20
	// DefaultMaxElements is the default Options.MaxElements.
	DefaultMaxElements = 30000
	// DefaultMaxText is the default Options.MaxText.
	DefaultMaxText = 256 << 10
	// maxFieldBytes caps a one-line field (title, author, site name,
	// source): a few hundred bytes in any real page.
	maxFieldBytes = 2048
	// fallbackElements is the most elements a page may have for the
	// fallback extractors (Readability, DOM Distiller) to run: each
	// clones the DOM, and no real page comes near it.
	fallbackElements = 15000
	// maxDOMText is the most text (bytes of text nodes outside scripts
	// and styles, white space included) extraction reads from a page:
	// real pages hold at most 495 KB.
	maxDOMText = 1 << 20
	// maxParagraphs is the most <p> elements extraction reads from a
	// page: real pages hold at most 720.
	maxParagraphs = 2000
)

// bound makes a UTF-8 page fit in maxBytes and in about maxElements
// elements before it is parsed, so that a hostile page costs the parser
// no more than a large real one: 10 MiB of balanced 500-deep <div>s are a
// million nodes, each end tag a walk up the stack. A page within both
// (counting a '<' per two elements) is returned as it is. Otherwise the
// content of scripts (not JSON-LD), styles, <svg>, <template> and
// comments is dropped — most of the bytes of large real pages — the tags
// after the first maxElements start tags are dropped (their text stays),
// and the rest is cut at a token boundary once maxBytes bytes are
// written. It reports whether it cut anything extraction would have read.
func bound(src []byte, maxBytes, maxElements int) ([]byte, bool) {
	if len(src) <= maxBytes && bytes.Count(src, []byte{'<'}) <= 2*maxElements {
		return src, false
	}
	out := make([]byte, 0, min(len(src), maxBytes))
	z := html.NewTokenizer(bytes.NewReader(src))
	var d rawDropper
	tags, cut := 0, false
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			return out, cut // whole input read
		}
		raw := z.Raw()
		name := tagName(z, tt)
		if d.drop(tt, name, raw) {
			continue
		}
		if name != "" && tags >= maxElements {
			// Over the element budget: the tags go, their text stays.
			cut = true
			continue
		}
		if tt == html.StartTagToken || tt == html.SelfClosingTagToken {
			tags++
		}
		if len(out)+len(raw) > maxBytes {
			return out, true
		}
		out = append(out, raw...)
	}
}

// tagName returns the name of the tag token just read, "" when it is not
// a tag.
func tagName(z *html.Tokenizer, tt html.TokenType) string {
	if tt != html.StartTagToken && tt != html.EndTagToken && tt != html.SelfClosingTagToken {
		return ""
	}
	n, _ := z.TagName()
	return string(n)
}

// rawDropper follows what bound drops: comments and the content of
// <style>, <template>, <script> (but JSON-LD) and <svg> elements, whose
// start and end tags stay.
type rawDropper struct {
	skip string // inside a dropped raw-text element
	svg  int    // <svg> nesting
}

// drop reports whether a token (tt, its tag name, its raw bytes) goes.
func (d *rawDropper) drop(tt html.TokenType, name string, raw []byte) bool {
	switch {
	case tt == html.CommentToken:
		return true
	case d.skip != "":
		return d.inSkipped(tt, name)
	case d.svg > 0:
		return d.inSVG(tt, name)
	case tt == html.StartTagToken && name == "svg":
		d.svg = 1
	case tt == html.StartTagToken && (name == "style" || name == "template" ||
		name == "script" && !isJSONLD(raw)):
		d.skip = name
	}
	return false
}

// inSkipped drops the content of a raw-text element; its end tag stays.
func (d *rawDropper) inSkipped(tt html.TokenType, name string) bool {
	if tt == html.EndTagToken && name == d.skip {
		d.skip = ""
		return false // keep the end tag
	}
	return true
}

// inSVG drops the content of an <svg>, nested ones included; its end tag
// stays.
func (d *rawDropper) inSVG(tt html.TokenType, name string) bool {
	switch {
	case tt == html.StartTagToken && name == "svg":
		d.svg++
	case tt == html.EndTagToken && name == "svg":
		d.svg--
	}
	return d.svg > 0
}

// isJSONLD reports whether a raw <script ...> start tag declares JSON-LD.
func isJSONLD(startTag []byte) bool {
	return bytes.Contains(bytes.ToLower(startTag), []byte("ld+json"))
}

// domBudget is how much of a parsed page extraction works on; what comes
// after the first node over any of the limits is removed.
type domBudget struct {
	elements   int // elements in all
	text       int // bytes of text nodes
	paragraphs int // <p> elements
}

// pruneDOM keeps the document's nodes, in document order, up to the
// first one over a limit of b and removes that node and every later one;
// a text node over the text limit keeps the part that fits. It returns how
// many elements the document keeps and whether it removed anything. The
// <head> comes first, so metadata survives.
//
// The paragraph limit exists because go-trafilatura concatenates the text
// of every <p> once per <p>: its time grows with paragraphs × text.
func pruneDOM(root *html.Node, b domBudget) (int, bool) {
	p := domPruner{budget: b}
	pruned := p.walk(root, 0)
	return p.elements, pruned
}

// domPruner is pruneDOM's walk: what the nodes passed so far take of the
// budget.
type domPruner struct {
	budget                     domBudget
	elements, text, paragraphs int
}

// walk counts n and the nodes below it against the budget; true once it
// removed the node over it and everything after.
func (p *domPruner) walk(n *html.Node, depth int) bool {
	if p.over(n) {
		return true
	}
	if depth > dom.MaxDepth || n.Type == html.ElementNode && rawText[n.Data] {
		return false // a script's or style's text is no page text
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if p.walk(c, depth+1) {
			return true
		}
	}
	return false
}

// over counts node n and, when it goes over the budget, removes it (a text
// node keeps the part that fits) and every node after it.
func (p *domPruner) over(n *html.Node) bool {
	b := p.budget
	switch n.Type {
	case html.ElementNode:
		p.elements++
		if n.Data == "p" {
			p.paragraphs++
		}
		if p.elements > b.elements || p.paragraphs > b.paragraphs {
			p.elements--
			removeFrom(n, true)
			return true
		}
	case html.TextNode:
		if p.text+len(n.Data) > b.text {
			n.Data = truncateUTF8(n.Data, b.text-p.text)
			removeFrom(n, false)
			return true
		}
		p.text += len(n.Data)
	}
	return false
}

// rawText are the elements whose content is not page text.
var rawText = map[string]bool{"script": true, "style": true, "noscript": true, "template": true, "textarea": true, "xmp": true, "iframe": true, "noembed": true, "noframes": true}

// removeFrom removes every node after n in document order (its later
// siblings, then the later siblings of each ancestor), and n itself when
// inclusive.
func removeFrom(n *html.Node, inclusive bool) {
	start := n.NextSibling
	if inclusive {
		start = n
	}
	for p := n.Parent; p != nil; p, start = p.Parent, p.NextSibling {
		for c := start; c != nil; {
			next := c.NextSibling
			p.RemoveChild(c)
			c = next
		}
	}
}

// capText cuts paragraphs (separated by "\n\n") to at most limit bytes in
// all, at a paragraph boundary when one is in the last quarter of the
// budget, else at a rune boundary. It reports whether it cut.
func capText(s string, limit int) (string, bool) {
	if len(s) <= limit {
		return s, false
	}
	cut := truncateUTF8(s, limit)
	if i := strings.LastIndex(cut, "\n\n"); i >= limit*3/4 {
		cut = cut[:i]
	}
	return strings.TrimSpace(cut), true
}

// capBlocks keeps the leading strings of list while their total length
// stays within limit; a string that does not fit is cut at a rune
// boundary and ends the list.
func capBlocks(list []string, limit int) ([]string, bool) {
	total := 0
	for i, s := range list {
		if total+len(s) > limit {
			if rest := limit - total; rest > 0 {
				list[i] = truncateUTF8(s, rest)
				i++
			}
			return list[:i], true
		}
		total += len(s)
	}
	return list, false
}

// truncateUTF8 cuts s to at most n bytes without splitting a rune.
func truncateUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
