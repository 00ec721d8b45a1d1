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

func TestSharedFrontierLeases(t *testing.T) {
	url := redistest.URL(t)
	ns := redistest.Namespace(t)
	ctx := context.Background()
	a := openTestShared(t, url, ns, "a", 300*time.Millisecond)
	b := openTestShared(t, url, ns, "b", 300*time.Millisecond)

	if done, err := a.Done(ctx); done || err != nil {
		t.Fatalf("Done before anything was queued = %v, %v; want false", done, err)
	}
	// The seen set admits each SURT key once, whatever worker adds it.
	n, err := a.add(ctx, []*frontier.Entry{testEntry(t, "http://h1.test/x"), testEntry(t, "http://h1.test/y"), testEntry(t, "http://h2.test/x")})
	if err != nil || n != 3 {
		t.Fatalf("add = %d, %v; want 3", n, err)
	}
	if n, err = b.add(ctx, []*frontier.Entry{testEntry(t, "http://H1.test/x#frag"), testEntry(t, "http://h1.test/z")}); err != nil || n != 1 {
		t.Fatalf("second add = %d, %v; want 1 (x already seen)", n, err)
	}

	// Two workers never hold one host at once.
	ca, err := a.claimNext(ctx, 0)
	if err != nil || ca.host == "" {
		t.Fatalf("claim a: %+v %v", ca, err)
	}
	cb, err := b.claimNext(ctx, 0)
	if err != nil || cb.host == "" || cb.host == ca.host {
		t.Fatalf("claim b got %+v (a holds %s), %v", cb, ca.host, err)
	}
	if c3, err := b.claimNext(ctx, 0); err != nil || c3.host != "" || c3.leases != 2 || c3.wait >= 0 {
		t.Fatalf("third claim = %+v, %v; want nothing ready, 2 leases", c3, err)
	}
	// A release sets the host's politeness gap; it is not ready before.
	if ok, err := b.release(ctx, cb.host, 200*time.Millisecond, nil); !ok || err != nil {
		t.Fatalf("release b = %v, %v", ok, err)
	}
	if ok, err := b.release(ctx, cb.host, 0, nil); ok || err != nil {
		t.Fatalf("second release = %v, %v; want false (not held)", ok, err)
	}
	if cb.host == "h1.test" {
		c, _ := b.claimNext(ctx, 0)
		if c.host != "" || c.wait <= 0 || c.wait > 200*time.Millisecond {
			t.Fatalf("claim during the gap = %+v; want a wait ≤ 200ms", c)
		}
	}

	// a dies holding its lease: after the TTL, b gets the host back with
	// the same entry, and a's late release is refused.
	time.Sleep(350 * time.Millisecond)
	var got *claim
	deadline := time.Now().Add(2 * time.Second)
	for time.Now().Before(deadline) {
		c, err := b.claimNext(ctx, 100*time.Millisecond)
		if err != nil {
			t.Fatal(err)
		}
		if c.host == ca.host {
			got = c
			break
		}
		if c.host != "" {
			b.release(ctx, c.host, 0, nil)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if got == nil || got.e.URL != ca.e.URL {
		t.Fatalf("after a's lease expired b claimed %+v; want %s", got, ca.e.URL)
	}
	if ok, _ := a.release(ctx, ca.host, 0, nil); ok {
		t.Fatal("a released a lease it had lost")
	}
	if ok, _ := a.renew(ctx, ca.host); ok {
		t.Fatal("a renewed a lease it had lost")
	}
	if ok, _ := b.renew(ctx, ca.host); !ok {
		t.Fatal("b could not renew its lease")
	}
	b.release(ctx, got.host, -1, nil)
	for {
		c, err := b.claimNext(ctx, 0)
		if err != nil {
			t.Fatal(err)
		}
		if c.host == "" && c.wait < 0 {
			break
		}
		if c.host != "" {
			b.release(ctx, c.host, -1, nil)
		} else {
			time.Sleep(c.wait)
		}
	}
	if done, err := b.Done(ctx); !done || err != nil {
		t.Fatalf("Done with every host released = %v, %v; want true", done, err)
	}
	if err := a.Reset(ctx); err != nil {
		t.Fatal(err)
	}
	if s, err := a.Status(ctx); err != nil || s != (SharedStatus{}) {
		t.Fatalf("status after reset = %+v, %v", s, err)
	}
}

func TestParseRedisURL(t *testing.T) {
	for _, tc := range []struct {
		in string
		ok bool
	}{
		{"redis://127.0.0.1:6379/0", true},
		{"rediss://user:pw@cache.example:6380/2", true},
		{"http://127.0.0.1:6379", false},
		{"127.0.0.1:6379", false},
		{"redis://127.0.0.1:6379/notadb", false},
	} {
		_, err := ParseRedisURL(tc.in)
		if (err == nil) != tc.ok {
			t.Errorf("ParseRedisURL(%q) = %v; want ok=%v", tc.in, err, tc.ok)
		}
	}
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
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Second)
	defer cancel()

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
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
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
