package extract

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	readability "github.com/go-shiori/go-readability"
	"github.com/markusmobius/go-trafilatura"
	"golang.org/x/net/html"

	"github.com/syndex/syndex/extract/internal/dom"
	"github.com/syndex/syndex/extract/internal/scan"
)

// mainText runs go-trafilatura with its fallback extractors (Readability
// and DOM Distiller), which recover bodies its own heuristics cut short
// or miss. Those extractors know nothing of comment threads or of pages
// that list several stories, so a result whose text comes from either is
// refused and the extraction is redone without them. Each fallback works
// on its own copy of the DOM, so they run only when fallback is true
// (the page is not too large).
//
// go-trafilatura and Readability see the page without what
// go-trafilatura's cleaning would remove anyway (pruneCleaned), put back
// before mainText returns.
func mainText(doc *html.Node, opt trafilatura.Options, fallback bool, lazy bool) (*trafilatura.ExtractResult, error) {
	if !fallback {
		defer pruneCleaned(doc).restore()
		return trafilatura.ExtractDocument(doc, opt)
	}
	opt.EnableFallback = true
	cut := pruneCleaned(doc)
	tr, err := extractWithFallback(doc, opt, lazy)
	cut.restore()
	if err != nil || tr == nil || !strayContent(doc, tr.ContentNode) {
		return tr, err
	}
	opt.EnableFallback = false
	opt.FallbackCandidates = nil
	defer pruneCleaned(doc).restore()
	return trafilatura.ExtractDocument(doc, opt)
}

// extractWithFallback gives go-trafilatura's result with its fallback
// comparison, but runs Readability (half of the extraction's allocations
// and a quarter of its CPU) only on pages where its text could win.
//
// go-trafilatura compares its own text with each candidate in turn and
// stops as soon as its text is long enough (Config.MinExtractedSize). A
// first pass puts an empty candidate first, which is never chosen: a
// short text still goes on to Readability and DOM Distiller as before
// (and a result taken from them is kept as it is); a long one stops
// there. Readability's text replaces a long one only when
// it is more than twice as long, or, in the borderline case, when the
// extracted text has no paragraph text or more tables than paragraphs.
// Readability's text is a part of the page's, less what Readability
// always drops (readabilityBound), so when that holds no more than twice
// the extracted text and the borderline case cannot apply, the first pass
// is what the full comparison gives. Otherwise
// Readability runs here and, only when its text could be chosen, the
// extraction is redone with it as the candidate: the same result as the
// full comparison, at the cost of a second pass on those pages.
//
// lazy (Options.LazyFallback) runs Readability on fewer pages: only where
// the extracted text looks short for its page (see doubtful), so a few
// pages where Readability's text would have won keep go-trafilatura's.
func extractWithFallback(doc *html.Node, opt trafilatura.Options, lazy bool) (*trafilatura.ExtractResult, error) {
	first := opt
	first.FallbackCandidates = &trafilatura.FallbackCandidates{Others: []*html.Node{{Type: html.ElementNode, Data: "div"}}}
	tr, err := trafilatura.ExtractDocument(doc, first)
	if err != nil || tr == nil {
		// Too little text: the comparison went on to the fallbacks
		// (the text was short), and nothing they found was enough.
		return tr, err
	}
	if tr.ContentNode != nil && tr.ContentNode.Data != "body" {
		// go-trafilatura's own text and its baseline come in a <body>:
		// this is a fallback's, so the comparison went on to the
		// fallbacks (the text was short) as the full one does.
		return tr, nil
	}
	got := utf8.RuneCountInString(tr.ContentText)
	shape := shapeOf(tr.ContentNode)
	borderline := shape.pText == 0 || shape.tables > shape.paragraphs
	page := readabilityBound(bodyOf(doc))
	if page <= 2*got && !(borderline && page > 2*minCandidate) {
		return tr, nil
	}
	if lazy && !borderline && !doubtful(doc, page, got) {
		return tr, nil
	}
	art, rerr := readability.FromDocument(doc, opt.OriginalURL)
	if rerr != nil || art.Node == nil {
		return tr, nil
	}
	cand := textMeasure(art.Node)
	if cand <= 2*got && !(borderline && 2*cand >= got && cand > minCandidate) {
		return tr, nil
	}
	opt.FallbackCandidates = &trafilatura.FallbackCandidates{Readability: art.Node}
	return trafilatura.ExtractDocument(doc, opt)
}

// doubtful reports whether an extracted text of got characters looks
// short for a page of page characters: the page's <p> elements hold more
// than twice as much text (paragraphs the extractor left out), or the
// page more than four times as much (the cost and the effect on the
// evaluation corpora are in the README's "Measured").
func doubtful(doc *html.Node, page, got int) bool {
	if page > 4*got {
		return true
	}
	paragraphs := 0
	dom.WalkElements(doc, func(n *html.Node) bool {
		switch n.Data {
		case "p":
			paragraphs += textMeasure(n)
			return false
		case "head", "script", "style", "template":
			return false
		}
		return true
	})
	return paragraphs > 2*got
}

// minCandidate is twice go-trafilatura's default MinExtractedSize: the
// least text a borderline candidate needs to be chosen.
const minCandidate = 500

// contentShape is what go-trafilatura's borderline comparison reads of
// an extracted text: its paragraphs, their text and its tables.
type contentShape struct {
	paragraphs, tables, pText int
}

func shapeOf(root *html.Node) contentShape {
	var s contentShape
	if root == nil {
		return s
	}
	dom.WalkElements(root, func(n *html.Node) bool {
		switch n.Data {
		case "p":
			s.paragraphs++
			s.pText += textMeasure(n)
		case "table":
			s.tables++
		}
		return true
	})
	return s
}

// bodyOf returns the document's <body>, or the document when it has none.
func bodyOf(doc *html.Node) *html.Node {
	var body *html.Node
	dom.WalkElements(doc, func(n *html.Node) bool {
		if body != nil {
			return false
		}
		if n.Data == "body" {
			body = n
			return false
		}
		return n.Data == "html"
	})
	if body == nil {
		return doc
	}
	return body
}

// textMeasure counts the characters of n's text with white space runs
// folded into one, counting a break at every element and text node
// boundary: never less than go-trafilatura's measure of the same
// subtree (its text joined by spaces, then folded), so it bounds it.
func textMeasure(n *html.Node) int { return measure(n, false) }

// measure is textMeasure, or readabilityBound when bound is set.
func measure(n *html.Node, bound bool) int {
	count, gap := 0, false
	var walk func(n *html.Node, depth int)
	walk = func(n *html.Node, depth int) {
		if depth > dom.MaxDepth {
			return
		}
		switch n.Type {
		case html.TextNode:
			gap = true
			for _, r := range n.Data {
				if unicode.IsSpace(r) {
					gap = true
					continue
				}
				if gap && count > 0 {
					count++
				}
				gap = false
				count++
			}
			gap = true
			return
		case html.ElementNode:
			switch n.Data {
			case "script", "style", "template":
				return
			case "noscript", "footer", "aside", "input", "textarea", "select", "button":
				if bound {
					return
				}
			}
			if bound && readabilityDrops(n) {
				return
			}
			gap = true
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, depth+1)
		}
	}
	walk(n, 0)
	return count
}

// readabilityBound is an upper bound of go-trafilatura's measure of any
// text Readability (go-readability) can extract from the subtree n: its
// textMeasure without the subtrees Readability always drops. Whatever
// its attempt, Readability removes script, noscript and style elements
// and the elements it judges hidden or modal before scoring, and footer,
// aside, input, textarea, select and button elements from the content it
// keeps; what is left of the page bounds its text. The tighter the bound,
// the fewer pages where Readability must run to show that its text cannot
// be chosen.
func readabilityBound(n *html.Node) int { return measure(n, true) }

// readabilityDrops reports whether go-readability removes the element
// before it scores the page, in every attempt: hidden by its style, its
// hidden attribute or aria-hidden (unless it is a "fallback-image"), or a
// modal dialog. A <p> is never dropped here: when it is the only element
// in a <div>, Readability puts it in the <div>'s place and reads on
// without looking at it again (a hidden forum disclaimer on a news page
// is kept that way).
func readabilityDrops(n *html.Node) bool {
	if n.Data == "p" {
		return false
	}
	var style, ariaHidden, class, ariaModal, role string
	for _, a := range n.Attr {
		if a.Namespace != "" {
			continue
		}
		switch a.Key {
		case "hidden":
			return true
		case "style":
			style = a.Val
		case "aria-hidden":
			ariaHidden = a.Val
		case "class":
			class = a.Val
		case "aria-modal":
			ariaModal = a.Val
		case "role":
			role = a.Val
		}
	}
	if style != "" && (styleNone.MatchString(style) || styleHidden.MatchString(style)) {
		return true
	}
	if ariaHidden == "true" && !strings.Contains(class, "fallback-image") {
		return true
	}
	return ariaModal == "true" && role == "dialog"
}

// styleNone and styleHidden are how go-readability reads a style
// attribute as hiding its element.
var (
	styleNone   = regexp.MustCompile(`(?i)display\s*:\s*none`)
	styleHidden = regexp.MustCompile(`(?i)visibility\s*:\s*hidden`)
)

// fragmentKey is how a text fragment is looked up in the page: its first
// characters with white space collapsed.
func fragmentKey(s string) string {
	var buf [minFragment + utf8.UTFMax]byte
	return string(scan.CollapsedPrefix(buf[:0], s, minFragment))
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
		if depth > dom.MaxDepth {
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
		if depth > dom.MaxDepth {
			return
		}
		switch n.Type {
		case html.TextNode:
			k := scan.CollapsedPrefix(buf[:0], n.Data, minFragment)
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
			if dom.SkipTags[n.Data] {
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
		if v := dom.Attr(n, key); scan.ContainsLower(v, "comment") || scan.ContainsLower(v, "disqus") {
			return true
		}
	}
	return false
}
