package extract

import (
	"unicode/utf8"

	"github.com/markusmobius/go-trafilatura"
	"golang.org/x/net/html"
)

// mainText runs go-trafilatura with its fallback extractors (Readability
// and DOM Distiller), which recover bodies its own heuristics cut short
// or miss. Those extractors know nothing of comment threads or of pages
// that list several stories, so a result whose text comes from either is
// refused and the extraction is redone without them. Each fallback works
// on its own copy of the DOM, so they run only when fallback is true
// (the page is not too large).
func mainText(doc *html.Node, opt trafilatura.Options, fallback bool) (*trafilatura.ExtractResult, error) {
	if !fallback {
		return trafilatura.ExtractDocument(doc, opt)
	}
	opt.EnableFallback = true
	tr, err := trafilatura.ExtractDocument(doc, opt)
	if err != nil || tr == nil || !strayContent(doc, tr.ContentNode) {
		return tr, err
	}
	opt.EnableFallback = false
	return trafilatura.ExtractDocument(doc, opt)
}

// fragmentKey is how a text fragment is looked up in the page: its first
// characters with white space collapsed.
func fragmentKey(s string) string {
	var buf [minFragment + utf8.UTFMax]byte
	return string(collapsedPrefix(buf[:0], s, minFragment))
}

// minFragment is the shortest text node traced back to its place in the
// page; shorter ones (labels, names) repeat too often to place.
const minFragment = 40

// strayContent reports whether the extracted content lies mostly in the
// page's comment section, or spreads over more than one <article>
// element (a story and the teasers of others).
func strayContent(doc, content *html.Node) bool {
	if content == nil {
		return false
	}
	var want []string
	var collect func(n *html.Node, depth int)
	collect = func(n *html.Node, depth int) {
		if depth > maxDepth {
			return
		}
		if n.Type == html.TextNode {
			if k := fragmentKey(n.Data); k != "" {
				want = append(want, k)
			}
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			collect(c, depth+1)
		}
	}
	collect(content, 0)
	if len(want) == 0 {
		return false
	}
	wanted := make(map[string]bool, len(want))
	for _, k := range want {
		wanted[k] = true
	}
	// Place each fragment in the page: is it under a comment container,
	// and which <article> holds it?
	found := map[string]bool{}
	inComments, placed := 0, 0
	articles := map[*html.Node]int{}
	var buf [minFragment + utf8.UTFMax]byte
	var walk func(n *html.Node, depth int, comment bool, art *html.Node)
	walk = func(n *html.Node, depth int, comment bool, art *html.Node) {
		if depth > maxDepth {
			return
		}
		switch n.Type {
		case html.TextNode:
			k := collapsedPrefix(buf[:0], n.Data, minFragment)
			if k == nil || !wanted[string(k)] || found[string(k)] {
				return
			}
			found[string(k)] = true
			placed++
			if comment {
				inComments++
			}
			if art != nil {
				articles[art]++
			}
			return
		case html.ElementNode:
			if skipTags[n.Data] {
				return
			}
			if n.Data == "article" {
				art = n
			}
			if !comment && n.Data != "body" && n.Data != "html" && isCommentBox(n) {
				comment = true
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, depth+1, comment, art)
		}
	}
	walk(doc, 0, false, nil)
	if placed == 0 {
		return false
	}
	if 2*inComments > placed {
		return true
	}
	// Several stories: at least two <article> elements each holding a
	// real share of the placed text.
	stories := 0
	for _, c := range articles {
		if 5*c >= placed {
			stories++
		}
	}
	return stories >= 2
}

// isCommentBox reports whether an element's id or class names a comment
// section.
func isCommentBox(n *html.Node) bool {
	for _, key := range []string{"id", "class"} {
		if v := attr(n, key); containsLower(v, "comment") || containsLower(v, "disqus") {
			return true
		}
	}
	return false
}
