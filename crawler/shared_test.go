package crawler

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/syndex/syndex/crawler/frontier"
	"github.com/syndex/syndex/internal/redistest"
	"github.com/syndex/syndex/store"
)

func openTestShared(t testing.TB, url, ns, worker string, lease time.Duration) *SharedFrontier {
	t.Helper()
	fr, err := OpenShared(context.Background(), url, SharedOptions{Namespace: ns, Worker: worker, LeaseTTL: lease})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { fr.Close() })
	return fr
}

func testEntry(t testing.TB, raw string) *frontier.Entry {
	t.Helper()
	u, err := Canonicalize(raw)
	if err != nil {
		t.Fatal(err)
	}
	return &frontier.Entry{URL: u.String(), Key: Key(u), Host: u.Host}
}

// sharedFarm starts hosts loopback sites (127.0.0.first …), each with a
// home page linking perHost-1 articles that link to each other and to the
// next site's home page.
func sharedFarm(t testing.TB, first, hosts, perHost int, robots string) ([]*farmHost, []string) {
	t.Helper()
	var farm []*farmHost
	for i := 0; i < hosts; i++ {
		farm = append(farm, newFarmHost(t, fmt.Sprintf("127.0.0.%d", first+i)))
	}
	var seeds []string
	for i, h := range farm {
		h.setRobots(robots)
		next := farm[(i+1)%len(farm)].base + "/"
		var links []string
		for j := 1; j < perHost; j++ {
			links = append(links, fmt.Sprintf("/a/%d", j))
		}
		for j := 1; j < perHost; j++ {
			h.html(fmt.Sprintf("/a/%d", j), articleHTML(fmt.Sprintf("%s story %d", h.ip, j), append([]string{"/", next}, links...)...))
		}
		h.html("/", articleHTML("home "+h.ip, links...))
		seeds = append(seeds, h.base+"/")
	}
	return farm, seeds
}

// TestSharedWorkers runs three in-process workers on one shared frontier
// over 24 hosts: every page is fetched exactly once, robots.txt once per
// host, no host sees two requests closer than the delay, and the work is
// shared.
func TestSharedWorkers(t *testing.T) {
	const hosts, perHost, workers = 24, 6, 3
	const delay = 80 * time.Millisecond
	url := redistest.URL(t)
	ns := redistest.Namespace(t)
	farm, seeds := sharedFarm(t, 60, hosts, perHost, "User-agent: *\nDisallow: /private\n")
	ctx := patientContext(t, "three shared workers over 24 hosts × 6 pages")

	var wg sync.WaitGroup
	stats := make([]Stats, workers)
	logs := make([]*pageLog, workers)
	for w := 0; w < workers; w++ {
		st, err := store.Open(t.TempDir(), store.Options{NoSync: true})
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		logs[w] = &pageLog{}
		// Each worker knows only some seeds; links and the shared queue
		// bring it the rest.
		c, err := New(Config{Seeds: seeds[w*hosts/workers : (w+1)*hosts/workers], Hosts: hostsOf(farm), Delay: delay,
			AllowPrivate: true, DisableSitemaps: true, Concurrency: 8, Logger: quietLogger()}, st, logs[w].handler)
		if err != nil {
			t.Fatal(err)
		}
		fr := openTestShared(t, url, ns, fmt.Sprintf("w%d", w), 5*time.Second)
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer c.Close()
			s, err := c.RunShared(ctx, fr)
			if err != nil {
				t.Errorf("worker %d: %v", w, err)
			}
			stats[w] = s
		}()
	}
	wg.Wait()

	total := int64(0)
	for w, s := range stats {
		total += s.Pages
		if s.Pages == 0 {
			t.Errorf("worker %d fetched no pages: the work was not shared", w)
		}
		t.Logf("worker %d: %d pages, %d requests", w, s.Pages, s.Requests)
	}
	if total != hosts*perHost {
		t.Errorf("pages handed to handlers = %d, want %d", total, hosts*perHost)
	}
	violations := 0
	for _, h := range farm {
		violations += checkPoliteness(t, h, delay)
		if n := h.count("/robots.txt", 0); n != 1 {
			t.Errorf("%s: robots.txt fetched %d times, want 1 (shared cache)", h.ip, n)
		}
		for _, p := range append([]string{"/"}, pathsN(perHost)...) {
			if n := h.count(p, 0); n != 1 {
				t.Errorf("%s%s fetched %d times, want exactly once", h.ip, p, n)
			}
		}
	}
	if violations != 0 {
		t.Errorf("%d politeness violations", violations)
	}
	if done, err := openTestShared(t, url, ns, "check", time.Second).Done(ctx); !done || err != nil {
		t.Errorf("frontier not done after the workers stopped: %v", err)
	}
}

func hostsOf(farm []*farmHost) []string {
	var hs []string
	for _, h := range farm {
		hs = append(hs, h.ip)
	}
	return hs
}

func pathsN(perHost int) []string {
	var ps []string
	for j := 1; j < perHost; j++ {
		ps = append(ps, fmt.Sprintf("/a/%d", j))
	}
	return ps
}

// TestSharedHandlerRetry: a page whose handler fails (in a cluster, the
// article could not be published) is handled again later from its
// archived response, not lost and not fetched again.
func TestSharedHandlerRetry(t *testing.T) {
	url := redistest.URL(t)
	farm, seeds := sharedFarm(t, 90, 1, 3, "User-agent: *\nDisallow:\n")
	st, err := store.Open(t.TempDir(), store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var mu sync.Mutex
	calls := map[string]int{}
	h := func(_ context.Context, p *Page) error {
		mu.Lock()
		defer mu.Unlock()
		calls[p.URL]++
		if calls[p.URL] == 1 && p.URL == seeds[0]+"a/1" {
			return fmt.Errorf("stream unavailable")
		}
		return nil
	}
	c, err := New(Config{Seeds: seeds, Delay: 20 * time.Millisecond, BackoffBase: 50 * time.Millisecond, AllowPrivate: true,
		DisableSitemaps: true, Logger: quietLogger()}, st, h)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx := patientContext(t, "a shared worker whose handler fails once")
	s, err := c.RunShared(ctx, openTestShared(t, url, redistest.Namespace(t), "w", time.Second))
	if err != nil {
		t.Fatal(err)
	}
	// Handled again from the WARC: the response was archived.
	if calls[seeds[0]+"a/1"] != 2 || farm[0].count("/a/1", 0) != 1 || s.Retries != 1 || s.Replayed != 1 {
		t.Errorf("handler calls %v, /a/1 fetched %d times, %d retries, %d replayed; want the failed page handled again once, from the WARC",
			calls, farm[0].count("/a/1", 0), s.Retries, s.Replayed)
	}
	if n := farm[0].count("/a/2", 0); n != 1 {
		t.Errorf("/a/2 fetched %d times, want 1", n)
	}
}
