// Package scan holds the string helpers extraction runs on every element
// and paragraph, written to avoid allocating: white-space collapsing, word
// tokens, ASCII case-folded search, and regular expressions guarded by the
// words every match must contain; and the word-for-word comparison titles
// and headings are matched by (TitleWords).
package scan

import (
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// GuardedRE is a case-insensitive regular expression every match of which
// contains one of a few ASCII words. Strings holding none of the words,
// in any case, are refused without running the expression: most class
// names and texts on a page hold none, and the rules call these
// expressions on every element.
type GuardedRE struct {
	re    *regexp.Regexp
	words []string // lower-case ASCII
	first [256]bool
}

// Guard returns re guarded by words; every match of re must contain one
// of them (compared ASCII-case-insensitively).
func Guard(re *regexp.Regexp, words ...string) *GuardedRE {
	g := &GuardedRE{re: re, words: words}
	for _, w := range words {
		c := w[0]
		g.first[c] = true
		if 'a' <= c && c <= 'z' {
			g.first[c-'a'+'A'] = true
		}
	}
	return g
}

// MatchString reports whether s contains a match of the expression.
func (g *GuardedRE) MatchString(s string) bool {
	return g.mayMatch(s) && g.re.MatchString(s)
}

// FindStringIndex is the expression's FindStringIndex, nil without
// running it when the guard stops s.
func (g *GuardedRE) FindStringIndex(s string) []int {
	if !g.mayMatch(s) {
		return nil
	}
	return g.re.FindStringIndex(s)
}

// Regexp returns the guarded expression, which MatchString runs only
// when the guard lets a string through.
func (g *GuardedRE) Regexp() *regexp.Regexp { return g.re }

// mayMatch reports whether s could contain a match: whether it holds one
// of the words in any case. Under Unicode case folding two non-ASCII
// letters also fold to ASCII ones (U+017F ſ to s, U+212A Kelvin sign to
// k); a string holding either is passed to the expression.
func (g *GuardedRE) mayMatch(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == 0xC5 && i+1 < len(s) && s[i+1] == 0xBF: // U+017F
			return true
		case c == 0xE2 && i+2 < len(s) && s[i+1] == 0x84 && s[i+2] == 0xAA: // U+212A
			return true
		case !g.first[c]:
			continue
		}
		for _, w := range g.words {
			if HasPrefixFoldASCII(s[i:], w) {
				return true
			}
		}
	}
	return false
}

// HasPrefixFoldASCII reports whether s begins with the lower-case ASCII
// word w, ASCII letters compared without case.
func HasPrefixFoldASCII(s, w string) bool {
	if len(s) < len(w) {
		return false
	}
	for j := 0; j < len(w); j++ {
		c := s[j]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != w[j] {
			return false
		}
	}
	return true
}

// WordTokens returns the words of text, without a regular expression: the
// maximal runs of letters, digits and underscores.
func WordTokens(text string) []string {
	var out []string
	start := -1
	for i := 0; i < len(text); {
		r, w := rune(text[i]), 1
		if r >= utf8.RuneSelf {
			r, w = utf8.DecodeRuneInString(text[i:])
		}
		if r == '_' || unicode.IsLetter(r) || unicode.IsNumber(r) {
			if start < 0 {
				start = i
			}
		} else if start >= 0 {
			out = append(out, text[start:i])
			start = -1
		}
		i += w
	}
	if start >= 0 {
		out = append(out, text[start:])
	}
	return out
}

// CountTokens returns len(WordTokens(text)) without building the tokens: the
// number of maximal runs of letters, digits and underscores.
func CountTokens(text string) int {
	n := 0
	in := false
	for i := 0; i < len(text); {
		r, w := rune(text[i]), 1
		if r >= utf8.RuneSelf {
			r, w = utf8.DecodeRuneInString(text[i:])
		}
		word := r == '_' || unicode.IsLetter(r) || unicode.IsNumber(r)
		if word && !in {
			n++
		}
		in = word
		i += w
	}
	return n
}

// FieldCount returns len(strings.Fields(s)) without building the fields:
// the number of maximal runs of characters that are not Unicode white
// space.
func FieldCount(s string) int {
	n := 0
	in := false
	for i := 0; i < len(s); {
		space, w := IsSpaceAt(s, i)
		if !space && !in {
			n++
		}
		in = !space
		i += w
	}
	return n
}

// IsSpaceAt decodes the rune at s[i:] and reports its width and whether it
// is Unicode white space, as strings.Fields defines it.
func IsSpaceAt(s string, i int) (space bool, width int) {
	if c := s[i]; c < utf8.RuneSelf {
		return ASCIISpace[c], 1
	}
	r, w := utf8.DecodeRuneInString(s[i:])
	return unicode.IsSpace(r), w
}

// ASCIISpace marks the ASCII white space characters.
var ASCIISpace = [utf8.RuneSelf]bool{'\t': true, '\n': true, '\v': true, '\f': true, '\r': true, ' ': true}

// CollapseBytes folds b's white space as CollapseSpace does, in place,
// and returns the collapsed text (a prefix of b).
func CollapseBytes(b []byte) []byte {
	w, pending := 0, false
	for r := 0; r < len(b); {
		c, n := b[r], 1
		var sp bool
		if c < utf8.RuneSelf {
			sp = ASCIISpace[c]
		} else {
			var ru rune
			ru, n = utf8.DecodeRune(b[r:])
			sp = unicode.IsSpace(ru)
		}
		if sp {
			pending = true
		} else {
			// Every byte written was read, and an owed space stands for
			// at least one read and unwritten byte: w never passes r.
			if pending && w > 0 {
				b[w] = ' '
				w++
			}
			pending = false
			w += copy(b[w:], b[r:r+n])
		}
		r += n
	}
	return b[:w]
}

// CollapsedPrefix appends to buf the first max bytes of CollapseSpace(s)
// and returns it; when that text is shorter than max it returns nil.
// Text is read only as far as needed.
func CollapsedPrefix(buf []byte, s string, max int) []byte {
	buf = buf[:0]
	pending := false
	for i := 0; i < len(s) && len(buf) < max; {
		sp, w := IsSpaceAt(s, i)
		if sp {
			pending = true
		} else {
			if pending && len(buf) > 0 {
				buf = append(buf, ' ')
			}
			pending = false
			buf = append(buf, s[i:i+w]...)
		}
		i += w
	}
	if len(buf) < max {
		return nil
	}
	return buf[:max]
}

// ContainsLower reports whether strings.ToLower(s) contains the lower-case
// ASCII word w, lowering (and allocating) only when s is not ASCII.
func ContainsLower(s, w string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return strings.Contains(strings.ToLower(s), w)
		}
	}
	for i := 0; i+len(w) <= len(s); i++ {
		if HasPrefixFoldASCII(s[i:], w) {
			return true
		}
	}
	return false
}

// CollapseSpace trims s and folds every run of Unicode white space
// (including no-break spaces) into one ASCII space.
func CollapseSpace(s string) string {
	// Most strings are collapsed already: return them without a copy.
	i, prevSpace := collapsedLen(s)
	if i == len(s) {
		return s
	}
	// s[:i] is collapsed; a space ending it is owed to the next word.
	head, pending := s[:i], false
	if i > 0 && prevSpace {
		head, pending = s[:i-1], true
	}
	var sb strings.Builder
	sb.Grow(len(s))
	sb.WriteString(head)
	for i < len(s) {
		sp, w := IsSpaceAt(s, i)
		if sp {
			pending = true
		} else {
			if pending && sb.Len() > 0 {
				sb.WriteByte(' ')
			}
			pending = false
			sb.WriteString(s[i : i+w])
		}
		i += w
	}
	return sb.String()
}

// collapsedLen returns how long a prefix of s is collapsed already (no
// white space at the start, none but single ASCII spaces between words),
// and whether it ends in a space.
func collapsedLen(s string) (int, bool) {
	i, prevSpace := 0, true
	for i < len(s) {
		c := s[i]
		if c < utf8.RuneSelf && !ASCIISpace[c] {
			prevSpace = false
			i++
			continue
		}
		sp, w := IsSpaceAt(s, i)
		if sp && (prevSpace || c != ' ' || i+w == len(s)) {
			break
		}
		prevSpace = sp
		i += w
	}
	return i, prevSpace
}

// Unique removes the repeats of a string from in, keeping the first of
// each in order; it reuses in's array.
func Unique(in []string) []string {
	seen := map[string]bool{}
	out := in[:0]
	for _, s := range in {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// TitleWords is the lower-cased word tokens of a title, the unit titles are
// compared in.
func TitleWords(s string) []string {
	if strings.ContainsAny(s, invisibleChars) {
		s = InvisibleRE.ReplaceAllString(s, "")
	}
	return WordTokens(strings.ToLower(s))
}

// SameWords reports whether a and b are the same title words.
func SameWords(a, b string) bool {
	return slices.Equal(TitleWords(a), TitleWords(b))
}

// ContainsWords reports whether s holds part's words in a row.
func ContainsWords(s, part string) bool {
	pw := strings.Join(TitleWords(part), " ")
	return pw != "" && strings.Contains(" "+strings.Join(TitleWords(s), " ")+" ", " "+pw+" ")
}

// InvisibleRE matches formatting characters that do not show: soft
// hyphens, zero-width spaces and joiners, word joiners, byte-order marks.
// They split words for the tokenizer ("Helikopter\u00adlandeplatz").
var InvisibleRE = regexp.MustCompile("[" + invisibleChars + "]")

// invisibleChars are the characters InvisibleRE matches.
const invisibleChars = "\u00ad\u200b\u200c\u200d\u2060\ufeff"

// FirstNonEmpty returns the first of vs that is not blank, trimmed.
func FirstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if v = strings.TrimSpace(v); v != "" {
			return v
		}
	}
	return ""
}
