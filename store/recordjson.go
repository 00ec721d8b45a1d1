package store

import (
	"math"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/syndex/syndex/article"
)

// A quick reading of article records. encoding/json reads a record in two
// passes (it checks the whole of it, then decodes) through reflection;
// reading records back was most of what feeding a rebuild from the store
// cost besides the index itself. decodeQuick reads the records this
// package writes (encodeRecord: json.Marshal of a record, then the
// checksum member) in one pass, to exactly the record encoding/json makes
// of them, and declines anything else: a member it does not know, a
// member name in another case, a null, a value of another type, anything
// that is not JSON. A declined record is read by encoding/json as before,
// so what a record decodes to does not depend on which path read it.

// quickReader reads one record: b is what is left of it.
type quickReader struct {
	b []byte
}

// decodeQuick decodes the record v into rec and reports whether it
// could; when it could not, rec is left in an unspecified state.
func decodeQuick(v []byte, rec *record) bool {
	r := quickReader{b: v}
	r.space()
	if !r.byte('{') {
		return false
	}
	r.space()
	if r.byte('}') {
		return r.end()
	}
	for {
		key, ok := r.key()
		if !ok || !r.member(key, rec) {
			return false
		}
		r.space()
		if r.byte('}') {
			return r.end()
		}
		if !r.byte(',') {
			return false
		}
		r.space()
	}
}

// end reports whether only white space is left.
func (r *quickReader) end() bool {
	r.space()
	return len(r.b) == 0
}

// key reads a member name and the colon after it.
func (r *quickReader) key() ([]byte, bool) {
	raw, ok := r.plainString()
	if !ok {
		return nil, false
	}
	r.space()
	if !r.byte(':') {
		return nil, false
	}
	r.space()
	return raw, true
}

// member reads the value of member key into rec; false for a member
// decodeQuick does not read.
func (r *quickReader) member(key []byte, rec *record) bool {
	if p := stringField(key, &rec.Article); p != nil {
		return r.stringTo(p)
	}
	a := &rec.Article
	switch string(key) {
	case "seq":
		return r.uint(&rec.Seq)
	case "role":
		var s string
		ok := r.stringTo(&s)
		a.Role = article.Role(s)
		return ok
	case "published":
		return r.time(&a.Published)
	case "modified":
		return r.time(&a.Modified)
	case "fetched":
		return r.time(&a.Fetched)
	case "similarity":
		return r.float(&a.Similarity)
	case "original_share":
		return r.float(&a.OriginalShare)
	case "copy_share":
		return r.float(&a.CopyShare)
	case "noindex":
		return r.bool(&a.NoIndex)
	case "truth_original":
		return r.bool(&a.TruthOriginal)
	case "boilerplate":
		return r.strings(&a.Boilerplate)
	case "evidence":
		return r.strings(&a.Evidence)
	case "crc32c":
		_, ok := r.plainString()
		return ok
	}
	return false
}

// stringField returns the string member of a named key, nil when key
// names none.
func stringField(key []byte, a *article.Article) *string {
	switch string(key) {
	case "id":
		return &a.ID
	case "url":
		return &a.URL
	case "site":
		return &a.Site
	case "title":
		return &a.Title
	case "text":
		return &a.Text
	case "author":
		return &a.Author
	case "lang":
		return &a.Lang
	case "canonical":
		return &a.Canonical
	case "source":
		return &a.Source
	case "site_name":
		return &a.SiteName
	case "warc":
		return &a.WARC
	case "cluster":
		return &a.Cluster
	case "original":
		return &a.Original
	case "via":
		return &a.Via
	case "truth_cluster":
		return &a.TruthCluster
	}
	return nil
}

// space skips JSON white space.
func (r *quickReader) space() {
	for len(r.b) > 0 {
		switch r.b[0] {
		case ' ', '\t', '\n', '\r':
			r.b = r.b[1:]
		default:
			return
		}
	}
}

// byte consumes c when it comes next.
func (r *quickReader) byte(c byte) bool {
	if len(r.b) > 0 && r.b[0] == c {
		r.b = r.b[1:]
		return true
	}
	return false
}

// literal consumes the literal word when it comes next.
func (r *quickReader) literal(word string) bool {
	if len(r.b) >= len(word) && string(r.b[:len(word)]) == word {
		r.b = r.b[len(word):]
		return true
	}
	return false
}

// plainString reads a string of plain bytes alone (a member name, a
// checksum), else nothing.
func (r *quickReader) plainString() ([]byte, bool) {
	if !r.byte('"') {
		return nil, false
	}
	i := plainRun(r.b)
	if i == len(r.b) || r.b[i] != '"' {
		return nil, false
	}
	s := r.b[:i]
	r.b = r.b[i+1:]
	return s, true
}

// plain marks the bytes a string holds as they are: printable ASCII
// but the quote and the backslash.
var plain = func() (t [256]bool) {
	for c := ' '; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// plainRun is the length of the run of plain bytes at the start of b.
func plainRun(b []byte) int {
	i := 0
	for i < len(b) && plain[b[i]] {
		i++
	}
	return i
}

// stringTo reads a string value into p as encoding/json does: escapes
// resolved, invalid UTF-8 and lone surrogates replaced by U+FFFD.
func (r *quickReader) stringTo(p *string) bool {
	if !r.byte('"') {
		return false
	}
	i := plainRun(r.b)
	if i < len(r.b) && r.b[i] == '"' {
		*p = string(r.b[:i])
		r.b = r.b[i+1:]
		return true
	}
	// Unescaped, the string is no longer than it is raw but for
	// replaced bytes of invalid UTF-8.
	var sb strings.Builder
	sb.Grow(rawLen(r.b[i:]) + i)
	sb.Write(r.b[:i])
	r.b = r.b[i:]
	if !r.unquote(&sb) {
		return false
	}
	*p = sb.String()
	return true
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

// unquote reads the rest of a string that needs unescaping into sb, up
// to and with its closing quote.
func (r *quickReader) unquote(sb *strings.Builder) bool {
	for {
		i := plainRun(r.b)
		sb.Write(r.b[:i])
		r.b = r.b[i:]
		if len(r.b) == 0 {
			return false
		}
		switch c := r.b[0]; {
		case c == '"':
			r.b = r.b[1:]
			return true
		case c == '\\':
			if !r.escape(sb) {
				return false
			}
		case c < ' ':
			return false
		default:
			rn, size := utf8.DecodeRune(r.b)
			if rn == utf8.RuneError && size == 1 {
				sb.WriteRune(utf8.RuneError)
			} else {
				sb.Write(r.b[:size])
			}
			r.b = r.b[size:]
		}
	}
}

// escapes are the one-letter escapes of JSON and what they stand for.
var escapes = [256]byte{'"': '"', '\\': '\\', '/': '/', 'b': '\b', 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t'}

// escape reads one escape sequence (at r.b[0], a backslash).
func (r *quickReader) escape(sb *strings.Builder) bool {
	if len(r.b) < 2 {
		return false
	}
	if c := escapes[r.b[1]]; c != 0 {
		sb.WriteByte(c)
		r.b = r.b[2:]
		return true
	}
	if r.b[1] != 'u' {
		return false
	}
	rn := hex4(r.b)
	if rn < 0 {
		return false
	}
	r.b = r.b[6:]
	if utf16.IsSurrogate(rn) {
		// A pair is consumed whole; a lone half becomes U+FFFD and what
		// follows it is read on its own.
		if dec := utf16.DecodeRune(rn, hex4(r.b)); dec != unicode.ReplacementChar {
			sb.WriteRune(dec)
			r.b = r.b[6:]
			return true
		}
		rn = unicode.ReplacementChar
	}
	sb.WriteRune(rn)
	return true
}

// hex4 decodes the \uXXXX at the start of b, or returns -1.
func hex4(b []byte) rune {
	if len(b) < 6 || b[0] != '\\' || b[1] != 'u' {
		return -1
	}
	var rn rune
	for _, c := range b[2:6] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			c = c - 'A' + 10
		default:
			return -1
		}
		rn = rn*16 + rune(c)
	}
	return rn
}

// strings reads an array of strings into p (an empty array is an empty
// slice, not nil, as encoding/json leaves it).
func (r *quickReader) strings(p *[]string) bool {
	if !r.byte('[') {
		return false
	}
	out := []string{}
	r.space()
	if r.byte(']') {
		*p = out
		return true
	}
	for {
		var s string
		if !r.stringTo(&s) {
			return false
		}
		out = append(out, s)
		r.space()
		if r.byte(']') {
			*p = out
			return true
		}
		if !r.byte(',') {
			return false
		}
		r.space()
	}
}

// bool reads true or false.
func (r *quickReader) bool(p *bool) bool {
	switch {
	case r.literal("true"):
		*p = true
	case r.literal("false"):
		*p = false
	default:
		return false
	}
	return true
}

// uint reads a number of digits alone (no sign, fraction or exponent).
func (r *quickReader) uint(p *uint64) bool {
	n := 0
	for n < len(r.b) && '0' <= r.b[n] && r.b[n] <= '9' {
		n++
	}
	if n == 0 || (n > 1 && r.b[0] == '0') {
		return false
	}
	v, err := strconv.ParseUint(string(r.b[:n]), 10, 64)
	if err != nil {
		return false
	}
	*p, r.b = v, r.b[n:]
	return true
}

// float reads a JSON number as a float64.
func (r *quickReader) float(p *float64) bool {
	n := numberLen(r.b)
	if n == 0 {
		return false
	}
	v, err := strconv.ParseFloat(string(r.b[:n]), 64)
	if err != nil {
		return false
	}
	*p, r.b = v, r.b[n:]
	return true
}

// numberLen is the length of the JSON number at the start of b, 0 when
// there is none: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?.
func numberLen(b []byte) int {
	i := 0
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && '1' <= b[i] && b[i] <= '9':
		i = digits(b, i)
	default:
		return 0
	}
	if i < len(b) && b[i] == '.' {
		if j := digits(b, i+1); j > i+1 {
			i = j
		} else {
			return 0
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		j := digits(b, i)
		if j == i {
			return 0
		}
		i = j
	}
	return i
}

// digits returns the index after the run of digits starting at i.
func digits(b []byte, i int) int {
	for i < len(b) && '0' <= b[i] && b[i] <= '9' {
		i++
	}
	return i
}

// time reads a string as time.Time's UnmarshalJSON does, given the same
// bytes encoding/json gives it.
func (r *quickReader) time(p *time.Time) bool {
	start := r.b
	var s string
	if !r.stringTo(&s) {
		return false
	}
	return p.UnmarshalJSON(start[:len(start)-len(r.b)]) == nil
}

// The writing side: appendQuick writes a record as json.Marshal does,
// byte for byte, without reflection. It knows the members of
// article.Article as they are; quickMembers is their number, and a
// build whose Article has another number writes through json.Marshal
// (a member appendQuick did not write would be lost).
const quickMembers = 26

var quickWrite = reflect.TypeFor[article.Article]().NumField() == quickMembers

// appendQuick appends rec as json.Marshal writes it, without the closing
// brace, and reports whether it could (not when a float is not finite, a
// date outside the years 0-9999, or Article has members it does not know).
func appendQuick(b []byte, rec *record) ([]byte, bool) {
	if !quickWrite {
		return nil, false
	}
	a := &rec.Article
	b = append(b, `{"seq":`...)
	b = strconv.AppendUint(b, rec.Seq, 10)
	b = appendMember(b, `,"id":`, a.ID, false)
	b = appendMember(b, `,"url":`, a.URL, true)
	b = appendMember(b, `,"site":`, a.Site, true)
	b = appendMember(b, `,"title":`, a.Title, true)
	b = appendMember(b, `,"text":`, a.Text, false)
	b = appendMember(b, `,"author":`, a.Author, true)
	var ok bool
	for _, t := range []struct {
		key string
		t   time.Time
	}{{`,"published":`, a.Published}, {`,"modified":`, a.Modified}, {`,"fetched":`, a.Fetched}} {
		if b, ok = appendTime(b, t.key, t.t); !ok {
			return nil, false
		}
	}
	b = appendMember(b, `,"lang":`, a.Lang, true)
	b = appendMember(b, `,"canonical":`, a.Canonical, true)
	b = appendMember(b, `,"source":`, a.Source, true)
	b = appendMember(b, `,"site_name":`, a.SiteName, true)
	b = appendStrings(b, `,"boilerplate":`, a.Boilerplate)
	b = appendMember(b, `,"warc":`, a.WARC, true)
	b = appendBool(b, `,"noindex":true`, a.NoIndex)
	b = appendMember(b, `,"cluster":`, a.Cluster, true)
	b = appendMember(b, `,"role":`, string(a.Role), true)
	b = appendMember(b, `,"original":`, a.Original, true)
	for _, f := range []struct {
		key string
		f   float64
	}{{`,"similarity":`, a.Similarity}, {`,"original_share":`, a.OriginalShare}, {`,"copy_share":`, a.CopyShare}} {
		if b, ok = appendFloat(b, f.key, f.f); !ok {
			return nil, false
		}
	}
	b = appendMember(b, `,"via":`, a.Via, true)
	b = appendStrings(b, `,"evidence":`, a.Evidence)
	b = appendMember(b, `,"truth_cluster":`, a.TruthCluster, true)
	b = appendBool(b, `,"truth_original":true`, a.TruthOriginal)
	return b, true
}

// quickSize is about how long rec's JSON is (escapes aside).
func quickSize(rec *record) int {
	a := &rec.Article
	n := 512 + len(a.ID) + len(a.URL) + len(a.Site) + len(a.Title) + len(a.Text) + len(a.Author) +
		len(a.Lang) + len(a.Canonical) + len(a.Source) + len(a.SiteName) + len(a.WARC) + len(a.Cluster) +
		len(a.Role) + len(a.Original) + len(a.Via) + len(a.TruthCluster)
	for _, s := range a.Boilerplate {
		n += len(s) + 3
	}
	for _, s := range a.Evidence {
		n += len(s) + 3
	}
	return n
}

// appendMember appends key and s; nothing when omitEmpty and s is empty.
func appendMember(b []byte, key, s string, omitEmpty bool) []byte {
	if omitEmpty && s == "" {
		return b
	}
	return appendJSONString(append(b, key...), s)
}

// appendStrings appends key and the strings of ss; nothing when ss is
// empty.
func appendStrings(b []byte, key string, ss []string) []byte {
	if len(ss) == 0 {
		return b
	}
	b = append(b, key...)
	for i, s := range ss {
		if i == 0 {
			b = append(b, '[')
		} else {
			b = append(b, ',')
		}
		b = appendJSONString(b, s)
	}
	return append(b, ']')
}

// appendBool appends member (a key with the value true) when v.
func appendBool(b []byte, member string, v bool) []byte {
	if v {
		b = append(b, member...)
	}
	return b
}

// appendTime appends key and t as time.Time's MarshalJSON writes it;
// nothing for the zero time.
func appendTime(b []byte, key string, t time.Time) ([]byte, bool) {
	if t.IsZero() {
		return b, true
	}
	b = append(append(b, key...), '"')
	b, err := t.AppendText(b)
	if err != nil {
		return nil, false
	}
	return append(b, '"'), true
}

// appendFloat appends key and f as encoding/json writes a float64 (as
// ECMAScript prints a number); nothing for 0.
func appendFloat(b []byte, key string, f float64) ([]byte, bool) {
	if f == 0 {
		return b, true
	}
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return nil, false
	}
	b = append(b, key...)
	format := byte('f')
	if abs := math.Abs(f); abs < 1e-6 || abs >= 1e21 {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if n := len(b); format == 'e' && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
		// e-07 is written e-7
		b[n-2] = b[n-1]
		b = b[:n-1]
	}
	return b, true
}

// htmlSafe marks the ASCII bytes encoding/json writes as they are:
// printable, but the quote, the backslash, <, > and &.
var htmlSafe = func() (t [256]bool) {
	for c := ' '; c < utf8.RuneSelf; c++ {
		t[c] = !strings.ContainsRune("\"\\<>&", c)
	}
	return t
}()

const hexDigits = "0123456789abcdef"

// appendJSONString appends s quoted as encoding/json quotes a string
// (HTML-safe, invalid UTF-8 as U+FFFD, U+2028 and U+2029 escaped).
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if htmlSafe[c] {
			i++
			continue
		}
		if c < utf8.RuneSelf {
			b = append(b, s[start:i]...)
			b = appendEscape(b, c)
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(append(b, s[start:i]...), `\ufffd`...)
			start = i + size
		case r == '\u2028' || r == '\u2029':
			b = append(append(b, s[start:i]...), '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			start = i + size
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// appendEscape appends the escape of an ASCII byte encoding/json does
// not write as it is.
func appendEscape(b []byte, c byte) []byte {
	switch c {
	case '\\', '"':
		return append(b, '\\', c)
	case '\b':
		return append(b, '\\', 'b')
	case '\f':
		return append(b, '\\', 'f')
	case '\n':
		return append(b, '\\', 'n')
	case '\r':
		return append(b, '\\', 'r')
	case '\t':
		return append(b, '\\', 't')
	}
	return append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
}
