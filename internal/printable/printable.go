// Package printable writes what the crawl brought in, and the measures
// syndex computes, for people: a crawled string made safe for a terminal
// (Clean) or a spreadsheet cell (CSV), cut to a width (Truncate), a lag in
// words (Lag). The reports, the lookup's answer, the alert list, the
// exports and the network picture all print through it. It owns nothing
// else.
package printable

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Clean makes a crawled string safe to print on a terminal: control
// characters (including ANSI escapes and bidi overrides) become U+FFFD and
// runs of whitespace collapse to one space.
func Clean(s string) string {
	var b strings.Builder
	space := false
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
			if !space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = true
			continue
		case unicode.IsControl(r), unicode.Is(unicode.Bidi_Control, r), r == '\u2028', r == '\u2029':
			r = '\uFFFD'
		}
		space = false
		b.WriteRune(r)
	}
	return strings.TrimRight(b.String(), " ")
}

// Truncate cuts s to n characters, the last an ellipsis.
func Truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// Lag renders a lag in seconds compactly ("45s", "2h05m", "3d04h",
// "-1h00m"); nil is "?".
func Lag(p *int64) string {
	if p == nil {
		return "?"
	}
	s := *p
	sign := ""
	if s < 0 {
		sign, s = "-", -s
	}
	d, h, m := s/86400, s%86400/3600, s%3600/60
	switch {
	case d > 0:
		return fmt.Sprintf("%s%dd%02dh", sign, d, h)
	case h > 0:
		return fmt.Sprintf("%s%dh%02dm", sign, h, m)
	case m > 0:
		return fmt.Sprintf("%s%dm%02ds", sign, m, s%60)
	}
	return fmt.Sprintf("%s%ds", sign, s)
}

// CSV defuses spreadsheet formula injection in a crawled string: a cell
// starting with = + - @ or a tab/CR is prefixed with a single quote (the
// OWASP recommendation). Numbers are written without this guard.
func CSV(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
