package jsonfast

import (
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

const hexDigits = "0123456789abcdef"

// AppendString appends s quoted as encoding/json writes a string with
// HTML escaping on (json.Marshal, and an Encoder by default): <, > and &
// as \u escapes, invalid UTF-8 as \ufffd, U+2028 and U+2029 escaped.
func AppendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if !safe[c] {
				b = appendASCIIEscape(append(b, s[start:i]...), c)
				start = i + 1
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if esc := runeEscape(r, size); esc != "" {
			b = append(append(b, s[start:i]...), esc...)
			start = i + size
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// safe marks the ASCII bytes a JSON string holds as they are: not a
// control byte, a quote, a backslash or one of HTML's <, > and &.
var safe = func() (t [utf8.RuneSelf]bool) {
	for c := range t {
		t[c] = c >= 0x20 && !strings.ContainsRune(`"\<>&`, rune(c))
	}
	return t
}()

// shortEscape is the letter of the two-character escape of an ASCII byte
// that has one (\n, \"), 0 for those written as \u00XX.
var shortEscape = [utf8.RuneSelf]byte{'"': '"', '\\': '\\', '\b': 'b', '\f': 'f', '\n': 'n', '\r': 'r', '\t': 't'}

// runeEscape is the escape of a non-ASCII rune of size bytes that a JSON
// string does not hold as it is (invalid UTF-8 and the line and paragraph
// separators JavaScript refuses), "" for the others.
func runeEscape(r rune, size int) string {
	switch {
	case r == utf8.RuneError && size == 1:
		return `\ufffd`
	case r == '\u2028':
		return `\u2028`
	case r == '\u2029':
		return `\u2029`
	}
	return ""
}

// appendASCIIEscape appends the escape of an ASCII byte that is not safe.
func appendASCIIEscape(b []byte, c byte) []byte {
	if e := shortEscape[c]; e != 0 {
		return append(b, '\\', e)
	}
	return append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
}

// AppendFloat appends f as encoding/json writes a float64 (as ECMAScript
// prints a number), and reports false for an infinity or NaN, which
// encoding/json refuses to write.
func AppendFloat(b []byte, f float64) ([]byte, bool) {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return b, false
	}
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if n := len(b); format == 'e' && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
		// encoding/json writes e-07 as e-7.
		b[n-2] = b[n-1]
		b = b[:n-1]
	}
	return b, true
}

// AppendTime appends t quoted as time.Time's MarshalJSON writes it (RFC
// 3339 with nanoseconds), and reports false for a time MarshalJSON
// refuses (a year outside 0-9999, a zone offset of a day or more).
func AppendTime(b []byte, t time.Time) ([]byte, bool) {
	out, err := t.AppendText(append(b, '"'))
	if err != nil {
		return b, false
	}
	return append(out, '"'), true
}
