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
	if !readabilityMayWin(doc, got, borderline, lazy) {
		return tr, nil
	}
	art, rerr := readability.FromDocument(doc, opt.OriginalURL)
	if rerr != nil || art.Node == nil {
		return tr, nil
	}
	if !readabilityWins(textMeasure(art.Node), got, borderline) {
		return tr, nil
	}
	opt.FallbackCandidates = &trafilatura.FallbackCandidates{Readability: art.Node}
	return trafilatura.ExtractDocument(doc, opt)
}

// readabilityMayWin reports whether Readability's text could be chosen
// over an extracted text of got characters, from the most text it can
// find on the page: more than twice as much, or (for a borderline
// extraction) more than a candidate needs. lazy asks also that the
// extraction look doubtful.
func readabilityMayWin(doc *html.Node, got int, borderline, lazy bool) bool {
	page := readabilityBound(bodyOf(doc))
	if page <= 2*got && !(borderline && page > 2*minCandidate) {
		return false
	}
	return !lazy || borderline || doubtful(doc, page, got)
}

// readabilityWins reports whether Readability's text of cand characters
// is chosen over an extracted text of got characters, as go-trafilatura's
// comparison chooses: more than twice as long, or, for a borderline
// extraction, at least half as long and more than a candidate needs.
func readabilityWins(cand, got int, borderline bool) bool {
	return cand > 2*got || (borderline && 2*cand >= got && cand > minCandidate)
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
	m := measurer{bound: bound}
	m.walk(n, 0)
	return m.count
}

// measurer is measure's walk: the characters counted so far, and whether
// a break comes before the next one.
type measurer struct {
	count int
	gap   bool
	bound bool
}

func (m *measurer) walk(n *html.Node, depth int) {
	if depth > dom.MaxDepth {
		return
	}
	switch n.Type {
	case html.TextNode:
		m.text(n.Data)
		return
	case html.ElementNode:
		if m.skips(n) {
			return
		}
		m.gap = true
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		m.walk(c, depth+1)
	}
}

// text counts the characters of a text node, a break before and after it.
func (m *measurer) text(s string) {
	m.gap = true
	for _, r := range s {
		if unicode.IsSpace(r) {
			m.gap = true
			continue
		}
		if m.gap && m.count > 0 {
			m.count++
		}
		m.gap = false
		m.count++
	}
	m.gap = true
}

// skips reports whether the element's text is not counted: never for a
// script, style or template; for the bound, what Readability drops.
func (m *measurer) skips(n *html.Node) bool {
	switch n.Data {
	case "script", "style", "template":
		return true
	case "noscript", "footer", "aside", "input", "textarea", "select", "button":
		if m.bound {
			return true
		}
	}
	return m.bound && readabilityDrops(n)
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
	a := readabilityAttrsOf(n)
	if a.hidden {
		return true
	}
	if a.style != "" && (styleNone.MatchString(a.style) || styleHidden.MatchString(a.style)) {
		return true
	}
	if a.ariaHidden == "true" && !strings.Contains(a.class, "fallback-image") {
		return true
	}
	return a.ariaModal == "true" && a.role == "dialog"
}

// readabilityAttrs are the attributes go-readability reads to drop an
// element.
type readabilityAttrs struct {
	hidden                                    bool
	style, ariaHidden, class, ariaModal, role string
}

// readabilityAttrsOf reads them (up to a hidden attribute, which decides).
func readabilityAttrsOf(n *html.Node) (a readabilityAttrs) {
	for _, at := range n.Attr {
		if at.Namespace != "" {
			continue
		}
		switch at.Key {
		case "hidden":
			a.hidden = true
			return a
		case "style":
			a.style = at.Val
		case "aria-hidden":
			a.ariaHidden = at.Val
		case "class":
			a.class = at.Val
		case "aria-modal":
			a.ariaModal = at.Val
		case "role":
			a.role = at.Val
		}
	}
	return a
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
	want := fragmentKeys(content, 0, nil)
	if len(want) == 0 {
		return false
	}
	p := &fragmentPlacer{wanted: make(map[string]bool, len(want)), found: map[string]bool{}, articles: map[*html.Node]int{}}
	for _, k := range want {
		p.wanted[k] = true
	}
	// Place each fragment in the page: is it under a comment container,
	// and which <article> holds it?
	p.walk(doc, 0, false, nil)
	if p.placed == 0 {
		return false
	}
	if 2*p.inComments > p.placed {
		return true
	}
	return p.stories() >= 2
}

// fragmentKeys appends the fragment keys of the text nodes below n to keys,
// in document order.
func fragmentKeys(n *html.Node, depth int, keys []string) []string {
	if depth > dom.MaxDepth {
		return keys
	}
	if n.Type == html.TextNode {
		if k := fragmentKey(n.Data); k != "" {
			keys = append(keys, k)
		}
		return keys
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		keys = fragmentKeys(c, depth+1, keys)
	}
	return keys
}

// fragmentPlacer finds the wanted fragments in a page, each once: how many
// were placed, how many of them under a comment container, and how many
// in each <article>.
type fragmentPlacer struct {
	wanted, found      map[string]bool
	inComments, placed int
	articles           map[*html.Node]int
	buf                [minFragment + utf8.UTFMax]byte
}

// walk places the fragments below n; comment says n is inside a comment
// container, art is the <article> n is in.
func (p *fragmentPlacer) walk(n *html.Node, depth int, comment bool, art *html.Node) {
	if depth > dom.MaxDepth {
		return
	}
	switch n.Type {
	case html.TextNode:
		p.place(n.Data, comment, art)
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
		p.walk(c, depth+1, comment, art)
	}
}

// place counts a text node whose fragment is wanted and not yet found.
func (p *fragmentPlacer) place(text string, comment bool, art *html.Node) {
	k := scan.CollapsedPrefix(p.buf[:0], text, minFragment)
	if k == nil || !p.wanted[string(k)] || p.found[string(k)] {
		return
	}
	p.found[string(k)] = true
	p.placed++
	if comment {
		p.inComments++
	}
	if art != nil {
		p.articles[art]++
	}
}

// stories counts the <article> elements holding a real share (a fifth) of
// the placed text: two or more mean several stories.
func (p *fragmentPlacer) stories() int {
	stories := 0
	for _, c := range p.articles {
		if 5*c >= p.placed {
			stories++
		}
	}
	return stories
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
