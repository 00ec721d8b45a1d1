package jsonfast

import (
	"encoding/binary"
	"strconv"
	"time"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"
)

// Scanner is a cursor over JSON text. Its zero value scans nothing; Reset
// gives it text. A Scanner may be reused: it keeps a scratch buffer.
type Scanner struct {
	b   []byte
	i   int
	tmp []byte // scratch for strings that are only checked
}

// Reset makes s scan b from its start.
func (s *Scanner) Reset(b []byte) { s.b, s.i = b, 0 }

// Space skips JSON white space.
func (s *Scanner) Space() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// Peek returns the next byte, 0 at the end.
func (s *Scanner) Peek() byte {
	if s.i < len(s.b) {
		return s.b[s.i]
	}
	return 0
}

// Eat consumes c when it comes next.
func (s *Scanner) Eat(c byte) bool {
	if s.i < len(s.b) && s.b[s.i] == c {
		s.i++
		return true
	}
	return false
}

// Lit consumes the literal word (true, false, null) when it comes next.
func (s *Scanner) Lit(word string) bool {
	if len(s.b)-s.i >= len(word) && string(s.b[s.i:s.i+len(word)]) == word {
		s.i += len(word)
		return true
	}
	return false
}

// End reports whether only white space is left.
func (s *Scanner) End() bool {
	s.Space()
	return s.i == len(s.b)
}

// Object reads the one object the text holds, with nothing but white
// space around it, calling member with s at each member's value and the
// member's name as it is written (member names with escapes, control
// bytes or invalid UTF-8 are declined). member reads or skips the value,
// or returns false to decline; Object reports false when the text is not
// such an object or member declined.
func (s *Scanner) Object(member func(key []byte) bool) bool {
	s.Space()
	if !s.Eat('{') {
		return false
	}
	s.Space()
	if s.Eat('}') {
		return s.End()
	}
	for {
		key, ok := s.PlainString()
		if !ok {
			return false
		}
		s.Space()
		if !s.Eat(':') {
			return false
		}
		s.Space()
		if !member(key) {
			return false
		}
		s.Space()
		if s.Eat('}') {
			return s.End()
		}
		if !s.Eat(',') {
			return false
		}
		s.Space()
	}
}

// PlainString reads a string that needs no decoding (no escapes, no
// invalid UTF-8) and returns its bytes in the scanned text.
func (s *Scanner) PlainString() ([]byte, bool) {
	if !s.Eat('"') {
		return nil, false
	}
	start := s.i
	s.plainRun()
	if s.i == len(s.b) || s.b[s.i] != '"' {
		return nil, false
	}
	v := s.b[start:s.i]
	s.i++
	return v, true
}

// Byte masks for plainRun, eight bytes at a time.
const (
	ones8  = 0x0101010101010101
	highs8 = 0x8080808080808080
)

// hasZero8 reports whether some byte of x is zero.
func hasZero8(x uint64) bool { return (x-ones8)&^x&highs8 != 0 }

// plainRun advances s.i over string bytes that need no decoding: up to
// the next quote, backslash, control byte, byte of invalid UTF-8 or the
// end.
func (s *Scanner) plainRun() {
	b := s.b
	i := s.i
	for i < len(b) {
		i = plainWords(b, i)
		if i >= len(b) {
			break
		}
		c := b[i]
		if c == '"' || c == '\\' || c < 0x20 {
			break
		}
		if c < utf8.RuneSelf {
			i++
			continue
		}
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n == 1 {
			break
		}
		i += n
	}
	s.i = i
}

// plainWords returns i moved past the 8-byte words of b from i that are
// plain: ASCII, none of their bytes a quote, a backslash or a control
// byte.
func plainWords(b []byte, i int) int {
	for i+8 <= len(b) {
		x := binary.LittleEndian.Uint64(b[i:])
		if x&highs8 != 0 || (x-0x20*ones8)&^x&highs8 != 0 ||
			hasZero8(x^('"'*ones8)) || hasZero8(x^('\\'*ones8)) {
			break
		}
		i += 8
	}
	return i
}

// AppendString reads a string value, appending it decoded to dst as
// encoding/json decodes it: escapes resolved, invalid UTF-8 and lone
// surrogates as U+FFFD. It reports false for anything but a string (null
// too), a control byte, a bad escape or a string cut short.
func (s *Scanner) AppendString(dst []byte) ([]byte, bool) {
	if !s.Eat('"') {
		return dst, false
	}
	return s.appendRest(dst)
}

// appendRest decodes the rest of a string, after its opening quote,
// onto dst, up to and with its closing quote.
func (s *Scanner) appendRest(dst []byte) ([]byte, bool) {
	for {
		start := s.i
		s.plainRun()
		dst = append(dst, s.b[start:s.i]...)
		if s.i >= len(s.b) {
			return dst, false
		}
		switch c := s.b[s.i]; {
		case c == '"':
			s.i++
			return dst, true
		case c == '\\':
			var ok bool
			if dst, ok = s.escape(dst); !ok {
				return dst, false
			}
		case c < 0x20:
			return dst, false
		default: // a byte of invalid UTF-8
			dst = utf8.AppendRune(dst, utf8.RuneError)
			s.i++
		}
	}
}

// String reads a string value as AppendString does, into a new string.
func (s *Scanner) String() (string, bool) {
	if !s.Eat('"') {
		return "", false
	}
	start := s.i
	s.plainRun()
	if s.i < len(s.b) && s.b[s.i] == '"' {
		v := string(s.b[start:s.i])
		s.i++
		return v, true
	}
	// Decoded, the string is no longer than it is raw but for replaced
	// bytes of invalid UTF-8: one allocation, handed over as the string
	// and never written again.
	buf := make([]byte, 0, rawLen(s.b[start:])+8)
	buf, ok := s.appendRest(append(buf, s.b[start:s.i]...))
	if !ok {
		return "", false
	}
	return unsafe.String(unsafe.SliceData(buf), len(buf)), true
}

// rawLen is the length of the rest of a string up to its closing quote
// (or of b when there is none).
func rawLen(b []byte) int {
	for i := 0; i < len(b); i++ {
		switch b[i] {
		case '\\':
			i++
		case '"':
			return i
		}
	}
	return len(b)
}

// escapes maps the character after a backslash to what it stands for
// (0: not a one-character escape).
var escapes = [256]byte{'"': '"', '\\': '\\', '/': '/', 'b': '\b', 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t'}

// escape reads the escape at s.i (a backslash) onto dst. A surrogate pair
// is read whole; a lone half is U+FFFD, and what follows it is read on
// its own, as encoding/json does.
func (s *Scanner) escape(dst []byte) ([]byte, bool) {
	if s.i+1 >= len(s.b) {
		return dst, false
	}
	if c := escapes[s.b[s.i+1]]; c != 0 {
		s.i += 2
		return append(dst, c), true
	}
	r := hex4(s.b[s.i:])
	if r < 0 {
		return dst, false
	}
	s.i += 6
	if utf16.IsSurrogate(r) {
		if dec := utf16.DecodeRune(r, hex4(s.b[s.i:])); dec != utf8.RuneError {
			s.i += 6
			return utf8.AppendRune(dst, dec), true
		}
		r = utf8.RuneError
	}
	return utf8.AppendRune(dst, r), true
}

// hex4 decodes the \uXXXX at the start of b, or returns -1.
func hex4(b []byte) rune {
	if len(b) < 6 || b[0] != '\\' || b[1] != 'u' {
		return -1
	}
	var r rune
	for _, c := range b[2:6] {
		v := hexValue[c]
		if v < 0 {
			return -1
		}
		r = r<<4 | rune(v)
	}
	return r
}

// hexValue is the value of a hex digit, -1 for other bytes.
var hexValue = func() (t [256]int8) {
	for c := range t {
		t[c] = -1
	}
	for c := 0; c < 16; c++ {
		t["0123456789abcdef"[c]] = int8(c)
		t["0123456789ABCDEF"[c]] = int8(c)
	}
	return t
}()

// Strings reads an array of strings (an empty array is an empty slice,
// not nil, as encoding/json leaves it). A null element is declined.
func (s *Scanner) Strings() ([]string, bool) {
	if !s.Eat('[') {
		return nil, false
	}
	out := []string{}
	s.Space()
	if s.Eat(']') {
		return out, true
	}
	for {
		v, ok := s.String()
		if !ok {
			return nil, false
		}
		out = append(out, v)
		s.Space()
		if s.Eat(']') {
			return out, true
		}
		if !s.Eat(',') {
			return nil, false
		}
		s.Space()
	}
}

// SkipStrings skips an array whose elements are strings or null, which
// encoding/json reads into a []string.
func (s *Scanner) SkipStrings() bool {
	if !s.Eat('[') {
		return false
	}
	s.Space()
	if s.Eat(']') {
		return true
	}
	for {
		if !s.Lit("null") && !s.skipString() {
			return false
		}
		s.Space()
		if s.Eat(']') {
			return true
		}
		if !s.Eat(',') {
			return false
		}
		s.Space()
	}
}

// Bool reads true or false.
func (s *Scanner) Bool() (v, ok bool) {
	switch {
	case s.Lit("true"):
		return true, true
	case s.Lit("false"):
		return false, true
	}
	return false, false
}

// Uint reads a number of digits alone (no sign, fraction or exponent)
// that fits a uint64.
func (s *Scanner) Uint() (uint64, bool) {
	n := digits(s.b, s.i) - s.i
	if n == 0 || (n > 1 && s.b[s.i] == '0') {
		return 0, false
	}
	v, err := strconv.ParseUint(string(s.b[s.i:s.i+n]), 10, 64)
	if err != nil {
		return 0, false
	}
	s.i += n
	return v, true
}

// Float reads a number as encoding/json reads it into a float64 (one
// out of range is declined).
func (s *Scanner) Float() (float64, bool) {
	n := numberLen(s.b[s.i:])
	if n == 0 {
		return 0, false
	}
	v, err := strconv.ParseFloat(string(s.b[s.i:s.i+n]), 64)
	if err != nil {
		return 0, false
	}
	s.i += n
	return v, true
}

// numberLen is the length of the JSON number at the start of b, 0 when
// there is none: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?.
func numberLen(b []byte) int {
	i := 0
	if i < len(b) && b[i] == '-' {
		i++
	}
	if i = intEnd(b, i); i < 0 {
		return 0
	}
	if i < len(b) && b[i] == '.' {
		if i = someDigits(b, i+1); i < 0 {
			return 0
		}
	}
	if i = expEnd(b, i); i < 0 {
		return 0
	}
	return i
}

// expEnd returns the index after the exponent at i (i when there is
// none), -1 for an exponent without digits.
func expEnd(b []byte, i int) int {
	if i == len(b) || (b[i] != 'e' && b[i] != 'E') {
		return i
	}
	i++
	if i < len(b) && (b[i] == '+' || b[i] == '-') {
		i++
	}
	return someDigits(b, i)
}

// intEnd returns the index after the integer part of a number at i (0,
// or digits not starting with 0), -1 when there is none.
func intEnd(b []byte, i int) int {
	switch {
	case i < len(b) && b[i] == '0':
		return i + 1
	case i < len(b) && '1' <= b[i] && b[i] <= '9':
		return digits(b, i)
	}
	return -1
}

// someDigits returns the index after the run of digits at i, -1 when
// there is none.
func someDigits(b []byte, i int) int {
	if j := digits(b, i); j > i {
		return j
	}
	return -1
}

// digits returns the index after the run of digits starting at i.
func digits(b []byte, i int) int {
	for i < len(b) && '0' <= b[i] && b[i] <= '9' {
		i++
	}
	return i
}

// Time reads a string as encoding/json reads it into a time.Time: the
// raw string, escapes and all, goes to time.Time's UnmarshalJSON, which
// reads RFC 3339 strictly.
func (s *Scanner) Time() (time.Time, bool) {
	start := s.i
	if !s.skipString() {
		return time.Time{}, false
	}
	var t time.Time
	if t.UnmarshalJSON(s.b[start:s.i]) != nil {
		return time.Time{}, false
	}
	return t, true
}

// Skip checks and skips any JSON value (nesting deeper than 64 is
// declined).
func (s *Scanner) Skip() bool { return s.skip(0) }

func (s *Scanner) skip(depth int) bool {
	if depth > 64 {
		return false
	}
	switch c := s.Peek(); {
	case c == '"':
		return s.skipString()
	case c == '{':
		return s.skipObject(depth)
	case c == '[':
		return s.skipArray(depth)
	case c == 't':
		return s.Lit("true")
	case c == 'f':
		return s.Lit("false")
	case c == 'n':
		return s.Lit("null")
	}
	n := numberLen(s.b[s.i:])
	s.i += n
	return n > 0
}

// skipObject checks and skips the object at s, at nesting depth.
func (s *Scanner) skipObject(depth int) bool {
	s.i++
	s.Space()
	if s.Eat('}') {
		return true
	}
	for {
		if !s.skipString() {
			return false
		}
		s.Space()
		if !s.Eat(':') {
			return false
		}
		s.Space()
		if !s.skip(depth + 1) {
			return false
		}
		s.Space()
		if s.Eat('}') {
			return true
		}
		if !s.Eat(',') {
			return false
		}
		s.Space()
	}
}

// skipArray checks and skips the array at s, at nesting depth.
func (s *Scanner) skipArray(depth int) bool {
	s.i++
	s.Space()
	if s.Eat(']') {
		return true
	}
	for {
		if !s.skip(depth + 1) {
			return false
		}
		s.Space()
		if s.Eat(']') {
			return true
		}
		if !s.Eat(',') {
			return false
		}
		s.Space()
	}
}

// skipString checks and skips a string, copying nothing unless it holds
// escapes or invalid UTF-8.
func (s *Scanner) skipString() bool {
	if !s.Eat('"') {
		return false
	}
	s.plainRun()
	if s.i < len(s.b) && s.b[s.i] == '"' {
		s.i++
		return true
	}
	var ok bool
	s.tmp, ok = s.appendRest(s.tmp[:0])
	return ok
}
