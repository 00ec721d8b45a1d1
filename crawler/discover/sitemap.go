// Package discover reads the documents a crawl finds its pages through:
// sitemaps and sitemap indexes (Google News fields included) and feeds
// (RSS, Atom, JSON Feed). It parses, bounded (a cap on entries, on a
// gzipped sitemap's decoded size, on a field's text); what to queue from
// them, and when, is the crawler's (crawler.go's processSitemap and
// processFeed). What a fetched response is (page, feed or sitemap) is
// read from the response itself, by sniffing its first element
// (ResponseKind, sniff.go).
package discover

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"golang.org/x/net/html/charset"

	"github.com/syndex/syndex/crawler/internal/coding"
)

// SitemapURL is one <url> of a sitemap, with its Google News fields.
type SitemapURL struct {
	Loc       string
	LastMod   time.Time
	Title     string    // news:title
	Published time.Time // news:publication_date
}

// Sitemap is a parsed sitemap or sitemap index.
type Sitemap struct {
	Index    bool         // a sitemap index: Sitemaps lists its sitemaps
	Sitemaps []string     // the sitemaps of an index
	URLs     []SitemapURL // the pages of a sitemap
}

// ErrNotSitemap is returned for a document whose root is not <urlset> or
// <sitemapindex> (an HTML error page served at /sitemap.xml, say).
var ErrNotSitemap = errors.New("not a sitemap")

// maxFieldText bounds the text kept of one element.
const maxFieldText = 4096

// ParseSitemap reads a sitemap (urlset) or sitemap index with a streaming
// XML decoder, keeping at most max entries. Gzip input is detected by its
// magic number and decoded up to maxDecoded bytes. A syntax error after
// the root gives what was read before it with an error naming the line.
func ParseSitemap(body []byte, max int, maxDecoded int64) (*Sitemap, error) {
	if len(body) > 2 && body[0] == 0x1f && body[1] == 0x8b {
		var err error
		if body, err = coding.Decode("gzip", body, maxDecoded); err != nil {
			return nil, fmt.Errorf("sitemap: %w", err)
		}
	}
	d := xml.NewDecoder(bytes.NewReader(body))
	d.Strict = false
	d.CharsetReader = charset.NewReaderLabel
	r := sitemapReader{doc: &Sitemap{}, max: max}
	return r.read(d)
}

// read reads the document's tokens from d until its end or the token
// that completes it.
func (r *sitemapReader) read(d *xml.Decoder) (*Sitemap, error) {
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return r.failed(d, err)
		}
		done, err := r.token(tok)
		if err != nil {
			return nil, err
		}
		if done {
			return r.doc, nil
		}
	}
	if r.root == "" {
		return nil, ErrNotSitemap
	}
	return r.doc, nil
}

// failed is what a token error ends reading with: not a sitemap before
// the root element, else what was read so far and the error's line.
func (r *sitemapReader) failed(d *xml.Decoder, err error) (*Sitemap, error) {
	if r.root == "" {
		return nil, fmt.Errorf("%w: %v", ErrNotSitemap, err)
	}
	line, _ := d.InputPos()
	return r.doc, fmt.Errorf("sitemap line %d: %w", line, err)
}

// sitemapReader is the state of one ParseSitemap.
type sitemapReader struct {
	doc  *Sitemap
	max  int
	root string      // the root element's name, "" before it
	cur  *SitemapURL // the <url> or <sitemap> being read
	text strings.Builder
}

// token takes one XML token; done is true once max entries are read.
func (r *sitemapReader) token(tok xml.Token) (done bool, err error) {
	switch t := tok.(type) {
	case xml.StartElement:
		return false, r.start(strings.ToLower(t.Name.Local))
	case xml.CharData:
		if r.text.Len() < maxFieldText {
			r.text.Write(t)
		}
	case xml.EndElement:
		return r.end(strings.ToLower(t.Name.Local)), nil
	}
	return false, nil
}

// start opens element name; the first must be a sitemap's root.
func (r *sitemapReader) start(name string) error {
	if r.root == "" {
		r.root = name
		if name != "urlset" && name != "sitemapindex" {
			return fmt.Errorf("%w: root element <%s>", ErrNotSitemap, name)
		}
		r.doc.Index = name == "sitemapindex"
	}
	r.text.Reset()
	if name == "url" || name == "sitemap" {
		r.cur = &SitemapURL{}
	}
	return nil
}

// end closes element name, setting its field of the current entry or
// adding the entry; done is true once max entries are read.
func (r *sitemapReader) end(name string) (done bool) {
	val := strings.TrimSpace(r.text.String())
	r.text.Reset()
	if r.cur == nil {
		return false
	}
	switch name {
	case "loc":
		r.cur.Loc = val
	case "lastmod":
		r.cur.LastMod = parseW3CDate(val)
	case "publication_date":
		r.cur.Published = parseW3CDate(val)
	case "title":
		r.cur.Title = val
	case "url", "sitemap":
		r.add()
		return len(r.doc.URLs)+len(r.doc.Sitemaps) >= r.max
	}
	return false
}

// add ends the current entry: a sitemap of an index or a page, when it
// has a location.
func (r *sitemapReader) add() {
	if r.cur.Loc != "" {
		if r.doc.Index {
			r.doc.Sitemaps = append(r.doc.Sitemaps, r.cur.Loc)
		} else {
			r.doc.URLs = append(r.doc.URLs, *r.cur)
		}
	}
	r.cur = nil
}

// parseW3CDate parses the W3C datetime profile sitemaps use.
func parseW3CDate(s string) time.Time {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04Z07:00", "2006-01-02T15:04:05", "2006-01-02", "2006-01", "2006"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t
		}
	}
	return time.Time{}
}
