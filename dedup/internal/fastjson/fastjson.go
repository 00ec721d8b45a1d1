// Package fastjson decodes the Article fields dedup uses from JSON Lines
// without reflection, for the offline runner (dedup.Run), and hands every
// line it cannot decode exactly as encoding/json would back to it.
package fastjson

import (
	"bytes"
	"encoding/binary"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/syndex/syndex/article"
)

// Decoder decodes the Article fields dedup uses from one JSONL line
// without reflection, and keeps the text in a reusable buffer instead of a
// new string. It is strict: whenever a line is not plainly valid JSON or
// holds something it does not handle exactly as encoding/json would (odd
// key case, null, escapes in keys, unparsable dates), it reports !ok and
// the caller decodes the line with encoding/json instead, which also
// produces the error message for corrupt lines.
type Decoder struct {
	text []byte // the decoded "text" value, reused between lines
	str  []byte // scratch for other strings
}

// Text returns the "text" value of the last line decoded, in the
// decoder's buffer: valid until the next Decode.
func (d *Decoder) Text() []byte { return d.text }

// fastFields are the fields the decoder fills; everything else is
// validated and skipped.
var fastFields = map[string]bool{"id": true, "url": true, "site": true, "text": true,
	"published": true, "fetched": true, "canonical": true, "source": true, "author": true, "site_name": true}

// articleKinds gives the JSON type of every other Article field, so a
// skipped field of the wrong type still sends the line to encoding/json
// (which rejects it): s string, t time, a string array, n number, b bool.
var articleKinds = map[string]byte{"title": 's', "lang": 's',
	"warc": 's', "cluster": 's', "role": 's', "original": 's', "truth_cluster": 's',
	"modified": 't', "boilerplate": 'a', "evidence": 'a', "similarity": 'n', "truth_original": 'b',
	"original_share": 'n', "copy_share": 'n', "via": 's'}

// kindOK reports whether the value at p has the type kind wants (null is
// always accepted, as encoding/json leaves the field alone).
func kindOK(p *jsonScan, kind byte) bool {
	c := p.peek()
	if c == 'n' {
		return true
	}
	switch kind {
	case 's':
		return c == '"'
	case 't':
		return p.isTime()
	case 'a':
		return c == '[' && p.isStringArray()
	case 'n':
		return c == '-' || (c >= '0' && c <= '9')
	case 'b':
		return c == 't' || c == 'f'
	}
	return true
}

// isTime reports whether the value at p is an RFC 3339 date, without
// moving p.
func (p *jsonScan) isTime() bool {
	save := p.i
	v, ok := p.str(p.tmp[:0])
	p.i = save
	if !ok {
		return false
	}
	_, err := time.Parse(time.RFC3339Nano, string(v))
	return err == nil
}

// isStringArray reports whether the array at p holds only strings (and
// nulls), without moving p.
func (p *jsonScan) isStringArray() bool {
	save := p.i
	defer func() { p.i = save }()
	p.i++
	p.ws()
	if p.eat(']') {
		return true
	}
	for {
		p.ws()
		if c := p.peek(); c != '"' && c != 'n' {
			return false
		}
		if !p.skipValue(1) {
			return false
		}
		p.ws()
		if p.eat(',') {
			continue
		}
		return p.eat(']')
	}
}

// Decode fills a (Text left empty) and d.text from line.
func (d *Decoder) Decode(line []byte, a *article.Article) bool {
	p := &jsonScan{b: line}
	return p.line(func(key []byte) bool { return d.field(p, key, a) })
}

// line walks the one object a line holds, calling member with p at each
// member's value, which member reads or skips; it reports false when
// the line is not plainly valid JSON or member refuses a value.
func (p *jsonScan) line(member func(key []byte) bool) bool {
	p.ws()
	if !p.eat('{') {
		return false
	}
	p.ws()
	if p.eat('}') {
		return p.end()
	}
	for {
		p.ws()
		key, ok := p.rawKey()
		if !ok {
			return false
		}
		p.ws()
		if !p.eat(':') {
			return false
		}
		p.ws()
		if !member(key) {
			return false
		}
		p.ws()
		if p.eat(',') {
			continue
		}
		if p.eat('}') {
			return p.end()
		}
		return false
	}
}

// field reads the value of member key into a, or skips it when dedup
// does not read it.
func (d *Decoder) field(p *jsonScan, key []byte, a *article.Article) bool {
	k := string(key)
	switch {
	case k == "noindex": // the one bool dedup reads
		switch {
		case p.lit("true"):
			a.NoIndex = true
		case p.lit("false"):
			a.NoIndex = false
		default:
			return false
		}
		return true
	case !fastFields[k]:
		return skipField(p, key, k)
	}
	if p.peek() != '"' {
		return false // null or a wrong type: let encoding/json decide
	}
	dst := d.str[:0]
	if k == "text" {
		dst = d.text[:0]
	}
	dst, ok := p.str(dst)
	if !ok {
		return false
	}
	if k == "text" {
		d.text = dst
		return true
	}
	d.str = dst
	return setField(a, k, dst)
}

// skipField skips the value of a member dedup does not read, after
// checking it would decode as encoding/json decodes it.
func skipField(p *jsonScan, key []byte, k string) bool {
	lower := string(bytes.ToLower(key))
	if lower != k && (fastFields[lower] || articleKinds[lower] != 0 || lower == "noindex") {
		return false // encoding/json matches keys case-insensitively
	}
	if kind := articleKinds[k]; kind != 0 && !kindOK(p, kind) {
		return false
	}
	return p.skipValue(0)
}

// setField sets the string (or RFC 3339 date) field k of a.
func setField(a *article.Article, k string, v []byte) bool {
	switch k {
	case "published", "fetched":
		t, err := time.Parse(time.RFC3339Nano, string(v))
		if err != nil || !bytes.ContainsAny(v, "Tt") {
			return false
		}
		if k == "published" {
			a.Published = t
		} else {
			a.Fetched = t
		}
		return true
	}
	s := string(v)
	switch k {
	case "id":
		a.ID = s
	case "url":
		a.URL = s
	case "site":
		a.Site = s
	case "canonical":
		a.Canonical = s
	case "source":
		a.Source = s
	case "author":
		a.Author = s
	case "site_name":
		a.SiteName = s
	}
	return true
}

// jsonScan is a cursor over one JSON value.
type jsonScan struct {
	b   []byte
	i   int
	tmp []byte // scratch for strings that are only validated
}

func (p *jsonScan) ws() {
	for p.i < len(p.b) {
		switch p.b[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

func (p *jsonScan) peek() byte {
	if p.i < len(p.b) {
		return p.b[p.i]
	}
	return 0
}

func (p *jsonScan) eat(c byte) bool {
	if p.i < len(p.b) && p.b[p.i] == c {
		p.i++
		return true
	}
	return false
}

func (p *jsonScan) end() bool {
	p.ws()
	return p.i == len(p.b)
}

// rawKey reads an object key that has no escapes and is valid UTF-8.
func (p *jsonScan) rawKey() ([]byte, bool) {
	if !p.eat('"') {
		return nil, false
	}
	start := p.i
	for p.i < len(p.b) {
		c := p.b[p.i]
		switch {
		case c == '"':
			k := p.b[start:p.i]
			p.i++
			return k, utf8.Valid(k)
		case c == '\\' || c < 0x20:
			return nil, false
		}
		p.i++
	}
	return nil, false
}

// Byte masks for plainRun, eight bytes at a time.
const (
	ones8  = 0x0101010101010101
	highs8 = 0x8080808080808080
)

// hasZero8 reports whether some byte of x is zero.
func hasZero8(x uint64) bool { return (x-ones8)&^x&highs8 != 0 }

// plainRun advances p.i over string bytes that need no decoding: up to
// the next '"', backslash, control byte or the end. It reports false when
// the bytes passed are not valid UTF-8.
func (p *jsonScan) plainRun() bool {
	b := p.b
	i := p.i
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
			p.i = i
			return false
		}
		i += n
	}
	p.i = i
	return true
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

// str decodes a string value, appending it to dst. Invalid UTF-8 and
// unpaired surrogates make it fail (encoding/json would substitute U+FFFD;
// the fallback does exactly that).
func (p *jsonScan) str(dst []byte) ([]byte, bool) {
	if !p.eat('"') {
		return dst, false
	}
	for p.i < len(p.b) {
		start := p.i
		if !p.plainRun() {
			return dst, false
		}
		chunk := p.b[start:p.i]
		dst = append(dst, chunk...)
		if p.i >= len(p.b) {
			return dst, false
		}
		switch c := p.b[p.i]; {
		case c == '"':
			p.i++
			return dst, true
		case c < 0x20:
			return dst, false
		}
		var ok bool
		if dst, ok = p.escape(dst); !ok {
			return dst, false
		}
	}
	return dst, false
}

// escape appends to dst the character of the backslash escape at p.i:
// one character, or \u and four hex digits.
func (p *jsonScan) escape(dst []byte) ([]byte, bool) {
	if p.i+1 >= len(p.b) {
		return dst, false
	}
	e := p.b[p.i+1]
	p.i += 2
	if c := escapes[e]; c != 0 {
		return append(dst, c), true
	}
	if e != 'u' {
		return dst, false
	}
	r, ok := p.unicodeEscape()
	if !ok {
		return dst, false
	}
	return utf8.AppendRune(dst, r), true
}

// escapes maps the character after a backslash to what it stands for
// (0: not a one-character escape).
var escapes = [256]byte{'"': '"', '\\': '\\', '/': '/', 'b': '\b', 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t'}

// unicodeEscape reads the four hex digits of a \u escape (and of a second
// one after a surrogate, which must pair with it).
func (p *jsonScan) unicodeEscape() (rune, bool) {
	r, ok := p.hex4()
	if !ok || !utf16.IsSurrogate(r) {
		return r, ok
	}
	if !(p.eat('\\') && p.eat('u')) {
		return r, false
	}
	r2, ok := p.hex4()
	if !ok {
		return r, false
	}
	if r = utf16.DecodeRune(r, r2); r == utf8.RuneError {
		return r, false
	}
	return r, true
}

func (p *jsonScan) hex4() (rune, bool) {
	if p.i+4 > len(p.b) {
		return 0, false
	}
	var r rune
	for _, c := range p.b[p.i : p.i+4] {
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	p.i += 4
	return r, true
}

// skipValue validates and skips any JSON value.
func (p *jsonScan) skipValue(depth int) bool {
	if depth > 64 {
		return false
	}
	switch c := p.peek(); {
	case c == '"':
		return p.skipStr()
	case c == '{':
		return p.skipObject(depth)
	case c == '[':
		return p.skipArray(depth)
	case c == 't':
		return p.lit("true")
	case c == 'f':
		return p.lit("false")
	case c == 'n':
		return p.lit("null")
	case c == '-' || (c >= '0' && c <= '9'):
		return p.number()
	}
	return false
}

// skipObject validates and skips the object at p, at nesting depth.
func (p *jsonScan) skipObject(depth int) bool {
	p.i++
	p.ws()
	if p.eat('}') {
		return true
	}
	for {
		p.ws()
		if !p.skipStr() {
			return false
		}
		p.ws()
		if !p.eat(':') {
			return false
		}
		p.ws()
		if !p.skipValue(depth + 1) {
			return false
		}
		p.ws()
		if p.eat(',') {
			continue
		}
		return p.eat('}')
	}
}

// skipArray validates and skips the array at p, at nesting depth.
func (p *jsonScan) skipArray(depth int) bool {
	p.i++
	p.ws()
	if p.eat(']') {
		return true
	}
	for {
		p.ws()
		if !p.skipValue(depth + 1) {
			return false
		}
		p.ws()
		if p.eat(',') {
			continue
		}
		return p.eat(']')
	}
}

// skipStr validates and skips a string.
func (p *jsonScan) skipStr() bool {
	if p.peek() != '"' {
		return false
	}
	var ok bool
	p.tmp, ok = p.str(p.tmp[:0])
	return ok
}

func (p *jsonScan) lit(s string) bool {
	if bytes.HasPrefix(p.b[p.i:], []byte(s)) {
		p.i += len(s)
		return true
	}
	return false
}

// number validates a JSON number.
func (p *jsonScan) number() bool {
	p.eat('-')
	if p.eat('0') {
		// no leading zeros
	} else if p.digits() == 0 {
		return false
	}
	if p.eat('.') && p.digits() == 0 {
		return false
	}
	if p.eat('e') || p.eat('E') {
		if !p.eat('+') {
			p.eat('-')
		}
		if p.digits() == 0 {
			return false
		}
	}
	return true
}

// digits skips the decimal digits at p and returns how many there were.
func (p *jsonScan) digits() int {
	n := 0
	for p.i < len(p.b) && p.b[p.i] >= '0' && p.b[p.i] <= '9' {
		p.i++
		n++
	}
	return n
}
