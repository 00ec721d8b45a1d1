package evaluate

import (
	"bytes"
	"regexp"
	"slices"
	"strings"

	"golang.org/x/net/html"
)

// This file reads truth given as HTML: the expected article of
// Readability's test pages and the labelled headline of L3S-GN1's
// annotated pages. It reads them with its own rules, which extraction's
// may not change: text breaks at the elements that end a paragraph, skips
// those that hold no readable text, and white space collapses.

// blockTags end a paragraph; skipTags hold no readable text.
var (
	blockTags = setOf(strings.Fields("p div h1 h2 h3 h4 h5 h6 li ul ol dl dt dd blockquote pre table tr section article header footer figure figcaption hr body main aside nav form address details summary caption thead tbody tfoot")...)
	skipTags  = setOf("script", "style", "noscript", "template", "svg", "head")
)

// maxDepth bounds recursion on deeply nested truth pages.
const maxDepth = 512

// invisibleRE matches formatting characters that do not show (soft
// hyphens, zero-width spaces and joiners, word joiners, byte-order marks),
// which would split a word in two.
var invisibleRE = regexp.MustCompile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")

// collapse trims s and folds every run of white space, no-break spaces
// included, into one space.
func collapse(s string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "\u00a0", " ")), " ")
}

// truthText returns the text of a truth page: its text nodes in order, a
// space after each paragraph-ending element, white space collapsed.
func truthText(n *html.Node) string {
	var sb strings.Builder
	var walk func(n *html.Node, depth int)
	walk = func(n *html.Node, depth int) {
		switch {
		case depth > maxDepth:
		case n.Type == html.TextNode:
			sb.WriteString(n.Data)
		case n.Type == html.ElementNode && skipTags[n.Data]:
		default:
			for c := range n.ChildNodes() {
				walk(c, depth+1)
				if c.Type == html.ElementNode && blockTags[c.Data] {
					sb.WriteByte(' ')
				}
			}
		}
	}
	walk(n, 0)
	return collapse(sb.String())
}

// classOf returns n's class attribute.
func classOf(n *html.Node) string {
	i := slices.IndexFunc(n.Attr, func(a html.Attribute) bool { return strings.EqualFold(a.Key, "class") })
	if i < 0 {
		return ""
	}
	return n.Attr[i].Val
}

// headlineBlocks reads an L3S-GN1 annotated page and returns the text of
// the spans labelled headline (class x-nc-sel1), one entry per block
// element that holds them, in page order. The assessors labelled the
// headline and its deck (subheadline) alike, so the first block is the
// headline proper, the one the title field is meant to hold.
func headlineBlocks(annotated []byte) []string {
	doc, err := html.Parse(bytes.NewReader(annotated))
	if err != nil {
		return nil
	}
	lt := labelledText{texts: map[*html.Node]*strings.Builder{}}
	lt.walk(doc, doc, false, 0)
	var out []string
	for _, b := range lt.order {
		if t := collapse(lt.texts[b].String()); t != "" {
			out = append(out, t)
		}
	}
	return out
}

// labelledText is headlineBlocks' walk: the headline text of each block
// element, in the order first met.
type labelledText struct {
	order []*html.Node
	texts map[*html.Node]*strings.Builder
}

// walk reads the text below n into its block element when it is labelled
// a headline.
func (lt *labelledText) walk(n, block *html.Node, labelled bool, depth int) {
	if depth > maxDepth {
		return
	}
	switch n.Type {
	case html.TextNode:
		if labelled {
			lt.add(block, n.Data)
		}
		return
	case html.ElementNode:
		if skipTags[n.Data] {
			return
		}
		if blockTags[n.Data] {
			block = n
		}
		if class := classOf(n); slices.Contains(strings.Fields(class), "x-nc-sel1") {
			labelled = true
		} else if strings.Contains(class, "x-nc-sel") {
			labelled = false
		}
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		lt.walk(c, block, labelled, depth+1)
	}
}

// add appends a labelled text node to its block's text.
func (lt *labelledText) add(block *html.Node, text string) {
	sb := lt.texts[block]
	if sb == nil {
		sb = &strings.Builder{}
		lt.texts[block] = sb
		lt.order = append(lt.order, block)
	}
	sb.WriteString(text)
	sb.WriteByte(' ')
}
