// Package attribution finds the outlet a page says it republishes: credit
// lines in the text or beside it ("This article first appeared in …",
// "Source: …", a press release's sign-off), resolved to a site through the
// page's links and the known-outlet table, and wire-agency datelines and
// copyright lines. It reads paragraphs (dom.Block) and links; choosing
// among markup, canonical URL and credit lines is Extract's.
package attribution

import (
	"net/url"
	"regexp"
	"slices"
	"strings"
	"unicode"

	"golang.org/x/net/html"

	"github.com/syndex/syndex/article"
	"github.com/syndex/syndex/extract/internal/dom"
	"github.com/syndex/syndex/extract/internal/outlets"
)

// attrPattern is one way republishers credit the original. The outlet
// follows the match; strong patterns always count, weak ones ("Source:",
// "via") only when the outlet resolves to a site and the line stands apart
// from the body (short, near the top or bottom).
type attrPattern struct {
	re     *regexp.Regexp
	keys   []string // lower-case words one of which any match contains
	strong bool
}

// keyedRE is a pattern's source with the words that gate it: the regexp
// runs only on text holding one of them (a substring test is far cheaper
// than a case-folding backtracking match on every paragraph).
type keyedRE struct {
	re   string
	keys []string
}

// mayMatch reports whether lower (the lower-cased text) holds one of p's
// keys.
func (p attrPattern) mayMatch(lower string) bool {
	for _, k := range p.keys {
		if strings.Contains(lower, k) {
			return true
		}
	}
	return false
}

// keySet finds whether a text holds any of a set of words in one pass:
// only where a word's first byte stands are the words compared.
type keySet struct {
	first [256][]string // the words by their first byte
}

func newKeySet(pats []attrPattern) *keySet {
	ks := &keySet{}
	for _, p := range pats {
		for _, k := range p.keys {
			ks.first[k[0]] = append(ks.first[k[0]], k)
		}
	}
	return ks
}

// any reports whether s contains one of the words: whether any pattern's
// mayMatch would let s through.
func (ks *keySet) any(s string) bool {
	for i := 0; i < len(s); i++ {
		for _, k := range ks.first[s[i]] {
			if strings.HasPrefix(s[i:], k) {
				return true
			}
		}
	}
	return false
}

// attrKeys are the words of all attrPatterns, strongKeys those of the
// strong ones: where the weak patterns are not tried, a text without a
// strong key matches none.
var (
	attrKeys   = newKeySet(attrPatterns)
	strongKeys = newKeySet(slices.DeleteFunc(slices.Clone(attrPatterns), func(p attrPattern) bool { return !p.strong }))
)

// outletTail captures the credited outlet after a phrase: up to the end of
// the sentence, a bracket or a separator, at most 80 characters.
const outletTail = `\s*(?:(?:the\s+)?(?:website|site|blog|magazine|newspaper|journal)\s+)?["“«„]?(?P<x>[^;|()\[\]\n]{1,80}?)["”»“]?\s*(?:\.\s|\.$|[;|()\[\],]|\s[-–—]\s|$)`

var attrPatterns = func() []attrPattern {
	strong := []keyedRE{
		// English
		{`(?i)\bthe original source of this (?:article|story|post) is`, []string{"original source"}},
		{`(?i)(?:^[\W_]*|\b(?:this|the) (?:article|story|post|piece|report|essay|interview|column|op-ed|content|text|blog post)(?: above)? (?:was |has been |had been |is )?)(?:originally|first) (?:published|posted|appeared|ran|printed) (?:at|by|on|in)(?: page \d+ of)?`, []string{"originally", "first"}},
		{`(?i)\brepublished (?:here )?(?:from|with (?:the )?(?:kind )?permission (?:from|of)|under a creative commons license from|courtesy of)`, []string{"republished"}},
		{`(?i)\breprinted (?:here )?(?:from|with (?:the )?(?:kind )?permission (?:from|of))`, []string{"reprinted"}},
		{`(?i)\b(?:this (?:article|story|post) )?(?:is )?(?:re)?published (?:here )?(?:courtesy of|in partnership with)`, []string{"courtesy of", "partnership with"}},
		// A reworked text naming where its first version ran: "a version of
		// a post that Jane Roe originally published on the X forum".
		{`(?i)\b(?:version of|adapted from|based on|expanded from) (?:a|an|the|his|her|their|my|our) (?:earlier |shorter |longer )?(?:post|article|essay|piece|story|thread|column)(?: (?:that|which) (?:[\p{Lu}][\p{L}'’-]*\s+){0,3}| (?:he|she|they|I|we)\s+)?(?:originally|first) (?:published|posted|ran) (?:on|at|in)`, []string{"version of", "adapted from", "based on", "expanded from"}},
		{`(?i)\bread the original (?:article|story) (?:at|on)`, []string{"read the original"}},
		{`(?i)\b(?:continue reading|read (?:more|the (?:full|rest of the) (?:article|story))) (?:at|on)`, []string{"continue reading", "read more", "read the full", "read the rest"}},
		// French
		{`(?i)(?:^[\W_]*|\b(?:cet article|cette tribune|ce texte|cette chronique) (?:a été |a d'abord été |a d’abord été |est )?)(?:initialement|originellement|d'abord|d’abord|originalement|précédemment|paru|publié)\s*(?:été )?(?:publiée?|paru(?:e)?)? ?(?:sur|dans|par|chez)(?: le site(?: de)?)?`, []string{"initialement", "originellement", "d'abord", "d’abord", "originalement", "précédemment", "paru", "publié"}},
		{`(?i)\b(?:article )?(?:paru|publié) (?:initialement|originellement|d'abord|d’abord) (?:sur|dans|par)`, []string{"paru", "publié"}},
		{`(?i)\brepublié (?:avec l'autorisation|avec l’autorisation|avec la permission) (?:de|du|des)`, []string{"republié"}},
		// German
		{`(?i)\b(?:dieser|der) (?:artikel|beitrag|text) (?:ist |erschien )?(?:zuerst|ursprünglich|erstmals) (?:erschienen )?(?:bei|in|im|auf)`, []string{"zuerst", "ursprünglich", "erstmals"}},
		{`(?i)\b(?:zuerst|ursprünglich|erstmals) (?:erschienen|veröffentlicht) (?:bei|in|im|auf)`, []string{"zuerst", "ursprünglich", "erstmals"}},
		{`(?i)\berstveröffentlichung (?:bei|in|im|auf)`, []string{"erstveröffentlichung"}},
		{`(?i)\bmit freundlicher genehmigung (?:von|der|des)`, []string{"genehmigung"}},
		// Spanish
		{`(?i)\beste (?:artículo|texto|reportaje) (?:fue publicado|se publicó|apareció) (?:originalmente|por primera vez|primero) en`, []string{"originalmente", "por primera vez", "primero"}},
		{`(?i)\b(?:publicado|publicada|aparecido) (?:originalmente|originariamente|por primera vez) en`, []string{"originalmente", "originariamente", "por primera vez"}},
		{`(?i)\b(?:republicado|reproducido) con (?:el )?permiso de`, []string{"con permiso", "con el permiso"}},
		// Russian
		{`(?i)впервые (?:опубликован[ао]?|вышла|вышел|напечатан[ао]?) (?:в|на)`, []string{"впервые"}},
		{`(?i)(?:оригинал|первоисточник) (?:статьи |материала |публикации )?(?:опубликован[ао]? )?(?:в|на)`, []string{"оригинал", "первоисточник"}},
		{`(?i)(?:материал|статья|текст) (?:был[ао]? )?(?:изначально |первоначально )?опубликован[ао]? (?:изначально |первоначально )(?:в|на)`, []string{"опубликован"}},
		// Arabic
		{`(?:نُشر|نشر|نشرت|نُشرت)(?:\s+(?:هذا المقال|هذه المقالة|المقال|المقالة))?\s+(?:أصلا|أصلاً|لأول مرة|أولا|أولاً|في الأصل)\s+(?:في|على|على موقع)`, []string{"نشر", "نُشر"}},
		{`(?:نقلا|نقلاً) عن`, []string{"نقلا", "نقلاً"}},
	}
	weak := []keyedRE{
		{`(?i)^\(?(?:source|sources|quelle|quellen|fuente|fuentes|источник|источники)\s*:`, []string{"source", "quelle", "fuente", "источник"}},
		{`^\(?(?:المصدر|المصادر)\s*:`, []string{"المصدر", "المصادر"}},
		{`(?i)^\(?(?:via|über|vía)\s`, []string{"via", "über", "vía"}},
	}
	var out []attrPattern
	for _, s := range strong {
		out = append(out, attrPattern{re: regexp.MustCompile(s.re + outletTail), keys: s.keys, strong: true})
	}
	for _, s := range weak {
		out = append(out, attrPattern{re: regexp.MustCompile(s.re + outletTail), keys: s.keys, strong: false})
	}
	return out
}()

// lineURLRE finds absolute http(s) URLs written out in text.
var lineURLRE = regexp.MustCompile(`https?://[^\s()<>"'\]\[]+`)

// domainRE finds a domain-like name ("Wired.com", "www.example.org").
var domainRE = regexp.MustCompile(`(?i)\b((?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,12})\b`)

// Credit is a credit line found in the text.
type Credit struct {
	Block  int    // index of the paragraph that holds it
	Line   string // the sentence removed from the text
	Rest   string // what remains of the paragraph ("" drops it)
	Outlet string // the credited outlet as written
	Source string // resolved site or URL ("" when the outlet is this site)
}

// Find looks for a credit line among the blocks: strong phrases
// anywhere in a short-enough paragraph, weak ones only at the edges of the
// text. links maps anchor texts of the original page to their URLs, used to
// resolve the outlet; self is the page's own site.
func Find(blocks []dom.Block, links LinkSource, self string) *Credit {
	return Scan(blocks, links, self, false)
}

// Scan is Find; with strongOnly it accepts only the
// unambiguous phrases ("The original source of this article is X"), for
// text outside the main content where weak ones ("Source: X") would
// match captions and footers.
func Scan(blocks []dom.Block, links LinkSource, self string, strongOnly bool) *Credit {
	n := len(blocks)
	tail := n
	if !strongOnly {
		tail = tailStart(blocks)
	}
	// Credits sit at the top or (mostly) the bottom; scan bottom first.
	for i := n - 1; i >= 0; i-- {
		if len(blocks[i].Text) > 600 {
			continue
		}
		if at := phraseCredit(blocks[i].Text, i, n, tail, links, self, strongOnly); at != nil {
			return at
		}
		// "Source: X" appended to the story's last paragraph (after a line
		// break the flattened text no longer shows).
		if !strongOnly && (i >= n-3 || i >= tail-1) {
			if at := endCredit(blocks[i], i, links, self, false); at != nil {
				return at
			}
		}
	}
	if strongOnly {
		return nil
	}
	return creditAround(blocks, links, self)
}

// phraseCredit looks for a credit phrase in text, paragraph i of n (the
// short closing lines start at tail): strong phrases anywhere, weak ones
// only at the story's edges, in short paragraphs, and when the outlet
// resolves or the credit closes the story.
func phraseCredit(text string, i, n, tail int, links LinkSource, self string, strongOnly bool) *Credit {
	// The story's edges: its first lines, its last lines, and the short
	// trailing lines (sidebar, footer) after its last paragraph.
	edge := i < 2 || i >= n-3 || i >= tail
	weak := !strongOnly && edge && len(text) <= 160
	keys := strongKeys
	if weak {
		keys = attrKeys
	}
	lower := strings.ToLower(text)
	if !keys.any(lower) {
		return nil
	}
	for _, p := range attrPatterns {
		if !p.strong && !weak {
			continue
		}
		loc, outlet := p.outletIn(text, lower)
		if loc == nil {
			continue
		}
		src, resolved := resolveOutlet(outlet, text, links, self)
		// An outlet no link or known name resolves still counts when
		// the whole closing paragraph is the credit ("Source: SBS"),
		// named like an organisation, not a phrase ("… from Pexels").
		// An unnamed "News agencies" closing a story credits the wires.
		if !p.strong && !resolved && !closingCredit(text[loc[1]:], outlet, i >= n-2 || i >= tail) {
			continue
		}
		line, rest := cutSentence(text, loc[0], loc[1])
		return &Credit{Block: i, Line: line, Rest: rest, Outlet: outlet, Source: src}
	}
	return nil
}

// closingCredit reports whether a credit naming outlet, followed by
// after in its paragraph, is the whole closing paragraph (closing: one of
// the story's last two or a trailing line) and names an organisation or
// the wires.
func closingCredit(after, outlet string, closing bool) bool {
	return closing && strings.TrimSpace(strings.Trim(after, ".)")) == "" && (properName(outlet) || genericWire(outlet))
}

// outletIn finds p in text (lower is its lower case) and returns the
// match's location and the outlet it names, cleaned; nil when p does not
// match or names no plausible outlet.
func (p attrPattern) outletIn(text, lower string) ([]int, string) {
	if !p.mayMatch(lower) {
		return nil, ""
	}
	loc := p.re.FindStringSubmatchIndex(text)
	if loc == nil {
		return nil, ""
	}
	xi := p.re.SubexpIndex("x")
	outlet := cleanOutlet(text[loc[2*xi]:loc[2*xi+1]])
	if !plausibleOutlet(outlet) {
		return nil, ""
	}
	return loc, outlet
}

// creditAround looks for the credits that stand apart from the story's
// phrases: a metadata line above the story ("Last Modified: <date> Source:
// X"), a press release's sign-off, an agency byline.
func creditAround(blocks []dom.Block, links LinkSource, self string) *Credit {
	n := len(blocks)
	for i := 0; i < n/2; i++ {
		if at := endCredit(blocks[i], i, links, self, true); at != nil {
			return at
		}
	}
	for i := n - 1; i >= 0 && i >= n-3; i-- {
		if at := pressSignoff(blocks, i, self); at != nil {
			return at
		}
	}
	for i := 0; i < n && i < 3; i++ {
		if at := agencyByline(blocks[i], i, self); at != nil {
			return at
		}
	}
	return nil
}

// tailStart returns the index of the first of the short lines that close
// the text after the story's last paragraph (related links, sign-up
// prompts, contact addresses): at most eight blocks, each under 200
// characters, together at most a third of the text. It returns len(blocks)
// when the text ends on a paragraph of the story.
func tailStart(blocks []dom.Block) int {
	n := len(blocks)
	total := 0
	for _, b := range blocks {
		total += len(b.Text)
	}
	t, sum := n, 0
	for i := n - 1; i >= 0 && i >= n-8; i-- {
		l := len(blocks[i].Text)
		if l >= 200 || (sum+l)*3 > total {
			break
		}
		sum += l
		t = i
	}
	return t
}

// genericWireRE matches credits to unnamed news agencies ("News agencies",
// "Agencies", "Agenturen", "agences", "agencias", "агентства", "وكالات").
var genericWireRE = regexp.MustCompile(`(?i)^(?:(?:news|wire|press)\s+)?(?:agencies|wires|wire services|agenturen|nachrichtenagenturen|agences|agences de presse|agencias|информагентства|агентства|وكالات|وكالات الأنباء)$`)

// genericWire reports whether an outlet names the wires without naming one.
func genericWire(outlet string) bool {
	return genericWireRE.MatchString(strings.TrimSpace(outlet))
}

// creditLabel is the label of a source credit in the languages syndex
// reads.
const creditLabel = `\(?(?:source|sources|quelle|quellen|fuente|fuentes|источник|источники|المصدر)\s*:\s*(?P<x>[^.;|()\[\]\n:]{1,60}?)\)?\.?\s*$`

// endCreditRE is a source credit closing a paragraph after a sentence
// ("… in the works. Source: 1UP"); a label before it ("Photo Source:",
// "Chart source:") makes it a caption and does not match.
var endCreditRE = regexp.MustCompile(`(?i)[.!?…"”)]\s+` + creditLabel)

// metaCreditRE is an article's metadata line that names the source after
// its date: "Last Modified: 18 Jan 2008 Source: ITN", "Published: 3 May
// 2024 | Source: dpa".
var metaCreditRE = regexp.MustCompile(`(?i)^(?:last\s+)?(?:modified|updated|published|posted|date|stand|actualizado|publicado|mis à jour|publié le|обновлено|опубликовано)\s*:?\s*[\p{L}\d ,./:-]{4,40}?\d[\p{L}\d ,./:-]{0,20}?\s*[|•·–-]?\s+` + creditLabel)

// endCredit reads a credit at the end of block i: "Source: X" after the
// paragraph's last sentence, or (meta) after the date in an article's
// metadata line. The outlet must resolve or be named like an organisation.
func endCredit(b dom.Block, i int, links LinkSource, self string, meta bool) *Credit {
	text := b.Text
	re := endCreditRE
	if meta {
		re = metaCreditRE
	}
	if len(text) > 600 || (meta && len(text) > 120) {
		return nil
	}
	loc := re.FindStringSubmatchIndex(text)
	if loc == nil {
		return nil
	}
	xi := re.SubexpIndex("x")
	outlet := cleanOutlet(text[loc[2*xi]:loc[2*xi+1]])
	if !plausibleOutlet(outlet) {
		return nil
	}
	src, resolved := resolveOutlet(outlet, text[loc[0]:], links, self)
	if !resolved && !properName(outlet) && !genericWire(outlet) {
		return nil
	}
	start := len(text) - len(strings.TrimLeft(text[loc[0]:], `.!?…"”) `))
	line := strings.TrimSpace(text[start:])
	rest := strings.TrimSpace(text[:start])
	return &Credit{Block: i, Line: line, Rest: rest, Outlet: outlet, Source: src}
}

var dateClauseRE = regexp.MustCompile(`(?i)\s+on\s+(?:\d|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|mon|tue|wed|thu|fri|sat|sun)[a-z]*\b).*$`)

// clauseRE is a lower-case conjunction opening a clause after an outlet.
var clauseRE = regexp.MustCompile(`\s+(?:before|after|when|while|until|where|but|and then|so that)\s.*$`)

var pagePrefixRE = regexp.MustCompile(`(?i)^page\s+\d+\s+of\s+`)

func cleanOutlet(s string) string {
	s = strings.TrimSpace(strings.Trim(strings.TrimSpace(s), `"“”«»„'.:`))
	s = pagePrefixRE.ReplaceAllString(s, "")
	// Drop a trailing date clause: "The Pretoria News on January 16, 2008"
	// (but keep "National Institute on Aging").
	s = dateClauseRE.ReplaceAllString(s, "")
	// Drop a trailing clause: "the X forum before revising it for Y".
	s = clauseRE.ReplaceAllString(s, "")
	return strings.TrimSpace(s)
}

// numberWordRE is a capture that opens with a number, a decade or an
// ordinal ("2014", "1990s", "20th century"), not a name like "1UP".
var numberWordRE = regexp.MustCompile(`(?i)^\d+(?:[.,/:-]\d+)*(?:s|th|st|nd|rd|er|e|re|º|ª)?(?:\s|$|[.,;])`)

// plausibleOutlet refuses captures that are clearly not a publication:
// years, long clauses, pronouns.
func plausibleOutlet(s string) bool {
	if s == "" || len(strings.Fields(s)) > 8 {
		return false
	}
	if numberWordRE.MatchString(s) {
		return false
	}
	switch strings.ToLower(s) {
	case "the", "this", "it", "our", "a", "an", "here", "print", "paper":
		return false
	}
	return nameShaped(s)
}

// nameConnectors may appear lower-case inside an outlet's name.
var nameConnectors = map[string]bool{
	"of": true, "the": true, "and": true, "&": true, "for": true, "on": true, "de": true, "del": true,
	"la": true, "le": true, "les": true, "du": true, "des": true, "el": true, "y": true, "der": true,
	"die": true, "das": true, "und": true, "im": true, "am": true, "blog": true, "site": true, "website": true,
}

// nameShaped reports whether a Latin-script outlet looks like a name
// ("The Sunday Tribune", "VICE US", "example.org") rather than a clause
// ("West Michigan at the end of August"): at most one lower-case word
// besides connectors. Other scripts pass.
func nameShaped(s string) bool {
	lower := 0
	for _, w := range strings.Fields(s) {
		r := []rune(w)[0]
		if !unicode.Is(unicode.Latin, r) || unicode.IsUpper(r) || nameConnectors[strings.ToLower(w)] || strings.Contains(w, ".") {
			continue
		}
		// One lower-case word is allowed ("L'Écho rural").
		if lower++; lower > 1 {
			return false
		}
	}
	return true
}

// properName reports whether s reads as an organisation's name: at most
// five words, each capitalised, a connector or domain-like ("Environment
// Canada", "The Sun-Herald"), with at least one capitalised word.
func properName(s string) bool {
	words := strings.Fields(s)
	if len(words) == 0 || len(words) > 5 {
		return false
	}
	capital := false
	for _, w := range words {
		r := []rune(w)[0]
		switch {
		case unicode.IsUpper(r) || unicode.IsDigit(r) || strings.Contains(w, "."):
			capital = capital || unicode.IsUpper(r)
		case nameConnectors[strings.ToLower(w)] && w != "blog" && w != "site" && w != "website":
		default:
			return false
		}
	}
	return capital
}

// Link is an anchor of the original page.
type Link struct {
	Text, Href string
}

// LinkSource gives the links a credit's outlet is looked up in (nil: none).
type LinkSource func() []Link

// Links is the LinkSource of links.
func Links(links []Link) LinkSource { return func() []Link { return links } }

// PageLinks is the LinkSource of the page's anchors with absolute http(s)
// targets, listed (every href resolved) when first asked: most pages hold
// no credit line whose outlet needs them.
func PageLinks(doc *html.Node, base *url.URL) LinkSource {
	var out []Link
	listed := false
	return func() []Link {
		if listed {
			return out
		}
		listed = true
		dom.WalkElements(doc, func(n *html.Node) bool {
			if n.Data == "a" && len(out) < 5000 {
				if h := dom.Resolve(base, dom.Attr(n, "href")); h != "" {
					out = append(out, Link{Text: dom.NodeText(n), Href: h})
				}
				return false
			}
			return !dom.SkipTags[n.Data]
		})
		return out
	}
}

// resolveOutlet turns the credited outlet into a site or URL: a link whose
// text is the outlet (or sits in the credit line), a domain-like name, or a
// known outlet. It reports false when none applies, and returns "" as the
// source when the credit names the page's own site.
func resolveOutlet(outlet, line string, links LinkSource, self string) (string, bool) {
	lo := strings.ToLower(outlet)
	if strings.HasPrefix(lo, "http://") || strings.HasPrefix(lo, "https://") {
		if s := siteOf(outlet); s != "" {
			return SelfFilter(sourceFromURL(outlet), self), true
		}
	}
	if best := creditLink(lo, line, links, self); best != "" {
		return SelfFilter(sourceFromURL(best), self), true
	}
	if m := domainRE.FindString(outlet); m != "" && strings.Contains(m, ".") {
		return SelfFilter(strings.TrimPrefix(strings.ToLower(m), "www."), self), true
	}
	if strings.HasPrefix(lo, "http") {
		if s := siteOf(outlet); s != "" {
			return SelfFilter(outlet, self), true
		}
	}
	if s, ok := outlets.Sites[strings.TrimPrefix(lo, "the ")]; ok {
		return SelfFilter(s, self), true
	}
	if s, ok := outlets.Sites[lo]; ok {
		return SelfFilter(s, self), true
	}
	return outlet, false
}

// creditLink returns the URL a credit line points to for the outlet lo
// (lower case): a link whose text is the outlet, else a link whose text
// appears in the line, else a bare URL written in the line; "" when none.
func creditLink(lo, line string, source LinkSource, self string) string {
	var links []Link
	if source != nil {
		links = source()
	}
	if href, ok := outletLink(links, lo); ok {
		return href
	}
	if href, ok := lineLink(links, line, self); ok {
		return href
	}
	return lineURL(line)
}

// outletLink finds the link whose text is the outlet lo (or holds it, or
// is a part of it).
func outletLink(links []Link, lo string) (string, bool) {
	for _, l := range links {
		lt := strings.ToLower(l.Text)
		if lt == "" {
			continue
		}
		if lt == lo || strings.Contains(lt, lo) || (len(lt) > 3 && strings.Contains(lo, lt)) {
			return l.Href, true
		}
	}
	return "", false
}

// lineLink finds a link to another site whose text appears in the credit
// line ("Read the original article" after "published by Futurism").
func lineLink(links []Link, line, self string) (string, bool) {
	ll := strings.ToLower(line)
	for _, l := range links {
		lt := strings.ToLower(l.Text)
		if len(lt) > 3 && strings.Contains(ll, lt) && siteOf(l.Href) != self {
			return l.Href, true
		}
	}
	return "", false
}

// lineURL returns a bare URL written in the credit line ("… is Harbor
// Ledger (https://ledger.example/news/1)"), "" when there is none.
func lineURL(line string) string {
	for _, u := range lineURLRE.FindAllString(line, -1) {
		if s := siteOf(u); s != "" {
			return strings.TrimRight(u, ".,;")
		}
	}
	return ""
}

// sourceFromURL keeps an article URL as is and reduces a home-page link to
// its site.
func sourceFromURL(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return u
	}
	if strings.Trim(p.Path, "/") == "" && p.RawQuery == "" {
		return siteOf(u)
	}
	return u
}

// SelfFilter returns "" when src is the page's own site: a site crediting
// itself has not republished anything.
func SelfFilter(src, self string) string {
	s := src
	if strings.Contains(src, "://") {
		s = siteOf(src)
	}
	if self != "" && (s == self || strings.HasSuffix(s, "."+self) || strings.HasSuffix(self, "."+s)) {
		return ""
	}
	return src
}

// cutSentence splits text into the sentence containing [start,end) and the
// rest of the paragraph; short leftovers ("Read the original article.")
// go with the credit line.
func cutSentence(text string, start, end int) (line, rest string) {
	s := strings.LastIndexAny(text[:start], ".!?")
	if s < 0 {
		s = 0
	} else {
		s++
	}
	e := len(text)
	// A match may end on its sentence's full stop and the space after it.
	for i := max(start, end-2); i < len(text); i++ {
		if (text[i] == '.' || text[i] == '!' || text[i] == '?') && (i+1 == len(text) || text[i+1] == ' ') {
			e = i + 1
			break
		}
	}
	if end > e {
		e = end
	}
	line = strings.TrimSpace(text[s:e])
	rest = strings.TrimSpace(text[:s] + " " + text[e:])
	if len(rest) < 40 {
		line = text
		rest = ""
	}
	return line, rest
}

// siteOf is article.SiteOf, aliased for brevity in this file.
var siteOf = article.SiteOf

// bylineRE is a byline naming its writer: "By …", "Por …", "Par …",
// "Von …", "От …".
var bylineRE = regexp.MustCompile(`(?i)^(?:by|por|par|von|от)\s*:?\s+(?:the\s+)?(.{2,40}?)\.?$`)

// agencyByline reads a byline that names a news agency as the writer ("Por
// Agencia EFE", "By The Associated Press"): the text is the agency's copy.
// The byline is dropped from the text.
func agencyByline(b dom.Block, i int, self string) *Credit {
	m := bylineRE.FindStringSubmatch(strings.TrimSpace(b.Text))
	if m == nil {
		return nil
	}
	name := normAgency(m[1])
	site, ok := agencies[name]
	if !ok {
		site, ok = agencies["the "+name]
	}
	if !ok {
		return nil
	}
	return &Credit{Block: i, Line: b.Text, Outlet: m[1], Source: SelfFilter(site, self)}
}

// signoffRE is a German press release's sign-off closing a republished
// text: "PM ABC/xy" (Pressemitteilung, issuer, editor's initials),
// "Pressemitteilung ABC".
var signoffRE = regexp.MustCompile(`^(?:PM\s+(?P<x>[\p{Lu}][\p{L}\d&.-]{1,30})\s*/\s*\p{L}{1,4}|(?:Pressemitteilung|Pressemeldung|Presseinformation)\s+(?:des\s+|der\s+|von\s+)?(?P<y>[\p{Lu}][\p{L}\d&. -]{1,40}?))\.?$`)

// pressSignoff reads a press-release sign-off in block i. An acronym
// issuer is spelt out from the text when the text introduces it ("der
// Deutsche Jagdverband (DJV)").
func pressSignoff(blocks []dom.Block, i int, self string) *Credit {
	text := strings.TrimSpace(blocks[i].Text)
	m := signoffRE.FindStringSubmatch(text)
	if m == nil {
		return nil
	}
	outlet := m[signoffRE.SubexpIndex("x")] + m[signoffRE.SubexpIndex("y")]
	name := outlet
	if acronymRE.MatchString(outlet) {
		if full := expandAcronym(blocks, outlet); full != "" {
			name = full
		}
	}
	// Only a known name resolves: anchors holding an acronym are mostly
	// the site's own tag and story links.
	src, _ := resolveOutlet(name, "", nil, self)
	return &Credit{Block: i, Line: text, Outlet: outlet, Source: src}
}

// leadingArticle are articles a sentence may open with before a name.
var leadingArticle = map[string]bool{"the": true, "der": true, "die": true, "das": true, "le": true, "la": true, "les": true, "el": true, "los": true, "las": true}

// acronymRE is an organisation's acronym ("DJV", "NABU", "BfR").
var acronymRE = regexp.MustCompile(`^\p{Lu}[\p{Lu}\p{Ll}&]{0,2}\p{Lu}{1,4}$`)

// expandAcronym finds where the text spells out acr: up to six
// capitalised words (with connectors) right before "(acr)".
func expandAcronym(blocks []dom.Block, acr string) string {
	re := regexp.MustCompile(`((?:[\p{Lu}][\p{L}-]+|für|für die|of|of the|for|de|des|du|la|le|del|für den)(?:\s+(?:[\p{Lu}][\p{L}-]+|für|of|for|the|de|des|du|la|le|del|und|and|e\.V\.))*)\s*\(` + regexp.QuoteMeta(acr) + `\)`)
	for _, b := range blocks {
		if m := re.FindStringSubmatch(b.Text); m != nil {
			words := strings.Fields(m[1])
			// Keep the capitalised run: drop leading connectors and cap
			// the length.
			for len(words) > 0 && (!unicode.IsUpper([]rune(words[0])[0]) || leadingArticle[strings.ToLower(words[0])]) {
				words = words[1:]
			}
			if len(words) > 6 {
				words = words[len(words)-6:]
			}
			if len(words) > 0 {
				return strings.Join(words, " ")
			}
		}
	}
	return ""
}
