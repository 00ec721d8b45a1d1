package crawler

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/syndex/syndex/store"
)

// TestRobotsRedirectAcrossHosts: host A's robots.txt redirects to host B's,
// which is crawled at the same time and answers slowly. The request made
// for A must wait its turn on B (one request in flight, gap kept), and B's
// rules then apply to A.
func TestRobotsRedirectAcrossHosts(t *testing.T) {
	const delay = 150 * time.Millisecond
	b := newFarmHost(t, "127.0.0.47")
	b.robots = "User-agent: *\nDisallow: /secret\n"
	b.mux.HandleFunc("/robots.txt", func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(200 * time.Millisecond)
		w.Write([]byte(b.robots))
	})
	b.html("/", articleHTML("b home", "/b1"))
	b.html("/b1", articleHTML("b1"))
	a := newFarmHost(t, "127.0.0.46")
	a.mux.HandleFunc("/robots.txt", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, b.base+"/robots.txt", http.StatusMovedPermanently)
	})
	a.html("/", articleHTML("a home", "/a1", "/secret/x"))
	a.html("/a1", articleHTML("a1"))
	a.html("/secret/x", articleHTML("secret"))
	st, err := store.Open(t.TempDir(), store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	c, err := New(Config{Seeds: []string{a.base + "/", b.base + "/"}, Delay: delay, AllowPrivate: true,
		DisableSitemaps: true, Logger: quietLogger(), WARCDir: "-", StatsFile: "-"}, st, nil)
	if err != nil {
		t.Fatal(err)
	}
	s, err := c.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if n := b.count("/robots.txt", 200); n != 2 {
		t.Errorf("B's robots.txt fetched %d times, want 2 (for B and through A's redirect)", n)
	}
	if v := checkPoliteness(t, b, delay); v != 0 {
		t.Errorf("%d politeness violations on B", v)
	}
	if a.count("/secret/x", 0) != 0 || a.count("/a1", 200) != 1 || s.RobotsDenied != 1 {
		t.Errorf("A: secret fetched %d, a1 fetched %d, robots denied %d: B's rules should apply to A",
			a.count("/secret/x", 0), a.count("/a1", 200), s.RobotsDenied)
	}
}

// TestRobotsRedirectLoopAcrossHosts: two hosts whose robots.txt files
// redirect to each other, crawled at the same time, each waiting for the
// other: the wait is bounded, robots.txt counts as unreachable (nothing
// else is fetched) and the crawl ends.
func TestRobotsRedirectLoopAcrossHosts(t *testing.T) {
	a := newFarmHost(t, "127.0.0.48")
	b := newFarmHost(t, "127.0.0.49")
	for _, p := range [][2]*farmHost{{a, b}, {b, a}} {
		from, to := p[0], p[1]
		from.mux.HandleFunc("/robots.txt", func(w http.ResponseWriter, r *http.Request) {
			time.Sleep(50 * time.Millisecond) // both redirects are in flight together
			http.Redirect(w, r, to.base+"/robots.txt", http.StatusFound)
		})
		from.html("/", articleHTML("home"))
	}
	st, err := store.Open(t.TempDir(), store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	c, err := New(Config{Seeds: []string{a.base + "/", b.base + "/"}, Delay: 10 * time.Millisecond, AllowPrivate: true,
		Timeout: 300 * time.Millisecond, MaxCrawlDelay: 100 * time.Millisecond, RobotsRetries: 1,
		DisableSitemaps: true, Logger: quietLogger(), WARCDir: "-", StatsFile: "-"}, st, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := runPatiently(t, c, "the hosts waited for each other's robots.txt without bound"); err != nil {
		t.Fatal(err)
	}
	for _, h := range []*farmHost{a, b} {
		if n := h.count("/", 0); n != 0 {
			t.Errorf("%s: / fetched %d times without a robots.txt", h.ip, n)
		}
		checkPoliteness(t, h, 10*time.Millisecond)
	}
}

// TestRobotsRedirectRecordsOtherHost: the time of a request made to another
// host for a redirected robots.txt is kept for politeness across restarts.
func TestRobotsRedirectRecordsOtherHost(t *testing.T) {
	other := newFarmHost(t, "127.0.0.52")
	other.setRobots("User-agent: *\nDisallow:\n")
	a := newFarmHost(t, "127.0.0.53")
	a.mux.HandleFunc("/robots.txt", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.base+"/robots.txt", http.StatusFound)
	})
	a.html("/", articleHTML("home"))
	st, err := store.Open(t.TempDir(), store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	c, err := New(Config{Seeds: []string{a.base + "/"}, Delay: 10 * time.Millisecond, AllowPrivate: true,
		DisableSitemaps: true, Logger: quietLogger(), WARCDir: "-", StatsFile: "-"}, st, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	ended := time.Now()
	hits := other.hitList()
	if len(hits) != 1 || a.count("/", 200) != 1 {
		t.Fatalf("other host hits %+v, home fetched %d times", hits, a.count("/", 200))
	}
	// Recorded after the request ended and before the run did: how long
	// after does not matter (a loaded machine may take long).
	last := c.local.LastRequest(hostOf(other.base))
	if last.Before(hits[0].end) || last.After(ended) {
		t.Errorf("request to the other host recorded at %v, its end was %v, the run ended at %v", last, hits[0].end, ended)
	}
}
