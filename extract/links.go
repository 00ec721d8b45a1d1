package extract

import (
	"strings"

	"golang.org/x/net/html"

	"github.com/syndex/syndex/extract/internal/dom"
	"github.com/syndex/syndex/extract/internal/scan"
)

// linkShareTable computes linkShares for a page once, when first asked:
// several rules consult it, most pages need it for none.
type linkShareTable struct {
	doc *html.Node
	m   map[string]float64
}

// get returns the share of link text of the paragraph whose text is t.
func (l *linkShareTable) get(t string) (float64, bool) {
	if l.m == nil {
		l.m = linkShares(l.doc)
	}
	s, ok := l.m[t]
	return s, ok
}

// linkShares maps the text of every paragraph of the page (the text of
// a block element outside its nested blocks, white space collapsed) to
// the share of that text which is link text.
func linkShares(doc *html.Node) map[string]float64 {
	stats := map[*html.Node]*linkText{}
	var order []*html.Node
	linkTexts(doc, 0, nil, false, stats, &order)
	out := make(map[string]float64, len(order))
	for _, n := range order {
		a := stats[n]
		if a.total == 0 {
			continue
		}
		t := scan.CollapseSpace(a.sb.String())
		share := float64(a.lnk) / float64(a.total)
		// The same text in several places: keep the lower share.
		if old, ok := out[t]; !ok || share < old {
			out[t] = share
		}
	}
	return out
}

// linkText is a paragraph's text, its length and how much of it is link
// text (trimmed text node lengths).
type linkText struct {
	sb         strings.Builder
	total, lnk int
}

// linkTexts reads the text below n into the paragraph of its block
// element in stats (order lists the block elements with text, in the
// order first met); inLink says n is inside a link.
func linkTexts(n *html.Node, depth int, block *html.Node, inLink bool, stats map[*html.Node]*linkText, order *[]*html.Node) {
	if depth > dom.MaxDepth {
		return
	}
	switch n.Type {
	case html.TextNode:
		if block != nil {
			addLinkText(stats, order, block, n.Data, inLink)
		}
		return
	case html.ElementNode:
		if dom.SkipTags[n.Data] {
			return
		}
		if dom.BlockTags[n.Data] {
			block = n
		}
		if n.Data == "a" {
			inLink = true
		}
		if n.Data == "br" && block != nil && stats[block] != nil {
			stats[block].sb.WriteByte(' ')
		}
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		linkTexts(c, depth+1, block, inLink, stats, order)
	}
}

// addLinkText counts a text node's text in its block element's paragraph.
func addLinkText(stats map[*html.Node]*linkText, order *[]*html.Node, block *html.Node, text string, inLink bool) {
	a := stats[block]
	if a == nil {
		a = &linkText{}
		stats[block] = a
		*order = append(*order, block)
	}
	a.sb.WriteString(text)
	k := len(strings.TrimSpace(text))
	a.total += k
	if inLink {
		a.lnk += k
	}
}

// dropLinkParagraphs removes the short paragraphs that end the text and
// are, in the page, almost all link text: the related-stories list or
// link row that follows an article inside its container. Inside the text
// such paragraphs stay (a linked product name, a cited source), as do
// long paragraphs with many links.
func dropLinkParagraphs(shares *linkShareTable, blocks []dom.Block) []dom.Block {
	if len(blocks) < 2 {
		return blocks
	}
	n := len(blocks)
	for n > 1 {
		b := blocks[n-1]
		if isHeading(b.Tag) {
			n--
			continue
		}
		if scan.FieldCount(b.Text) > maxLinkWords {
			break
		}
		if s, ok := shares.get(b.Text); ok && s >= minLinkShare {
			n--
			continue
		}
		break
	}
	return blocks[:n]
}

// maxLinkWords and minLinkShare define a link paragraph.
const (
	maxLinkWords = 20
	minLinkShare = 0.6
)
