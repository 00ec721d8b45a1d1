package discover

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/syndex/syndex/crawler/frontier"
)

func TestResponseKind(t *testing.T) {
	const (
		rss     = `<?xml version="1.0"?><rss version="2.0"><channel></channel></rss>`
		atom    = "\xef\xbb\xbf<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<!-- generated -->\n<feed xmlns=\"http://www.w3.org/2005/Atom\"></feed>"
		rdf     = `<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"></rdf:RDF>`
		jsonf   = ` {"version": "https://jsonfeed.org/version/1.1", "title": "x", "items": []}`
		urlset  = `<?xml version="1.0"?><?xml-stylesheet href="s.xsl"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"></urlset>`
		smindex = `<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"/>`
		page    = "<!DOCTYPE html>\n<html><head><title>x</title></head></html>"
	)
	tests := []struct {
		name   string
		queued frontier.Kind
		ct     string
		body   string
		want   frontier.Kind
	}{
		{"rss linked as a page", frontier.KindPage, "application/rss+xml", rss, frontier.KindFeed},
		{"atom linked as a page, served as xml", frontier.KindPage, "application/xml", atom, frontier.KindFeed},
		{"atom served as text/html", frontier.KindPage, "text/html", atom, frontier.KindFeed},
		{"rdf served as text/plain", frontier.KindPage, "text/plain", rdf, frontier.KindFeed},
		{"json feed served as json", frontier.KindPage, "application/json", jsonf, frontier.KindFeed},
		{"json feed with escaped slashes", frontier.KindPage, "application/json", `{"version":"https:\/\/jsonfeed.org\/version\/1","items":[]}`, frontier.KindFeed},
		{"other json stays a page", frontier.KindPage, "application/json", `{"a": 1}`, frontier.KindPage},
		{"feed type, unreadable body", frontier.KindPage, "application/atom+xml", "garbage", frontier.KindFeed},
		{"sitemap linked as a page", frontier.KindPage, "text/xml", urlset, frontier.KindSitemap},
		{"sitemap index unlabelled", frontier.KindPage, "", smindex, frontier.KindSitemap},
		{"robots Sitemap: line naming a feed", frontier.KindSitemap, "application/xml", rss, frontier.KindFeed},
		{"html page", frontier.KindPage, "text/html", page, frontier.KindPage},
		{"feed URL answering html stays a feed", frontier.KindFeed, "text/html", page, frontier.KindFeed},
		{"sitemap URL with a soft 404 stays a sitemap", frontier.KindSitemap, "text/html", page, frontier.KindSitemap},
		{"gzipped sitemap stays a sitemap", frontier.KindSitemap, "application/x-gzip", "\x1f\x8b\x08\x00", frontier.KindSitemap},
		{"unclosed comment", frontier.KindPage, "", "<!-- never closed <rss>", frontier.KindPage},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := ResponseKind(tc.queued, tc.ct, []byte(tc.body)); got != tc.want {
				t.Errorf("ResponseKind = %s, want %s", got, tc.want)
			}
		})
	}
}

func FuzzSniffDoc(f *testing.F) {
	for _, s := range []string{"<rss>", "<?xml?><!-- c --><feed/>", "{", "<!x", "<a:b:c>", "\xef\xbb\xbf <urlset>"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		k := sniffDoc(b)
		if k != frontier.KindPage && k != frontier.KindFeed && k != frontier.KindSitemap {
			t.Fatalf("kind %d", k)
		}
	})
}

// TestSniffRealFeeds reads the real and test-suite feeds and sitemaps of
// the shared corpus (when present) as a crawler meeting them where it
// expected a page would: each feed must be read as a feed and each XML
// sitemap as a sitemap, whatever Content-Type. Files that are not feeds
// (expected-output JSON, licences, plain-text sitemaps, gzip) are left out
// by name.
func TestSniffRealFeeds(t *testing.T) {
	root := filepath.Join("..", "..", "..", "shared", "corpora", "feeds-sitemaps-robots")
	if _, err := os.Stat(root); err != nil {
		t.Skip("shared corpus not present")
	}
	type tally struct{ n, feed, sitemap, page int }
	count := func(dir string, keep func(string) bool) (tally, []string) {
		var tl tally
		var misses []string
		filepath.WalkDir(filepath.Join(root, dir), func(p string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() || !keep(p) {
				return nil
			}
			b, err := os.ReadFile(p)
			if err != nil {
				return nil
			}
			tl.n++
			switch ResponseKind(frontier.KindPage, "", b) {
			case frontier.KindFeed:
				tl.feed++
			case frontier.KindSitemap:
				tl.sitemap++
			default:
				tl.page++
				misses = append(misses, strings.TrimPrefix(p, root+"/"))
			}
			return nil
		})
		return tl, misses
	}
	// Not feeds: gofeed's expected outputs (JSON beside the extension
	// cases, *_expected.json), its "1.0" JSON cases (JSON Feed names its
	// version by URL), its deliberately empty and unknown documents, and
	// rss-parser's captured "Document Moved" HTML page.
	notFeed := map[string]bool{"empty_feed.xml": true, "unknown_feed.xml": true, "unrecognized.rss": true,
		"version_json_10.json": true, "version_json_11.json": true, "version_json_11_deprecated_author.json": true}
	feeds, fmiss := count("feeds", func(p string) bool {
		ext, base := filepath.Ext(p), filepath.Base(p)
		return (ext == ".xml" || ext == ".rss" || ext == ".atom" || ext == ".json" || ext == ".rdf") &&
			!strings.Contains(p, "/translator/") && !strings.Contains(p, "/invalid/") && !strings.Contains(p, "/extensions/") &&
			!strings.HasSuffix(base, "_expected.json") && !notFeed[base] &&
			!(ext == ".json" && strings.Contains(p, "gofeed-testdata/parser/") && !strings.Contains(p, "/parser/json/"))
	})
	sitemaps, smiss := count("sitemaps", func(p string) bool { return filepath.Ext(p) == ".xml" })
	t.Logf("feeds: %d files, %d read as feeds, %d as sitemaps, %d as pages", feeds.n, feeds.feed, feeds.sitemap, feeds.page)
	t.Logf("sitemaps: %d files, %d read as sitemaps, %d as feeds (an Atom feed offered as a sitemap), %d as pages", sitemaps.n, sitemaps.sitemap, sitemaps.feed, sitemaps.page)
	if feeds.n < 400 || feeds.feed != feeds.n {
		t.Errorf("%d of %d feeds not read as feeds: %q", feeds.n-feeds.feed, feeds.n, fmiss[:min(len(fmiss), 20)])
	}
	if sitemaps.page != 0 || sitemaps.feed > 1 || sitemaps.n < 20 {
		t.Errorf("sitemaps: %+v, not recognised %v", sitemaps, smiss)
	}
	if k := ResponseKind(frontier.KindPage, "", mustRead(t, filepath.Join(root, "feeds", "rss-parser", "unrecognized.rss"))); k != frontier.KindPage {
		t.Errorf("an HTML 'Document Moved' page served at a feed's link is read as a %s", k)
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
