package discover

import (
	"bytes"
	"compress/gzip"
	"errors"
	"testing"
	"time"
)

func TestParseSitemap(t *testing.T) {
	urlset := `<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
 <url><loc>http://x/a/1</loc><lastmod>2026-01-02</lastmod>
  <news:news><news:publication><news:name>X</news:name><news:language>en</news:language></news:publication>
  <news:publication_date>2026-01-02T10:00:00+01:00</news:publication_date><news:title>Storm hits coast</news:title></news:news></url>
 <url><loc> http://x/a/2 </loc></url>
</urlset>`
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(urlset))
	zw.Close()
	for name, body := range map[string][]byte{"plain": []byte(urlset), "gzip": gz.Bytes()} {
		doc, err := ParseSitemap(body, 100, 1<<20)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if doc.Index || len(doc.URLs) != 2 {
			t.Fatalf("%s: %+v", name, doc)
		}
		u := doc.URLs[0]
		if u.Loc != "http://x/a/1" || u.Title != "Storm hits coast" || !u.Published.Equal(time.Date(2026, 1, 2, 9, 0, 0, 0, time.UTC)) || u.LastMod.IsZero() {
			t.Errorf("%s: first url %+v", name, u)
		}
		if doc.URLs[1].Loc != "http://x/a/2" {
			t.Errorf("%s: loc not trimmed: %q", name, doc.URLs[1].Loc)
		}
	}
	idx := `<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap><loc>http://x/s1.xml</loc></sitemap><sitemap><loc>http://x/s2.xml.gz</loc></sitemap></sitemapindex>`
	doc, err := ParseSitemap([]byte(idx), 100, 1<<20)
	if err != nil || !doc.Index || len(doc.Sitemaps) != 2 {
		t.Fatalf("index: %+v %v", doc, err)
	}
	if doc, _ := ParseSitemap([]byte(urlset), 1, 1<<20); len(doc.URLs) != 1 {
		t.Errorf("cap not applied: %d urls", len(doc.URLs))
	}
	if _, err := ParseSitemap([]byte("<html><body>404</body></html>"), 10, 1<<20); !errors.Is(err, ErrNotSitemap) {
		t.Errorf("html accepted as sitemap: %v", err)
	}
}

func FuzzParseSitemap(f *testing.F) {
	f.Add([]byte(`<urlset><url><loc>http://x/</loc></url></urlset>`))
	f.Add([]byte(`<sitemapindex><sitemap><loc>http://x/s.xml</loc></sitemap></sitemapindex>`))
	f.Fuzz(func(t *testing.T, b []byte) {
		doc, err := ParseSitemap(b, 10, 1<<16)
		if err == nil && doc == nil {
			t.Fatal("nil doc without error")
		}
		if doc != nil && len(doc.URLs)+len(doc.Sitemaps) > 10 {
			t.Fatalf("cap exceeded: %d", len(doc.URLs)+len(doc.Sitemaps))
		}
	})
}

// FuzzParseFeed: any body parses or fails without panicking, and every
// item has a link.
func FuzzParseFeed(f *testing.F) {
	f.Add([]byte(`<rss version="2.0"><channel><item><title>t</title><link>http://x/a</link><pubDate>Mon, 02 Jan 2006 15:04:05 MST</pubDate></item></channel></rss>`))
	f.Add([]byte(`<feed xmlns="http://www.w3.org/2005/Atom"><entry><link href="http://x/b"/><updated>2024-01-01T00:00:00Z</updated></entry></feed>`))
	f.Add([]byte(`{"version":"https://jsonfeed.org/version/1.1","items":[{"url":"http://x/c"}]}`))
	f.Add([]byte("\x00<rss><channel><item><link>"))
	f.Fuzz(func(t *testing.T, body []byte) {
		items, err := ParseFeed(body)
		if err != nil {
			return
		}
		for _, it := range items {
			if it.Link == "" {
				t.Fatalf("item without link: %+v", it)
			}
		}
	})
}
