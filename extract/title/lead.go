package title

import (
	"regexp"
	"strings"

	"github.com/syndex/syndex/extract/internal/dom"
	"github.com/syndex/syndex/extract/internal/scan"
)

// Pages without headline metadata (no og:title, no JSON-LD) name their
// story only in the <title> and the visible headings, and old templates
// often put nothing but the site or a section in the <title>. The story's
// own words then decide: a headline shares its words with the article's
// opening paragraphs, a site name or a section label does not.

// SiteTitleKey prefixes a title recorded in the site model, keeping titles
// apart from paragraphs and long enough to be recorded.
const SiteTitleKey = "\x00title shared by pages of the site\x00"

// LeadOf returns the text of the first body paragraphs (headings left
// out), up to about 2,000 bytes: what a headline is checked against.
func LeadOf(blocks []dom.Block) string {
	var sb strings.Builder
	for _, b := range blocks {
		if len(b.Tag) == 2 && b.Tag[0] == 'h' && b.Tag[1] >= '1' && b.Tag[1] <= '6' {
			continue
		}
		sb.WriteString(b.Text)
		sb.WriteByte(' ')
		if sb.Len() > 2000 {
			break
		}
	}
	return sb.String()
}

// OpeningOf returns the texts of the first n body paragraphs (headings
// left out).
func OpeningOf(blocks []dom.Block, n int) []string {
	var out []string
	for _, b := range blocks {
		if len(out) == n {
			break
		}
		if len(b.Tag) == 2 && b.Tag[0] == 'h' && b.Tag[1] >= '1' && b.Tag[1] <= '6' {
			continue
		}
		out = append(out, b.Text)
	}
	return out
}

// stems are the five-letter prefixes of the words of four letters or more
// in s, lower-cased: a crude stem that lets "resigns" meet "resigned" and
// "Lankan" meet "Lanka".
func stems(s string) []string {
	var out []string
	for _, w := range scan.TitleWords(s) {
		r := []rune(w)
		if len(r) < 4 {
			continue
		}
		out = append(out, string(r[:min(len(r), 5)]))
	}
	return out
}

// leadShare is the share of candidate's stems found in the lead's (0 when
// the candidate has none).
func leadShare(candidate string, lead map[string]bool) float64 {
	st := stems(candidate)
	if len(st) == 0 {
		return 0
	}
	n := 0
	for _, s := range st {
		if lead[s] {
			n++
		}
	}
	return float64(n) / float64(len(st))
}

// Thresholds: a title whose words are mostly absent from the lead is not
// the story's headline; a heading that shares at least half its words with
// the lead is.
const (
	offLead = 0.34
	onLead  = 0.5
)

// LeadHeading returns the heading (of the first dozen, three words or
// more) sharing most of its words with the lead, if at least onLead of
// them; "" otherwise.
func LeadHeading(headings []string, lead map[string]bool) string {
	best, bestShare := "", 0.0
	for i, h := range headings {
		if i >= 12 {
			break
		}
		if len(scan.TitleWords(h)) < 3 || strings.HasSuffix(strings.TrimSpace(h), ":") {
			continue
		}
		if s := leadShare(h, lead); s >= onLead && s > bestShare {
			best, bestShare = h, s
		}
	}
	return Clean(best)
}

// LeadSet indexes the stems of a lead.
func LeadSet(lead string) map[string]bool {
	set := map[string]bool{}
	for _, s := range stems(lead) {
		set[s] = true
	}
	return set
}

// codeInTitleRE finds where markup or script leaks into a <title> whose
// end tag a template garbled ("Headline--> <script …", "…'); obj.style").
var codeInTitleRE = regexp.MustCompile(`-->|<!--|<\\?/?[a-zA-Z]|[{}]|\w\(["']|['"]\s*\+\s*\w|document\.|function\s*\(`)

// cutCode returns the part of a <title> before any leaked markup or
// script. A call's name is cut whole, back to where the identifier
// starts: "Title(The Korea Times)ntById(" (a page whose bytes were lost
// mid-script) keeps "Title(The Korea Times)", not a stray "ntByI".
func cutCode(t string) string {
	loc := codeInTitleRE.FindStringIndex(t)
	if loc == nil {
		return t
	}
	i := loc[0]
	if isIdentByte(t[i]) {
		// The match starts inside a name ("…ById(", "document."):
		// cut where that name starts.
		for i > 0 && isIdentByte(t[i-1]) {
			i--
		}
	}
	return strings.TrimSpace(t[:i])
}

// isIdentByte reports whether b can be part of a script identifier or a
// dotted name.
func isIdentByte(b byte) bool {
	return b == '_' || b == '$' || b == '.' || b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z'
}
