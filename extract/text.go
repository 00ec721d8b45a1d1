package extract

import (
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"
)

// blockTags end a paragraph: text on either side belongs to different
// paragraphs of Article.Text.
var blockTags = map[string]bool{
	"p": true, "div": true, "h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true,
	"li": true, "ul": true, "ol": true, "dl": true, "dt": true, "dd": true, "blockquote": true,
	"pre": true, "table": true, "tr": true, "section": true, "article": true, "header": true,
	"footer": true, "figure": true, "figcaption": true, "hr": true, "br": false, "body": true,
	"main": true, "aside": true, "nav": true, "form": true, "address": true, "details": true,
	"summary": true, "caption": true, "thead": true, "tbody": true, "tfoot": true,
}

// skipTags hold no readable text.
var skipTags = map[string]bool{"script": true, "style": true, "noscript": true, "template": true, "svg": true, "head": true}

// Block is one paragraph of extracted text with the element that held it.
type Block struct {
	Text string
	Tag  string // the closest block element ("p", "h2", "li"…)
}

// blocksOf flattens an extracted content tree into paragraphs: every block
// element starts a new paragraph, whitespace is collapsed, table cells are
// joined by spaces and empty paragraphs are dropped.
func blocksOf(root *html.Node) []Block {
	var out []Block
	var buf []byte // the paragraph's text so far, reused for the next
	tag := "p"
	flush := func() {
		t := collapseBytes(buf)
		buf = buf[:0]
		if len(t) > 0 {
			out = append(out, Block{Text: string(t), Tag: tag})
		}
	}
	var walk func(n *html.Node, depth int)
	walk = func(n *html.Node, depth int) {
		if depth > maxDepth {
			return
		}
		switch n.Type {
		case html.TextNode:
			buf = append(buf, n.Data...)
			return
		case html.ElementNode:
			if skipTags[n.Data] {
				return
			}
			if n.Data == "br" {
				buf = append(buf, ' ')
				return
			}
			if n.Data == "td" || n.Data == "th" {
				buf = append(buf, ' ')
			}
		}
		isBlock := n.Type == html.ElementNode && blockTags[n.Data]
		if isBlock {
			flush()
			tag = n.Data
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, depth+1)
		}
		if isBlock {
			flush()
		}
	}
	if root != nil {
		walk(root, 0)
	}
	flush()
	return out
}

// maxDepth bounds recursion on pathological, deeply nested documents.
const maxDepth = 512

// collapseSpace trims s and folds every run of Unicode white space
// (including no-break spaces) into one ASCII space.
func collapseSpace(s string) string {
	// Most strings are collapsed already: return them without a copy.
	i, prevSpace := 0, true
	for i < len(s) {
		c := s[i]
		if c < utf8.RuneSelf && !asciiSpace[c] {
			prevSpace = false
			i++
			continue
		}
		sp, w := isSpaceAt(s, i)
		if sp && (prevSpace || c != ' ' || i+w == len(s)) {
			break
		}
		prevSpace = sp
		i += w
	}
	if i == len(s) {
		return s
	}
	// s[:i] is collapsed; a space ending it is owed to the next word.
	head, pending := s[:i], false
	if i > 0 && prevSpace {
		head, pending = s[:i-1], true
	}
	var sb strings.Builder
	sb.Grow(len(s))
	sb.WriteString(head)
	for i < len(s) {
		sp, w := isSpaceAt(s, i)
		if sp {
			pending = true
		} else {
			if pending && sb.Len() > 0 {
				sb.WriteByte(' ')
			}
			pending = false
			sb.WriteString(s[i : i+w])
		}
		i += w
	}
	return sb.String()
}

// nodeText returns the collapsed text content of n.
func nodeText(n *html.Node) string {
	var sb strings.Builder
	var walk func(n *html.Node, depth int)
	walk = func(n *html.Node, depth int) {
		if depth > maxDepth {
			return
		}
		if n.Type == html.TextNode {
			sb.WriteString(n.Data)
			return
		}
		if n.Type == html.ElementNode && skipTags[n.Data] {
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, depth+1)
			if c.Type == html.ElementNode && blockTags[c.Data] {
				sb.WriteByte(' ')
			}
		}
	}
	walk(n, 0)
	return collapseSpace(sb.String())
}

// attr returns the value of n's attribute key ("" when absent).
func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if strings.EqualFold(a.Key, key) {
			return a.Val
		}
	}
	return ""
}

// walkElements calls fn on every element under root in document order,
// skipping subtrees for which fn returns false.
func walkElements(root *html.Node, fn func(n *html.Node) bool) {
	var walk func(n *html.Node, depth int)
	walk = func(n *html.Node, depth int) {
		if depth > maxDepth {
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == html.ElementNode {
				if !fn(c) {
					continue
				}
			}
			walk(c, depth+1)
		}
	}
	walk(root, 0)
}
