// Package authors finds who wrote a page: it collects bylines as the
// metadata walk meets them (Bylines), cleans author values into names
// (CleanMeta: labels, roles, dates, outlets and bios removed), and chooses
// among the sources in order of trust (Choose: JSON-LD, author meta,
// marked-up bylines, plain-text bylines, signature blocks, copyright
// lines), keeping values that name the publication itself apart. Reading
// JSON-LD and meta tags is the metadata step's.
package authors

import (
	"net/url"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"

	"github.com/syndex/syndex/extract/dates"
	"github.com/syndex/syndex/extract/internal/dom"
	"github.com/syndex/syndex/extract/internal/scan"
)

// This file chooses who wrote a page among what its sources name (JSON-LD
// authors, author meta, marked-up and plain-text bylines, signature
// blocks, copyright lines), and tells the people who wrote an article
// from the organisation that published it. Finding bylines is byline.go's,
// cleaning them clean.go's.

// orgAuthorRE matches author values that name a web site rather than a
// person: a domain or a URL.
var orgAuthorRE = regexp.MustCompile(`(?i)(^|[\s(])(www\.)?[\p{L}\d-]+\.(com|net|org|info|de|at|ch|fr|es|it|nl|uk|co|cl|mx|ar|pl|ru|in|io|eu|be|se|no|dk|fi|pt|br|us|ca|au|jp|cz)\b`)

// isSiteAuthor reports whether author names the publication itself (its
// site name, the publisher, the host) rather than a writer.
func isSiteAuthor(author string, sites []string, base *url.URL) bool {
	if orgAuthorRE.MatchString(author) {
		return true
	}
	a := alnumLower(author)
	if a == "" {
		return false
	}
	if base != nil {
		host := strings.TrimPrefix(strings.ToLower(base.Hostname()), "www.")
		sites = append(sites, host)
		if i := strings.IndexByte(host, '.'); i > 0 {
			sites = append(sites, host[:i])
		}
	}
	for _, s := range sites {
		if n := alnumLower(s); len(n) >= 3 && namesSite(author, a, n) {
			return true
		}
	}
	return false
}

// namesSite reports whether author (a its letters and digits, lower-cased)
// names the site n (the same): the same name, the start of it, or a short
// author value that ends in it.
func namesSite(author, a, n string) bool {
	return a == n || len(a) >= 4 && strings.HasPrefix(n, a) ||
		len(n) >= 5 && strings.HasSuffix(a, n) && len(strings.Fields(author)) <= 3 && !strings.ContainsAny(author, "/,;&")
}

func alnumLower(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// authorMetaKeys are the name=/property= meta keys that carry the author.
// Dublin Core's creator is explicit article metadata and comes first;
// name="author" is often a site-wide default of the CMS.
var authorMetaKeys = []string{"dc:creator", "dc.creator", "dcterms.creator", "dcterms:creator", "author", "article:author", "sailthru.author", "parsely-author", "citation_author", "byl", "cxenseparse:author"}

// CleanMeta cleans an author meta or JSON-LD value: URLs (profile
// links) are not names; bylines get their labels removed.
func CleanMeta(v string) string {
	v = strings.TrimSpace(html.UnescapeString(v))
	if v == "" || strings.HasPrefix(v, "http") || strings.HasPrefix(v, "//") || strings.HasPrefix(v, "www.") {
		return ""
	}
	return cleanByline(v)
}

// personPart cleans an author value whose parts are separated ("Outlet
// - Jane Doe"), preferring the first part that names a person rather
// than the publication.
func personPart(v string, sites []string, base *url.URL) string {
	if c := CleanMeta(v); c == "" || !isSiteAuthor(c, sites, base) {
		return c
	}
	for _, p := range bylineSepRE.Split(scan.CollapseSpace(v), -1) {
		if c := CleanMeta(p); c != "" && !isSiteAuthor(c, sites, base) && capitalisedNames(c) {
			return c
		}
	}
	return CleanMeta(v)
}

func IsMetaKey(k string) bool {
	for _, a := range authorMetaKeys {
		if k == a {
			return true
		}
	}
	return false
}

// Sources are what a page names as its author, by source.
type Sources struct {
	// LD are the names in the JSON-LD Article's author, LDOrgs those of
	// them that are organisations.
	LD     []string
	LDOrgs map[string]bool
	// Meta holds every value of each author meta key (see IsMetaKey).
	Meta    map[string][]string
	Bylines Bylines
	// Sites are the publication's names (site name, publisher, …) and
	// Base the page's URL: an author value naming them is the
	// publication, not a writer.
	Sites []string
	Base  *url.URL
}

// Choose returns the author from, in order of trust: the JSON-LD
// Article's persons, the author meta tags, then the first byline element
// whose text holds a name. Values that name the publication itself (site
// name, host, an Organization) are returned apart, as weak. Either is ""
// when no source names one.
func Choose(src Sources) (author, weak string) {
	ac := &authorChoice{sites: src.Sites, base: src.Base}
	ac.fromLD(src.LD, src.LDOrgs)
	ac.fromMeta(src.Meta)
	shown := ac.fromBylines(src.Bylines.Marked)
	ac.fromText(src.Bylines.Text)
	if len(ac.cands) > 0 {
		author = ac.cands[0]
		// A handle-like value ("janedoe") is shown as the byline spells it.
		if !strings.ContainsAny(author, " ,") {
			key := alnumLower(author)
			for _, s := range shown {
				if alnumLower(s) == key {
					author = s
					break
				}
			}
		}
	}
	if len(ac.weak) > 0 {
		weak = ac.weak[0]
	}
	return author, weak
}

// authorChoice gathers the author candidates of a page, one per source in
// order of trust, and apart from them the values that name the
// publication.
type authorChoice struct {
	sites       []string // the publication's names
	base        *url.URL
	cands, weak []string
}

// keep returns names without those that name the publication or a generic
// account, which it sets aside as weak.
func (ac *authorChoice) keep(names []string) []string {
	var out []string
	for _, n := range names {
		if isSiteAuthor(n, ac.sites, ac.base) || genericAccount(n) {
			ac.weak = append(ac.weak, n)
		} else {
			out = append(out, n)
		}
	}
	return scan.Unique(out)
}

// fromLD takes the JSON-LD author list whole (agencies and the outlet
// credited beside the writers) when it names at least one person other
// than the publication.
func (ac *authorChoice) fromLD(names []string, orgs map[string]bool) {
	person := false
	for _, n := range names {
		if !orgs[n] && !isSiteAuthor(n, ac.sites, ac.base) && !genericAccount(n) {
			person = true
		}
	}
	if person {
		ac.cands = append(ac.cands, strings.Join(names, ", "))
	} else {
		ac.weak = append(ac.weak, names...)
	}
}

// fromMeta takes the persons of each author meta key, in the keys' order.
func (ac *authorChoice) fromMeta(metaAuthors map[string][]string) {
	for _, k := range authorMetaKeys {
		var vals []string
		for _, v := range metaAuthors[k] {
			if c := personPart(v, ac.sites, ac.base); c != "" {
				vals = append(vals, c)
			}
		}
		if v := ac.keep(vals); len(v) > 0 {
			ac.cands = append(ac.cands, strings.Join(v, ", "))
		}
	}
}

// fromBylines takes the plainest name the byline elements show, author
// boxes with a bio last; it returns the names shown.
func (ac *authorChoice) fromBylines(bylines []string) (shown []string) {
	var bios []string // cleaned byline texts, in document order
	for _, b := range bylines {
		if c := personPart(b, ac.sites, ac.base); c != "" {
			if len(b) > maxBylineLen {
				// An author box's name and bio: the plain bylines
				// come first.
				bios = append(bios, c)
			} else {
				shown = append(shown, c)
			}
		}
	}
	shown = append(shown, bios...)
	if v := ac.keep(shown); len(v) > 0 {
		ac.cands = append(ac.cands, plainestName(v))
	}
	return shown
}

// fromText takes the first plain-text byline that names someone, then the
// person a copyright line names ("© 2019 Jane Doe", who wrote a personal
// site's pages), which counts only when nothing else names one.
func (ac *authorChoice) fromText(textBylines []string) {
	var plain, owners []string
	for _, b := range textBylines {
		if copyrightRE.MatchString(b) {
			if c := copyrightHolder(b); c != "" {
				owners = append(owners, c)
			}
		} else if c := cleanByline(b); c != "" && capitalisedNames(c) {
			plain = append(plain, c)
		}
	}
	if v := ac.keep(plain); len(v) > 0 {
		ac.cands = append(ac.cands, v[0])
	}
	if v := ac.keep(owners); len(v) > 0 {
		ac.cands = append(ac.cands, v[0])
	}
}

// maxBylineLen is the longest text a byline element holds; longer ones
// are author boxes with a bio.
const maxBylineLen = 100

// plainestName returns the first of vals that is not a description (see
// descriptive), else the first:
// an author box's bio ("Jane Doe, photographer from Hamburg") yields to
// the plain byline further down.
func plainestName(vals []string) string {
	for _, v := range vals {
		if !descriptive(v) {
			return v
		}
	}
	return vals[0]
}

// copyrightRE matches a copyright line's opening: "©", "(c)",
// "Copyright".
var copyrightRE = regexp.MustCompile(`^\s*(?:©|\([cC]\)|(?i:copyright)\b)`)

// copyrightFooterRE tells a site's copyright line (a year, a rights
// note) from a picture credit ("© Agency").
var copyrightFooterRE = regexp.MustCompile(`(?i)\b(?:19|20)\d\d\b|rights|rechte|droits|derechos|diritti`)

// copyrightHeadRE matches what opens a copyright line before the holder:
// the marks, "since", years and ranges, "by".
var copyrightHeadRE = regexp.MustCompile(`(?i)^(?:\s*(?:©|\(c\)|copyright\b|since\b|seit\b|depuis\b|desde\b|by\b|von\b|par\b|por\b|\d{4}\s*[-–]?\s*(?:\d{4})?)[\s,.:]*)+`)

// copyrightTailRE matches what follows the holder: a rights note and
// the rest of the line.
var copyrightTailRE = regexp.MustCompile(`(?i)[.,]?\s*\b(?:all rights|alle rechte|weitere rechte|tous droits|todos los derechos|design|theme|powered|hosted|impressum)\b.*$`)

// orgWords mark a copyright holder as an organisation rather than a
// person.
var orgWords = map[string]bool{"gmbh": true, "ag": true, "e.v.": true, "ev": true, "inc": true, "inc.": true, "ltd": true, "ltd.": true, "llc": true, "kg": true, "sa": true, "s.a.": true, "sl": true, "srl": true, "bv": true, "b.v.": true, "plc": true, "co.": true, "media": true, "verlag": true, "news": true, "group": true, "gruppe": true, "press": true, "presse": true, "zeitung": true, "magazin": true, "magazine": true, "blog": true, "team": true, "redaktion": true, "online": true, "publishing": true, "company": true, "corporation": true, "stiftung": true, "foundation": true, "verband": true, "institut": true, "institute": true, "university": true, "universität": true, "forum": true, "verein": true, "club": true, "shop": true, "agentur": true, "agency": true}

// articleWords open organisation names ("The Daily Planet").
var articleWords = map[string]bool{"the": true, "der": true, "die": true, "das": true, "le": true, "la": true, "les": true, "el": true, "il": true, "de": true, "het": true}

// copyrightHolder returns the person a copyright line names ("©
// 2012-2020 Jane Doe. All rights reserved." gives "Jane Doe"): two or
// three capitalised words, no organisation word. Anything else gives "".
func copyrightHolder(s string) string {
	s = scan.CollapseSpace(s)
	if i := strings.IndexAny(s, "|•·"); i >= 0 {
		s = s[:i]
	}
	s = copyrightTailRE.ReplaceAllString(copyrightHeadRE.ReplaceAllString(s, ""), "")
	s = strings.Trim(scan.CollapseSpace(s), " .,;:-–—")
	f := strings.Fields(s)
	if len(f) < 2 || len(f) > 3 || !capitalisedNames(s) || strings.ContainsAny(s, "/&+") {
		return ""
	}
	for _, w := range f {
		lw := strings.ToLower(strings.Trim(w, ",;"))
		if orgWords[lw] || nameParticles[lw] || articleWords[lw] || len(w) > 1 && strings.ToUpper(w) == w {
			return ""
		}
	}
	if !nameLike(s) {
		return ""
	}
	return s
}

// genericAccounts are the CMS account names and desk words an author
// field holds when it names no person.
var genericAccounts = map[string]bool{"admin": true, "administrator": true, "wordpressadmin": true, "wpadmin": true, "siteadmin": true, "webmaster": true, "webadmin": true, "root": true, "user": true, "guest": true, "gast": true, "redaktion": true, "redaction": true, "rédaction": true, "redazione": true, "redacción": true, "redactie": true, "newsroom": true, "editorial": true, "editorialteam": true, "editorialstaff": true}

// genericAccount reports whether author is a CMS account or desk word
// rather than a person ("admin", "Redaktion").
func genericAccount(author string) bool {
	return genericAccounts[alnumLower(author)]
}

// signatureBlock reports whether n is a writer's signature closing the
// story: a paragraph holding only a name of two or three capitalised
// words, set in emphasis or right-aligned, that follows the article's
// running text and is followed by nothing longer than footnotes.
func signatureBlock(n *html.Node) bool {
	if n.Data != "p" || !signatureStyled(n) {
		return false
	}
	if !plainPersonName(dom.NodeText(n)) {
		return false
	}
	return followsRunningText(n) && onlyFootnotesAfter(n)
}

// followsRunningText reports whether one of the three elements with text
// before n is a paragraph of running text (150 bytes or more).
func followsRunningText(n *html.Node) bool {
	long := false
	seen := 0
	for p := n.PrevSibling; p != nil && seen < 3 && !long; p = p.PrevSibling {
		if p.Type != html.ElementNode {
			continue
		}
		pt := dom.NodeText(p)
		if pt == "" {
			continue
		}
		seen++
		long = len(pt) >= 150
	}
	return long
}

// onlyFootnotesAfter reports whether nothing longer than a footnote (100
// bytes, unless it reads as one) follows n.
func onlyFootnotesAfter(n *html.Node) bool {
	for q := n.NextSibling; q != nil; q = q.NextSibling {
		if q.Type != html.ElementNode {
			continue
		}
		if qt := dom.NodeText(q); len(qt) >= 100 && !footnoteRE.MatchString(qt) {
			return false
		}
	}
	return true
}

// plainPersonName reports whether t is nothing but a person's name of
// two or three capitalised words: no digits or punctuation, no heading
// words or abstract nouns ("Weitere Informationen").
func plainPersonName(t string) bool {
	f := strings.Fields(t)
	if len(f) < 2 || len(f) > 3 || !capitalisedNames(t) || !nameLike(t) || strings.ContainsAny(t, "0123456789:,;!?()|/") {
		return false
	}
	for _, w := range f {
		lw := strings.ToLower(strings.Trim(w, "."))
		if nameParticles[lw] || signatureStopWords[lw] || nounSuffixRE.MatchString(lw) || strings.ToUpper(w) == w {
			return false
		}
	}
	return true
}

// datedNameLine reports whether t is a meta line that opens with a date
// and names a person after a separator ("04.02.2022 | 13:10 Uhr | Jane
// Doe", "25.10.2022 - Jane Doe", "05.02.2020 - Redaktion: Jane Doe").
func datedNameLine(t string) bool {
	if len(t) > 80 {
		return false
	}
	c := scan.CollapseSpace(t)
	// The first part opens with the line's first character (no separator
	// starts with a digit): a line that does not open with a digit needs
	// no split.
	if r, _ := utf8.DecodeRuneInString(c); !unicode.IsDigit(r) {
		return false
	}
	return datedNameParts(c)
}

// datedNameParts is datedNameLine's rule on a collapsed line c: split at
// the byline separators, a first part that is a visible date, a last
// part (after a label such as "Redaktion:") that is a person's name.
func datedNameParts(c string) bool {
	parts := bylineSepRE.Split(c, -1)
	if len(parts) < 2 {
		return false
	}
	if r, _ := utf8.DecodeRuneInString(parts[0]); !unicode.IsDigit(r) {
		return false
	}
	if _, ok := dates.Visible(parts[0]); !ok {
		return false
	}
	last := parts[len(parts)-1]
	if i := strings.Index(last, ": "); i > 0 && (bylineLabels[strings.ToLower(last[:i])] || colonLabels[strings.ToLower(last[:i])]) {
		last = last[i+2:]
	}
	if i := strings.Index(last, " ("); i > 0 {
		last = last[:i]
	}
	return plainPersonName(last)
}

// signatureStyled reports whether paragraph n is right-aligned or holds
// its text in one emphasis element (<p><b><i>Jane Doe</i></b></p>).
func signatureStyled(n *html.Node) bool {
	if strings.EqualFold(dom.Attr(n, "align"), "right") || strings.Contains(strings.ReplaceAll(strings.ToLower(dom.Attr(n, "style")), " ", ""), "text-align:right") {
		return true
	}
	var only *html.Node
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		switch {
		case c.Type == html.TextNode && strings.TrimSpace(c.Data) == "":
		case c.Type == html.ElementNode && only == nil:
			only = c
		default:
			return false
		}
	}
	return only != nil && (only.Data == "em" || only.Data == "strong" || only.Data == "b" || only.Data == "i")
}

// footnoteRE matches the opening of a footnote ("(1)", "[2]", "3)", "*").
var footnoteRE = regexp.MustCompile(`^\s*(?:\(\d+\)|\[\d+\]|\d+\)|\*)`)

// nounSuffixRE matches the endings of abstract nouns that short headings
// ("Weitere Informationen", "Conclusion") use and names do not.
var nounSuffixRE = regexp.MustCompile(`(?:ungen|ung|heit|keit|schaft|ionen|tion|sion|tät|ismus|ment|ness|ity|ités|ité)$`)

// signatureStopWords are heading and label words that close articles
// without naming anyone.
var signatureStopWords = map[string]bool{
	"weitere": true, "mehr": true, "links": true, "quellen": true, "quelle": true, "fazit": true, "hinweis": true, "kontakt": true, "anzeige": true, "werbung": true,
	"related": true, "more": true, "sources": true, "source": true, "notes": true, "contact": true, "share": true, "teilen": true, "tags": true, "comments": true,
	"kommentare": true, "advertisement": true, "newsletter": true, "read": true, "lesen": true, "sie": true, "auch": true, "the": true, "end": true, "ende": true,
	"top": true, "zurück": true, "back": true, "home": true, "lire": true, "aussi": true, "voir": true, "leer": true, "más": true, "leggi": true, "anche": true,
	"lees": true, "ook": true, "meer": true, "und": true, "and": true, "oder": true, "or": true, "für": true, "for": true, "mit": true, "with": true, "über": true, "about": true,
}
