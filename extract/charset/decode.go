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
