// Package dom holds the walks over a parsed HTML document that every step
// of extraction shares: an element's collapsed text and attributes, a
// depth-bounded walk over elements, and the flattening of a content tree
// into paragraphs (Block).
package dom

import (
	"net/url"
	"regexp"
	"strings"

	"golang.org/x/net/html"

	"github.com/syndex/syndex/extract/internal/scan"
)

// BlockTags end a paragraph: text on either side belongs to different
// paragraphs of Article.Text.
var BlockTags = map[string]bool{
	"p": true, "div": true, "h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true,
	"li": true, "ul": true, "ol": true, "dl": true, "dt": true, "dd": true, "blockquote": true,
	"pre": true, "table": true, "tr": true, "section": true, "article": true, "header": true,
	"footer": true, "figure": true, "figcaption": true, "hr": true, "br": false, "body": true,
	"main": true, "aside": true, "nav": true, "form": true, "address": true, "details": true,
	"summary": true, "caption": true, "thead": true, "tbody": true, "tfoot": true,
}

// SkipTags hold no readable text.
var SkipTags = map[string]bool{"script": true, "style": true, "noscript": true, "template": true, "svg": true, "head": true}

// Block is one paragraph of extracted text with the element that held it.
type Block struct {
	Text string
	Tag  string // the closest block element ("p", "h2", "li"…)
}

// Blocks flattens an extracted content tree into paragraphs: every block
// element starts a new paragraph, whitespace is collapsed, table cells are
// joined by spaces and empty paragraphs are dropped.
func Blocks(root *html.Node) []Block {
	bw := blockWriter{tag: "p"}
	if root != nil {
		bw.walk(root, 0)
	}
	bw.flush()
	return bw.out
}

// blockWriter is Blocks' walk: the paragraphs so far, the text of the
// current one (its buffer reused for the next) and its element.
type blockWriter struct {
	out []Block
	buf []byte
	tag string
}

// flush ends the current paragraph, dropping it when it has no text.
func (bw *blockWriter) flush() {
	t := scan.CollapseBytes(bw.buf)
	bw.buf = bw.buf[:0]
	if len(t) > 0 {
		bw.out = append(bw.out, Block{Text: string(t), Tag: bw.tag})
	}
}

func (bw *blockWriter) walk(n *html.Node, depth int) {
	if depth > MaxDepth {
		return
	}
	switch n.Type {
	case html.TextNode:
		bw.buf = append(bw.buf, n.Data...)
		return
	case html.ElementNode:
		if SkipTags[n.Data] {
			return
		}
		if n.Data == "br" {
			bw.buf = append(bw.buf, ' ')
			return
		}
		if n.Data == "td" || n.Data == "th" {
			bw.buf = append(bw.buf, ' ')
		}
	}
	isBlock := n.Type == html.ElementNode && BlockTags[n.Data]
	if isBlock {
		bw.flush()
		bw.tag = n.Data
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		bw.walk(c, depth+1)
	}
	if isBlock {
		bw.flush()
	}
}

// MaxDepth bounds recursion on pathological, deeply nested documents.
const MaxDepth = 512

// NodeText returns the collapsed text content of n.
func NodeText(n *html.Node) string {
	var sb strings.Builder
	var walk func(n *html.Node, depth int)
	walk = func(n *html.Node, depth int) {
		if depth > MaxDepth {
			return
		}
		if n.Type == html.TextNode {
			sb.WriteString(n.Data)
			return
		}
		if n.Type == html.ElementNode && SkipTags[n.Data] {
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, depth+1)
			if c.Type == html.ElementNode && BlockTags[c.Data] {
				sb.WriteByte(' ')
			}
		}
	}
	walk(n, 0)
	return scan.CollapseSpace(sb.String())
}

// Attr returns the value of n's attribute key ("" when absent).
func Attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if strings.EqualFold(a.Key, key) {
			return a.Val
		}
	}
	return ""
}

// WalkElements calls fn on every element under root in document order,
// skipping subtrees for which fn returns false.
func WalkElements(root *html.Node, fn func(n *html.Node) bool) {
	var walk func(n *html.Node, depth int)
	walk = func(n *html.Node, depth int) {
		if depth > MaxDepth {
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

// Resolve makes ref absolute against base; it returns "" for anything but
// http(s) URLs.
func Resolve(base *url.URL, ref string) string {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return ""
	}
	u, err := url.Parse(ref)
	if err != nil {
		return ""
	}
	if base != nil {
		u = base.ResolveReference(u)
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return ""
	}
	u.Fragment = ""
	return u.String()
}

// commentsRE matches the class or id of a comment thread or one comment.
var commentsRE = regexp.MustCompile(`(?i)comment|repl(?:y|ies)`)

// InComments reports whether n lies in a comment thread (by its own or
// an ancestor's class or id; the <body>'s, which states a page setting
// such as WordPress's "comments-open", does not count).
func InComments(n *html.Node) bool {
	return WithinClass(n, commentsRE)
}

// WithinClass reports whether the class or id of n or of an ancestor
// below the <body> matches re.
func WithinClass(n *html.Node, re *regexp.Regexp) bool {
	for ; n != nil && n.Type == html.ElementNode && n.Data != "body"; n = n.Parent {
		if re.MatchString(Attr(n, "class") + " " + Attr(n, "id")) {
			return true
		}
	}
	return false
}
