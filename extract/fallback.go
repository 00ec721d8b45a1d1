package extract

import (
	trafilatura "github.com/markusmobius/go-trafilatura"
	"golang.org/x/net/html"
)

// baselineMin is the length above which a main text that is a single
// paragraph is taken to be go-trafilatura's last resort (every text of the
// page run together) rather than a short article.
const baselineMin = 1000

// isBaseline reports whether content is go-trafilatura's rescue output: a
// body holding one paragraph of at least baselineMin bytes. It appears when
// the main extraction found too little, and it is the whole page — menus,
// scripts' text, footers — in one block.
func isBaseline(content *html.Node) bool {
	if content == nil {
		return false
	}
	var only *html.Node
	for c := content.FirstChild; c != nil; c = c.NextSibling {
		switch c.Type {
		case html.ElementNode:
			if only != nil {
				return false
			}
			only = c
		case html.TextNode:
			if collapseSpace(c.Data) != "" {
				return false
			}
		}
	}
	return only != nil && only.Data == "p" && len(nodeText(only)) >= baselineMin
}

// runTogetherMin is the length above which a paragraph with no markup
// inside is taken to be several blocks of the page run together.
const runTogetherMin = 2000

// hasRunTogether reports whether content holds a paragraph of plain text
// (no inline elements) of at least runTogetherMin bytes: the rescue path
// that collects every <p> of the page copies whole containers' text
// into one paragraph, menus included.
func hasRunTogether(content *html.Node) bool {
	if content == nil {
		return false
	}
	for c := content.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != html.ElementNode || c.Data != "p" {
			continue
		}
		if t := c.FirstChild; t != nil && t.NextSibling == nil && t.Type == html.TextNode && len(t.Data) >= runTogetherMin {
			return true
		}
	}
	return false
}

// secondOpinion re-extracts a page whose main extraction fell back to the
// baseline, letting go-trafilatura compare its result with go-readability
// and DOM Distiller; it returns nil when they do no better (still one
// run-together paragraph, or nothing).
func secondOpinion(doc *html.Node, opt trafilatura.Options) *trafilatura.ExtractResult {
	opt.EnableFallback = true
	tr, err := trafilatura.ExtractDocument(doc, opt)
	if err != nil || tr == nil || tr.ContentNode == nil || isBaseline(tr.ContentNode) {
		return nil
	}
	return tr
}
