package extract

import (
	"strings"

	"golang.org/x/net/html"
)

// expandSiblings recovers article text that the page splits across
// several containers of the same kind (body chunks separated by ads or
// promos), of which the main-text extractor keeps only one. It finds the
// container in doc that holds the extracted text and appends the
// paragraphs of its siblings that share its tag and class.
func expandSiblings(doc *html.Node, blocks []Block) []Block {
	if len(blocks) == 0 {
		return blocks
	}
	first, last := "", ""
	for _, b := range blocks {
		if len(b.Text) >= 60 {
			if first == "" {
				first = b.Text
			}
			last = b.Text
		}
	}
	if first == "" {
		return blocks
	}
	// The deepest element whose text holds both ends of the extraction.
	var box *html.Node
	var find func(n *html.Node, depth int) bool
	find = func(n *html.Node, depth int) bool {
		if depth > maxDepth {
			return false
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode || skipTags[c.Data] {
				continue
			}
			t := nodeText(c)
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
	extracted := 0
	for _, b := range blocks {
		extracted += len(Tokens(b.Text))
	}
	// Climb (a few levels at most) to the nearest ancestor with a class
	// that has like siblings, while that ancestor is still mostly the
	// extracted text.
	level := 0
	for n := box; n != nil && n.Type == html.ElementNode && level < maxClimb; n, level = n.Parent, level+1 {
		// An <article> is a whole story: its siblings are other stories.
		if n.Data == "article" || 2*extracted < len(Tokens(nodeText(n))) {
			break
		}
		cls := attr(n, "class")
		if cls == "" || n.Parent == nil {
			continue
		}
		var after []Block
		seen := false
		for s := n.Parent.FirstChild; s != nil; s = s.NextSibling {
			if s == n {
				seen = true
				continue
			}
			if s.Type != html.ElementNode || s.Data != n.Data || attr(s, "class") != cls {
				continue
			}
			ps := paragraphsOf(s)
			long := 0
			for _, p := range ps {
				if len(p.Text) >= 80 {
					long++
				}
			}
			if long < 2 {
				continue
			}
			// Only continuations: containers before the extracted one are
			// more often other stories (CBS-style river pages).
			if seen {
				after = append(after, ps...)
			}
		}
		if len(after) == 0 {
			continue
		}
		return append(blocks, after...)
	}
	return blocks
}

// maxClimb bounds how far above the extracted text a split container is
// looked for.
const maxClimb = 3

// paragraphTags are the elements whose text counts as article paragraphs
// when a sibling container is added.
var paragraphTags = map[string]bool{"p": true, "h2": true, "h3": true, "h4": true, "li": true, "blockquote": true}

// furnitureTags hold captions, promos and forms, not article text.
var furnitureTags = map[string]bool{"figure": true, "aside": true, "nav": true, "form": true, "button": true, "footer": true, "header": true}

func paragraphsOf(root *html.Node) []Block {
	var out []Block
	walkElements(root, func(n *html.Node) bool {
		if skipTags[n.Data] || furnitureTags[n.Data] {
			return false
		}
		if paragraphTags[n.Data] {
			if t := nodeText(n); t != "" {
				out = append(out, Block{Text: t, Tag: n.Data})
			}
			return false
		}
		return true
	})
	return out
}
