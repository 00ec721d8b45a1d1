// Package charset turns a fetched page's bytes into UTF-8 (Decode: the
// byte-order mark, the Content-Type header, a <meta> declaration, then
// detection) and repairs the mojibake an earlier wrong decoding left in
// otherwise valid UTF-8 ("â€™" for "’", "Ã©" for "é"), in bytes or in a
// parsed document's text and attributes.
package charset

import (
	"bytes"
	"fmt"
	"mime"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/saintfish/chardet"
	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/unicode"
)

// metaCharsetRE finds a charset declared in a <meta charset> or
// <meta http-equiv content="...; charset=..."> within the prescan window.
var metaCharsetRE = regexp.MustCompile(`(?is)<meta[^>]*?charset\s*=\s*["']?\s*([a-zA-Z0-9_:.+-]+)`)

// prescanLimit is how many bytes the WHATWG prescan examines.
const prescanLimit = 1024

// Decode converts an HTML body in any charset to UTF-8, choosing the
// encoding in the WHATWG order: byte-order mark, the Content-Type header's
// charset, a <meta> charset in the first 1024 bytes (else anywhere in the
// <head>, up to 64 KiB), then detection (valid
// UTF-8 stays UTF-8; otherwise a statistical guess). It returns the UTF-8
// bytes and the name of the encoding it decoded from.
//
// Two deliberate deviations from WHATWG: valid UTF-8 wins over a legacy
// declaration (see declared), and a header charset the body does not fit
// gives way to the page's own <meta>: when decoding by the header turns
// more than one in misfitShare of the body's non-ASCII bytes into U+FFFD
// (archives and proxies relabel GBK or Latin-1 pages as UTF-8) and the
// <meta> names another charset under which the body has at most that
// share of U+FFFD and under a quarter as many, the <meta> charset is used.
// A page its header decodes within that share is decoded as before.
// Single-byte header charsets (ISO-8859-1, Windows-1252, ...) never give
// U+FFFD, so for them the evidence is the bytes themselves: when most of
// the body's non-ASCII bytes stand in runs of three or more (CJK text is
// runs of two-byte characters; a Latin text's accented letters stand
// alone or in pairs among ASCII ones) and the <meta> names a multi-byte
// CJK charset under which the body decodes almost without U+FFFD, the
// <meta> charset is used; so is a Cyrillic, Greek, Hebrew, Arabic or Thai
// <meta> under a Windows-1252 (ISO-8859-1) header, whose reading of such
// runs as strings of accented letters no Latin language writes, and a
// UTF-8 <meta> over a body that is UTF-8 but for a few stray bytes
// (singleByteFallback).
func Decode(body []byte, contentType string) ([]byte, string, error) {
	// 1. Byte-order mark.
	if bytes.HasPrefix(body, []byte{0xEF, 0xBB, 0xBF}) {
		// A BOM does not make the rest valid: stray bytes become U+FFFD,
		// as a UTF-8 decoder makes them.
		return bytes.ToValidUTF8(body[3:], []byte("\uFFFD")), "utf-8", nil
	}
	if enc, name := utf16BOM(body); enc != nil {
		return transcode(body, enc, name)
	}
	// 2. Transport-layer charset.
	if enc, name := headerCharset(contentType); enc != nil {
		out, got, err := declared(body, enc, name)
		if bad, misfit := misdecoded(body, out, got); err == nil && misfit {
			if alt, altName, ok := metaFallback(body, got, bad); ok {
				return alt, altName, nil
			}
		}
		if err == nil && got == name && singleByte(name) {
			if alt, altName, ok := singleByteFallback(body, name); ok {
				return alt, altName, nil
			}
		}
		return out, got, err
	}
	// 3. <meta> prescan, and the rest of the <head>.
	if enc, name := metaCharset(body); enc != nil {
		return declared(body, enc, name)
	}
	// 4. Detection.
	return detect(body)
}

// declared decodes body from the encoding its header or <meta> declares.
// Deliberate deviation from WHATWG: archived pages are often re-saved as
// UTF-8 with their legacy <meta> left in place, and servers label UTF-8 as
// ISO-8859-1. Legacy text is valid UTF-8 only when every byte above 0x7F
// happens to form a sequence ("é " is not), so valid UTF-8 holding any
// multi-byte sequence wins over the declaration.
func declared(body []byte, enc encoding.Encoding, name string) ([]byte, string, error) {
	if name != "utf-8" && looksUTF8(body) {
		return body, "utf-8", nil
	}
	return transcode(body, enc, name)
}

// misfitShare bounds the header-versus-<meta> check: a charset misfits a
// body when decoding by it turns more than one in misfitShare of the
// body's non-ASCII bytes into U+FFFD. Measured on the 200 MB real-page
// WARC: GBK and Latin-1 pages under a UTF-8 header misfit by 16 % and
// 96-100 %, UTF-8 pages with a few stray bytes by 0.7-1.4 %.
const misfitShare = 20

// misdecoded returns how many U+FFFD decoding body as name produced, and
// whether they are more than one in misfitShare of its non-ASCII bytes.
// The non-ASCII bytes are counted only when there is a U+FFFD at all.
func misdecoded(body, out []byte, name string) (int, bool) {
	bad := replacements(body, out, name)
	return bad, bad > 0 && bad*misfitShare > nonASCII(body)
}

// metaFallback decodes body with the charset its <meta> declares when
// that differs from the header's and fits the body: its U+FFFD are at most
// one in misfitShare of the non-ASCII bytes and under a quarter of the
// header's (headerBad).
func metaFallback(body []byte, header string, headerBad int) ([]byte, string, bool) {
	enc, name := metaCharset(body)
	if enc == nil || name == header {
		return nil, "", false
	}
	out, got, err := declared(body, enc, name)
	if err != nil || got == header {
		return nil, "", false
	}
	bad := replacements(body, out, got)
	if bad*misfitShare > nonASCII(body) || bad*4 >= headerBad {
		return nil, "", false
	}
	return out, got, true
}

// multibyteCharsets are the multi-byte encodings (as lookup names them)
// singleByteFallback may prefer to a single-byte header charset.
var multibyteCharsets = map[string]bool{"gbk": true, "gb18030": true, "big5": true, "shift_jis": true, "euc-jp": true, "euc-kr": true}

// nonLatinCharsets are the single-byte encodings of non-Latin scripts
// (Cyrillic, Greek, Hebrew, Arabic, Thai; as lookup names them)
// singleByteFallback may prefer to a Windows-1252 header: their words
// are runs of non-ASCII bytes.
var nonLatinCharsets = map[string]bool{
	"windows-1251": true, "koi8-r": true, "koi8-u": true, "iso-8859-5": true, "ibm866": true, "x-mac-cyrillic": true,
	"windows-1253": true, "iso-8859-7": true, "windows-1255": true, "iso-8859-8": true, "iso-8859-8-i": true,
	"windows-1256": true, "iso-8859-6": true, "windows-874": true,
}

// Evidence singleByteFallback needs: at least multibyteMinBytes non-ASCII
// bytes, of which at least runShare percent stand in runs of minRun or
// more non-ASCII bytes, and at most one U+FFFD per multibyteBadShare
// non-ASCII bytes under the <meta> charset. Runs of three: Portuguese
// ("informações") has runs of two, Chinese, Japanese and Korean news
// text keeps 82-100 % of its bytes in longer ones.
const (
	multibyteMinBytes = 32
	minRun            = 3
	runShare          = 60
	multibyteBadShare = 100
)

// singleByte reports whether the encoding named name (as lookup names
// it) maps each byte to one character.
func singleByte(name string) bool {
	enc, err := htmlindex.Get(name)
	_, ok := enc.(*charmap.Charmap)
	return err == nil && ok
}

// singleByteFallback decodes a body its single-byte header charset
// (header) would read as mojibake with the charset its <meta> declares:
//
//   - a UTF-8 <meta>, when the body is UTF-8 but for a few stray bytes (a
//     valid one was read as UTF-8 already): at most one U+FFFD per
//     multibyteBadShare non-ASCII bytes;
//   - a CJK <meta> (GBK, Big5, Shift_JIS, EUC), when the body's
//     non-ASCII bytes come in runs (as two-byte characters do, and the
//     accented letters of a Latin text do not) and that charset decodes
//     them with as few U+FFFD;
//   - under a Windows-1252 header, a Cyrillic, Greek, Hebrew, Arabic or
//     Thai <meta> on the same evidence (the letters of those scripts come
//     in runs too).
//
// A body that is as nearly UTF-8 is read as UTF-8, as a valid one is (see
// declared).
func singleByteFallback(body []byte, header string) ([]byte, string, bool) {
	high, inRuns := nonASCIIRuns(body)
	if high < multibyteMinBytes {
		return nil, "", false
	}
	enc, name := metaCharset(body)
	runs := inRuns*100 >= high*runShare
	if name != "utf-8" && !(runs && (multibyteCharsets[name] || header == "windows-1252" && nonLatinCharsets[name])) {
		return nil, "", false
	}
	if u := bytes.ToValidUTF8(body, replacementChar); replacements(body, u, "utf-8")*multibyteBadShare <= high {
		return u, "utf-8", true
	}
	if name == "utf-8" {
		return nil, "", false
	}
	out, err := enc.NewDecoder().Bytes(body)
	if err != nil || bytes.Count(out, replacementChar)*multibyteBadShare > high {
		return nil, "", false
	}
	return out, name, true
}

// nonASCIIRuns counts the bytes of b above 0x7F, and those of them in
// runs of at least minRun such bytes.
func nonASCIIRuns(b []byte) (high, inRuns int) {
	run := 0 // length of the current run of non-ASCII bytes
	for _, c := range b {
		if c >= utf8.RuneSelf {
			run++
			continue
		}
		high += run
		if run >= minRun {
			inRuns += run
		}
		run = 0
	}
	high += run
	if run >= minRun {
		inRuns += run
	}
	return high, inRuns
}

// replacements counts the U+FFFD that decoding body as name produced (a
// U+FFFD already written in a UTF-8 body is not counted).
func replacements(body, out []byte, name string) int {
	n := bytes.Count(out, replacementChar)
	if n > 0 && name == "utf-8" {
		n -= bytes.Count(body, replacementChar)
	}
	return n
}

// replacementChar is U+FFFD in UTF-8.
var replacementChar = []byte("\uFFFD")

// nonASCII counts the bytes of b above 0x7F.
func nonASCII(b []byte) int {
	n := 0
	for _, c := range b {
		if c >= utf8.RuneSelf {
			n++
		}
	}
	return n
}

// utf16BOM returns the UTF-16 encoding a byte-order mark opening body
// names, or nil.
func utf16BOM(body []byte) (encoding.Encoding, string) {
	switch {
	case bytes.HasPrefix(body, []byte{0xFE, 0xFF}):
		return unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM), "utf-16be"
	case bytes.HasPrefix(body, []byte{0xFF, 0xFE}):
		return unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM), "utf-16le"
	}
	return nil, ""
}

// headerCharset returns the encoding a Content-Type header names, or nil.
func headerCharset(contentType string) (encoding.Encoding, string) {
	if contentType == "" {
		return nil, ""
	}
	_, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return nil, ""
	}
	return lookup(params["charset"])
}

// metaCharset returns the encoding a <meta> declares in the first 1024
// bytes (WHATWG's prescan), else anywhere in the <head>: archives and
// proxies inject kilobytes of scripts before the page's own <meta> (a
// browser re-parses when it meets the late declaration). It is nil when
// none is declared or the label is unknown.
func metaCharset(body []byte) (encoding.Encoding, string) {
	m := metaCharsetRE.FindSubmatch(body[:min(len(body), prescanLimit)])
	if m == nil {
		m = metaCharsetRE.FindSubmatch(headOf(body))
	}
	if m == nil {
		return nil, ""
	}
	label := strings.ToLower(string(m[1]))
	// WHATWG: a meta claiming UTF-16 is read as UTF-8 (the bytes are
	// ASCII-compatible or the prescan could not have matched).
	if strings.HasPrefix(label, "utf-16") {
		label = "utf-8"
	}
	if label == "x-user-defined" {
		label = "windows-1252"
	}
	return lookup(label)
}

// detect decodes a body that declares no charset: valid UTF-8 stays
// UTF-8, otherwise a statistical guess, else Windows-1252.
func detect(body []byte) ([]byte, string, error) {
	if utf8.Valid(body) {
		return body, "utf-8", nil
	}
	if r, err := chardet.NewHtmlDetector().DetectBest(body[:min(len(body), 64<<10)]); err == nil && r.Confidence >= 30 {
		if enc, name := lookup(r.Charset); enc != nil {
			return transcode(body, enc, name)
		}
	}
	return transcode(body, charmap.Windows1252, "windows-1252")
}

// lateHeadLimit bounds the search for a late <meta> charset.
const lateHeadLimit = 64 << 10

// headOf returns the document up to its </head> (or <body>), at most
// lateHeadLimit bytes: where a <meta> charset may stand.
func headOf(body []byte) []byte {
	b := body[:min(len(body), lateHeadLimit)]
	end := len(b)
	for _, tag := range []string{"</head", "<body"} {
		if i := indexFold(b, tag); i >= 0 && i < end {
			end = i
		}
	}
	return b[:end]
}

// indexFold is bytes.Index ignoring ASCII case in s (sep is lower case).
func indexFold(s []byte, sep string) int {
	for i := 0; i+len(sep) <= len(s); i++ {
		j := 0
		for j < len(sep) && (s[i+j]|0x20) == sep[j] {
			j++
		}
		if j == len(sep) {
			return i
		}
	}
	return -1
}

// lookup resolves a charset label to an encoding, or nil when unknown.
func lookup(label string) (encoding.Encoding, string) {
	label = strings.TrimSpace(strings.Trim(label, `"'`))
	if label == "" {
		return nil, ""
	}
	return charset.Lookup(label)
}

func transcode(body []byte, enc encoding.Encoding, name string) ([]byte, string, error) {
	if name == "utf-8" {
		if utf8.Valid(body) {
			return body, name, nil
		}
		// Invalid sequences become U+FFFD, as a browser would show them.
		return bytes.ToValidUTF8(body, []byte("\uFFFD")), name, nil
	}
	out, err := enc.NewDecoder().Bytes(body)
	if err != nil {
		return nil, name, fmt.Errorf("decode body as %s: %w", name, err)
	}
	return out, name, nil
}

// looksUTF8 reports whether body is valid UTF-8 holding at least one
// multi-byte sequence (pure ASCII reads the same in either encoding).
func looksUTF8(body []byte) bool {
	return utf8.Valid(body) && bytes.ContainsFunc(body, func(r rune) bool { return r >= utf8.RuneSelf })
}
