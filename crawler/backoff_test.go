package crawler

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/syndex/syndex/crawler/frontier"
	"github.com/syndex/syndex/store"
	bolt "go.etcd.io/bbolt"
)

// TestBackoffSurvivesRestart stops a crawl right after a host asked it to
// back off and starts a new Crawler on the same archive at once: the host
// must not be asked again before its Retry-After, back-off, parking or
// robots.txt retry time, and the consecutive-failure count carries over
// (the second failure, in the second run, parks the host).
func TestBackoffSurvivesRestart(t *testing.T) {
	type reply struct {
		status     int
		retryAfter string
	}
	tests := []struct {
		name string
		ip   string
		cfg  Config
		// replies per path, in order; later requests get 200.
		robots, page []reply
		// minimum time between the end of request i and the start of
		// request i+1, over all requests to the host (robots.txt included).
		gaps []time.Duration
	}{
		{
			name: "retry-after", ip: "127.0.0.41",
			page: []reply{{429, "3"}},
			// robots.txt, 429 (run 1) | 200 (run 2)
			gaps: []time.Duration{0, 3 * time.Second},
		},
		{
			name: "failures-and-parking", ip: "127.0.0.42",
			cfg:  Config{BackoffBase: time.Second, ParkAfter: 2, ParkFor: 2500 * time.Millisecond},
			page: []reply{{503, ""}, {503, ""}},
			// robots.txt, 503 (run 1) | 503 after the back-off, parked, 200 (run 2)
			gaps: []time.Duration{0, time.Second, 2500 * time.Millisecond},
		},
		{
			name: "robots-retry-after", ip: "127.0.0.44",
			cfg:    Config{RobotsRetry: 500 * time.Millisecond},
			robots: []reply{{429, "2"}},
			// robots.txt 429 (run 1) | robots.txt after Retry-After, page (run 2)
			gaps: []time.Duration{2 * time.Second, 0},
		},
		{
			name: "robots-unavailable", ip: "127.0.0.43",
			cfg:    Config{RobotsRetry: 2 * time.Second},
			robots: []reply{{503, ""}},
			// robots.txt 503 (run 1) | robots.txt, page (run 2)
			gaps: []time.Duration{2 * time.Second, 0},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newFarmHost(t, tc.ip)
			var mu sync.Mutex
			served := map[string]int{}
			backedOff := make(chan struct{}, 8)
			answer := func(path string, script []reply, w http.ResponseWriter) bool {
				mu.Lock()
				n := served[path]
				served[path]++
				mu.Unlock()
				if n >= len(script) {
					return false
				}
				if script[n].retryAfter != "" {
					w.Header().Set("Retry-After", script[n].retryAfter)
				}
				w.WriteHeader(script[n].status)
				backedOff <- struct{}{}
				return true
			}
			h.mux.HandleFunc("/robots.txt", func(w http.ResponseWriter, r *http.Request) {
				if !answer("/robots.txt", tc.robots, w) {
					w.Write([]byte("User-agent: *\nDisallow:\n"))
				}
			})
			h.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
				if !answer("/", tc.page, w) {
					w.Header().Set("Content-Type", "text/html")
					w.Write([]byte(articleHTML("home")))
				}
			})
			st, err := store.Open(t.TempDir(), store.Options{NoSync: true})
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			cfg := tc.cfg
			cfg.Seeds = []string{h.base + "/"}
			cfg.Delay, cfg.AllowPrivate, cfg.DisableSitemaps, cfg.WARCDir, cfg.StatsFile = 10*time.Millisecond, true, true, "-", "-"
			cfg.Logger = quietLogger()
			var pages pageLog
			run := func(ctx context.Context) {
				c, err := New(cfg, st, pages.handler)
				if err != nil {
					t.Fatal(err)
				}
				defer c.Close()
				if _, err := c.Run(ctx); err != nil && ctx.Err() == nil {
					t.Fatal(err)
				}
			}
			// Run 1: stopped after the first back-off answer, once the
			// host's back-off state is in the store.
			ctx, cancel := context.WithCancel(context.Background())
			recorded := make(chan error, 1)
			go func() {
				<-backedOff
				recorded <- waitBackoffRecorded(ctx, st.DB())
				cancel()
			}()
			run(ctx)
			if err := <-recorded; err != nil {
				t.Fatal(err)
			}
			cancel()
			if p := pages.get(h.base + "/"); p != nil {
				t.Fatal("page fetched in the first run")
			}
			// Run 2 at once, to completion.
			run(context.Background())
			if p := pages.get(h.base + "/"); p == nil {
				t.Fatal("page not fetched in the second run")
			}
			hits := h.hitList()
			if len(hits) != len(tc.gaps)+1 {
				t.Fatalf("%d requests, want %d: %+v", len(hits), len(tc.gaps)+1, hits)
			}
			for i, want := range tc.gaps {
				got := hits[i+1].start.Sub(hits[i].end)
				if got < want-20*time.Millisecond {
					t.Errorf("%s (%d) came %v after %s (%d) ended, want ≥ %v", hits[i+1].path, hits[i+1].status, got.Round(time.Millisecond),
						hits[i].path, hits[i].status, want)
				}
			}
			if n := h.count("/", 200); n != 1 {
				t.Errorf("page served %d times, want once", n)
			}
		})
	}
}

// waitBackoffRecorded returns once the store holds a host's back-off
// state (the crawl.backoff bucket is not empty); after patience, or if
// the run ends first, it says what it waited for.
func waitBackoffRecorded(ctx context.Context, db *bolt.DB) error {
	deadline := time.Now().Add(patience)
	for {
		found := false
		db.View(func(tx *bolt.Tx) error {
			if b := tx.Bucket([]byte("crawl.backoff")); b != nil {
				k, _ := b.Cursor().First()
				found = k != nil
			}
			return nil
		})
		switch {
		case found:
			return nil
		case ctx.Err() != nil:
			return fmt.Errorf("run 1 ended before the host's back-off state was stored")
		case time.Now().After(deadline):
			return fmt.Errorf("hung: the host's back-off state not stored %v after the back-off answer", patience)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestRetryAfterCap(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
	}{
		{"0", 0},
		{"120", 2 * time.Minute},
		{"86400", 24 * time.Hour},
		{"315360000", maxRetryAfter}, // ten years
		{"99999999999999999999", 0},  // not a number Go can hold: ignored
		{"Fri, 31 Dec 2100 23:59:59 GMT", maxRetryAfter},
		{"Mon, 01 Jan 2001 00:00:00 GMT", 0}, // in the past
	}
	for _, tc := range tests {
		if got := retryAfter(tc.in); got != tc.want {
			t.Errorf("retryAfter(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

// TestCrawlDelaySurvivesRestart: a run that stops on its page budget and a
// new run started at once, with robots.txt served from the store's cache:
// the first request of the new run still waits out the Crawl-delay after
// the last request of the previous one.
func TestCrawlDelaySurvivesRestart(t *testing.T) {
	h := newFarmHost(t, "127.0.0.45")
	h.setRobots("User-agent: *\nCrawl-delay: 1\n")
	h.html("/", articleHTML("home", "/a"))
	h.html("/a", articleHTML("a"))
	st, err := store.Open(t.TempDir(), store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for run := 1; run <= 2; run++ {
		c, err := New(Config{Seeds: []string{h.base + "/"}, Delay: 10 * time.Millisecond, MaxPages: 1, AllowPrivate: true,
			DisableSitemaps: true, WARCDir: "-", StatsFile: "-", Logger: quietLogger()}, st, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		c.Close()
	}
	hits := h.hitList()
	var paths []string
	for _, x := range hits {
		paths = append(paths, x.path)
	}
	if len(hits) != 3 || paths[0] != "/robots.txt" || paths[1] != "/" || paths[2] != "/a" {
		t.Fatalf("requests %v, want robots.txt, / (run 1), /a (run 2)", paths)
	}
	if d := hits[2].start.Sub(hits[1].end); d < time.Second-20*time.Millisecond {
		t.Errorf("/a came %v after / ended across the restart, want ≥ Crawl-delay 1s", d.Round(time.Millisecond))
	}
}

// TestRobotsUnavailableGivesUp: a host whose robots.txt never answers is
// not retried forever. Its queue is given up after RobotsRetries ×
// MaxRetries consecutive failures counted across runs, each URL recorded as
// failed, so the pass ends and the next run starts a new pass.
func TestRobotsUnavailableGivesUp(t *testing.T) {
	h := newFarmHost(t, "127.0.0.54")
	h.mux.HandleFunc("/robots.txt", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusServiceUnavailable) })
	h.html("/", articleHTML("home"))
	st, err := store.Open(t.TempDir(), store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	cfg := Config{Seeds: []string{h.base + "/"}, Delay: 10 * time.Millisecond, AllowPrivate: true, DisableSitemaps: true,
		RobotsRetries: 1, MaxRetries: 2, RobotsRetry: 50 * time.Millisecond, WARCDir: "-", StatsFile: "-", Logger: quietLogger()}
	tests := []struct {
		wantPass, wantQueue, wantRobots int
	}{
		{1, 1, 1}, // first failure: the host sits out this run, its page stays queued
		{1, 0, 2}, // second in a row: given up, the pass can end
		{2, 1, 3}, // a new pass asks again, with the full count
		{2, 0, 4}, // and gives up after two more failures
	}
	for run, tc := range tests {
		c, err := New(cfg, st, nil)
		if err != nil {
			t.Fatal(err)
		}
		s, err := c.Run(context.Background())
		c.Close()
		if err != nil {
			t.Fatal(err)
		}
		if s.Pass != tc.wantPass || s.Queue != tc.wantQueue || h.count("/robots.txt", 0) != tc.wantRobots {
			t.Errorf("run %d: pass %d, queue %d, robots.txt asked %d times; want %d, %d, %d", run+1, s.Pass, s.Queue,
				h.count("/robots.txt", 0), tc.wantPass, tc.wantQueue, tc.wantRobots)
		}
		if run == 1 {
			l := outcomeOf(t, st, h.base+"/")
			if len(l) == 0 || l[len(l)-1].Outcome != "gave-up" || s.Errors != 1 {
				t.Errorf("run 2: log of the page %+v, errors %d: want a gave-up record", l, s.Errors)
			}
		}
	}
	if n := h.count("/", 0); n != 0 {
		t.Errorf("page fetched %d times without a robots.txt", n)
	}
}

// TestRobotsRetryAfter: a robots.txt answering 503 is asked again after
// its Retry-After, or, without one, after a back-off that doubles from
// BackoffBase; never after the fixed RobotsRetry. While the host waits,
// Stats.Waiting names it, why and until when.
func TestRobotsRetryAfter(t *testing.T) {
	tests := []struct {
		name       string
		ip         string
		retryAfter string // on each 503
		fails      int    // 503s before robots.txt answers
		gaps       []time.Duration
		reason     string
	}{
		{name: "retry-after", ip: "127.0.0.55", retryAfter: "1", fails: 1, gaps: []time.Duration{time.Second}, reason: "robots.txt HTTP 503, Retry-After 1s"},
		{name: "exponential", ip: "127.0.0.56", fails: 2, gaps: []time.Duration{300 * time.Millisecond, 600 * time.Millisecond}, reason: "robots.txt HTTP 503, back-off 300ms"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newFarmHost(t, tc.ip)
			var mu sync.Mutex
			served := 0
			h.mux.HandleFunc("/robots.txt", func(w http.ResponseWriter, r *http.Request) {
				mu.Lock()
				n := served
				served++
				mu.Unlock()
				if n < tc.fails {
					if tc.retryAfter != "" {
						w.Header().Set("Retry-After", tc.retryAfter)
					}
					w.WriteHeader(http.StatusServiceUnavailable)
					return
				}
				io.WriteString(w, "User-agent: *\nDisallow:\n")
			})
			h.html("/", articleHTML("home"))
			st, err := store.Open(t.TempDir(), store.Options{NoSync: true})
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			c, err := New(Config{Seeds: []string{h.base + "/"}, Delay: 10 * time.Millisecond, AllowPrivate: true, DisableSitemaps: true,
				BackoffBase: 300 * time.Millisecond, WARCDir: "-", StatsFile: "-", Logger: quietLogger()}, st, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			// Watch Stats.Waiting until it names the host or the crawl
			// has ended.
			waits := make(chan []frontier.HostWait, 1)
			ended := make(chan struct{})
			go func() {
				for {
					select {
					case <-ended:
						waits <- nil
						return
					case <-time.After(5 * time.Millisecond):
					}
					if w := c.Stats().Waiting; len(w) > 0 {
						waits <- w
						return
					}
				}
			}()
			// The fixed RobotsRetry (5 minutes) would outlast patience.
			s, err := runPatiently(t, c, "the robots.txt wait is not the server's")
			close(ended)
			if err != nil {
				t.Fatal(err)
			}
			if s.Pages != 1 {
				t.Fatalf("%d pages, want 1", s.Pages)
			}
			hits := h.hitList()
			if len(hits) != len(tc.gaps)+2 {
				t.Fatalf("%d requests, want %d: %+v", len(hits), len(tc.gaps)+2, hits)
			}
			for i, want := range tc.gaps {
				got := hits[i+1].start.Sub(hits[i].end)
				// Timers never fire early; lateness under load is no
				// fault, only a wait as long as RobotsRetry (5 min) is.
				if got < want-20*time.Millisecond || got > want+time.Minute {
					t.Errorf("robots.txt asked again %v after failure %d, want %v", got.Round(time.Millisecond), i+1, want)
				}
			}
			w := <-waits
			if len(w) != 1 || w[0].Host != strings.TrimPrefix(h.base, "http://") || w[0].Reason != tc.reason ||
				w[0].Until.Sub(hits[0].end) < tc.gaps[0]-20*time.Millisecond || w[0].Until.Sub(hits[0].end) > tc.gaps[0]+time.Minute {
				t.Errorf("waiting %+v, want %s waiting for %q until ~%v after the first answer", w, h.base, tc.reason, tc.gaps[0])
			}
		})
	}
}
