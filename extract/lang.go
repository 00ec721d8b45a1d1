package extract

import (
	"strings"
	"unicode"

	"github.com/RadhiFadlillah/whatlanggo"
)

// trustedLang returns lang, the language go-trafilatura detected in text
// (with whatlanggo), or "" when the detection means nothing:
//
//   - text is garbled: a quarter or more of its characters (white space
//     aside) are replacement characters, private-use or unassigned code
//     points or control characters, what a page decoded with the wrong
//     charset is full of, and the detector read only the few letters left
//     between them;
//   - the detector has no confidence in its choice (two languages scored
//     the same, or only one scored at all and barely), checked where the
//     text has few letters (under thinLetters) or the page declares
//     another language than the one detected.
//
// The detector breaks a tie between languages in Go's map order, so on
// such text the same page got a different language from run to run. Its
// confidence is the same on every run, and above zero only when one
// language scored strictly best, the one it then always picks. Running it
// again costs as much as go-trafilatura's run, so it is done only where a
// tie can change the outcome cheaply seen: on short texts, where ties
// happen, and where the detection contradicts the declared language — of
// two tied languages the declared one is kept unchecked and the other is
// checked and dropped for the declaration, so a page that declares its
// language gets the same one either way. On the seven real corpora no
// text scored a tie. A garbled text needs no detection to be refused.
func trustedLang(lang, declared, text string) string {
	if lang == "" {
		return ""
	}
	letters, garbled := letterCount(text)
	if garbled {
		return ""
	}
	d := primaryTag(declared)
	if (letters < thinLetters || d != "" && d != lang) && whatlanggo.Detect(text).Confidence == 0 {
		return ""
	}
	return lang
}

// thinLetters is the fewest letters of a text whose detected language is
// taken without checking the detector's confidence.
const thinLetters = 500

// letterCount counts text's letters and reports whether a quarter or more
// of its characters, white space aside, are undecodable (see
// isUndecodable). On the seven real corpora and a 5,579-page web archive
// that share is 0 on almost every page and at most 8.4 % on the others (a
// Chinese page with a few undecodable characters); on the archive's
// mis-decoded pages it is 42–45 %.
func letterCount(text string) (letters int, garbled bool) {
	bad, n := 0, 0
	for _, r := range text {
		switch {
		case r < 0x80 && ('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z'):
			letters++
		case unicode.IsSpace(r):
			continue
		case r >= 0x80 && unicode.IsLetter(r):
			letters++
		case isUndecodable(r):
			bad++
		}
		n++
	}
	return letters, n > 0 && 4*bad >= n
}

// isUndecodable reports whether r, not a letter, is what mis-decoded
// bytes turn into: the replacement character, a private-use or unassigned
// code point, or a control character.
func isUndecodable(r rune) bool {
	if r < 0x80 {
		return r < 0x20 || r == 0x7f
	}
	if r == unicode.ReplacementChar {
		return true
	}
	return unicode.IsControl(r) || unicode.Is(unicode.Co, r) || !unicode.In(r, decodable...)
}

// decodable are the general categories of assigned code points, less
// control and private-use: what is in none of them is unassigned.
var decodable = []*unicode.RangeTable{unicode.L, unicode.M, unicode.N, unicode.P, unicode.S, unicode.Z, unicode.Cf, unicode.Cs}

// chooseLang trusts detection on enough text, else the page's declaration.
func chooseLang(detected, declared, text string) string {
	declared = primaryTag(declared)
	if detected != "" && len(text) >= 200 {
		return detected
	}
	if len(declared) == 2 || len(declared) == 3 {
		return declared
	}
	return detected
}

// primaryTag is a declared language tag's primary subtag, lower-cased:
// "en" of "en-GB", "en_US" or " EN ".
func primaryTag(declared string) string {
	declared = strings.ToLower(strings.TrimSpace(declared))
	if i := strings.IndexAny(declared, "-_"); i > 0 {
		declared = declared[:i]
	}
	return declared
}
