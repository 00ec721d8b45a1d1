package crawler

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/syndex/syndex/internal/redistest"
	"github.com/syndex/syndex/store"
)

// newSharedWorkers builds n crawlers on fresh stores with cfg.
func newSharedWorkers(t *testing.T, n int, cfg Config) ([]*Crawler, []*pageLog, []*store.Store) {
	t.Helper()
	var cs []*Crawler
	var logs []*pageLog
	var sts []*store.Store
	for w := 0; w < n; w++ {
		st, err := store.Open(t.TempDir(), store.Options{NoSync: true})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		pl := &pageLog{}
		cfg.Logger = quietLogger()
		c, err := New(cfg, st, pl.handler)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		cs, logs, sts = append(cs, c), append(logs, pl), append(sts, st)
	}
	return cs, logs, sts
}

// runShared runs every crawler as a worker of namespace ns and returns
// their stats.
func runShared(t *testing.T, ctx context.Context, url, ns string, cs []*Crawler) []Stats {
	t.Helper()
	stats := make([]Stats, len(cs))
	var wg sync.WaitGroup
	for w, c := range cs {
		fr := openTestShared(t, url, ns, fmt.Sprintf("w%d", w), 5*time.Second)
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, err := c.RunShared(ctx, fr)
			if err != nil {
				t.Errorf("worker %d: %v", w, err)
			}
			stats[w] = s
		}()
	}
	wg.Wait()
	return stats
}

// pageHits counts the requests a host answered for pages (not robots.txt).
func pageHits(h *farmHost) map[string]int {
	m := map[string]int{}
	for _, x := range h.hitList() {
		if x.path != "/robots.txt" {
			m[x.path]++
		}
	}
	return m
}

// TestSharedBudgetsAcrossWorkers: three workers together keep MaxPages and
// MaxPagesPerHost; the next run fetches the rest, and nothing is fetched
// twice.
func TestSharedBudgetsAcrossWorkers(t *testing.T) {
	url := redistest.URL(t)
	const hosts, perHost = 4, 6
	tests := []struct {
		name      string
		maxPages  int
		perHost   int
		wantTotal int
	}{
		{"MaxPagesPerHost", 0, 2, hosts * 2},
		{"MaxPages", 7, 0, 7},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			farm, seeds := sharedFarm(t, 150+10*i, hosts, perHost, "User-agent: *\nDisallow: /private\n")
			ns := redistest.Namespace(t)
			ctx := patientContext(t, "3 shared workers under a page budget")
			cfg := Config{Seeds: seeds, Hosts: hostsOf(farm), Delay: 20 * time.Millisecond, AllowPrivate: true,
				DisableSitemaps: true, Concurrency: 4, MaxPages: tc.maxPages, MaxPagesPerHost: tc.perHost, WARCDir: "-", StatsFile: "-"}
			cs, _, _ := newSharedWorkers(t, 3, cfg)
			stats := runShared(t, ctx, url, ns, cs)
			handled := int64(0)
			for _, s := range stats {
				handled += s.Pages
			}
			fetched := 0
			for _, h := range farm {
				n := 0
				for _, c := range pageHits(h) {
					n += c
				}
				fetched += n
				if tc.perHost > 0 && n != tc.perHost {
					t.Errorf("%s: %d pages fetched, want the per-host budget %d", h.ip, n, tc.perHost)
				}
			}
			if handled != int64(tc.wantTotal) || fetched != tc.wantTotal {
				t.Errorf("pages handled %d, fetched %d; want %d", handled, fetched, tc.wantTotal)
			}
			// The next run without budgets fetches the rest, each once.
			cfg.MaxPages, cfg.MaxPagesPerHost = 0, 0
			cs, _, _ = newSharedWorkers(t, 3, cfg)
			runShared(t, ctx, url, ns, cs)
			for _, h := range farm {
				for _, p := range append([]string{"/"}, pathsN(perHost)...) {
					if n := pageHits(h)[p]; n != 1 {
						t.Errorf("%s%s fetched %d times over both runs, want 1", h.ip, p, n)
					}
				}
				checkPoliteness(t, h, 20*time.Millisecond)
			}
		})
	}
}

// TestSharedParkingAcrossWorkers: a host failing with 503 is parked after
// ParkAfter consecutive failures (whichever worker saw them), and since it
// will not be ready within MaxWait the workers leave it for the next run
// and finish the other hosts, instead of retrying it or waiting.
func TestSharedParkingAcrossWorkers(t *testing.T) {
	url := redistest.URL(t)
	farm, seeds := sharedFarm(t, 175, 2, 3, "User-agent: *\nDisallow:\n")
	bad := newFarmHost(t, "127.0.0.177")
	bad.setRobots("User-agent: *\nDisallow:\n")
	for _, p := range []string{"/", "/x", "/y"} {
		bad.mux.HandleFunc(p, func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusServiceUnavailable)
		})
	}
	ns := redistest.Namespace(t)
	// Parked for an hour: workers that waited for the host would still
	// be running when patience ends. MaxDelay keeps the slow-host gap,
	// which grows with the response times of a loaded machine, well
	// within MaxWait.
	ctx, cancel := context.WithTimeout(context.Background(), patience)
	defer cancel()
	cfg := Config{Seeds: append(seeds, bad.base+"/", bad.base+"/x", bad.base+"/y"), Delay: 20 * time.Millisecond, AllowPrivate: true,
		DisableSitemaps: true, BackoffBase: 30 * time.Millisecond, MaxRetries: 10, ParkAfter: 3, ParkFor: time.Hour,
		MaxWait: 2 * time.Second, MaxDelay: 500 * time.Millisecond, WARCDir: "-", StatsFile: "-"}
	cs, _, _ := newSharedWorkers(t, 2, cfg)
	runShared(t, ctx, url, ns, cs)
	if ctx.Err() != nil {
		t.Fatalf("the workers were still running after %v: they waited for the parked host", patience)
	}
	if n := len(bad.hitList()) - bad.count("/robots.txt", 0); n != 3 {
		t.Errorf("failing host got %d page requests, want 3 (parked after 3 consecutive failures)", n)
	}
	for _, h := range farm {
		for _, p := range append([]string{"/"}, pathsN(3)...) {
			if n := h.count(p, 0); n != 1 {
				t.Errorf("%s%s fetched %d times, want 1", h.ip, p, n)
			}
		}
	}
	fr := openTestShared(t, url, ns, "check", time.Second)
	st, err := fr.Status(ctx)
	if err != nil || st.Later != 1 {
		t.Errorf("status %+v, %v: want the failing host left for the next run", st, err)
	}
}

// warcText returns the decompressed WARC records under dir.
func warcText(t *testing.T, dir string) string {
	t.Helper()
	var all bytes.Buffer
	files, _ := filepath.Glob(filepath.Join(dir, "*.warc.gz"))
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		zr, err := gzip.NewReader(bytes.NewReader(raw))
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		b, err := io.ReadAll(zr)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		all.Write(b)
	}
	return all.String()
}

// TestSharedRecrawl: a second run on a finished pass (no Reset) is a new
// pass: the seed and the feed are fetched again with the validators kept
// in Redis, the unchanged seed answers 304 and is archived as a revisit
// by the worker that fetched it, the changed feed brings its new article,
// and known articles are not fetched again.
func TestSharedRecrawl(t *testing.T) {
	url := redistest.URL(t)
	h := newFarmHost(t, "127.0.0.180")
	h.setRobots("User-agent: *\nAllow: /\nSitemap: " + h.base + "/sm.xml\n")
	v := &versioned{}
	v.set("/sm.xml", `<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>`+h.base+`/b</loc></url></urlset>`)
	v.set("/", articleHTML("home", "/a"))
	v.set("/feed.xml", rss(h.base, "/a", "/b"))
	v.set("/a", articleHTML("A"))
	v.set("/b", articleHTML("B"))
	v.set("/c", articleHTML("C"))
	h.mux.Handle("/", v)
	ns := redistest.Namespace(t)
	ctx := patientContext(t, "2 shared workers, two passes over a seed, a feed and a sitemap")
	cfg := Config{Seeds: []string{h.base + "/"}, Feeds: []string{h.base + "/feed.xml"}, Delay: 10 * time.Millisecond,
		AllowPrivate: true, StatsFile: "-"}

	cs, _, _ := newSharedWorkers(t, 2, cfg)
	runShared(t, ctx, url, ns, cs)
	want1 := map[string]int{"/": 1, "/feed.xml": 1, "/a": 1, "/b": 1, "/sm.xml": 1, "/sitemap.xml": 1}
	for p, n := range want1 {
		if got := pageHits(h)[p]; got != n {
			t.Errorf("pass 1: %s fetched %d times, want %d", p, got, n)
		}
	}
	fr := openTestShared(t, url, ns, "check", time.Second)
	if pass, _ := fr.Pass(ctx); pass != 1 {
		t.Errorf("pass after the first run = %d, want 1", pass)
	}

	v.set("/feed.xml", rss(h.base, "/a", "/b", "/c"))
	cs, logs, sts := newSharedWorkers(t, 2, cfg)
	runShared(t, ctx, url, ns, cs)
	if pass, _ := fr.Pass(ctx); pass != 2 {
		t.Errorf("pass after the second run = %d, want 2", pass)
	}
	// robots.txt is still fresh, but its Sitemap: line, like the default
	// /sitemap.xml, is fetched again in the new pass.
	wantHits := map[string]int{"/": 2, "/feed.xml": 2, "/a": 1, "/b": 1, "/c": 1, "/sm.xml": 2, "/sitemap.xml": 2}
	if n := h.count("/robots.txt", 0); n != 1 {
		t.Errorf("robots.txt fetched %d times in two passes within its TTL, want 1", n)
	}
	for p, n := range wantHits {
		if got := pageHits(h)[p]; got != n {
			t.Errorf("after pass 2: %s fetched %d times, want %d", p, got, n)
		}
	}
	if n := h.count("/", http.StatusNotModified); n != 1 {
		t.Errorf("seed answered 304 %d times in pass 2, want 1 (conditional GET)", n)
	}
	if n := h.count("/sm.xml", http.StatusNotModified); n != 1 {
		t.Errorf("unchanged sitemap answered 304 %d times, want 1", n)
	}
	if n := h.count("/feed.xml", http.StatusOK); n != 2 {
		t.Errorf("changed feed answered 200 %d times, want 2", n)
	}
	handledC := false
	for _, pl := range logs {
		if pl.get(h.base+"/c") != nil {
			handledC = true
		}
		if pl.get(h.base+"/") != nil {
			t.Errorf("unchanged seed handed to the handler again in pass 2")
		}
	}
	if !handledC {
		t.Error("the feed's new article was not handed to a handler")
	}
	// The worker that got the 304 logged it and archived a revisit.
	found := 0
	for w, st := range sts {
		recs, err := FetchLog(st.DB())
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range recs {
			if r.Outcome != "not-modified" || r.URL != h.base+"/" {
				continue
			}
			found++
			text := warcText(t, filepath.Join(st.Dir(), "warc"))
			i := strings.Index(text, "WARC-Type: revisit")
			if i < 0 || !strings.Contains(text[i:], "WARC-Target-URI: "+h.base+"/") || !strings.Contains(text, "server-not-modified") {
				t.Errorf("worker %d logged the 304 but its WARC has no server-not-modified revisit for %s", w, h.base+"/")
			}
		}
	}
	if found != 1 {
		t.Errorf("304 of the seed logged by %d workers, want 1", found)
	}
}

// TestSharedRobotsCache: robots.txt and its Crawl-delay are shared by all
// workers: one fetch per host while the cache is fresh, the Crawl-delay
// kept between requests of different workers, disallowed paths never
// fetched; once the cache is older than RobotsTTL, the next pass fetches
// robots.txt again (once per host). The cache's clock stands still
// during a pass and moves only between the passes.
func TestSharedRobotsCache(t *testing.T) {
	url := redistest.URL(t)
	tests := []struct {
		name       string
		ttl        time.Duration
		advance    time.Duration // the cache's clock, between the passes
		wantRobots int
	}{
		{"fresh", time.Hour, 0, 1},
		{"just fresh", time.Hour, time.Hour - time.Nanosecond, 1},
		{"expired", time.Hour, time.Hour, 2},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var farm []*farmHost
			var seeds []string
			for j := 0; j < 2; j++ {
				h := newFarmHost(t, fmt.Sprintf("127.0.0.%d", 185+5*i+j))
				h.setRobots("User-agent: *\nCrawl-delay: 0.25\nDisallow: /private\n")
				h.html("/", articleHTML("home "+h.ip, "/a/1", "/a/2", "/a/3", "/private/x"))
				for k := 1; k <= 3; k++ {
					h.html(fmt.Sprintf("/a/%d", k), articleHTML(fmt.Sprintf("%s %d", h.ip, k), "/", "/private/x"))
				}
				h.html("/private/x", articleHTML("secret"))
				farm, seeds = append(farm, h), append(seeds, h.base+"/")
			}
			ns := redistest.Namespace(t)
			ctx := patientContext(t, "two passes of 3 shared workers over 2 hosts with Crawl-delay 0.25")
			clock := newTestClock()
			cfg := Config{Seeds: seeds, Hosts: hostsOf(farm), Delay: 5 * time.Millisecond, RobotsTTL: tc.ttl, AllowPrivate: true,
				DisableSitemaps: true, WARCDir: "-", StatsFile: "-", now: clock.Now}
			cs, _, _ := newSharedWorkers(t, 3, cfg)
			runShared(t, ctx, url, ns, cs)
			for _, h := range farm {
				if n := h.count("/robots.txt", 0); n != 1 {
					t.Errorf("%s: robots.txt fetched %d times by 3 workers, want 1", h.ip, n)
				}
			}
			clock.Advance(tc.advance)
			cs, _, _ = newSharedWorkers(t, 3, cfg)
			runShared(t, ctx, url, ns, cs)
			for _, h := range farm {
				if n := h.count("/robots.txt", 0); n != tc.wantRobots {
					t.Errorf("%s: robots.txt fetched %d times over two passes, want %d", h.ip, n, tc.wantRobots)
				}
				if n := h.count("/private/x", 0); n != 0 {
					t.Errorf("%s: disallowed /private/x fetched %d times", h.ip, n)
				}
				if n := h.count("/", 0); n != 2 {
					t.Errorf("%s: seed fetched %d times over two passes, want 2", h.ip, n)
				}
				if checkPoliteness(t, h, 250*time.Millisecond) != 0 {
					t.Errorf("%s: Crawl-delay 0.25 s not kept across workers", h.ip)
				}
				if checkRobots(t, h) != 0 {
					t.Errorf("%s: robots violations", h.ip)
				}
			}
		})
	}
}
