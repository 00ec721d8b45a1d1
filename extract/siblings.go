package extract

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"

	"github.com/syndex/syndex/extract/internal/dom"
	"github.com/syndex/syndex/extract/internal/scan"
)

// expandSiblings recovers article text that the page splits across
// several containers of the same kind (body chunks separated by ads or
// promos), of which the main-text extractor keeps only one. It finds the
// container in doc that holds the extracted text and appends the
// paragraphs of its siblings that share its tag and class.
func expandSiblings(doc *html.Node, blocks []dom.Block) []dom.Block {
	first, last := extractionEnds(blocks)
	if first == "" {
		return blocks
	}
	dt := indexText(doc)
	box := holder(doc, dt, first, last)
	extracted := 0
	for _, b := range blocks {
		extracted += scan.CountTokens(b.Text)
	}
	// Climb (a few levels at most) to the nearest ancestor with a class
	// that has like siblings, while that ancestor is still mostly the
	// extracted text.
	level := 0
	for n := box; n != nil && n.Type == html.ElementNode && level < maxClimb; n, level = n.Parent, level+1 {
		// An <article> is a whole story: its siblings are other stories.
		if n.Data == "article" || 2*extracted < scan.CountTokens(dt.text(n)) {
			break
		}
		if after := continuations(n); len(after) > 0 {
			return append(blocks, after...)
		}
	}
	return blocks
}

// extractionEnds returns the first and last paragraphs of at least 60
// bytes of the extraction ("" when there is none).
func extractionEnds(blocks []dom.Block) (first, last string) {
	for _, b := range blocks {
		if len(b.Text) >= 60 {
			if first == "" {
				first = b.Text
			}
			last = b.Text
		}
	}
	return first, last
}

// holder returns the deepest element of doc whose text holds both ends of
// the extraction (nil when none does).
func holder(doc *html.Node, dt *docText, first, last string) *html.Node {
	var box *html.Node
	var find func(n *html.Node, depth int) bool
	find = func(n *html.Node, depth int) bool {
		if depth > dom.MaxDepth {
			return false
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode || dom.SkipTags[c.Data] {
				continue
			}
			t := dt.text(c)
			if strings.Contains(t, first[:min(len(first), 120)]) && strings.Contains(t, last[max(0, len(last)-120):]) {
				if !find(c, depth+1) {
					box = c
				}
				return true
			}
		}
		return false
	}
	find(doc, 0)
	return box
}

// continuations returns the paragraphs of the siblings after n that share
// its tag and class and hold at least two long paragraphs. Containers
// before n are more often other stories (CBS-style river pages).
func continuations(n *html.Node) []dom.Block {
	cls := dom.Attr(n, "class")
	if cls == "" || n.Parent == nil {
		return nil
	}
	var after []dom.Block
	seen := false
	for s := n.Parent.FirstChild; s != nil; s = s.NextSibling {
		if s == n {
			seen = true
			continue
		}
		if s.Type != html.ElementNode || s.Data != n.Data || dom.Attr(s, "class") != cls {
			continue
		}
		if ps := paragraphsOf(s); longParagraphs(ps) >= 2 && seen {
			after = append(after, ps...)
		}
	}
	return after
}

// longParagraphs counts the paragraphs of 80 bytes or more.
func longParagraphs(ps []dom.Block) int {
	long := 0
	for _, p := range ps {
		if len(p.Text) >= 80 {
			long++
		}
	}
	return long
}

// maxClimb bounds how far above the extracted text a split container is
// looked for.
const maxClimb = 3

// paragraphTags are the elements whose text counts as article paragraphs
// when a sibling container is added.
var paragraphTags = map[string]bool{"p": true, "h2": true, "h3": true, "h4": true, "li": true, "blockquote": true}

// furnitureTags hold captions, promos and forms, not article text.
var furnitureTags = map[string]bool{"figure": true, "aside": true, "nav": true, "form": true, "button": true, "footer": true, "header": true}

func paragraphsOf(root *html.Node) []dom.Block {
	var out []dom.Block
	dom.WalkElements(root, func(n *html.Node) bool {
		if dom.SkipTags[n.Data] || furnitureTags[n.Data] {
			return false
		}
		if paragraphTags[n.Data] {
			if t := dom.NodeText(n); t != "" {
				out = append(out, dom.Block{Text: t, Tag: n.Data})
			}
			return false
		}
		return true
	})
	return out
}

// docText is a document's collapsed text (as nodeText gives it) with the
// span of every element in it, so that the text of any element is a
// substring built once rather than a fresh walk per element.
type docText struct {
	buf  string
	span map[*html.Node][2]int
}

// indexText builds the docText of root in one walk.
func indexText(root *html.Node) *docText {
	// Size the text and the span table first: growing them as the walk
	// goes costs more than this walk.
	elems, textBytes := measureText(root, 0)
	x := &textIndexer{span: make(map[*html.Node][2]int, elems)}
	x.sb.Grow(textBytes)
	x.walk(root, 0)
	return &docText{buf: x.sb.String(), span: x.span}
}

// measureText counts the elements below n that indexText spans and the
// bytes of their text nodes.
func measureText(n *html.Node, depth int) (elems, textBytes int) {
	if depth > dom.MaxDepth {
		return 0, 0
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		switch c.Type {
		case html.TextNode:
			textBytes += len(c.Data)
		case html.ElementNode:
			if !dom.SkipTags[c.Data] {
				e, t := measureText(c, depth+1)
				elems += 1 + e
				textBytes += t
			}
		}
	}
	return elems, textBytes
}

// textIndexer is indexText's walk: the collapsed text so far, the span of
// each element walked, and whether a space is owed before the next
// visible character.
type textIndexer struct {
	sb      strings.Builder
	span    map[*html.Node][2]int
	pending bool
}

// walk writes the text below n, recording each element's span; a block
// element ends with a space owed.
func (x *textIndexer) walk(n *html.Node, depth int) {
	if depth > dom.MaxDepth {
		return
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		switch c.Type {
		case html.TextNode:
			x.write(c.Data)
		case html.ElementNode:
			if dom.SkipTags[c.Data] {
				continue
			}
			start := x.sb.Len()
			x.walk(c, depth+1)
			x.span[c] = [2]int{start, x.sb.Len()}
			if dom.BlockTags[c.Data] {
				x.pending = true
			}
		}
	}
}

// write appends s with its white space collapsed: a run of it is one
// space, written before the next visible character (never at the start).
func (x *textIndexer) write(s string) {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf && !scan.ASCIISpace[c] {
			i = x.writeASCII(s, i)
			continue
		}
		// Invalid bytes are written as U+FFFD, as ranging over s gives.
		r, w := rune(c), 1
		if c >= utf8.RuneSelf {
			r, w = utf8.DecodeRuneInString(s[i:])
		}
		i += w
		if c < utf8.RuneSelf || unicode.IsSpace(r) { // ASCII here is white space
			x.pending = true
			continue
		}
		x.owedSpace()
		x.sb.WriteRune(r)
	}
}

// writeASCII writes the run of visible ASCII of s that starts at i, whole,
// and returns where it ends.
func (x *textIndexer) writeASCII(s string, i int) int {
	j := i + 1
	for j < len(s) && s[j] < utf8.RuneSelf && !scan.ASCIISpace[s[j]] {
		j++
	}
	x.owedSpace()
	x.sb.WriteString(s[i:j])
	return j
}

// owedSpace writes the space owed before a visible character, if any.
func (x *textIndexer) owedSpace() {
	if x.pending && x.sb.Len() > 0 {
		x.sb.WriteByte(' ')
	}
	x.pending = false
}

// text returns n's collapsed text ("" for a node outside the index).
func (d *docText) text(n *html.Node) string {
	sp, ok := d.span[n]
	if !ok {
		return ""
	}
	return strings.TrimSpace(d.buf[sp[0]:sp[1]])
}
