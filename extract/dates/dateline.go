package dates

import (
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/net/html"

	"github.com/syndex/syndex/extract/internal/dom"
	"github.com/syndex/syndex/extract/internal/scan"
)

// This file finds the dates a page prints about the article: labelled
// datelines ("Published 3 May 2024"), the date under the headline, and the
// contexts (comments, related stories) whose dates are not the article's.

var (
	datelineClassRE = scan.Guard(regexp.MustCompile(`(?i)(^|[\s_-])(date|datum|time|zeit|posted|published|pubdate|dateline|stand)`), "date", "datum", "time", "zeit", "posted", "published", "stand")
	clockRE         = scan.Guard(regexp.MustCompile(`(?i)(aktuelle zeit|current time|it is currently|heute ist|today is)`), "aktuelle zeit", "current time", "it is currently", "heute ist", "today is") // a clock widget, not a dateline
	datelineLabelRE = regexp.MustCompile(`(?i)^(published|posted|written|veröffentlicht|erschienen|erstellt|stand|publié|publicado|pubblicato)\b`)
	// pubLabelRE finds a publication label anywhere in a short block
	// ("Letzte Änderung: … Erschienen am: 01.11.2023").
	// The guard's words are the labels' ASCII parts ("ver-ö-ffentlicht").
	pubLabelRE = scan.Guard(regexp.MustCompile(`(?i)(?:^|[^\p{L}])(?:published|veröffentlicht|erschienen|publié|publicado|pubblicato)(?:\s+(?:am|on|le|el|il))?\s*:?\s*`), "publi", "pubbl", "ffentlicht", "erschienen")
	// modLabelRE matches a label that dates the last change, not the
	// publication.
	modLabelRE = regexp.MustCompile(`(?i)^(?:zuletzt geändert|zuletzt aktualisiert|letzte änderung|geändert|aktualisiert|last modified|last updated|updated|modified|mis à jour|actualizado|modificado|aggiornato)(?:[^\p{L}]|$)`)
)

// Dateline reads n as a printed dateline: a short text element whose
// class says it holds the date, or whose text opens with a publication
// label ("Published", "Erschienen am", "Stand:"), and that contains a date.
func Dateline(n *html.Node) (time.Time, bool) {
	t, ok := datelineText(n)
	if ok && otherItemsDate(n) {
		return time.Time{}, false
	}
	return t, ok
}

// otherItemsRE matches the class or id of a container whose dated items
// are not the article: comments, replies, lists of related stories.
var otherItemsRE = regexp.MustCompile(`(?i)comment|reply|related|teaser|recommend|popular|trending|widget`)

// otherItemsDate reports whether n or one of its ancestors is such a
// container.
func otherItemsDate(n *html.Node) bool {
	return dom.WithinClass(n, otherItemsRE)
}

func datelineText(n *html.Node) (time.Time, bool) {
	if !datelineTag(n.Data) {
		return time.Time{}, false
	}
	// The class words hold no space: matching class and id apart is
	// matching them joined by one.
	classed := datelineClassRE.MatchString(dom.Attr(n, "class")) || datelineClassRE.MatchString(dom.Attr(n, "id"))
	if !classed && !opensAsLabel(n) {
		return time.Time{}, false
	}
	text, short := shortText(n, 200)
	if !short || text == "" || clockRE.MatchString(text) {
		return time.Time{}, false
	}
	if t, ok := afterPubLabel(text); ok {
		return t, true
	}
	if len(text) > 80 || modLabelRE.MatchString(text) {
		return time.Time{}, false
	}
	return labelledDateline(n, text, classed)
}

// datelineTag reports whether a dateline may be printed in an element
// named tag.
func datelineTag(tag string) bool {
	switch tag {
	case "span", "div", "p", "li", "small", "dd", "td", "h2", "h3", "h4", "h5", "h6", "em", "strong", "b", "i", "font", "address", "header":
		return true
	}
	return false
}

// opensAsLabel reports whether n's text may open with a label. Without
// the class only a label can make n a dateline: one its text opens with
// (a publication label, or a last change's label a publication label
// follows), or a bare label above a bare date. Other elements are refused
// before their text is gathered.
func opensAsLabel(n *html.Node) bool {
	st := shortCount{max: 200}
	r, ok := st.firstVisible(n)
	return ok && strings.ContainsRune("pPwWvVeEsS\u017flLzZgGaAuUmM0123456789", r)
}

// afterPubLabel reads the date after a publication label: wherever it
// stands in a short block, it dates the piece, even beside its last
// change.
func afterPubLabel(text string) (time.Time, bool) {
	loc := pubLabelRE.FindStringIndex(text)
	if loc == nil {
		return time.Time{}, false
	}
	rest := text[loc[1]:]
	if len(rest) > 40 {
		rest = rest[:40]
	}
	return Visible(rest)
}

// labelledDateline reads n's text as a dateline when the bare label
// above n says it is one or, for an element without a dateline class,
// when its own text carries a dateline label.
func labelledDateline(n *html.Node, text string, classed bool) (time.Time, bool) {
	switch label := labelBefore(n); {
	case strings.ContainsAny(label, "0123456789"):
		// not a bare label: a block with its own value
	case modLabelRE.MatchString(label):
		return time.Time{}, false // "Zuletzt geändert am:" above it
	case datelineLabelRE.MatchString(label):
		return Visible(text) // "Erschienen am:" above it
	}
	if !classed && !datelineLabelRE.MatchString(text) {
		return time.Time{}, false
	}
	return Visible(text)
}

// labelBefore returns the short text of the element just before n (or,
// when n is its parent's first element, just before its parent): the
// label a page sets above a value ("Erschienen am:" over "13.10.2021").
func labelBefore(n *html.Node) string {
	for i := 0; i < 2 && n != nil; i, n = i+1, n.Parent {
		for p := n.PrevSibling; p != nil; p = p.PrevSibling {
			if p.Type == html.TextNode && strings.TrimSpace(p.Data) != "" {
				return strings.TrimSpace(p.Data)
			}
			if p.Type == html.ElementNode {
				t, ok := shortText(p, 40)
				if ok && t == "" {
					continue // an empty element (an icon, a bare <time>)
				}
				if ok {
					return t
				}
				return ""
			}
		}
	}
	return ""
}

// FarApart reports whether two dates are more than a day and a half
// apart, too far for a zone or rounding difference.
func FarApart(a, b time.Time) bool {
	d := a.Sub(b)
	return d > 36*time.Hour || d < -36*time.Hour
}

// PrintedOn reports whether the page's printed date — its dateline, else
// its first <time> — falls on t's calendar day.
func PrintedOn(t, dateline time.Time, times []string) bool {
	p := dateline
	if p.IsZero() {
		for _, s := range times {
			if c, ok := Parse(s); ok {
				p = c
				break
			}
		}
	}
	if p.IsZero() {
		return false
	}
	return p.Format(time.DateOnly) == t.Format(time.DateOnly) || p.Format(time.DateOnly) == t.UTC().Format(time.DateOnly)
}

// shortText returns n's collapsed text when it is at most max bytes long,
// and false without reading the rest of the subtree once it is longer (or
// once the walk has seen more nodes than a short text has): called on
// every element, a full nodeText would make the page scan quadratic in
// its nesting depth. A longer text is returned as "".
func shortText(n *html.Node, max int) (string, bool) {
	var arr [256]byte // most short texts fit: no allocation but the result
	st := shortCount{max: max}
	buf, ok := st.walk(n, arr[:0])
	if !ok {
		return "", false
	}
	t := scan.CollapseBytes(buf)
	if len(t) > max {
		return "", false
	}
	return string(t), true
}

// shortCount is the state of one shortText walk.
type shortCount struct {
	visits, visible, max int // nodes seen, non-blank bytes read, limit
}

// firstVisible returns the first character of n's text that is not white
// space, visiting nodes in walk's order; false when there is none or walk
// would give up (visit too many nodes) before reaching it.
func (st *shortCount) firstVisible(n *html.Node) (rune, bool) {
	if st.visits++; st.visits > 8*st.max {
		return 0, false
	}
	switch n.Type {
	case html.TextNode:
		for i := 0; i < len(n.Data); {
			sp, w := scan.IsSpaceAt(n.Data, i)
			if !sp {
				r, _ := utf8.DecodeRuneInString(n.Data[i:])
				return r, true
			}
			i += w
		}
		return 0, false
	case html.ElementNode:
		if dom.SkipTags[n.Data] {
			return 0, false
		}
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if r, ok := st.firstVisible(c); ok {
			return r, true
		}
		if st.visits > 8*st.max {
			return 0, false
		}
	}
	return 0, false
}

// walk appends n's text to buf; false once the text or the walk is too long.
func (st *shortCount) walk(n *html.Node, buf []byte) ([]byte, bool) {
	if st.visits++; st.visits > 8*st.max {
		return buf, false
	}
	switch n.Type {
	case html.TextNode:
		return st.text(n.Data, buf)
	case html.ElementNode:
		if dom.SkipTags[n.Data] {
			return buf, true
		}
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		var ok bool
		if buf, ok = st.walk(c, buf); !ok {
			return buf, false
		}
		if c.Type == html.ElementNode && dom.BlockTags[c.Data] {
			buf = append(buf, ' ')
		}
	}
	return buf, true
}

// text counts the visible bytes of a text node and appends it to buf;
// false once the text is too long.
func (st *shortCount) text(s string, buf []byte) ([]byte, bool) {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c != ' ' && c != '\n' && c != '\t' && c != '\r' {
			st.visible++
		}
	}
	if st.visible > st.max {
		return buf, false // the text is dropped: no need to copy it
	}
	return append(buf, s...), true
}

// foreignDateRE matches the class or id of a container whose dates
// belong to other items than the article: comments, sidebars, lists of
// related or teased stories, widgets.
var foreignDateRE = scan.Guard(regexp.MustCompile(`(?i)comment|sidebar|related|widget|teaser|recommend|popular|trending|newsletter|breadcrumb|share|social|reply|footer|navigation|menu`), "comment", "sidebar", "related", "widget", "teaser", "recommend", "popular", "trending", "newsletter", "breadcrumb", "share", "social", "reply", "footer", "navigation", "menu")

// foreignClassOrID reports whether n's class or id matches foreignDateRE
// (whose words hold no space, so apart is as good as joined by one).
func foreignClassOrID(n *html.Node) bool {
	return foreignDateRE.MatchString(dom.Attr(n, "class")) || foreignDateRE.MatchString(dom.Attr(n, "id"))
}

// HeadlineDate reads the date printed near the headline: the first short
// text element holding a date after the page's main <h1> (the one that
// names the title, else the first), before much of the article's text
// has gone by, outside comment, sidebar and related-story containers.
// The result is its readings as zone-less wall clocks (returned as UTC;
// two when the order of day and month is not plain), or nil.
func HeadlineDate(doc *html.Node, title string) []time.Time {
	found, _ := headlineDates(doc, title)
	return found
}

// headlineDates is HeadlineDate that also returns the readings of the
// first update line it passed over ("Updated May 6, 2019").
func headlineDates(doc *html.Node, title string) (found, updated []time.Time) {
	h1 := mainHeading(doc, title)
	if h1 == nil {
		return nil, nil
	}
	hs := &headlineSearch{}
	// Search what follows the heading in document order: its later
	// siblings, then its ancestors' later siblings.
	for n := h1; n != nil && n.Type != html.DocumentNode; n = n.Parent {
		if n != h1 && (foreignDateTag[n.Data] || foreignClassOrID(n)) {
			break
		}
		if !hs.walk(n.NextSibling) {
			break
		}
	}
	return hs.found, hs.updated
}

// maxHeadlineText is how many bytes of text after the headline are
// searched for its date.
const maxHeadlineText = 1000

// headlineSearch is one search for the date under a headline: the text
// passed so far, the date found and the update line passed over.
type headlineSearch struct {
	seen           int
	found, updated []time.Time
}

// walk searches n, its later siblings and their subtrees in document
// order; false stops the search (a date found, or too much text passed).
func (hs *headlineSearch) walk(n *html.Node) bool {
	for ; n != nil; n = n.NextSibling {
		switch n.Type {
		case html.TextNode:
			if !hs.pass(len(strings.TrimSpace(n.Data))) {
				return false
			}
		case html.ElementNode:
			if !hs.element(n) {
				return false
			}
		}
	}
	return true
}

// element searches an element: a short text element is read as a line,
// a longer one searched inside; one whose dates are not the article's is
// passed over.
func (hs *headlineSearch) element(n *html.Node) bool {
	if dom.SkipTags[n.Data] || foreignDateTag[n.Data] || foreignClassOrID(n) {
		return true
	}
	if text, short := shortText(n, 80); short && text != "" && !clockRE.MatchString(text) {
		return hs.line(text)
	}
	return hs.walk(n.FirstChild)
}

// line reads one short text element: a date ends the search, an update
// line is kept aside; false stops the search.
func (hs *headlineSearch) line(text string) bool {
	if modLabelRE.MatchString(text) && pubLabelRE.FindStringIndex(text) == nil {
		// "Updated May 6, 2019": the last change, not the
		// publication; a publication date may follow.
		if hs.updated == nil {
			hs.updated = visibleDates(text)
		}
		return hs.pass(len(text))
	}
	if r := visibleDates(text); len(r) > 0 {
		hs.found = r
		return false
	}
	return hs.pass(len(text))
}

// pass counts n bytes of text passed over; false once more than
// maxHeadlineText have gone by.
func (hs *headlineSearch) pass(n int) bool {
	hs.seen += n
	return hs.seen <= maxHeadlineText
}

// foreignDateTag names the elements whose dates are not the article's.
var foreignDateTag = map[string]bool{"nav": true, "aside": true, "footer": true, "form": true, "select": true, "button": true, "a": true}

// mainHeading returns the page's headline element: the first <h1> whose
// text names the title, else the first <h1>, else (on pages without an
// <h1>) the first <h2> whose text names the title.
func mainHeading(doc *html.Node, title string) *html.Node {
	h := headings{title: strings.ToLower(scan.CollapseSpace(title))}
	dom.WalkElements(doc, h.visit)
	switch {
	case h.named != nil:
		return h.named
	case h.first != nil:
		return h.first
	}
	return h.namedH2
}

// headings is mainHeading's walk: the first <h1>, the first <h1> naming
// the title (which ends the walk) and the first <h2> naming it.
type headings struct {
	title                 string // lower-cased, white space collapsed
	first, named, namedH2 *html.Node
}

func (h *headings) visit(n *html.Node) bool {
	if h.named != nil || dom.SkipTags[n.Data] {
		return false
	}
	if n.Data != "h1" && n.Data != "h2" {
		return true
	}
	text := strings.ToLower(dom.NodeText(n))
	if text == "" {
		return false
	}
	names := h.names(text)
	switch {
	case n.Data == "h2":
		if names && h.namedH2 == nil {
			h.namedH2 = n
		}
	case names:
		h.named = n
	case h.first == nil:
		h.first = n
	}
	return false
}

// names reports whether a heading's lower-cased text names the title.
func (h *headings) names(text string) bool {
	return h.title != "" && len(text) >= 8 && (strings.Contains(h.title, text) || strings.Contains(text, h.title))
}
