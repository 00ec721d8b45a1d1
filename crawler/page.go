package crawler

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/saintfish/chardet"
	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding"
)

// Page is one fetched HTML page handed to the pipeline.
type Page struct {
	URL      string      // the URL first queued (before redirects)
	FinalURL string      // the URL that answered
	Status   int         // HTTP status (2xx)
	Header   http.Header // response headers
	// Body is the body as received with any Content-Encoding removed; the
	// bytes are in the page's own charset (see Charset and UTF8).
	Body      []byte
	Fetched   time.Time
	WARC      string // "file.warc.gz#offset" of the response record, "" when WARC is off
	Depth     int    // link distance from a seed
	Truncated bool   // Body was cut at Config.MaxBodySize
	Hints     Hints
	Canonical string // rel=canonical, resolved, if the page has one
	NoIndex   bool   // <meta name=robots content=noindex> or X-Robots-Tag noindex
}

// Handler receives every fetched HTML page. The crawler calls it from at
// most Config.Handlers goroutines at a time (one by default), so a slow
// handler slows the crawl (back-pressure). An error is logged and
// counted; the crawl goes on.
type Handler func(ctx context.Context, p *Page) error

// Charset returns the page's character encoding, determined in WHATWG
// order: byte order mark, Content-Type charset, <meta> prescan of the first
// 1024 bytes, detection when nothing is declared, then windows-1252.
func (p *Page) Charset() string {
	_, name := determineEncoding(p.Body, p.Header.Get("Content-Type"))
	return name
}

// determineEncoding follows the WHATWG order: BOM, Content-Type charset,
// <meta> prescan, then — when nothing was declared and the bytes are not
// UTF-8 — statistical detection, falling back to windows-1252.
func determineEncoding(body []byte, contentType string) (encoding.Encoding, string) {
	enc, name, certain := charset.DetermineEncoding(body, contentType)
	if certain || name != "windows-1252" {
		return enc, name
	}
	head := body[:min(len(body), 1024)]
	if bytes.Contains(bytes.ToLower(head), []byte("charset")) {
		return enc, name // declared windows-1252 (or an unknown label)
	}
	sample := body[:min(len(body), 64<<10)]
	if r, err := chardet.NewHtmlDetector().DetectBest(sample); err == nil && r.Confidence >= 50 {
		if e, n := charset.Lookup(r.Charset); e != nil {
			return e, n
		}
	}
	return enc, name
}

// UTF8 returns the body decoded to UTF-8 using the charset Charset finds.
func (p *Page) UTF8() ([]byte, error) {
	return DecodeHTML(p.Body, p.Header.Get("Content-Type"))
}

// DecodeHTML decodes an HTML body to UTF-8, determining its encoding in
// WHATWG order (BOM, contentType's charset, <meta> prescan, detection,
// windows-1252).
func DecodeHTML(body []byte, contentType string) ([]byte, error) {
	enc, name := determineEncoding(body, contentType)
	if name == "utf-8" {
		return bytes.TrimPrefix(body, []byte("\xef\xbb\xbf")), nil
	}
	out, err := io.ReadAll(enc.NewDecoder().Reader(bytes.NewReader(body)))
	if err != nil {
		return nil, fmt.Errorf("decode %s body: %w", name, err)
	}
	return out, nil
}
