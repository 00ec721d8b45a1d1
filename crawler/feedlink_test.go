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

	"github.com/syndex/syndex/store"
)

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
	s := crawlOnce(t, Config{Seeds: []string{a.base + "/", b.base + "/"}, Delay: 5 * time.Millisecond, AllowPrivate: true,
		DisableSitemaps: true, Logger: quietLogger(), WARCDir: warcDir}, st, h)
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
