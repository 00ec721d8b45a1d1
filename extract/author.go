package extract

import (
	"net/url"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
)

// This file reads who wrote a page: it cleans byline texts down to the
// names they carry, tells names from labels, dates and comment headers,
// and tells the people who wrote an article from the organisation that
// published it.

// textBylineTags may hold a byline written as plain text ("von Jane
// Doe") without byline markup.
var textBylineTags = map[string]bool{"dt": true, "th": true, "p": true, "span": true, "div": true, "em": true, "i": true, "b": true, "strong": true, "li": true, "h4": true, "h5": true, "h6": true, "small": true, "address": true, "td": true, "dd": true}

// startsByline reports whether n's own first text begins with a by-word
// or an author label ("By", "Von", "Autor:").
func startsByline(n *html.Node) bool {
	if signatureBlock(n) {
		return true
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != html.TextNode {
			continue
		}
		t := strings.TrimSpace(c.Data)
		if t == "" {
			continue
		}
		if copyrightRE.MatchString(t) && copyrightFooterRE.MatchString(t) {
			return true
		}
		f := strings.Fields(t)
		w := strings.ToLower(f[0])
		if byWords[w] || byWords[strings.TrimSuffix(w, ":")] {
			return true
		}
		w = strings.TrimSuffix(w, ":")
		if authorLabels[w] && (strings.HasSuffix(f[0], ":") || len(f) == 1 || f[1] == ":") {
			return true
		}
		// "Autoren Jane Doe und John Roe": a person label, no colon, and
		// only names after it.
		if authorLabels[w] && !ambiguousLabels[w] && len(f) >= 3 && len(f) <= 9 && capitalisedNames(strings.Join(f[1:], " ")) {
			return true
		}
		return labelledBy(f) || sepByRE.MatchString(t) || datedNameLine(t)
	}
	return false
}

// colonLabels name the writer only when a colon follows ("Redaktion:
// Jane Doe"); alone they name a desk.
var colonLabels = map[string]bool{"redaktion": true, "redaction": true, "rédaction": true, "redazione": true, "redacción": true, "reporter": true, "reportage": true, "recherche": true, "bericht": true}

// ambiguousLabels are author labels that also open running text or
// headings ("Interview with …", "Text messages …").
var ambiguousLabels = map[string]bool{"text": true, "texte": true, "texto": true, "interview": true}

// sepByRE finds a capitalised by-word after a separator inside a short
// meta line ("Health | By Jane Doe | April 13, 2020").
var sepByRE = regexp.MustCompile(`[|·•]\s*(?:By|BY|Von|VON|Par|PAR|Por|POR|Door|DOOR)\s+\p{Lu}`)

// labelledBy reports whether words f open with byline labels, and
// perhaps a date, that lead to a by-word ("Text von", "Ein Artikel von",
// "Posted on May 2, 2020 by", "Verfasst von:"); the first word must be a
// label, so running text ("Am Montag von …") does not count.
func labelledBy(f []string) bool {
	first := strings.ToLower(strings.Trim(f[0], ":,"))
	if len(f) < 3 || !bylineLabels[first] || nameParticles[first] {
		return false
	}
	for i := 1; i < len(f) && i <= 6; i++ {
		w := strings.ToLower(strings.TrimRight(f[i], ":,"))
		if byWords[w] {
			return true
		}
		if !prefixOnly(f[i : i+1]) {
			return false
		}
	}
	return false
}

// isAuthorLabel reports whether t is only an author label ("Autor:",
// "By"), whose value follows in the next sibling.
func isAuthorLabel(t string) bool {
	f := strings.Fields(strings.TrimSpace(t))
	if len(f) == 2 && f[1] == ":" {
		f = f[:1]
	}
	if len(f) != 1 {
		return false
	}
	w := strings.ToLower(strings.TrimSuffix(f[0], ":"))
	return authorLabels[w] || byWords[w]
}

// labelledValue returns the label and the text that follows label
// element n ("<h5>Autor:</h5>Jane Doe", "<dt>Author</dt><dd>…</dd>"), or
// "" when nothing short follows.
func labelledValue(n *html.Node) string {
	for c := n.NextSibling; c != nil; c = c.NextSibling {
		var t string
		switch c.Type {
		case html.TextNode:
			t = collapseSpace(c.Data)
		case html.ElementNode:
			t = nodeText(c)
		}
		if t == "" {
			continue
		}
		if len(t) > 80 {
			return ""
		}
		return nodeText(n) + " " + t
	}
	return ""
}

// capitalisedNames reports whether every word of s is capitalised or a
// name particle, as names in running text are.
func capitalisedNames(s string) bool {
	for _, w := range strings.Fields(s) {
		lw := strings.ToLower(strings.Trim(w, ",;&"))
		if lw == "" || nameParticles[lw] {
			continue
		}
		r, _ := utf8.DecodeRuneInString(strings.Trim(w, ",;&"))
		if !unicode.IsUpper(r) {
			return false
		}
	}
	return true
}

// nameParticles are the lower-case words names and name lists contain.
var nameParticles = map[string]bool{"von": true, "van": true, "der": true, "den": true, "de": true, "del": true, "la": true, "le": true, "da": true, "di": true, "du": true, "zu": true, "und": true, "and": true, "et": true, "y": true, "e": true, "bin": true, "al": true, "ten": true, "ter": true}

// maxBylineNodes bounds how many byline elements a page contributes.
const maxBylineNodes = 40

// bylineContextRE matches class or id values of regions whose bylines are
// not the article's: comments and their forms, teasers of other articles,
// sidebars.
var bylineContextRE = guard(regexp.MustCompile(`(?i)comment|respond|reply|disqus|teaser|related|listing|sidebar|widget|recommend`), "comment", "respond", "reply", "disqus", "teaser", "related", "listing", "sidebar", "widget", "recommend")

// inForeignBylineContext reports whether n (a byline candidate) sits in a
// comment thread, a form or a list of other articles, where author markup
// names commenters or other articles' writers.
func inForeignBylineContext(n *html.Node) bool {
	for p, depth := n, 0; p != nil && depth < 40; p, depth = p.Parent, depth+1 {
		if p.Type != html.ElementNode {
			continue
		}
		switch p.Data {
		case "form", "label", "textarea", "input", "select", "option", "button":
			return true
		}
		if p.Data == "body" || p.Data == "html" {
			// Page-wide classes describe the layout ("single-post
			// sidebar-primary"), not a region.
			return false
		}
		if (bylineContextRE.MatchString(attr(p, "class")) || bylineContextRE.MatchString(attr(p, "id"))) && !holdsHeadline(p) {
			return true
		}
	}
	return false
}

// maxHeadlineSearch bounds how many elements holdsHeadline visits.
const maxHeadlineSearch = 4000

// holdsHeadline reports whether region n contains an <h1>: a wrapper
// named for the layout it belongs to ("content-sidebar-wrap",
// "layout has-sidebar") that holds the article's headline is the page,
// not a sidebar, comment thread or teaser list.
func holdsHeadline(n *html.Node) bool {
	seen := 0
	var find func(c *html.Node) bool
	find = func(c *html.Node) bool {
		for ; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode {
				continue
			}
			if seen++; seen > maxHeadlineSearch {
				return false
			}
			if c.Data == "h1" || find(c.FirstChild) {
				return true
			}
		}
		return false
	}
	return find(n.FirstChild)
}

// byWords introduce the author in a byline ("by", "von", "par"…).
var byWords = map[string]bool{"by": true, "von": true, "vom": true, "par": true, "por": true, "door": true, "av": true, "af": true, "przez": true}

// authorLabels name the author field itself ("Autor Jane Doe").
var authorLabels = map[string]bool{"author": true, "authors": true, "autor": true, "autoren": true, "autorin": true, "auteur": true, "auteurs": true, "autore": true, "autori": true, "autores": true, "text": true, "texte": true, "texto": true, "interview": true}

// bylineLabels are the words that may stand before a by-word or a colon
// in a byline ("Posted by", "Text und Interview:") and carry no name.
var bylineLabels = map[string]bool{
	"posted": true, "written": true, "published": true, "created": true, "edited": false, "story": true, "article": true, "words": true, "report": true, "reporting": true,
	"erstellt": true, "veröffentlicht": true, "eingestellt": true, "geschrieben": true, "verfasst": true, "publiziert": true, "beitrag": true, "ein": true, "artikel": true, "rezept": true,
	"publié": true, "écrit": true, "rédigé": true, "publicado": true, "escrito": true, "pubblicato": true, "scritto": true, "gepost": true, "geschreven": true,
	"text": true, "texte": true, "texto": true, "interview": true, "und": true, "and": true, "et": true, "y": true, "e": true, "gespräch": true,
	"author": true, "authors": true, "autor": true, "autoren": true, "autorin": true, "auteur": true, "auteurs": true, "autore": true, "autori": true, "autores": true,
	"zum": true, "profil": true, "profile": true, // "Zum Profil von jdoe", a forum's link to the poster
}

// trailingNonName are words that end a name when they follow it: the
// prepositions that introduce a date or place, weekday and month names.
var trailingNonName = map[string]bool{
	"am": true, "at": true, "on": true, "um": true, "le": true, "el": true, "il": true, "op": true, "den": true, "dem": true, "the": true, "le,": true,
	"mo": true, "di": true, "mi": true, "do": true, "fr": true, "sa": true, "so": true,
	"mon": true, "tue": true, "wed": true, "thu": true, "fri": true, "sat": true, "sun": true,
	"montag": true, "dienstag": true, "mittwoch": true, "donnerstag": true, "freitag": true, "samstag": true, "sonntag": true,
	"monday": true, "tuesday": true, "wednesday": true, "thursday": true, "friday": true, "saturday": true, "sunday": true,
	"january": true, "february": true, "march": true, "april": true, "may": true, "june": true, "july": true, "august": true, "september": true, "october": true, "november": true, "december": true,
	"jan": true, "feb": true, "mar": true, "apr": true, "jun": true, "jul": true, "aug": true, "sep": true, "sept": true, "oct": true, "nov": true, "dec": true,
	"januar": true, "februar": true, "märz": true, "mai": true, "juni": true, "juli": true, "oktober": true, "dezember": true,
	"updated": true, "published": true, "posted": true, "aktualisiert": true, "veröffentlicht": true, "stand": true, "zuletzt": true, "last": true,
	"vor": true, "před": true, "hace": true, "ago": true,
}

// bylineStopWords end the name part of a byline: what follows is a date,
// a category or an update note.
var bylineStopWords = map[string]bool{
	"updated": true, "published": true, "aktualisiert": true, "veröffentlicht": true, "stand:": true, "zuletzt": true,
	"kategorie:": true, "kategorien:": true, "category:": true, "categories:": true, "rubrik:": true, "publicado": true, "hace": true,
}

// midCreditRE finds a second credit inside a byline ("… Edited by …"),
// which separates two names.
var midCreditRE = regexp.MustCompile(`(?i)\s+(?:edited|reviewed|additional reporting|reporting|mitarbeit)\s+(?:by|von|par|por)\s+`)

// pictureCreditRE finds a credit for pictures after the writer's ("Text
// von Jane Doe Illustration von John Roe"); the picture credit and what
// follows it are no author.
var pictureCreditRE = regexp.MustCompile(`(?i)\s+(?:illustrated|illustrations?|illustriert|photos?|photographs?|photography|fotos?|fotografie|bilder|grafik|images?)(?:\s+(?:by|von|par|por|de|di)\s+|:\s*)\S.*$`)

// bylineSepRE splits a byline into its parts: "von X · 18. Oktober 2019".
var bylineSepRE = regexp.MustCompile(`\s*(?:[·|•»«]|\s[–—-]\s|\s/\s/)\s*`)

var (
	urlTokenRE = regexp.MustCompile(`(?i)\S*(?:https?://|www\.)\S*`)
	emailRE    = regexp.MustCompile(`\S+(?:@|\[at\]|\(at\))\S+\.\S+`)
	handleRE   = regexp.MustCompile(`(^|\s)@\w+`)
	// gluedByRE separates a label glued to the name by markup:
	// "Veröffentlicht vonChris Jung", "AuthorAndreas Kalt".
	gluedLabelByRE = regexp.MustCompile(`^(\p{L}{3,}?)((?i:by|von))$`)
	gluedByRE      = regexp.MustCompile(`^((?i:by|von|vom|par|por|author|autor|auteur))(\p{Lu}\p{Ll})`)
)

// cleanByline reduces a byline text to the names it carries: labels
// ("Posted by", "Autor:"), dates, times, handles, e-mail addresses and
// update notes are removed. It returns "" when no name is left.
func cleanByline(s string) string {
	s = collapseSpace(s)
	if commentHeaderRE.MatchString(s) {
		return ""
	}
	s = urlTokenRE.ReplaceAllString(s, " ")
	s = emailRE.ReplaceAllString(s, " ")
	s = handleRE.ReplaceAllString(s, " ")
	s = strings.TrimSpace(s)
	parts := bylineSepRE.Split(s, -1)
	// A part introduced by a by-word is the byline; otherwise the first
	// part that keeps a name.
	best := ""
	for _, p := range parts {
		toks := strings.Fields(p)
		if len(toks) > 0 && (byWords[strings.ToLower(toks[0])] || gluedByRE.MatchString(toks[0])) {
			if c := cleanBylinePart(p); c != "" {
				return c
			}
		}
		if best == "" {
			best = cleanBylinePart(p)
		}
	}
	return best
}

// commentHeaderRE matches the header of a comment ("Max says:").
var commentHeaderRE = regexp.MustCompile(`(?i)\s(says|sagt|said|sagte|dit|dice|schreibt|writes)(:|,|$)`)

// cleanBylinePart cleans one part of a byline (see cleanByline): picture
// credits, labels, dates, roles and what markup glued to the name go, and
// what remains must look like a name.
func cleanBylinePart(s string) string {
	s = pictureCreditRE.ReplaceAllString(s, "")
	s = midCreditRE.ReplaceAllString(s, ", ")
	s = shortCodeRE.ReplaceAllString(s, "")
	toks := strings.Fields(s)
	if len(toks) == 0 || pictureLabels[strings.ToLower(strings.Trim(toks[0], "(:"))] && (strings.HasSuffix(toks[0], ":") || len(toks) > 1 && toks[1] == ":") {
		return ""
	}
	toks = splitGlued(fromByWord(toks))
	toks = dropLeadingLabels(toks)
	toks = cutGluedTail(toks)
	toks = cutAtDate(toks)
	toks = trimNonNames(toks)
	// A name a widget prints twice ("jdoe jdoe": link text and title);
	// repeated initials ("R. R.") are a name.
	if h := len(toks) / 2; len(toks)%2 == 0 && h > 0 && slices.Equal(toks[:h], toks[h:]) && !slices.ContainsFunc(toks[:h], isNameInitial) {
		toks = toks[:h]
	}
	return bylineName(toks)
}

// fromByWord drops what comes before a capitalised by-word close to the
// start, which ends a kicker or section label ("Capital Von Jane Doe");
// names spell "von" in lower case.
func fromByWord(toks []string) []string {
	for i := 1; i < len(toks) && i <= 3; i++ {
		if (toks[i] == "By" || toks[i] == "Von" || toks[i] == "BY" || toks[i] == "VON") && i+1 < len(toks) {
			return toks[i:]
		}
	}
	return toks
}

// splitGlued splits a label glued to its by-word ("Beitragvon jdoe") and a
// by-word glued to the name.
func splitGlued(toks []string) []string {
	if len(toks) > 1 {
		if m := gluedLabelByRE.FindStringSubmatch(toks[0]); m != nil && bylineLabels[strings.ToLower(m[1])] {
			toks = append([]string{m[1], m[2]}, toks[1:]...)
		}
	}
	for i := 0; i < len(toks); i++ {
		if m := gluedByRE.FindStringSubmatchIndex(toks[i]); m != nil {
			t := toks[i]
			toks = append(toks[:i:i], append([]string{t[:m[3]], t[m[3]:]}, toks[i+1:]...)...)
			i++
		}
	}
	return toks
}

// dropLeadingLabels drops leading labels: everything up to a by-word or a
// colon that is preceded only by label words, dates or nothing, as often
// as there is one.
func dropLeadingLabels(toks []string) []string {
	for {
		cut := leadingLabel(toks)
		if cut < 0 {
			return toks
		}
		toks = toks[cut+1:]
	}
}

// leadingLabel returns the index of the token that ends a leading label,
// -1 when there is none.
func leadingLabel(toks []string) int {
	for i, t := range toks {
		lt := strings.ToLower(strings.TrimRight(t, ":,"))
		if i > 0 && !prefixOnly(toks[:i]) {
			return -1
		}
		if byWords[lt] || strings.HasSuffix(t, ":") && (i > 0 || bylineLabels[lt] || colonLabels[lt]) ||
			i == 0 && authorLabels[lt] && len(toks) > 1 && isCapitalised(toks[1]) && !byWords[strings.ToLower(toks[1])] {
			return i
		}
	}
	return -1
}

// cutGluedTail cuts what markup glued to a name: the weekday of a date
// ("Jane DoeDo 9 Apr 2020"), a job title ("Jane DoeLifestyle Writer"), a
// label ("Jane DoeSource:") or a button ("Jane DoeFollow").
func cutGluedTail(toks []string) []string {
	for i := 0; i < len(toks); i++ {
		m := gluedWeekdayRE.FindStringSubmatchIndex(toks[i])
		if m == nil {
			continue
		}
		tail := toks[i][m[2]:]
		next := ""
		if i+1 < len(toks) {
			next = toks[i+1]
		}
		r, _ := utf8.DecodeRuneInString(next)
		if isRole(next) && i >= 2 {
			// "Jane Doe ExampleVoice Staff": an outlet's name before the
			// role, not a glued name.
			return toks[:i]
		}
		if unicode.IsDigit(r) && trailingNonName[strings.ToLower(tail)] || isRole(next) || isRole(tail) ||
			strings.HasSuffix(tail, ":") || gluedButtons[strings.ToLower(tail)] {
			return append(toks[:i:i], toks[i][:m[2]])
		}
	}
	return toks
}

// cutAtDate cuts at the first date, time or update note.
func cutAtDate(toks []string) []string {
	for i, t := range toks {
		if m := gluedDayRE.FindStringSubmatchIndex(t); m != nil {
			return append(toks[:i:i], t[:m[2]])
		}
		r, _ := utf8.DecodeRuneInString(t)
		if unicode.IsDigit(r) || bylineStopWords[strings.ToLower(t)] || i > 0 && strings.HasSuffix(t, ":") {
			return toks[:i]
		}
	}
	return toks
}

// trimNonNames drops a leading role compound ("Online-Experte Jane Doe")
// and the words after the name that are no name (roles, "and", stray
// punctuation).
func trimNonNames(toks []string) []string {
	if len(toks) > 2 && strings.Contains(toks[0], "-") && isRole(toks[0]) {
		toks = toks[1:]
	}
	for len(toks) > 0 {
		last := strings.ToLower(strings.Trim(toks[len(toks)-1], ",.;:-–—|·"))
		if last == "" || trailingNonName[last] || byWords[last] || len(toks) > 2 && isRole(last) && capitalisedNames(strings.Join(toks[:len(toks)-1], " ")) ||
			len(toks) > 1 && cjkRoles[last] {
			toks = toks[:len(toks)-1]
			continue
		}
		break
	}
	return toks
}

// bylineName joins what is left of a byline and returns it if it looks
// like a name, "" if not.
func bylineName(toks []string) string {
	out := strings.Trim(strings.Join(toks, " "), " |·,;:-–—")
	if strings.Count(out, "(") != strings.Count(out, ")") {
		out = strings.Trim(out, " ()")
	}
	out = dropOutletSuffix(dropDescription(out))
	if !nameLike(out) || prefixOnly(strings.Fields(out)) || notNames[strings.ToLower(out)] || onlySocialNames(out) || isAuthorLabel(strings.ReplaceAll(out, "(s)", "")) || fragmentStart(out) || licenceRE.MatchString(out) {
		return ""
	}
	return out
}

// dropDescription keeps the name that opens a byline followed by a
// description of the person ("Jane Doe, photographer from Hamburg",
// "Jane Doe (guest post), speaker at …"): the part before the first comma
// or parenthesis when it is two to four capitalised words and the rest
// holds at least two lower-case words other than connectors.
func dropDescription(s string) string {
	i := strings.IndexAny(s, ",(")
	if i < 0 {
		return s
	}
	head := strings.TrimSpace(s[:i])
	if n := len(strings.Fields(head)); n < 2 || n > 4 || !capitalisedNames(head) {
		return s
	}
	if descriptive(s[i:]) {
		return head
	}
	// "Jane Doe, Senior Staff Technologist, …", "Jane Doe (Spokesperson
	// of …)": a job title after the comma or in parentheses.
	{
		next := s[i+1:]
		if j := strings.IndexAny(next, ",("); j >= 0 {
			next = next[:j]
		}
		for _, w := range strings.Fields(next) {
			if isRole(w) || jobTitleWords[strings.ToLower(strings.Trim(w, ".;:"))] {
				return head
			}
		}
	}
	return s
}

// descriptive reports whether s holds at least two lower-case words other
// than list connectors: a description, not a list of names.
func descriptive(s string) bool {
	lower := 0
	for _, w := range strings.Fields(s) {
		w = strings.Trim(w, ",;()")
		r, _ := utf8.DecodeRuneInString(w)
		if unicode.IsLower(r) && !listJoiners[w] {
			lower++
		}
	}
	return lower >= 2
}

// jobTitleWords are the words of job titles written after a name and a
// comma ("Jane Doe, Senior Technologist").
var jobTitleWords = map[string]bool{
	"senior": true, "chief": true, "director": true, "professor": true, "manager": true, "president": true, "officer": true, "analyst": true, "fellow": true,
	"researcher": true, "technologist": true, "founder": true, "co-founder": true, "ceo": true, "consultant": true, "lawyer": true, "attorney": true,
	"scientist": true, "economist": true, "photographer": true, "fotograf": true, "fotografin": true, "leiter": true, "leiterin": true, "geschäftsführer": true,
	"geschäftsführerin": true, "sprecher": true, "sprecherin": true, "pressesprecher": true, "pressesprecherin": true, "professorin": true, "directeur": true,
	"directrice": true, "directora": true, "direttore": true, "direttrice": true, "hoogleraar": true, "redacteur": true, "correspondente": true, "corrispondente": true,
}

// listJoiners join names in a list.
var listJoiners = map[string]bool{"and": true, "und": true, "et": true, "y": true, "e": true, "i": true, "en": true}

// licenceRE matches licence and copyright notes, which name no writer.
var licenceRE = regexp.MustCompile(`(?i)\b(?:attribution|licen[cs]e|lizenz|copyright|all rights reserved|creative commons)\b`)

// fragmentStart reports whether s opens with a lower-case word that is
// no name particle and goes on with capitalised words ("in Politics",
// "deinen Freunden"): a sentence or category fragment, not a name. An
// all-lower-case value may be a user name and is kept.
func fragmentStart(s string) bool {
	f := strings.Fields(s)
	if len(f) < 2 || nameParticles[strings.ToLower(f[0])] || isCapitalised(f[0]) {
		return false
	}
	r, _ := utf8.DecodeRuneInString(f[0])
	if !unicode.IsLower(r) {
		return false
	}
	for _, w := range f[1:] {
		if isCapitalised(w) {
			return true
		}
	}
	return false
}

// shortCodeRE finds a writer's initials code in parentheses after the
// name ("Jane Doe (jd)", "Max Muster (mmu.)").
var shortCodeRE = regexp.MustCompile(`\s*\(\p{Ll}{2,5}\.?\)`)

// pictureLabels introduce picture credits ("(Image: Agency)"), which
// name no writer.
var pictureLabels = map[string]bool{"image": true, "images": true, "photo": true, "photos": true, "picture": true, "foto": true, "fotos": true, "bild": true, "bilder": true, "credit": true, "crédit": true, "crédits": true, "illustration": true}

// notNames are what author fields hold when they hold no name: form
// labels and placeholders.
var notNames = map[string]bool{"authority control": true, "name": true, "datum": true, "date": true, "about the author": true, "no author": true, "bild": true, "image": true, "foto": true, "photo": true, "follow": true, "share": true, "[email protected]": true}

// isNameInitial reports whether w is an initial ("R." or "R").
func isNameInitial(w string) bool {
	return utf8.RuneCountInString(strings.TrimSuffix(w, ".")) <= 1
}

// cjkRoles are the job titles Korean, Japanese and Chinese bylines put
// after the name ("신현주 기자", "山田太郎 記者").
var cjkRoles = map[string]bool{"기자": true, "특파원": true, "선임기자": true, "논설위원": true, "記者": true, "记者": true, "特派員": true, "特派员": true, "编辑": true, "編集委員": true}

// socialNames are the networks a share bar names; a byline made only of
// them ("Twitter Facebook") is the share bar, not a writer.
var socialNames = map[string]bool{"twitter": true, "facebook": true, "instagram": true, "linkedin": true, "whatsapp": true, "telegram": true, "youtube": true, "tiktok": true, "pinterest": true, "reddit": true, "email": true, "e-mail": true, "x": true, "mastodon": true, "bluesky": true, "threads": true}

// onlySocialNames reports whether every word of s names a social network.
func onlySocialNames(s string) bool {
	words := strings.Fields(strings.ToLower(s))
	for _, w := range words {
		if !socialNames[strings.Trim(w, ",|·/")] {
			return false
		}
	}
	return len(words) > 0
}

// roleWords are job titles that follow or precede a name in a byline.
var roleWords = []string{"redakteur", "redakteurin", "chefredakteur", "chefredakteurin", "redaktorin", "redaktor", "korrespondent", "korrespondentin", "experte", "expertin",
	"editor", "reporter", "correspondent", "columnist", "contributor", "writer", "journalist", "journalistin", "kolumnist", "kolumnistin", "staff", "rédacteur", "rédactrice", "redactor", "redactora", "periodista"}

// isRole reports whether w (or its last hyphenated part) is a job title.
func isRole(w string) bool {
	w = strings.ToLower(strings.Trim(w, ",.;:"))
	if i := strings.LastIndex(w, "-"); i >= 0 {
		w = w[i+1:]
	}
	for _, r := range roleWords {
		if w == r {
			return true
		}
	}
	return false
}

// gluedWeekdayRE finds a capitalised word glued to the end of a name
// ("DoeMon", "MusterDo").
var gluedWeekdayRE = regexp.MustCompile(`\p{Ll}(\p{Lu}\p{Ll}{1,12}[.:]?)$`)

// gluedButtons are the buttons a byline widget glues to the name.
var gluedButtons = map[string]bool{"follow": true, "folgen": true, "suivre": true, "seguir": true, "segui": true, "volgen": true, "abonnieren": true, "subscribe": true}

// gluedDayRE finds a day number glued to a name by markup ("Doe22.").
var gluedDayRE = regexp.MustCompile(`\p{Ll}(\d{1,2}\.)$`)

// prefixOnly reports whether toks are label words or date parts, the
// things a byline puts before its by-word.
func prefixOnly(toks []string) bool {
	for _, t := range toks {
		lt := strings.ToLower(strings.Trim(t, ":,."))
		r, _ := utf8.DecodeRuneInString(lt)
		if lt == "" || bylineLabels[lt] || trailingNonName[lt] || unicode.IsDigit(r) {
			continue
		}
		return false
	}
	return true
}

func isCapitalised(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsUpper(r)
}

// dropOutletSuffix removes an agency or outlet abbreviation after the
// name: "Jane Doe, AP" and "Jane Doe/AP" become "Jane Doe". All-capital
// bylines keep it, and so does a desk code before the slash ("jd/AP").
func dropOutletSuffix(s string) string {
	i := strings.LastIndexAny(s, ",/")
	if i < 0 {
		return s
	}
	head, tail := strings.TrimSpace(s[:i]), strings.TrimSpace(s[i+1:])
	if s[i] == ',' && placeOrOutlet(head, tail) {
		return head
	}
	if head == "" || strings.ToUpper(head) == head || strings.ContainsRune(tail, ' ') {
		return s
	}
	if s[i] == '/' && (len(strings.Fields(head)) < 2 || !capitalisedNames(head) || strings.ContainsAny(head, ",/")) {
		return s
	}
	n := utf8.RuneCountInString(tail)
	if n < 2 || n > 5 || strings.ToUpper(tail) != tail || strings.ToLower(tail) == tail {
		return s
	}
	return head
}

// placeOrOutlet reports whether tail, written after a comma behind the
// name head, is the place the writer files from or the outlet ("Jane
// Doe, Frankfurt", "Jane Doe, EXAMPLE TV"): head is the only name, of
// two or three capitalised words, and tail one capitalised word or up to
// three words in capitals.
func placeOrOutlet(head, tail string) bool {
	hf, tf := strings.Fields(head), strings.Fields(tail)
	if len(hf) < 2 || len(hf) > 3 || strings.ContainsAny(head, ",;&/") || !capitalisedNames(head) || strings.ToUpper(head) == head || len(tf) == 0 {
		return false
	}
	for _, w := range hf {
		if listJoiners[w] {
			return false
		}
	}
	if len(tf) == 1 {
		return isCapitalised(tail) && utf8.RuneCountInString(tail) > 2
	}
	return len(tf) <= 3 && strings.ToUpper(tail) == tail && strings.ToLower(tail) != tail
}

// digitRunRE finds numbers (years, counts) that no name holds.
var digitRunRE = regexp.MustCompile(`(^|[^\pL\d])\d{4}|\d{5}`)

// nameSplitRE splits a list of names.
var nameSplitRE = regexp.MustCompile(`(?i)\s*(?:[,;&/]|\s(?:and|und|et|y|e|i|en|og|och)\s)\s*`)

// nameLike reports whether s reads as one or a few names rather than a
// label, a sentence, a comment header or a number.
func nameLike(s string) bool {
	if s == "" || len(s) > 120 {
		return false
	}
	letters := 0
	for _, r := range s {
		if unicode.IsLetter(r) {
			letters++
		}
	}
	if letters < 2 || digitRunRE.MatchString(s) {
		return false
	}
	low := strings.ToLower(s)
	for _, bad := range []string{"says:", "sagt:", " said", " sagte", "*", "(required)", "(erforderlich)", "(obligatoire)"} {
		if strings.Contains(low, bad) {
			return false
		}
	}
	if strings.HasSuffix(s, ":") || strings.HasSuffix(low, " says") || strings.HasSuffix(low, " sagt") {
		return false
	}
	names := nameSplitRE.Split(s, -1)
	if len(names) > 8 || len(strings.Fields(s)) > 12 {
		return false
	}
	for _, n := range names {
		if len(strings.Fields(n)) > 5 {
			return false
		}
	}
	return true
}

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
		n := alnumLower(s)
		if len(n) < 3 {
			continue
		}
		if a == n || len(a) >= 4 && strings.HasPrefix(n, a) || len(n) >= 5 && strings.HasSuffix(a, n) && len(strings.Fields(author)) <= 3 && !strings.ContainsAny(author, "/,;&") {
			return true
		}
	}
	return false
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

// cleanMetaAuthor cleans an author meta or JSON-LD value: URLs (profile
// links) are not names; bylines get their labels removed.
func cleanMetaAuthor(v string) string {
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
	if c := cleanMetaAuthor(v); c == "" || !isSiteAuthor(c, sites, base) {
		return c
	}
	for _, p := range bylineSepRE.Split(collapseSpace(v), -1) {
		if c := cleanMetaAuthor(p); c != "" && !isSiteAuthor(c, sites, base) && capitalisedNames(c) {
			return c
		}
	}
	return cleanMetaAuthor(v)
}

func isAuthorMetaKey(k string) bool {
	for _, a := range authorMetaKeys {
		if k == a {
			return true
		}
	}
	return false
}

// ldIDIndex maps the @id of every JSON-LD object that says more than its
// @id to that object, across all of a page's decoded scripts; the first
// wins.
func ldIDIndex(docs []any) map[string]map[string]any {
	ids := map[string]map[string]any{}
	var walk func(v any, depth int)
	walk = func(v any, depth int) {
		if depth > 8 {
			return
		}
		switch x := v.(type) {
		case []any:
			for _, e := range x {
				walk(e, depth+1)
			}
		case map[string]any:
			if id, ok := x["@id"].(string); ok && id != "" && len(x) > 1 {
				if _, seen := ids[id]; !seen {
					ids[id] = x
				}
			}
			for k, e := range x {
				if k != "@context" {
					walk(e, depth+1)
				}
			}
		}
	}
	for _, v := range docs {
		walk(v, 0)
	}
	return ids
}

// ldResolve follows a JSON-LD reference ({"@id": …} alone) to the object
// it names; other values are returned as they are.
func ldResolve(v any, ids map[string]map[string]any) any {
	x, ok := v.(map[string]any)
	if !ok {
		return v
	}
	if _, hasName := x["name"]; hasName {
		return x
	}
	if id, ok := x["@id"].(string); ok {
		if o, ok := ids[id]; ok {
			return o
		}
	}
	return x
}

// ldAuthorNames reads a JSON-LD author value (a name, a Person or
// Organization, a reference into the @graph, or a list of these) into
// its names, in order, and the subset that are organisations. URLs are
// not names.
func ldAuthorNames(v any, ids map[string]map[string]any) (names []string, orgs map[string]bool) {
	orgs = map[string]bool{}
	var add func(v any, depth int)
	add = func(v any, depth int) {
		if depth > 4 {
			return
		}
		switch x := ldResolve(v, ids).(type) {
		case string:
			if s := cleanMetaAuthor(x); s != "" {
				names = append(names, s)
			}
		case []any:
			for _, e := range x {
				add(e, depth+1)
			}
		case map[string]any:
			name := ldString(x["name"])
			if name == "" {
				name = strings.TrimSpace(ldString(x["givenName"]) + " " + ldString(x["familyName"]))
			}
			name = cleanMetaAuthor(name)
			if name == "" {
				return
			}
			org := false
			for _, t := range ldTypes(x["@type"]) {
				if strings.Contains(t, "Organization") || strings.Contains(t, "Organisation") || t == "Corporation" || t == "NewsMediaOrganization" {
					org = true
				}
			}
			names = append(names, name)
			if org {
				orgs[name] = true
			}
		}
	}
	add(v, 0)
	return dedupStrings(names), orgs
}

// chooseAuthor sets m.Author from, in order of trust: the JSON-LD
// Article's persons, the author meta tags, then the first byline element
// whose text holds a name. Values that name the publication itself (site
// name, host, an Organization) are kept apart in m.AuthorWeak.
func (m *pageMeta) chooseAuthor(metaAuthors map[string][]string, bylines, textBylines, sites []string, base *url.URL) {
	var weak []string
	keep := func(names []string) []string {
		var out []string
		for _, n := range names {
			if isSiteAuthor(n, sites, base) || genericAccount(n) {
				weak = append(weak, n)
			} else {
				out = append(out, n)
			}
		}
		return dedupStrings(out)
	}
	var cands []string
	// The JSON-LD author list is taken whole (agencies and the outlet
	// credited beside the writers) when it names at least one person
	// other than the publication.
	person := false
	for _, n := range m.ldNames {
		if !m.ldOrgs[n] && !isSiteAuthor(n, sites, base) && !genericAccount(n) {
			person = true
		}
	}
	if person {
		cands = append(cands, strings.Join(m.ldNames, ", "))
	} else {
		weak = append(weak, m.ldNames...)
	}
	for _, k := range authorMetaKeys {
		var vals []string
		for _, v := range metaAuthors[k] {
			if c := personPart(v, sites, base); c != "" {
				vals = append(vals, c)
			}
		}
		if v := keep(vals); len(v) > 0 {
			cands = append(cands, strings.Join(v, ", "))
		}
	}
	var shown, bios []string // cleaned byline texts, in document order
	for _, b := range bylines {
		if c := personPart(b, sites, base); c != "" {
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
	if v := keep(shown); len(v) > 0 {
		cands = append(cands, plainestName(v))
	}
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
	if v := keep(plain); len(v) > 0 {
		cands = append(cands, v[0])
	}
	// The person a copyright line names ("© 2019 Jane Doe") wrote a
	// personal site's pages; it counts only when nothing else names one.
	if v := keep(owners); len(v) > 0 {
		cands = append(cands, v[0])
	}
	if len(cands) > 0 {
		m.Author = cands[0]
		// A handle-like value ("janedoe") is shown as the byline spells it.
		if !strings.ContainsAny(m.Author, " ,") {
			key := alnumLower(m.Author)
			for _, s := range shown {
				if alnumLower(s) == key {
					m.Author = s
					break
				}
			}
		}
	}
	if len(weak) > 0 {
		m.AuthorWeak = weak[0]
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
	s = collapseSpace(s)
	if i := strings.IndexAny(s, "|•·"); i >= 0 {
		s = s[:i]
	}
	s = copyrightTailRE.ReplaceAllString(copyrightHeadRE.ReplaceAllString(s, ""), "")
	s = strings.Trim(collapseSpace(s), " .,;:-–—")
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
	if !plainPersonName(nodeText(n)) {
		return false
	}
	// Running text just before it.
	long := false
	seen := 0
	for p := n.PrevSibling; p != nil && seen < 3 && !long; p = p.PrevSibling {
		if p.Type != html.ElementNode {
			continue
		}
		pt := nodeText(p)
		if pt == "" {
			continue
		}
		seen++
		long = len(pt) >= 150
	}
	if !long {
		return false
	}
	// Nothing but footnotes after it.
	for q := n.NextSibling; q != nil; q = q.NextSibling {
		if q.Type != html.ElementNode {
			continue
		}
		if qt := nodeText(q); len(qt) >= 100 && !footnoteRE.MatchString(qt) {
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
	parts := bylineSepRE.Split(collapseSpace(t), -1)
	if len(parts) < 2 {
		return false
	}
	if r, _ := utf8.DecodeRuneInString(parts[0]); !unicode.IsDigit(r) {
		return false
	}
	if _, ok := visibleDate(parts[0]); !ok {
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
	if strings.EqualFold(attr(n, "align"), "right") || strings.Contains(strings.ReplaceAll(strings.ToLower(attr(n, "style")), " ", ""), "text-align:right") {
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
