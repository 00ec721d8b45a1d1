package extract

import (
	"bytes"
	"strings"

	"golang.org/x/net/html"
)

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
	var order []*html.Node
	texts := map[*html.Node]*strings.Builder{}
	var walk func(n, block *html.Node, labelled bool, depth int)
	walk = func(n, block *html.Node, labelled bool, depth int) {
		if depth > maxDepth {
			return
		}
		switch n.Type {
		case html.TextNode:
			if !labelled {
				return
			}
			sb := texts[block]
			if sb == nil {
				sb = &strings.Builder{}
				texts[block] = sb
				order = append(order, block)
			}
			sb.WriteString(n.Data)
			sb.WriteByte(' ')
			return
		case html.ElementNode:
			if skipTags[n.Data] {
				return
			}
			if blockTags[n.Data] {
				block = n
			}
			if hasToken(attr(n, "class"), "x-nc-sel1") {
				labelled = true
			} else if strings.Contains(attr(n, "class"), "x-nc-sel") {
				labelled = false
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, block, labelled, depth+1)
		}
	}
	walk(doc, doc, false, 0)
	var out []string
	for _, b := range order {
		if t := collapseSpace(texts[b].String()); t != "" {
			out = append(out, t)
		}
	}
	return out
}
