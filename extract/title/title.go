// Package title chooses an article's headline among the page's
// candidates (Choose: the JSON-LD headline, the social-card title, the
// document <title>, the visible headings, go-trafilatura's guess), cleans
// it (Clean, CutSiteSuffix: site names, kickers, code left by broken
// templates), and, when the site shares one title across its pages, finds
// the heading the text opens with instead (LeadOf, LeadHeading).
package title

import (
	"regexp"
	"slices"
	"strings"

	trafilatura "github.com/markusmobius/go-trafilatura"

	"github.com/syndex/syndex/extract/internal/scan"
	"github.com/syndex/syndex/extract/meta"
)

// Choose picks the article's headline from the page's candidates:
// the JSON-LD headline, the social-card title (og:title and kin), the
// document <title> and the visible <h1>–<h3> headings, with go-trafilatura's
// title as the last resort. A trailing " | Site Name" is cut. host is the
// page's site (article.SiteOf).
func Choose(m meta.Page, t trafilatura.Metadata, host string) string {
	title := pickTitle(m, t, host)
	site := scan.FirstNonEmpty(m.SiteName, t.Sitename)
	if title == "" || !siteLike(title, host, site) {
		return title
	}
	// The candidates named the site, not the story (a template's og:title,
	// a logo's heading): the <title>'s headline, else the heading the
	// story's opening shares its words with.
	if d := titleFromDocument(m, host); d != "" && !siteLike(d, host, site) {
		return d
	}
	if m.Lead != "" {
		if lh := LeadHeading(m.Headings, LeadSet(m.Lead)); lh != "" && !siteLike(lh, host, site) {
			return lh
		}
	}
	return title
}

// pickTitle is Choose before its check that the title does not
// merely name the site.
func pickTitle(m meta.Page, t trafilatura.Metadata, host string) string {
	site := scan.FirstNonEmpty(m.SiteName, t.Sitename)
	og := Clean(m.OGTitle)
	if ld := Clean(m.Title); m.TitleFromLD && ld != "" {
		return ldTitle(m, ld, og, site)
	}
	if og != "" {
		return socialTitle(m, og, host, site)
	}
	return documentTitle(m, t, host, site)
}

// ldTitle chooses between the JSON-LD headline ld and the social-card
// title og (both cleaned) when JSON-LD names one.
func ldTitle(m meta.Page, ld, og, site string) string {
	// A visible heading made of a kicker followed by the social-card
	// title ("Kicker Headline") shows which of two differing headlines
	// the page displays; the JSON-LD one is then an SEO variant.
	if og != "" && !scan.SameWords(og, ld) && kickerHeading(og, m.Headings) {
		return CutSiteSuffix(og, site)
	}
	// Likewise when the page shows the social-card title as a
	// heading and the JSON-LD one only in its <title>, where search
	// engines read it: it is the SEO variant. A JSON-LD headline the
	// <title> does not carry either is the headline as the publisher
	// files it, and stays.
	if og != "" && shownAsHeading(og, m.Headings) && !shownAsHeading(ld, m.Headings) && scan.ContainsWords(m.DocTitle, ld) {
		return CutSiteSuffix(og, site)
	}
	if h := truncatedTitle(m.Title, m); h != "" {
		return h
	}
	return CutSiteSuffix(ld, site)
}

// socialTitle reads the headline out of the social-card title og
// (cleaned), which is often decorated with kickers, sections and site
// names around the visible heading.
func socialTitle(m meta.Page, og, host, site string) string {
	if len(scan.TitleWords(og)) <= 2 && !scan.ContainsWords(m.DocTitle, og) {
		// A one- or two-word social-card title the <title> does not
		// carry is a section's label ("Press releases") on a page whose
		// <title> names the story.
		if d := titleFromDocument(m, host); len(scan.TitleWords(d)) >= 4 {
			return d
		}
	}
	// A microdata headline that the social-card title begins with
	// leaves the rest of that title as furniture ("Headline-Section|Site").
	if mh := Clean(m.MicroHeadline); len(scan.TitleWords(mh)) >= 2 && hasWordPrefix(og, mh) {
		return mh
	}
	if r := withoutKicker(og, m.Headings); r != "" {
		return r
	}
	if h := truncatedTitle(m.OGTitle, m); h != "" {
		return h
	}
	if h := segmentHeading(og, m.Headings, host, site); h != "" {
		return h
	}
	if h := headingInTitle(og, m.Headings); h != "" {
		return Clean(h)
	}
	return CutSiteSuffix(og, site)
}

// documentTitle chooses a headline without headline metadata: from the
// <title> and the headings, else go-trafilatura's title, else the first
// headline-like heading.
func documentTitle(m meta.Page, t trafilatura.Metadata, host, site string) string {
	var lead map[string]bool
	if m.Lead != "" {
		lead = LeadSet(m.Lead)
	}
	h := titleFromDocument(m, host)
	// Without headline metadata or a <title>, the main-text extractor's
	// guess is often a box's heading ("Related News"); a heading that
	// shares its words with the story is the headline.
	if lead != nil && h == "" {
		if lh := LeadHeading(m.Headings, lead); lh != "" {
			return lh
		}
	}
	if h != "" {
		return h
	}
	if tt := CutSiteSuffix(Clean(ldOrdered(t.Title, m.LDHeadlines)), site); tt != "" {
		return tt
	}
	return firstHeadline(m.Headings)
}

// ldOrdered returns go-trafilatura's title tt, or, when tt is one of the
// JSON-LD headline attributes hs (which go-trafilatura reads in Go's map
// order, so that one page gives different titles from run to run), the
// first of them in a fixed order: the object's "headline", else its
// other headline attributes by name.
func ldOrdered(tt string, hs []string) string {
	if slices.Contains(hs, scan.CollapseSpace(tt)) {
		return hs[0]
	}
	return tt
}

// titleFromDocument chooses a headline from the <title> and the visible
// headings when the page has no headline metadata: the longest heading
// that the <title> contains (or one of its segments equals), else the
// longest segment of the <title> that does not name the site, else the
// first heading of a few words. host is the page's site.
func titleFromDocument(m meta.Page, host string) string {
	doc := Clean(cutCode(m.DocTitle))
	if doc == "" {
		return ""
	}
	if h := headingOfTitle(doc, m.Headings); h != "" {
		return Clean(h)
	}
	return longestSegment(trimFurniture(doc, host, m.SiteName), host, m)
}

// headingOfTitle returns the longest heading of two words or more that the
// <title> doc is, or one of its segments is, word for word, or (of three
// words or more) that it contains; "" when none is.
func headingOfTitle(doc string, headings []string) string {
	segs := titleSegments(doc)
	segWords := make([][]string, len(segs))
	for i, s := range segs {
		segWords[i] = scan.TitleWords(s)
	}
	best, bestN := "", 0
	dw := scan.TitleWords(doc)
	docWords := strings.Join(dw, " ")
	for _, h := range headings {
		hw := scan.TitleWords(h)
		if len(hw) < 2 || len(hw) <= bestN {
			continue
		}
		match := slices.Equal(hw, dw)
		for _, sw := range segWords {
			match = match || slices.Equal(hw, sw)
		}
		if !match && len(hw) >= 3 {
			match = strings.Contains(" "+docWords+" ", " "+strings.Join(hw, " ")+" ")
		}
		if match {
			best, bestN = h, len(hw)
		}
	}
	return best
}

// longestSegment returns the longest segment of the <title> doc that does
// not name the site and is not a section; when every segment is one, the
// page's first heading of a few words, else the longest segment.
func longestSegment(doc, host string, m meta.Page) string {
	segs := titleSegments(doc)
	// Segments of fewer than three words are sections ("Sport", "Golf
	// News") when the title has several.
	minWords := 1
	if len(segs) > 1 {
		minWords = 3
	}
	var content []string
	long := ""
	for _, s := range segs {
		if siteLike(s, host, m.SiteName) {
			continue
		}
		if len(scan.TitleWords(s)) >= minWords {
			content = append(content, s)
		}
		if len(scan.TitleWords(s)) > len(scan.TitleWords(long)) {
			long = s
		}
	}
	if len(content) == 0 {
		// The <title> names only the site or a section ("Cape Argus",
		// "Sportal > Golf > News"): the first heading of a few words is
		// the headline; a section page without one keeps its section.
		if h := firstHeadline(m.Headings); h != "" {
			return h
		}
		return scan.FirstNonEmpty(long, doc)
	}
	long = content[0]
	for _, s := range content[1:] {
		if len(scan.TitleWords(s)) > len(scan.TitleWords(long)) {
			long = s
		}
	}
	return long
}

// trimFurniture cuts site and section names that a <title> attaches to
// its headline without the usual separators: "Headline (from The
// Herald)", "Headline-Section-Site", "Site.com: Headline".
func trimFurniture(t, host, siteName string) string {
	t = cutCredit(t, host, siteName)
	t = cutHyphenSections(t, host, siteName)
	if i := strings.Index(t, ": "); i > 0 && t[i-1] != ' ' && t[i-1] != ':' && len(titleSegments(t[:i])) == 1 && siteLike(t[:i], host, siteName) {
		t = strings.TrimSpace(t[i+2:])
	}
	return t
}

// cutCredit cuts a closing "(from Paper Name)" or "(Site Name)".
func cutCredit(t, host, siteName string) string {
	if !strings.HasSuffix(t, ")") {
		return t
	}
	i := strings.LastIndex(t, "(")
	if i <= 0 {
		return t
	}
	inner := strings.TrimSpace(t[i+1 : len(t)-1])
	// "(from Paper Name)" credits the paper the story comes from,
	// whatever its name.
	from := len(scan.TitleWords(inner)) >= 2 && strings.HasPrefix(strings.ToLower(inner), "from ")
	if from || siteLike(strings.TrimPrefix(inner, "from "), host, siteName) {
		return strings.TrimSpace(t[:i])
	}
	return t
}

// cutHyphenSections cuts "-Section-Sub-Site" from
// "Headline-Section-Sub-Site": pieces joined by bare hyphens, ending in the
// site's name, each section piece a few words at most.
func cutHyphenSections(t, host, siteName string) string {
	pieces := strings.Split(t, "-")
	if len(pieces) <= 2 || len(titleSegments(t)) != 1 || !siteLike(pieces[len(pieces)-1], host, siteName) {
		return t
	}
	i := len(pieces) - 1
	for i > 1 && len(scan.TitleWords(pieces[i-1])) <= 3 {
		i--
	}
	if head := strings.TrimSpace(strings.Join(pieces[:i], "-")); len(scan.TitleWords(head)) >= 3 {
		return head
	}
	return t
}

// firstHeadline returns the first heading of at least three words that
// does not introduce something else ("Bookmark with:").
func firstHeadline(headings []string) string {
	for _, h := range headings {
		if len(scan.TitleWords(h)) >= 3 && !strings.HasSuffix(strings.TrimSpace(h), ":") {
			return Clean(h)
		}
	}
	return ""
}

// siteLike reports whether a title segment names the site: it is the
// site name, or its letters and the host's main label contain each other
// ("Winnipeg Free Press" on winnipegfreepress.com, "The Hindu News" on
// thehindu.com, "The Calgary Sun" on calgarysun.com).
func siteLike(seg, host, siteName string) bool {
	w := strings.Join(scan.TitleWords(seg), "")
	if w == "" {
		return true
	}
	if siteName != "" && scan.SameWords(seg, siteName) {
		return true
	}
	if strings.Contains(strings.ReplaceAll(strings.ReplaceAll(host, ".", ""), "-", ""), w) {
		return true
	}
	label := ""
	for _, l := range strings.Split(host, ".") {
		if len(l) > len(label) && l != "www" {
			label = l
		}
	}
	label = strings.ReplaceAll(label, "-", "")
	return len(label) >= 4 && strings.HasPrefix(w, label) || len(label) >= 7 && strings.Contains(w, label)
}

// titleSepRE matches the separators sites put between a headline, its
// section and the site name in a <title>.
var titleSepRE = regexp.MustCompile(`\s+(?:[|\-–—:>»/·]|::)\s+|\s*(?:\|\||--|::|_|\|)\s*`)

// titleSegments splits a document title at its separators.
func titleSegments(t string) []string {
	var out []string
	for _, s := range titleSepRE.Split(t, -1) {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// shownAsHeading reports whether title is, word for word, one of headings.
func shownAsHeading(title string, headings []string) bool {
	return slices.ContainsFunc(headings, func(h string) bool { return scan.SameWords(h, title) })
}

// hasWordPrefix reports whether s's words begin with all of prefix's
// words and go on.
func hasWordPrefix(s, prefix string) bool {
	sw, pw := scan.TitleWords(s), scan.TitleWords(prefix)
	return len(sw) > len(pw) && slices.Equal(sw[:len(pw)], pw)
}

// kickerHeading reports whether a heading ends with title and has words
// before it: a kicker shown above the headline.
func kickerHeading(title string, headings []string) bool {
	tw := scan.TitleWords(title)
	if len(tw) < 3 {
		return false
	}
	for _, h := range headings {
		hw := scan.TitleWords(h)
		if len(hw) > len(tw) && slices.Equal(hw[len(hw)-len(tw):], tw) {
			return true
		}
	}
	return false
}

// withoutKicker returns the headline of a "Kicker: Headline" title when a
// visible heading shows the same headline after a different kicker, so
// the kicker is page furniture; else "".
func withoutKicker(title string, headings []string) string {
	// Only a colon marks a kicker: a dash as often joins two halves of
	// one headline ("I sell holidays - booking early saves thousands").
	i := strings.Index(title, ": ")
	if i <= 0 {
		return ""
	}
	// The page shows the whole title as (the end of) a heading: the part
	// before the colon belongs to the headline.
	if shownAsHeading(title, headings) || kickerHeading(title, headings) {
		return ""
	}
	rest := strings.TrimSpace(title[i+2:])
	if len(scan.TitleWords(rest)) < 3 {
		return ""
	}
	for _, h := range headings {
		if !scan.SameWords(h, title) && kickerHeading(rest, []string{h}) {
			return rest
		}
	}
	return ""
}

// Clean repairs titles that swallowed markup (a <title> left open
// makes the parser read the rest of the page as its text).
func Clean(t string) string {
	if i := strings.Index(t, "<"); i >= 0 {
		t = t[:i]
	}
	// No headline is this long; the cap bounds the work on titles that
	// swallowed a page of text.
	if len(t) > maxTitleBytes {
		t = strings.ToValidUTF8(t[:maxTitleBytes], "")
	}
	return scan.CollapseSpace(scan.InvisibleRE.ReplaceAllString(t, ""))
}

// maxTitleBytes caps a title candidate's length.
const maxTitleBytes = 2048

// headingInTitle returns the page heading that the title merely decorates
// ("Headline - Section - Site", "Kicker: Headline"): a heading that is the
// title's beginning or end and most of its length.
func headingInTitle(title string, headings []string) string {
	lt := strings.ToLower(title)
	for _, h := range headings {
		lh := strings.ToLower(h)
		if len(lh) < 10 || lh == lt || 5*len(lh) < 2*len(lt) {
			continue
		}
		if strings.HasPrefix(lt, lh) || strings.HasSuffix(lt, lh) {
			return h
		}
	}
	return ""
}

func CutSiteSuffix(title, site string) string {
	// "Headline | Section" / "Headline | Site | date": a pipe separates
	// page furniture from a headline of several words.
	if i := strings.Index(title, " | "); i > 0 && len(strings.Fields(title[:i])) >= 3 {
		return strings.TrimSpace(title[:i])
	}
	if site == "" {
		return title
	}
	for _, sep := range []string{" | ", " - ", " – ", " — ", " :: ", " · ", " » ", " • "} {
		if i := strings.LastIndex(title, sep); i > 0 && strings.EqualFold(strings.TrimSpace(title[i+len(sep):]), site) {
			return strings.TrimSpace(title[:i])
		}
		// A site name that itself holds separators ("Site - Slogan").
		if lt, ls := strings.ToLower(title), strings.ToLower(sep+site); len(lt) > len(ls) && strings.HasSuffix(lt, ls) {
			return strings.TrimSpace(title[:len(title)-len(ls)])
		}
	}
	return title
}

// segmentHeading returns the part of a decorated title that a visible
// heading shows: the title's leading segments (up to a separator) when a
// heading reads them, alone or after a kicker ("Headline - Tagline - Site"
// with the heading "Headline"), or its trailing segments when a heading
// reads those ("Section - Headline"). A one-word heading counts only when
// what it drops names the site. Returns "" when no heading matches.
func segmentHeading(title string, headings []string, host, site string) string {
	locs := titleSepRE.FindAllStringIndex(title, -1)
	if len(locs) == 0 {
		return ""
	}
	for _, h := range headings {
		hw := scan.TitleWords(h)
		if len(hw) == 0 {
			continue
		}
		if head := leadingSegments(title, locs, hw, host, site); head != "" {
			return head
		}
		if tail := trailingSegments(title, locs, hw, host, site); tail != "" {
			return tail
		}
	}
	return ""
}

// leadingSegments returns the title's segments before one of its
// separators (locs) when the heading's words hw are theirs, alone or
// after a kicker; "" when none are.
func leadingSegments(title string, locs [][]int, hw []string, host, site string) string {
	for _, l := range locs {
		head, tail := strings.TrimSpace(title[:l[0]]), strings.TrimSpace(title[l[1]:])
		if len(hw) < 2 && !siteLike(tail, host, site) {
			continue
		}
		tw := scan.TitleWords(head)
		if len(tw) == 0 {
			continue
		}
		if slices.Equal(hw, tw) || len(tw) >= 3 && len(hw) > len(tw) && slices.Equal(hw[len(hw)-len(tw):], tw) {
			return head
		}
	}
	return ""
}

// trailingSegments returns the title's segments after one of its
// separators (locs) when the heading's words hw (three or more) are
// theirs and they do not name the site; "" when none are.
func trailingSegments(title string, locs [][]int, hw []string, host, site string) string {
	for _, l := range locs {
		head, tail := strings.TrimSpace(title[:l[0]]), strings.TrimSpace(title[l[1]:])
		if len(hw) < 3 || head == "" {
			continue
		}
		if slices.Equal(hw, scan.TitleWords(tail)) && !siteLike(tail, host, site) {
			return tail
		}
	}
	return ""
}

// truncatedTitle returns the visible heading that a visibly cut-short
// title begins, when the <title> also carries that heading in full; else
// "". A title is cut short when it ends in an ellipsis ("Long headline
// about..."), or when the heading goes on with a quotation mark (a quote
// inside the attribute ended it: "Senator calls the plan" for
// `Senator calls the plan "reckless"`).
func truncatedTitle(title string, m meta.Page) string {
	t := strings.TrimSuffix(strings.TrimSuffix(strings.TrimSpace(title), "..."), "…")
	ellipsis := t != strings.TrimSpace(title)
	if len(scan.TitleWords(t)) < 3 {
		return ""
	}
	for _, h := range m.Headings {
		h = Clean(h)
		if !hasWordPrefix(h, t) || !scan.ContainsWords(m.DocTitle, h) {
			continue
		}
		if !ellipsis {
			rest := strings.TrimSpace(strings.TrimPrefix(h, strings.TrimSpace(t)))
			if rest == "" || !strings.ContainsRune("\"'“„«‘‚»”", []rune(rest)[0]) {
				continue
			}
		}
		return h
	}
	return ""
}
