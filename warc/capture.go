package warc

import (
	"bufio"
	"bytes"
	"compress/flate"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httputil"
	"strconv"
	"strings"
	"time"

	"github.com/andybalholm/brotli"
	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

// Capture is one archived HTTP response (or resource) read from a WARC or
// ARC file: what the server sent for URI at Date, with the body decoded.
type Capture struct {
	Source Source
	// Offset is where the record (its gzip member, when compressed)
	// starts in Source.Path; Index counts the records before it in the
	// same gzip member (0 but for WARC files gzipped as a whole).
	Offset int64
	Index  int
	// Type is the WARC record type: response, resource or revisit (ARC
	// records are responses).
	Type     string
	URI      string
	Date     time.Time // the capture date (WARC-Date, the ARC archive date)
	RecordID string
	IP       string
	// Status and Header are the HTTP response's; Status is 0 and Header
	// nil for a resource record.
	Status int
	Header http.Header
	// ContentType is the payload's declared Content-Type (HTTP header, or
	// the record's own for a resource).
	ContentType string
	// Body is the payload with transfer coding (chunked) and content
	// coding (gzip, deflate, br, zstd) removed, at most ReadOptions.MaxBody
	// bytes; nil for a revisit.
	Body []byte
	// HTML says the payload is an HTML page, by its declared type or, when
	// the type is missing or generic, by sniffing the body.
	HTML bool
	// Truncated is the WARC-Truncated reason, or "length" when the
	// payload was cut at MaxBody.
	Truncated string
	// DecodeErr is set when a declared content coding could not be
	// removed; Body then holds the bytes as archived.
	DecodeErr error
	// PayloadDigest is the WARC-Payload-Digest as written.
	PayloadDigest string

	// Revisit records name the capture whose payload they repeat.
	Profile      string
	RefersTo     string // WARC-Refers-To (a record id)
	RefersToURI  string
	RefersToDate time.Time
}

// Location names the capture's record as "path#offset" (with "+index"
// for a record inside a gzip member that holds several); inside a WACZ
// whose entry is zip-compressed, "path!entry#offset". ReadRaw reads it
// back.
func (c *Capture) Location() string {
	return FormatLocation(c.Source, c.Offset, c.Index)
}

// FormatLocation formats a record's location as Capture.Location does.
func FormatLocation(s Source, offset int64, index int) string {
	p := s.Path
	if s.deflated {
		p += "!" + s.Entry
	}
	loc := p + "#" + strconv.FormatInt(offset, 10)
	if index > 0 {
		loc += "+" + strconv.Itoa(index)
	}
	return loc
}

// decode removes transfer and content coding from raw and decides
// whether the result is HTML.
func (c *Capture) decode(raw []byte, max int64) {
	body := raw
	if c.Header != nil {
		if c.ContentType == "" {
			c.ContentType = c.Header.Get("Content-Type")
		}
		if hasToken(c.Header.Get("Transfer-Encoding"), "chunked") {
			if d, ok := dechunk(body); ok {
				body = d
			}
		}
		if ce := c.Header.Get("Content-Encoding"); ce != "" {
			d, err := decodeContent(ce, body, max)
			switch {
			case err == nil:
				body = d
			case errors.Is(err, errTooLarge):
				body = d
				if c.Truncated == "" {
					c.Truncated = "length"
				}
			default:
				// Some archivers store the decoded body and keep the
				// header: the bytes are then usable as they are.
				c.DecodeErr = err
			}
		}
	}
	c.Body = body
	c.HTML = isHTML(c.ContentType, body)
}

// MediaType is the capture's declared media type, lower-cased, without
// parameters ("" when none is declared).
func (c *Capture) MediaType() string {
	mt, _, _ := mime.ParseMediaType(c.ContentType)
	return strings.ToLower(mt)
}

// genericTypes are declared types that say nothing about the payload: the
// body is sniffed instead.
var genericTypes = map[string]bool{
	"": true, "application/octet-stream": true, "binary/octet-stream": true, "unknown/unknown": true,
	"application/unknown": true, "*/*": true, "text/plain": true, "application/x-unknown-content-type": true,
	"application/binary": true,
}

// htmlCandidate reports whether a declared Content-Type may be an HTML
// page: HTML, XHTML, or a generic type that calls for sniffing.
func htmlCandidate(ct string) bool {
	mt := mediaType(ct)
	return mt == "text/html" || mt == "application/xhtml+xml" || genericTypes[mt]
}

func mediaType(ct string) string {
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		mt, _, _ = strings.Cut(ct, ";")
	}
	return strings.ToLower(strings.TrimSpace(mt))
}

// isHTML decides whether a payload is an HTML page: by its declared type,
// or by sniffing when the type is missing or generic.
func isHTML(ct string, body []byte) bool {
	mt := mediaType(ct)
	switch {
	case mt == "text/html" || mt == "application/xhtml+xml":
		return true
	case genericTypes[mt]:
		return SniffHTML(body)
	}
	return false
}

// SniffHTML reports whether body starts like an HTML document: a doctype
// or <html>, <head> or <body> tag after any byte order mark, white space
// and comments, or the WHATWG sniffing algorithm's verdict.
func SniffHTML(body []byte) bool {
	b := body[:min(len(body), 1024)]
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	b = bytes.TrimLeft(b, " \t\r\n\f")
	for bytes.HasPrefix(b, []byte("<!--")) {
		i := bytes.Index(b, []byte("-->"))
		if i < 0 {
			break
		}
		b = bytes.TrimLeft(b[i+3:], " \t\r\n\f")
	}
	l := bytes.ToLower(b[:min(len(b), 16)])
	for _, p := range []string{"<!doctype html", "<html", "<head", "<body"} {
		if bytes.HasPrefix(l, []byte(p)) {
			return true
		}
	}
	return strings.HasPrefix(http.DetectContentType(body), "text/html")
}

// dechunk removes chunked transfer coding. It reports false when b is not
// chunked (archivers that store the de-chunked body keep the header).
func dechunk(b []byte) ([]byte, bool) {
	line, _, ok := bytes.Cut(b[:min(len(b), 64)], []byte("\n"))
	if !ok {
		return nil, false
	}
	size, _, _ := bytes.Cut(bytes.TrimRight(line, "\r"), []byte(";"))
	if _, err := strconv.ParseUint(strings.TrimSpace(string(size)), 16, 64); err != nil {
		return nil, false
	}
	var out bytes.Buffer
	_, err := io.Copy(&out, httputil.NewChunkedReader(bufio.NewReader(bytes.NewReader(b))))
	if err != nil && out.Len() == 0 {
		return nil, false
	}
	return out.Bytes(), true // a cut-off last chunk keeps what came before
}

var errTooLarge = errors.New("decoded body larger than the limit")

// decodeContent removes the content codings listed in ce (applied in
// order, so removed in reverse), keeping at most max bytes.
func decodeContent(ce string, b []byte, max int64) ([]byte, error) {
	codings := strings.Split(ce, ",")
	for i := len(codings) - 1; i >= 0; i-- {
		c := strings.ToLower(strings.TrimSpace(codings[i]))
		if c == "" || c == "identity" || c == "none" {
			continue
		}
		out, err := decodeCoding(c, b, max)
		if err != nil {
			return out, err
		}
		b = out
	}
	return b, nil
}

// decodeCoding removes one content coding c from b, keeping at most max
// bytes. On an error b comes back as it was, except that a body larger
// than max comes back cut at max, with errTooLarge. A stream cut short
// keeps what came before the cut.
func decodeCoding(c string, b []byte, max int64) ([]byte, error) {
	r, release, err := contentDecoder(c, b, max)
	if err != nil {
		return b, err
	}
	defer release()
	var out bytes.Buffer
	n, err := io.Copy(&out, io.LimitReader(r, max+1))
	if n > max {
		return out.Bytes()[:max], errTooLarge
	}
	if err != nil && (!errors.Is(err, io.ErrUnexpectedEOF) || out.Len() == 0) {
		return b, fmt.Errorf("content coding %s: %w", c, err)
	}
	return out.Bytes(), nil
}

// contentDecoder returns a reader of b with the content coding c removed,
// and what releases it once read.
func contentDecoder(c string, b []byte, max int64) (io.Reader, func(), error) {
	none := func() {}
	switch c {
	case "gzip", "x-gzip":
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			return nil, nil, fmt.Errorf("content coding gzip: %w", err)
		}
		return zr, none, nil
	case "deflate":
		// "deflate" is zlib by the RFC, raw deflate by many servers.
		if zr, err := zlib.NewReader(bytes.NewReader(b)); err == nil {
			return zr, none, nil
		}
		return flate.NewReader(bytes.NewReader(b)), none, nil
	case "br":
		return brotli.NewReader(bytes.NewReader(b)), none, nil
	case "zstd":
		zr, err := zstd.NewReader(bytes.NewReader(b), zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxMemory(uint64(max)+1<<20))
		if err != nil {
			return nil, nil, fmt.Errorf("content coding zstd: %w", err)
		}
		return zr, zr.Close, nil
	}
	return nil, nil, fmt.Errorf("unknown content coding %q", c)
}

func hasToken(list, tok string) bool {
	for _, t := range strings.FieldsFunc(strings.ToLower(list), func(r rune) bool { return r == ' ' || r == ',' || r == '\t' }) {
		if t == tok {
			return true
		}
	}
	return false
}
