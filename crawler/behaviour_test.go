package crawler

import (
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/syndex/syndex/store"
)

func TestScope(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		url  string
		in   bool
	}{
		{"seed host", Config{}, "http://news.example/a", true},
		{"www variant", Config{}, "http://www.news.example/a", true},
		{"other host", Config{}, "http://other.example/a", false},
		{"subdomain off", Config{}, "http://m.news.example/a", false},
		{"subdomain on", Config{Subdomains: true}, "http://m.news.example/a", true},
		{"suffix is not subdomain", Config{Subdomains: true}, "http://badnews.example/a", false},
		{"extra host", Config{Hosts: []string{"cdn.example"}}, "http://cdn.example/x", true},
		{"include match", Config{Include: []string{`/20\d\d/`}}, "http://news.example/2026/x", true},
		{"include miss", Config{Include: []string{`/20\d\d/`}}, "http://news.example/about", false},
		{"exclude", Config{Exclude: []string{`/tag/`}}, "http://news.example/tag/x", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.cfg.Seeds = []string{"http://news.example/"}
			s, err := tc.cfg.withDefaults(t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			u, _ := url.Parse(tc.url)
			if got := s.inScope(u); got != tc.in {
				t.Errorf("inScope(%s) = %v, want %v", tc.url, got, tc.in)
			}
		})
	}
	if _, err := (Config{Seeds: []string{"http://x/"}, Include: []string{"("}}).withDefaults(t.TempDir()); err == nil {
		t.Error("bad include pattern accepted")
	}
	if _, err := (Config{}).withDefaults(t.TempDir()); err == nil {
		t.Error("no seeds accepted")
	}
}

// chainHost serves a home page linking /d/1 … /d/n, each linking to the
// next, so depth and budgets can be observed.
func chainHost(t *testing.T, ip string, n int) *farmHost {
	h := newFarmHost(t, ip)
	h.setRobots("User-agent: *\nDisallow:\n")
	var links []string
	for i := 1; i <= n; i++ {
		links = append(links, fmt.Sprintf("/w/%d", i))
		h.html(fmt.Sprintf("/w/%d", i), articleHTML("wide"))
		h.html(fmt.Sprintf("/d/%d", i), articleHTML("deep", fmt.Sprintf("/d/%d", i+1)))
	}
	h.html("/", articleHTML("home", append(links, "/d/1")...))
	return h
}

func TestBudgets(t *testing.T) {
	h := chainHost(t, "127.0.0.11", 6)
	tests := []struct {
		name  string
		cfg   Config
		pages int64
	}{
		{"max pages", Config{MaxPages: 3}, 3},
		{"per-host budget", Config{MaxPagesPerHost: 4}, 4},
		{"max depth 1", Config{MaxDepth: 1}, 8},  // home + 6 wide + /d/1
		{"max depth 3", Config{MaxDepth: 3}, 10}, // … + /d/2 + /d/3
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st, err := store.Open(t.TempDir(), store.Options{NoSync: true})
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			cfg := tc.cfg
			cfg.Seeds, cfg.Delay, cfg.AllowPrivate, cfg.DisableSitemaps, cfg.Logger, cfg.WARCDir = []string{h.base + "/"}, 5*time.Millisecond, true, true, quietLogger(), "-"
			c, err := New(cfg, st, nil)
			if err != nil {
				t.Fatal(err)
			}
			s, err := c.Run(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if s.Pages != tc.pages {
				t.Errorf("pages = %d, want %d", s.Pages, tc.pages)
			}
		})
	}
}

// TestCancelResume cancels a crawl from inside the handler and checks the
// next Run finishes it, without fetching any page twice except the one in
// the handler at cancellation.
func TestCancelResume(t *testing.T) {
	h := chainHost(t, "127.0.0.12", 8)
	st, err := store.Open(t.TempDir(), store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	cfg := Config{Seeds: []string{h.base + "/"}, Delay: 5 * time.Millisecond, AllowPrivate: true, DisableSitemaps: true, Logger: quietLogger()}
	ctx, cancel := context.WithCancel(context.Background())
	n := 0
	c1, err := New(cfg, st, func(ctx context.Context, p *Page) error {
		n++
		if n == 4 {
			cancel()
			return ctx.Err()
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	s1, err := c1.Run(ctx)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("first run: err = %v", err)
	}
	c1.Close()
	if s1.Queue == 0 {
		t.Fatalf("nothing left queued after cancel: %+v", s1)
	}
	var pages pageLog
	c2, err := New(cfg, st, pages.handler)
	if err != nil {
		t.Fatal(err)
	}
	s2, err := c2.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	c2.Close()
	if s2.Pass != 1 {
		t.Errorf("resumed run started pass %d, want 1", s2.Pass)
	}
	// home, 8 wide pages, /d/1 … /d/8 (/d/9 is a 404)
	if got := int(s1.Pages) + int(s2.Pages); got != 17 {
		t.Errorf("pages over both runs = %d, want all 17", got)
	}
	twice := 0
	for _, x := range h.hitList() {
		if c := h.count(x.path, 0); c > 1 && x.path != "/robots.txt" {
			twice++
		}
	}
	if twice > 2 { // the page in the handler, counted once per hit
		t.Errorf("%d hits on pages fetched more than once", twice)
	}
}

// TestRobotsRedirectAndCrawlDelayCap: robots.txt is followed through a
// redirect, its rules apply, and a huge Crawl-delay is capped.
func TestRobotsRedirectAndCrawlDelayCap(t *testing.T) {
	h := newFarmHost(t, "127.0.0.13")
	h.mux.HandleFunc("/robots.txt", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/real-robots.txt", http.StatusMovedPermanently)
	})
	h.mux.HandleFunc("/real-robots.txt", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("User-agent: syndex\nDisallow: /secret\nCrawl-delay: 3600\n"))
	})
	h.robots = "User-agent: syndex\nDisallow: /secret\n"
	h.html("/", articleHTML("home", "/a", "/secret/x", "/b"))
	h.html("/a", articleHTML("a"))
	h.html("/b", articleHTML("b"))
	h.html("/secret/x", articleHTML("secret"))
	st, err := store.Open(t.TempDir(), store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	c, err := New(Config{Seeds: []string{h.base + "/"}, Delay: 10 * time.Millisecond, MaxCrawlDelay: 150 * time.Millisecond,
		AllowPrivate: true, DisableSitemaps: true, Logger: quietLogger(), WARCDir: "-"}, st, nil)
	if err != nil {
		t.Fatal(err)
	}
	s, err := runPatiently(t, c, "Crawl-delay 3600 not capped")
	if err != nil {
		t.Fatal(err)
	}
	if s.Pages != 3 || s.RobotsDenied != 1 || h.count("/secret/x", 0) != 0 {
		t.Errorf("pages %d, denied %d, secret fetched %d", s.Pages, s.RobotsDenied, h.count("/secret/x", 0))
	}
	// The capped Crawl-delay applies once robots.txt is known (hits 0 and
	// 1 are robots.txt and its redirect target, spaced by Delay).
	hits := h.hitList()
	for i := 2; i < len(hits); i++ {
		if d := hits[i].start.Sub(hits[i-1].end); d < 148*time.Millisecond {
			t.Errorf("%s came %v after %s: capped Crawl-delay not honoured", hits[i].path, d, hits[i-1].path)
		}
	}
}

// TestSitemapDiscoveryAndRedirectLimit: a sitemap index from robots.txt
// leads to a gzipped sitemap and a plain one; the lastmod window drops an
// old URL; a redirect chain longer than MaxRedirects is cut.
func TestSitemapDiscoveryAndRedirectLimit(t *testing.T) {
	h := newFarmHost(t, "127.0.0.14")
	h.setRobots("User-agent: *\nDisallow:\nSitemap: " + h.base + "/index.xml\n")
	h.html("/", articleHTML("home", "/r/0"))
	for _, p := range []string{"/a/new", "/a/old", "/a/2"} {
		h.html(p, articleHTML(p))
	}
	for i := 0; i < 15; i++ {
		next := fmt.Sprintf("/r/%d", i+1)
		h.mux.HandleFunc(fmt.Sprintf("/r/%d", i), func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, next, http.StatusFound)
		})
	}
	h.mux.HandleFunc("/index.xml", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `<sitemapindex><sitemap><loc>%s/s1.xml.gz</loc></sitemap><sitemap><loc>%s/s2.xml</loc></sitemap></sitemapindex>`, h.base, h.base)
	})
	h.mux.HandleFunc("/s1.xml.gz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/x-gzip")
		zw := gzip.NewWriter(w)
		fmt.Fprintf(zw, `<urlset><url><loc>%s/a/new</loc><lastmod>%s</lastmod></url><url><loc>%s/a/old</loc><lastmod>2001-01-01</lastmod></url></urlset>`,
			h.base, time.Now().Format("2006-01-02"), h.base)
		zw.Close()
	})
	h.mux.HandleFunc("/s2.xml", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `<urlset><url><loc>%s/a/2</loc></url><url><loc>http://192.0.2.9/offsite</loc></url></urlset>`, h.base)
	})
	st, err := store.Open(t.TempDir(), store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var pages pageLog
	c, err := New(Config{Seeds: []string{h.base + "/"}, Delay: 5 * time.Millisecond, AllowPrivate: true, SitemapMaxAge: 30 * 24 * time.Hour,
		MaxRedirects: 10, Logger: quietLogger(), WARCDir: "-"}, st, pages.handler)
	if err != nil {
		t.Fatal(err)
	}
	s, err := c.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for p, want := range map[string]int{"/index.xml": 1, "/s1.xml.gz": 1, "/s2.xml": 1, "/sitemap.xml": 1, "/a/new": 1, "/a/2": 1, "/a/old": 0,
		"/r/10": 1, "/r/11": 0} {
		if got := h.count(p, 0); got != want {
			t.Errorf("%s fetched %d times, want %d", p, got, want)
		}
	}
	if s.Sitemaps != 3 || s.Pages != 3 {
		t.Errorf("sitemaps %d, pages %d: %v", s.Sitemaps, s.Pages, pages.order)
	}
	if p := pages.get(h.base + "/a/new"); p == nil || p.Hints.Source != h.base+"/s1.xml.gz" {
		t.Errorf("sitemap source hint: %+v", p)
	}
	found := false
	for _, l := range outcomeOf(t, st, "/r/10") {
		found = found || l.Outcome == "too-many-redirects"
	}
	if !found {
		t.Errorf("redirect limit not recorded: %+v", outcomeOf(t, st, "/r/10"))
	}
}

// TestParkingAndMaxWait: a host failing again and again is parked, a URL is
// given up after MaxRetries, and a Retry-After beyond MaxWait leaves the
// host's URLs queued for the next run instead of stalling this one.
func TestParkingAndMaxWait(t *testing.T) {
	failing := newFarmHost(t, "127.0.0.15")
	failing.setRobots("User-agent: *\nDisallow:\n")
	failing.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusBadGateway) })
	sleepy := newFarmHost(t, "127.0.0.16")
	sleepy.setRobots("User-agent: *\nDisallow:\n")
	sleepy.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "3600")
		w.WriteHeader(http.StatusTooManyRequests)
	})
	st, err := store.Open(t.TempDir(), store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var log logLines
	// MaxDelay keeps the slow-host gap, which grows with the response
	// times of a loaded machine, well within MaxWait.
	c, err := New(Config{Seeds: []string{failing.base + "/", sleepy.base + "/"}, Delay: 10 * time.Millisecond, AllowPrivate: true,
		DisableSitemaps: true, Logger: slog.New(slog.NewTextHandler(&log, nil)), WARCDir: "-", BackoffBase: 20 * time.Millisecond,
		ParkAfter: 2, ParkFor: 300 * time.Millisecond, MaxRetries: 3, MaxWait: time.Second, MaxDelay: 100 * time.Millisecond}, st, nil)
	if err != nil {
		t.Fatal(err)
	}
	s, err := runPatiently(t, c, "Retry-After 3600 stalled it")
	if err != nil {
		t.Fatal(err)
	}
	hits := failing.hitList() // robots.txt, then three attempts at /
	if len(hits) != 4 {
		t.Fatalf("failing host got %d requests, want 4: %+v", len(hits), hits)
	}
	// The first failure backs off (the host's gap then is at least
	// BackoffBase, more when the machine made the response slow); the
	// second parks the host, and only the second.
	if d := hits[2].start.Sub(hits[1].end); d < 18*time.Millisecond {
		t.Errorf("first back-off %v, want at least BackoffBase", d)
	}
	if parks := log.with(`msg="host parked" host=` + hostOf(failing.base+"/")); len(parks) == 0 || !strings.Contains(parks[0], " failures=2 for=300ms") {
		t.Errorf("parked: %q; want first after 2 failures, for ParkFor", parks)
	}
	if d := hits[3].start.Sub(hits[2].end); d < 298*time.Millisecond {
		t.Errorf("parked host retried after %v, want ≥ ParkFor", d)
	}
	if l := outcomeOf(t, st, failing.base+"/"); len(l) == 0 || l[len(l)-1].Outcome != "gave-up" {
		t.Errorf("failing URL log: %+v", l)
	}
	if n := sleepy.count("/", 0); n != 1 {
		t.Errorf("sleepy host asked %d times, want 1", n)
	}
	if s.HostsDropped != 1 || s.Queue != 1 {
		t.Errorf("dropped %d, queue %d: the Retry-After host's URL should stay queued", s.HostsDropped, s.Queue)
	}
}

// logLines is a log's text lines, for a test to read what the crawler
// decided.
type logLines struct {
	mu    sync.Mutex
	lines []string
}

func (l *logLines) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, string(p))
	return len(p), nil
}

// with returns the lines that contain s.
func (l *logLines) with(s string) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
	for _, x := range l.lines {
		if strings.Contains(x, s) {
			out = append(out, x)
		}
	}
	return out
}

// TestBoundedMemoryFrontier holds only a few page entries per host in
// memory; the rest wait in the store and are loaded in order, across a
// budget-limited run and its resumption, each page fetched once.
func TestBoundedMemoryFrontier(t *testing.T) {
	old := localMemPerHost
	localMemPerHost = 3
	defer func() { localMemPerHost = old }()
	h := chainHost(t, "127.0.0.17", 20)
	st, err := store.Open(t.TempDir(), store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	cfg := Config{Seeds: []string{h.base + "/"}, Delay: 2 * time.Millisecond, AllowPrivate: true, DisableSitemaps: true,
		Logger: quietLogger(), WARCDir: "-", MaxPages: 9}
	var order []string
	handler := func(ctx context.Context, p *Page) error {
		u, _ := url.Parse(p.URL)
		order = append(order, u.Path)
		return nil
	}
	c, err := New(cfg, st, handler)
	if err != nil {
		t.Fatal(err)
	}
	s1, err := c.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if s1.Pages != 9 || s1.Queue == 0 {
		t.Fatalf("first run: pages %d, queue %d", s1.Pages, s1.Queue)
	}
	queuedAfter1 := s1.Queue
	cfg.MaxPages = 0
	c2, err := New(cfg, st, handler)
	if err != nil {
		t.Fatal(err)
	}
	s2, err := c2.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if s2.Queue != 0 || s2.Pass != 1 {
		t.Errorf("second run: queue %d, pass %d (first run left %d)", s2.Queue, s2.Pass, queuedAfter1)
	}
	// home + 20 wide + /d/1 … /d/20 (/d/21 is a 404)
	if got := s1.Pages + s2.Pages; got != 41 {
		t.Errorf("pages = %d, want 41", got)
	}
	for _, x := range h.hitList() {
		if n := h.count(x.path, 0); n != 1 {
			t.Errorf("%s fetched %d times", x.path, n)
		}
	}
	// Pages come in discovery order: the wide pages before the deep chain.
	for i, want := range []string{"/", "/w/1", "/w/2", "/w/3", "/w/4"} {
		if i < len(order) && order[i] != want {
			t.Errorf("page %d = %s, want %s (order %v)", i, order[i], want, order)
			break
		}
	}
}

// TestJobsShareArchive: two sources crawled one after the other in the same
// archive keep separate frontiers; neither resumes the other's queue.
func TestJobsShareArchive(t *testing.T) {
	a := chainHost(t, "127.0.0.18", 4)
	b := chainHost(t, "127.0.0.19", 4)
	st, err := store.Open(t.TempDir(), store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	run := func(seed string, maxPages int) Stats {
		return crawlOnce(t, Config{Seeds: []string{seed}, Delay: 2 * time.Millisecond, AllowPrivate: true, DisableSitemaps: true,
			Logger: quietLogger(), WARCDir: "-", MaxPages: maxPages}, st, nil)
	}
	sa := run(a.base+"/", 3)
	sb := run(b.base+"/", 0)
	if sa.Pages != 3 || sb.Pages != 9 || sb.Queue != 0 {
		t.Errorf("a: %d pages; b: %d pages, queue %d", sa.Pages, sb.Pages, sb.Queue)
	}
	if n := len(a.hitList()); n != 4 { // robots.txt + 3 pages: b's run left a alone
		t.Errorf("host a got %d requests after both runs, want 4", n)
	}
	sa2 := run(a.base+"/", 0)
	if sa2.Pass != 1 || sa.Pages+sa2.Pages != 9 {
		t.Errorf("a resumed: pass %d, pages %d+%d", sa2.Pass, sa.Pages, sa2.Pages)
	}
	sb2 := run(b.base+"/", 0) // a new pass for b: only the seed again
	if sb2.Pass != 2 || sb2.Pages != 1 {
		t.Errorf("b second pass: pass %d, pages %d", sb2.Pass, sb2.Pages)
	}
}
