package dedup

import (
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/syndex/syndex/article"
)

// appendAssignment appends the JSON of document di's assignment (as
// assignment(di) would give it), and a newline, to b: byte for byte what
// encoding/json's Encoder writes for an article.Assignment, without the
// per-article allocations, so writing a million assignments does not
// grow the heap at the end of a Run.
func (ix *Clusterer) appendAssignment(b []byte, di uint32) []byte {
	d := &ix.docs[di]
	if ix.furniture(di) {
		b = append(b, `{"id":`...)
		b = appendJSONString(b, d.id)
		b = append(b, `,"cluster":`...)
		b = appendJSONString(b, d.id)
		b = append(b, `,"role":"unique","original":`...)
		b = appendJSONString(b, d.id)
		return append(b, `,"similarity":1,"original_share":1,"copy_share":1,"evidence":["furniture"]}`+"\n"...)
	}
	cluster := d.id
	var evidence []string
	if d.cluster != noCluster {
		cl := &ix.clusters[d.cluster]
		cluster, evidence = cl.id, cl.evidence
	}
	b = append(b, `{"id":`...)
	b = appendJSONString(b, d.id)
	b = append(b, `,"cluster":`...)
	b = appendJSONString(b, cluster)
	b = append(b, `,"role":`...)
	b = appendJSONString(b, string(d.role))
	b = append(b, `,"original":`...)
	b = appendJSONString(b, ix.docs[d.original].id)
	b = append(b, `,"similarity":`...)
	b = appendJSONFloat(b, round4(float64(d.sim)))
	oshare, cshare := 1.0, 1.0
	if d.role == article.RoleCopy {
		oshare, cshare = ix.shares(di, d.original)
	}
	b = append(b, `,"original_share":`...)
	b = appendJSONFloat(b, oshare)
	b = append(b, `,"copy_share":`...)
	b = appendJSONFloat(b, cshare)
	if d.role == article.RoleCopy && d.via != 0 {
		b = append(b, `,"via":`...)
		b = appendJSONString(b, ix.docs[d.via-1].id)
	}
	b = append(b, `,"evidence":[`...)
	for i, e := range evidence {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, e)
	}
	return append(b, "]}\n"...)
}

// appendJSONFloat formats f as encoding/json does.
func appendJSONFloat(b []byte, f float64) []byte {
	abs := math.Abs(f)
	format := byte('f')
	if abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' {
		// encoding/json writes e-07 as e-7.
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b
}

const hexDigits = "0123456789abcdef"

// appendJSONString quotes s as encoding/json does with HTML escaping on:
// <, > and & as \u escapes, invalid UTF-8 as U+FFFD, and U+2028/U+2029
// escaped.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if !jsonSafe[c] {
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

// jsonSafe marks the ASCII bytes a JSON string holds as they are: not a
// control character, a quote, a backslash or one of HTML's <, > and &.
var jsonSafe = func() (safe [utf8.RuneSelf]bool) {
	for c := range safe {
		safe[c] = c >= 0x20 && !strings.ContainsRune(`"\<>&`, rune(c))
	}
	return safe
}()

// jsonShortEscape is the letter of the two-character escape of an ASCII
// byte that has one (\n, \"), 0 for those written as \u00XX.
var jsonShortEscape = [utf8.RuneSelf]byte{'"': '"', '\\': '\\', '\b': 'b', '\f': 'f', '\n': 'n', '\r': 'r', '\t': 't'}

// runeEscape is the escape of a non-ASCII rune of size bytes that a
// JSON string does not hold as it is (invalid UTF-8 and the line and
// paragraph separators JavaScript refuses), "" for the others.
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

// appendASCIIEscape appends the escape of an ASCII byte that is not
// jsonSafe.
func appendASCIIEscape(b []byte, c byte) []byte {
	if e := jsonShortEscape[c]; e != 0 {
		return append(b, '\\', e)
	}
	return append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
}
