package crawler

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"time"

	"golang.org/x/net/html/charset"
)

// Hints are what a sitemap or feed said about a URL before it was fetched.
type Hints struct {
	Title     string    `json:"title,omitempty"`
	Published time.Time `json:"published,omitzero"`
	Source    string    `json:"source,omitempty"` // the sitemap or feed URL
}

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

// Handler receives every fetched HTML page. The crawler calls it from one
// goroutine at a time, so a slow handler slows the crawl (back-pressure).
// An error is logged and counted; the crawl goes on.
type Handler func(ctx context.Context, p *Page) error

// Charset returns the page's character encoding, determined in WHATWG
// order: byte order mark, Content-Type charset, <meta> prescan of the first
// 1024 bytes, then a windows-1252 default.
func (p *Page) Charset() string {
	_, name, _ := charset.DetermineEncoding(p.Body, p.Header.Get("Content-Type"))
	return name
}

// UTF8 returns the body decoded to UTF-8 using the charset Charset finds.
func (p *Page) UTF8() ([]byte, error) {
	return DecodeHTML(p.Body, p.Header.Get("Content-Type"))
}

// DecodeHTML decodes an HTML body to UTF-8, determining its encoding in
// WHATWG order (BOM, contentType's charset, <meta> prescan, default).
func DecodeHTML(body []byte, contentType string) ([]byte, error) {
	enc, name, _ := charset.DetermineEncoding(body, contentType)
	if name == "utf-8" {
		return bytes.TrimPrefix(body, []byte("\xef\xbb\xbf")), nil
	}
	out, err := io.ReadAll(enc.NewDecoder().Reader(bytes.NewReader(body)))
	if err != nil {
		return nil, fmt.Errorf("decode %s body: %w", name, err)
	}
	return out, nil
}
