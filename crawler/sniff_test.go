package crawler

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/syndex/syndex/crawler/frontier"
	"github.com/syndex/syndex/store"
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
			if got := responseKind(tc.queued, tc.ct, []byte(tc.body)); got != tc.want {
				t.Errorf("responseKind = %s, want %s", got, tc.want)
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

// TestFeedLinkedAsPage: an outlet links its Atom feed first as
// <a href="/atom.xml"> and then as <link rel=alternate>, and another links
// its RSS feed only as <a href="/rss"> served as text/xml. Both are read as
// feeds, so the article that only the feeds list is fetched, and every
// request made is archived (requests = WARC responses).
func TestFeedLinkedAsPage(t *testing.T) {
	a := newFarmHost(t, "127.0.0.61")
	a.setRobots("User-agent: *\nDisallow:\n")
	a.html("/", `<html><head><title>A</title></head><body><a href="/atom.xml">Feed</a><a href="/news/1">one</a>`+
		`<link rel="alternate" type="application/atom+xml" href="/atom.xml"></body></html>`)
	a.html("/news/1", articleHTML("one"))
	a.html("/news/feed-only", articleHTML("feed only"))
	a.mux.HandleFunc("/atom.xml", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/atom+xml")
		w.Write([]byte(`<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>A</title>` +
			`<entry><title>Feed only</title><link href="` + a.base + `/news/feed-only"/><id>1</id><updated>2026-03-01T10:00:00Z</updated></entry></feed>`))
	})
	b := newFarmHost(t, "127.0.0.62")
	b.setRobots("User-agent: *\nDisallow:\n")
	homeHits := 0
	b.mux.HandleFunc("/{$}", func(w http.ResponseWriter, r *http.Request) {
		homeHits++ // the home page changes on every visit, so its links are read again
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprintf(w, `<html><body><p>Edition %d</p><a href="/rss">RSS</a></body></html>`, homeHits)
	})
	b.html("/story/feed-only", articleHTML("b feed only"))
	b.mux.HandleFunc("/rss", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/xml; charset=utf-8")
		w.Write([]byte(`<?xml version="1.0"?><rss version="2.0"><channel><title>B</title>` +
			`<item><title>B feed only</title><link>` + b.base + `/story/feed-only</link></item></channel></rss>`))
	})

	dir := t.TempDir()
	st, err := store.Open(dir, store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var mu sync.Mutex
	got := map[string]bool{}
	h := func(_ context.Context, p *Page) error {
		mu.Lock()
		got[strings.TrimPrefix(strings.TrimPrefix(p.URL, a.base), b.base)] = true
		mu.Unlock()
		return nil
	}
	warcDir := filepath.Join(dir, "warc")
	c, err := New(Config{Seeds: []string{a.base + "/", b.base + "/"}, Delay: 5 * time.Millisecond, AllowPrivate: true,
		DisableSitemaps: true, Logger: quietLogger(), WARCDir: warcDir}, st, h)
	if err != nil {
		t.Fatal(err)
	}
	s, err := c.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"/news/feed-only", "/story/feed-only"} {
		if !got[p] {
			t.Errorf("%s (listed only in a feed) not fetched; pages: %v", p, got)
		}
	}
	if got["/atom.xml"] || got["/rss"] {
		t.Errorf("a feed was handed over as a page: %v", got)
	}
	if s.Feeds != 2 {
		t.Errorf("stats feeds = %d, want 2", s.Feeds)
	}
	if n := a.count("/atom.xml", 0); n != 1 {
		t.Errorf("/atom.xml fetched %d times, want 1", n)
	}
	cdx, _ := filepath.Glob(filepath.Join(warcDir, "*.cdxj"))
	records := 0
	for _, f := range cdx {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		records += strings.Count(string(raw), "\n")
	}
	if int64(records) != s.Requests {
		t.Errorf("WARC holds %d responses for %d requests", records, s.Requests)
	}
	// The next pass reads the feeds again, though one is linked as a page.
	c2, err := New(Config{Seeds: []string{a.base + "/", b.base + "/"}, Delay: 5 * time.Millisecond, AllowPrivate: true,
		DisableSitemaps: true, Logger: quietLogger(), WARCDir: warcDir}, st, h)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c2.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	c2.Close()
	if n := b.count("/rss", 0); n != 2 {
		t.Errorf("/rss (linked only as <a>) fetched %d times in two passes, want 2", n)
	}
	if n := b.count("/story/feed-only", 0); n != 1 {
		t.Errorf("an article was fetched %d times in two passes, want 1", n)
	}
	log, err := FetchLog(st.DB())
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range log {
		if strings.HasSuffix(r.URL, "/atom.xml") && r.Kind != "feed" {
			t.Errorf("fetch log names /atom.xml a %s", r.Kind)
		}
	}
}

// TestSniffRealFeeds reads the real and test-suite feeds and sitemaps of
// the shared corpus (when present) as a crawler meeting them where it
// expected a page would: each feed must be read as a feed and each XML
// sitemap as a sitemap, whatever Content-Type. Files that are not feeds
// (expected-output JSON, licences, plain-text sitemaps, gzip) are left out
// by name.
func TestSniffRealFeeds(t *testing.T) {
	root := filepath.Join("..", "..", "shared", "corpora", "feeds-sitemaps-robots")
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
			switch responseKind(frontier.KindPage, "", b) {
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
	if k := responseKind(frontier.KindPage, "", mustRead(t, filepath.Join(root, "feeds", "rss-parser", "unrecognized.rss"))); k != frontier.KindPage {
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
