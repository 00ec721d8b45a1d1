package authors

import (
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/syndex/syndex/extract/internal/scan"
)

// This file cleans a byline's text down to the names it carries: labels,
// picture credits, dates, roles and what markup glued to a name go, and
// what remains must look like a name.

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
	s = scan.CollapseSpace(s)
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
	if outletAbbrev(s[i], head, tail) {
		return head
	}
	return s
}

// outletAbbrev reports whether tail, written after sep ("," or "/")
// behind head, is an agency or outlet abbreviation (one word of 2 to 5
// characters in capitals) behind a name that is not in capitals; behind a
// slash, a name of two or more capitalised words and nothing else (not a
// desk code).
func outletAbbrev(sep byte, head, tail string) bool {
	if head == "" || strings.ToUpper(head) == head || strings.ContainsRune(tail, ' ') {
		return false
	}
	if sep == '/' && (len(strings.Fields(head)) < 2 || !capitalisedNames(head) || strings.ContainsAny(head, ",/")) {
		return false
	}
	n := utf8.RuneCountInString(tail)
	return n >= 2 && n <= 5 && strings.ToUpper(tail) == tail && strings.ToLower(tail) != tail
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
	if letters < 2 || digitRunRE.MatchString(s) || commentHeader(s) {
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

// commentHeader reports whether s reads as a comment's or a form's header
// ("Jane says:", "Name (required)") or ends as a label.
func commentHeader(s string) bool {
	low := strings.ToLower(s)
	for _, bad := range []string{"says:", "sagt:", " said", " sagte", "*", "(required)", "(erforderlich)", "(obligatoire)"} {
		if strings.Contains(low, bad) {
			return true
		}
	}
	return strings.HasSuffix(s, ":") || strings.HasSuffix(low, " says") || strings.HasSuffix(low, " sagt")
}
