package index

import (
	"html"
	"strings"
	"unicode"
	"unicode/utf8"
)

// TextSnippet is a snippet as plain text, with the positions of the
// matches in it: each is [start, end) in characters (Unicode code points)
// of Text. A snippet cut from a longer text starts and/or ends with "… ".
type TextSnippet struct {
	Text    string   `json:"text"`
	Matches [][2]int `json:"matches"`
}

// ellipsis marks where a snippet was cut from its text.
const ellipsis = "…"

// tidySnippet rewrites one highlighted fragment ("…text with
// <mark>hits</mark>…", HTML-escaped, as Bleve's highlighter or markSnippet
// write it) so that it starts and ends between words (a word cut at either
// end is dropped unless it holds a match), holds single spaces, and says
// with one ellipsis at each end that it was cut there. It returns the
// fragment as HTML (escaped text, matches in <mark>) and as plain text
// with the matches' positions.
func tidySnippet(frag string) (string, TextSnippet) {
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
func writeSnippet(rs []rune, marked []bool, cutStart, cutEnd bool) (string, TextSnippet) {
	var text, out strings.Builder
	n := 0 // characters written to text
	if cutStart {
		text.WriteString(ellipsis + " ")
		out.WriteString(ellipsis + " ")
		n = 2
	}
	ts := TextSnippet{Matches: [][2]int{}}
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

// terminalSnippet writes a snippet for a terminal, matches marked *like
// this*, at most width characters: a longer one is cut between words and
// ends with one ellipsis.
func terminalSnippet(ts TextSnippet, width int) string {
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
