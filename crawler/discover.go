package crawler

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/mmcdole/gofeed"
	"golang.org/x/net/html/charset"
)

// sitemapURL is one <url> of a sitemap, with its Google News fields.
type sitemapURL struct {
	Loc       string
	LastMod   time.Time
	Title     string    // news:title
	Published time.Time // news:publication_date
}

// sitemapDoc is a parsed sitemap or sitemap index.
type sitemapDoc struct {
	Index    bool
	Sitemaps []string
	URLs     []sitemapURL
}

var errNotSitemap = errors.New("not a sitemap")

// parseSitemap reads a sitemap (urlset) or sitemap index with a streaming
// XML decoder, keeping at most max entries. Gzip input is detected by its
// magic number and decoded up to maxDecoded bytes.
func parseSitemap(body []byte, max int, maxDecoded int64) (*sitemapDoc, error) {
	if len(body) > 2 && body[0] == 0x1f && body[1] == 0x8b {
		var err error
		if body, err = decodeContent("gzip", body, maxDecoded); err != nil {
			return nil, fmt.Errorf("sitemap: %w", err)
		}
	}
	d := xml.NewDecoder(bytes.NewReader(body))
	d.Strict = false
	d.CharsetReader = charset.NewReaderLabel
	doc := &sitemapDoc{}
	var stack []string
	var cur *sitemapURL
	var text strings.Builder
	root := ""
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			if root == "" {
				return nil, fmt.Errorf("%w: %v", errNotSitemap, err)
			}
			line, _ := d.InputPos()
			return doc, fmt.Errorf("sitemap line %d: %w", line, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			name := strings.ToLower(t.Name.Local)
			if root == "" {
				root = name
				if name != "urlset" && name != "sitemapindex" {
					return nil, fmt.Errorf("%w: root element <%s>", errNotSitemap, name)
				}
				doc.Index = name == "sitemapindex"
			}
			stack = append(stack, name)
			text.Reset()
			if name == "url" || name == "sitemap" {
				cur = &sitemapURL{}
			}
		case xml.CharData:
			if text.Len() < 4096 {
				text.Write(t)
			}
		case xml.EndElement:
			name := strings.ToLower(t.Name.Local)
			val := strings.TrimSpace(text.String())
			text.Reset()
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
			if cur == nil {
				continue
			}
			switch name {
			case "loc":
				cur.Loc = val
			case "lastmod":
				cur.LastMod = parseW3CDate(val)
			case "publication_date":
				cur.Published = parseW3CDate(val)
			case "title":
				cur.Title = val
			case "url", "sitemap":
				if cur.Loc != "" {
					if doc.Index {
						doc.Sitemaps = append(doc.Sitemaps, cur.Loc)
					} else {
						doc.URLs = append(doc.URLs, *cur)
					}
				}
				cur = nil
				if len(doc.URLs)+len(doc.Sitemaps) >= max {
					return doc, nil
				}
			}
		}
	}
	if root == "" {
		return nil, errNotSitemap
	}
	return doc, nil
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

// feedItem is one entry of a feed.
type feedItem struct {
	Link      string
	Title     string
	Published time.Time
}

// parseFeed reads RSS, Atom or JSON Feed.
func parseFeed(body []byte) ([]feedItem, error) {
	f, err := gofeed.NewParser().Parse(bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("feed: %w", err)
	}
	var out []feedItem
	for _, it := range f.Items {
		if it == nil || it.Link == "" {
			continue
		}
		fi := feedItem{Link: it.Link, Title: it.Title}
		if it.PublishedParsed != nil {
			fi.Published = *it.PublishedParsed
		} else if it.UpdatedParsed != nil {
			fi.Published = *it.UpdatedParsed
		}
		out = append(out, fi)
	}
	return out, nil
}
