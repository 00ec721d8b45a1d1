// Package snippet writes the passages of a text that a search matched:
// it tidies a highlighted fragment (Bleve's highlighter's, or Mark's)
// into whole words with one ellipsis at each cut end, as HTML and as
// plain text with the matches' positions (Tidy), cuts a window around
// marked spans of a stored text (Mark), and writes a snippet for a
// terminal (Terminal). It knows nothing of the index: the index hands it
// strings.
package snippet

import (
	"html"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Text is a snippet as plain text, with the positions of the
// matches in it: each is [start, end) in characters (Unicode code points)
// of Text. A snippet cut from a longer text starts and/or ends with "… ".
type Text struct {
	Text    string   `json:"text"`
	Matches [][2]int `json:"matches"`
}

// ellipsis marks where a snippet was cut from its text.
const ellipsis = "…"

// Tidy rewrites one highlighted fragment ("…text with
// <mark>hits</mark>…", HTML-escaped, as Bleve's highlighter or Mark
// write it) so that it starts and ends between words (a word cut at either
// end is dropped unless it holds a match), holds single spaces, and says
// with one ellipsis at each end that it was cut there. It returns the
// fragment as HTML (escaped text, matches in <mark>) and as plain text
// with the matches' positions.
func Tidy(frag string) (string, Text) {
	cutStart := strings.HasPrefix(frag, ellipsis)
	cutEnd := strings.HasSuffix(frag, ellipsis) && len(frag) > len(ellipsis)
	frag = strings.TrimPrefix(frag, ellipsis)
	if cutEnd {
		frag = strings.TrimSuffix(frag, ellipsis)
	}
	f := readMarked(frag)
	from, to := 0, len(f.rs)
	if cutStart && !f.lead {
		from = f.afterCutStart()
	}
	if cutEnd && !f.trail {
		to = f.beforeCutEnd(from)
	}
	return writeSnippet(f.rs[from:to], f.marked[from:to], cutStart, cutEnd)
}

// markedText is a fragment's characters with, for each, whether it is
// inside a match; whitespace runs are one space. lead and trail say
// whether the fragment began and ended with whitespace.
type markedText struct {
	rs          []rune
	marked      []bool
	lead, trail bool
}

// readMarked reads a highlighted fragment (HTML-escaped, matches in
// <mark>).
func readMarked(frag string) *markedText {
	f := &markedText{lead: len(frag) > 0 && unicode.IsSpace(firstRune(html.UnescapeString(frag)))}
	space := false
	add := func(s string, m bool) {
		for _, r := range html.UnescapeString(s) {
			if unicode.IsSpace(r) {
				space = true
				continue
			}
			if space && len(f.rs) > 0 {
				f.rs, f.marked = append(f.rs, ' '), append(f.marked, false)
			}
			space = false
			f.rs, f.marked = append(f.rs, r), append(f.marked, m)
		}
	}
	for frag != "" {
		i := strings.Index(frag, "<mark>")
		if i < 0 {
			add(frag, false)
			break
		}
		add(frag[:i], false)
		frag = frag[i+len("<mark>"):]
		j := strings.Index(frag, "</mark>")
		if j < 0 {
			j = len(frag)
		}
		add(frag[:j], true)
		frag = strings.TrimPrefix(frag[j:], "</mark>")
	}
	f.trail = space
	return f
}

// afterCutStart is where the text starts when its first word was cut:
// after that word, or at the part of it from a match ("…ne-year-old"
// with "year" matched starts "year-old").
func (f *markedText) afterCutStart() int {
	i := indexRune(f.rs, ' ')
	if i < 0 {
		i = len(f.rs)
	}
	if k := indexTrue(f.marked[:i]); k >= 0 {
		return k
	}
	if i < len(f.rs) {
		return i + 1
	}
	return 0
}

// beforeCutEnd is where the text (from from) ends when its last word was
// cut: before that word, or after the last match in it.
func (f *markedText) beforeCutEnd(from int) int {
	j := lastIndexRune(f.rs[from:], ' ') + 1 // start of the last word
	if k := lastIndexTrue(f.marked[from+j:]); k >= 0 {
		return from + j + k + 1
	}
	if j > 0 {
		return from + j - 1
	}
	return len(f.rs)
}

// writeSnippet writes the characters rs, matches where marked, as HTML
// and as plain text with the matches' positions, with an ellipsis at
// each end that was cut.
func writeSnippet(rs []rune, marked []bool, cutStart, cutEnd bool) (string, Text) {
	var text, out strings.Builder
	n := 0 // characters written to text
	if cutStart {
		text.WriteString(ellipsis + " ")
		out.WriteString(ellipsis + " ")
		n = 2
	}
	ts := Text{Matches: [][2]int{}}
	for i := 0; i < len(rs); {
		j := i
		for j < len(rs) && marked[j] == marked[i] {
			j++
		}
		seg := string(rs[i:j])
		text.WriteString(seg)
		if marked[i] {
			ts.Matches = append(ts.Matches, [2]int{n + i, n + j})
			out.WriteString("<mark>" + html.EscapeString(seg) + "</mark>")
		} else {
			out.WriteString(html.EscapeString(seg))
		}
		i = j
	}
	if cutEnd {
		text.WriteString(" " + ellipsis)
		out.WriteString(" " + ellipsis)
	}
	ts.Text = text.String()
	return out.String(), ts
}

// Terminal writes a snippet for a terminal, matches marked *like
// this*, at most width characters: a longer one is cut between words and
// ends with one ellipsis.
func Terminal(ts Text, width int) string {
	rs := []rune(ts.Text)
	var b strings.Builder
	at := 0
	for _, m := range ts.Matches {
		b.WriteString(string(rs[at:m[0]]) + "*" + string(rs[m[0]:m[1]]) + "*")
		at = m[1]
	}
	b.WriteString(string(rs[at:]))
	s := b.String()
	if utf8.RuneCountInString(s) <= width {
		return s
	}
	r := []rune(s)[:width-2]
	if i := lastIndexRune(r, ' '); i > width/2 {
		r = r[:i]
	}
	return strings.TrimRight(strings.TrimSuffix(strings.TrimRight(string(r), " "), ellipsis), " ") + " " + ellipsis
}

// Mark cuts a window of about width bytes of text around the first
// mark and returns it HTML escaped with every mark inside in <mark>.
func Mark(text string, marks [][2]int, width int) string {
	if len(marks) == 0 {
		return ""
	}
	from := max(0, marks[0][0]-width/3)
	to := min(len(text), from+width)
	for from > 0 && !isBoundary(text, from) {
		from--
	}
	for to < len(text) && !isBoundary(text, to) {
		to++
	}
	var b strings.Builder
	if from > 0 {
		b.WriteString("…")
	}
	at := from
	for _, m := range marks {
		if m[0] < at || m[1] > to || m[0] >= m[1] {
			continue
		}
		b.WriteString(html.EscapeString(text[at:m[0]]))
		b.WriteString("<mark>")
		b.WriteString(html.EscapeString(text[m[0]:m[1]]))
		b.WriteString("</mark>")
		at = m[1]
	}
	b.WriteString(html.EscapeString(text[at:to]))
	if to < len(text) {
		b.WriteString("…")
	}
	return b.String()
}

// isBoundary reports whether byte i of s starts a rune after a space (or
// is the end), so a snippet cuts between words.
func isBoundary(s string, i int) bool {
	return i >= len(s) || (s[i]&0xC0 != 0x80 && i > 0 && (s[i-1] == ' ' || s[i-1] == '\n'))
}

func firstRune(s string) rune {
	r, _ := utf8.DecodeRuneInString(s)
	return r
}

func indexRune(rs []rune, c rune) int {
	for i, r := range rs {
		if r == c {
			return i
		}
	}
	return -1
}

func lastIndexRune(rs []rune, c rune) int {
	for i := len(rs) - 1; i >= 0; i-- {
		if rs[i] == c {
			return i
		}
	}
	return -1
}

func indexTrue(m []bool) int {
	for i, v := range m {
		if v {
			return i
		}
	}
	return -1
}

func lastIndexTrue(m []bool) int {
	for i := len(m) - 1; i >= 0; i-- {
		if m[i] {
			return i
		}
	}
	return -1
}
