package shared

import (
	"context"
	"fmt"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"
	"github.com/syndex/syndex/crawler/frontier"
	"github.com/syndex/syndex/crawler/frontier/frontiertest"
	"github.com/syndex/syndex/internal/redistest"
)

func openTestShared(t testing.TB, url, ns, worker string, lease time.Duration) *Frontier {
	t.Helper()
	fr, err := Open(context.Background(), url, Options{Namespace: ns, Worker: worker, LeaseTTL: lease})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { fr.Close() })
	return fr
}

// expireLease makes the lease on host expire now, as it does a lease TTL
// after its worker died.
func expireLease(t testing.TB, f *Frontier, host string) {
	t.Helper()
	if err := f.rdb.ZAdd(context.Background(), f.prefix+"lease", goredis.Z{Score: 0, Member: host}).Err(); err != nil {
		t.Fatal(err)
	}
}

// testEntry is a page entry for raw.
func testEntry(t testing.TB, raw string) *frontier.Entry {
	t.Helper()
	return frontiertest.Entry(t, raw, frontier.KindPage)
}

func TestSharedFrontierLeases(t *testing.T) {
	url := redistest.URL(t)
	ns := redistest.Namespace(t)
	ctx := context.Background()
	// Leases outlast any slow step of the test: a lease expires when the
	// test says so (expireLease).
	a := openTestShared(t, url, ns, "a", time.Hour)
	b := openTestShared(t, url, ns, "b", time.Hour)

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
	// A release sets the host's politeness gap; it is not ready before,
	// whatever is queued for it meanwhile.
	const gap = 200 * time.Millisecond
	released := time.Now()
	if ok, err := b.release(ctx, cb.host, gap, nil); !ok || err != nil {
		t.Fatalf("release b = %v, %v", ok, err)
	}
	if ok, err := b.release(ctx, cb.host, 0, nil); ok || err != nil {
		t.Fatalf("second release = %v, %v; want false (not held)", ok, err)
	}
	if _, err := b.add(ctx, []*frontier.Entry{testEntry(t, "http://"+cb.host+"/later")}); err != nil {
		t.Fatal(err)
	}
	c, err := b.claimNext(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	// Redis counts whole milliseconds.
	switch elapsed := time.Since(released); {
	case c.host == "" && c.wait <= gap && c.wait >= gap-elapsed-time.Millisecond:
		// resting for what is left of the gap
	case c.host == cb.host && elapsed >= gap-time.Millisecond:
		// a slow step: the gap was over
		b.release(ctx, c.host, 0, nil)
	default:
		t.Fatalf("claim %v after a release with a gap of %v = %+v; want no host before the gap is over", elapsed, gap, c)
	}

	// a dies holding its lease: once it expired, b gets the host back with
	// the same entry, and a's late release is refused.
	expireLease(t, a, ca.host)
	var got *claim
	deadline := time.Now().Add(time.Minute) // a hang detector: the claim comes at once once the lease expired
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
	if s, err := a.Status(ctx); err != nil || s != (Status{}) {
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

// drainClaims claims and releases (no request, no politeness gap) until
// nothing is ready, counting the pages claimed per host.
func drainClaims(t *testing.T, frs []*Frontier, lim frontier.Limits) map[string]int {
	t.Helper()
	ctx := context.Background()
	got := map[string]int{}
	for i := 0; ; i++ {
		fr := frs[i%len(frs)]
		c, err := fr.claimWith(ctx, lim)
		if err != nil {
			t.Fatal(err)
		}
		if c.host == "" {
			if c.wait < 0 {
				return got
			}
			time.Sleep(c.wait)
			continue
		}
		if c.e.Kind == frontier.KindPage {
			got[c.host]++
		}
		if ok, _, err := fr.releaseWith(ctx, c.host, releaseOpts{gap: 0, outcome: 0}); !ok || err != nil {
			t.Fatalf("release %s = %v, %v", c.host, ok, err)
		}
	}
}

// TestSharedFrontierBudgets: the page budgets count the claims of every
// worker together; hosts over a budget are held back (the run is done),
// a refund lets them go on, and a new run resets the budgets.
func TestSharedFrontierBudgets(t *testing.T) {
	url := redistest.URL(t)
	tests := []struct {
		name      string
		lim       frontier.Limits
		wantTotal int
		wantHost  int // per host, 0: not checked
		wantOver  int64
	}{
		{"per-host", frontier.Limits{MaxPagesPerHost: 2}, 6, 2, 3},
		{"global", frontier.Limits{MaxPages: 4}, 4, 0, 3},
		{"both", frontier.Limits{MaxPages: 5, MaxPagesPerHost: 1}, 3, 1, 3},
		{"none", frontier.Limits{}, 15, 5, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			ns := redistest.Namespace(t)
			a := openTestShared(t, url, ns, "a", time.Second)
			b := openTestShared(t, url, ns, "b", time.Second)
			var es []*frontier.Entry
			for h := 1; h <= 3; h++ {
				for i := 0; i < 5; i++ {
					es = append(es, testEntry(t, fmt.Sprintf("http://h%d.test/p%d", h, i)))
				}
			}
			if _, err := a.startRun(ctx, es); err != nil {
				t.Fatal(err)
			}
			// A claimed page that was not handled goes back to the budgets.
			c, err := a.claimWith(ctx, tc.lim)
			if err != nil || c.host == "" {
				t.Fatalf("first claim: %+v, %v", c, err)
			}
			if st, _ := a.Status(ctx); st.Pages != 1 {
				t.Errorf("pages after one claim = %d, want 1", st.Pages)
			}
			if _, _, err := a.releaseWith(ctx, c.host, releaseOpts{gap: -1, requeue: c.e, refund: true, outcome: -1}); err != nil {
				t.Fatal(err)
			}
			if st, _ := a.Status(ctx); st.Pages != 0 {
				t.Errorf("pages after the refund = %d, want 0", st.Pages)
			}
			got := drainClaims(t, []*Frontier{a, b}, tc.lim)
			total := 0
			for h, n := range got {
				total += n
				if tc.wantHost > 0 && n != tc.wantHost {
					t.Errorf("%s: %d pages claimed, want %d", h, n, tc.wantHost)
				}
			}
			if total != tc.wantTotal {
				t.Errorf("pages claimed by both workers = %d (%v), want %d", total, got, tc.wantTotal)
			}
			st, err := b.Status(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if st.OverBudget != tc.wantOver || st.Pages != int64(tc.wantTotal) {
				t.Errorf("status %+v: want %d hosts over budget, %d pages", st, tc.wantOver, tc.wantTotal)
			}
			if done, _ := b.Done(ctx); !done {
				t.Errorf("run not done with every host over budget: %+v", st)
			}
			if tc.wantOver == 0 {
				return
			}
			// A worker joining while the others are alive joins their run:
			// the budgets stand, even though no host is leased now.
			late := openTestShared(t, url, ns, "late", time.Second)
			if rs, err := late.startRun(ctx, nil); err != nil || rs.NewRun {
				t.Fatalf("late startRun = %+v, %v; want to join the running run", rs, err)
			}
			if c, err := late.claimWith(ctx, tc.lim); err != nil || c.host != "" {
				t.Fatalf("late worker claimed %+v, %v over the budget", c, err)
			}
			// Once every worker has left, a new run resets the budgets.
			for _, fr := range []*Frontier{a, b, late} {
				if err := fr.leave(ctx); err != nil {
					t.Fatal(err)
				}
			}
			rs, err := b.startRun(ctx, nil)
			if err != nil || !rs.NewRun || rs.NewPass {
				t.Fatalf("startRun = %+v, %v; want a new run in the same pass", rs, err)
			}
			more := drainClaims(t, []*Frontier{a, b}, tc.lim)
			n := 0
			for _, v := range more {
				n += v
			}
			if want := min(tc.wantTotal, 15-tc.wantTotal); n != want {
				t.Errorf("second run claimed %d pages (%v), want %d", n, more, want)
			}
		})
	}
}

// TestSharedFrontierPasses: seeds, feeds and sitemaps are queued once per
// pass, whoever discovers them and however often; plain pages once per
// crawl; a new pass starts only when the previous one is complete.
func TestSharedFrontierPasses(t *testing.T) {
	url := redistest.URL(t)
	ctx := context.Background()
	ns := redistest.Namespace(t)
	a := openTestShared(t, url, ns, "a", time.Second)
	b := openTestShared(t, url, ns, "b", time.Second)
	entryOf := func(raw string, k frontier.Kind, revisit bool) *frontier.Entry {
		e := testEntry(t, raw)
		e.Kind, e.Revisit = k, revisit
		return e
	}
	seed := entryOf("http://r.test/", frontier.KindPage, true)
	feed := entryOf("http://r.test/feed.xml", frontier.KindFeed, true)
	asLink := entryOf("http://r.test/feed.xml", frontier.KindPage, false)
	page := entryOf("http://r.test/a", frontier.KindPage, false)
	drain := func() {
		t.Helper()
		drainClaims(t, []*Frontier{a, b}, frontier.Limits{})
		a.leave(ctx) // the workers stop when the run is done
		b.leave(ctx)
	}
	steps := []struct {
		name     string
		fr       *Frontier
		start    bool // startRun instead of add
		es       []*frontier.Entry
		want     int64
		wantPass int64
		drain    bool
	}{
		{"first run", a, true, []*frontier.Entry{seed}, 1, 1, false},
		{"second worker joins", b, true, []*frontier.Entry{seed}, 0, 1, false},
		{"feed first seen as a link", a, false, []*frontier.Entry{asLink}, 1, 1, false},
		{"then as a feed: same pass", b, false, []*frontier.Entry{feed, feed}, 0, 1, false},
		{"page", a, false, []*frontier.Entry{page}, 1, 1, true},
		{"new pass after the finished one", b, true, []*frontier.Entry{seed}, 1, 2, false},
		{"feed again in the new pass, once", a, false, []*frontier.Entry{feed, feed}, 1, 2, false},
		{"plain page never again", a, false, []*frontier.Entry{page, asLink}, 0, 2, true},
		{"third pass", a, true, []*frontier.Entry{seed}, 1, 3, false},
	}
	for _, s := range steps {
		var n int64
		if s.start {
			rs, err := s.fr.startRun(ctx, s.es)
			if err != nil {
				t.Fatalf("%s: %v", s.name, err)
			}
			n = rs.Queued
		} else {
			m, err := s.fr.add(ctx, s.es)
			if err != nil {
				t.Fatalf("%s: %v", s.name, err)
			}
			n = int64(m)
		}
		if pass, _ := a.Pass(ctx); n != s.want || pass != s.wantPass {
			t.Errorf("%s: queued %d in pass %d; want %d in pass %d", s.name, n, pass, s.want, s.wantPass)
		}
		if s.drain {
			drain()
		}
	}
}

// TestSharedFrontierReclaimRefunds: the page a dead worker held when its
// lease expired goes back to the queue and to the budget, so the budget
// still buys MaxPages handled pages.
func TestSharedFrontierReclaimRefunds(t *testing.T) {
	url := redistest.URL(t)
	ctx := context.Background()
	ns := redistest.Namespace(t)
	dead := openTestShared(t, url, ns, "dead", 200*time.Millisecond)
	live := openTestShared(t, url, ns, "live", 5*time.Second)
	lim := frontier.Limits{MaxPages: 2}
	if _, err := dead.startRun(ctx, []*frontier.Entry{testEntry(t, "http://k.test/1"), testEntry(t, "http://k.test/2"), testEntry(t, "http://k.test/3")}); err != nil {
		t.Fatal(err)
	}
	held, err := dead.claimWith(ctx, lim)
	if err != nil || held.host == "" {
		t.Fatalf("claim: %+v, %v", held, err)
	}
	time.Sleep(300 * time.Millisecond) // dead never renews nor releases
	var urls []string
	for {
		c, err := live.claimWith(ctx, lim)
		if err != nil {
			t.Fatal(err)
		}
		if c.host == "" {
			if c.wait < 0 {
				break
			}
			time.Sleep(c.wait)
			continue
		}
		urls = append(urls, c.e.URL)
		if ok, _, err := live.releaseWith(ctx, c.host, releaseOpts{gap: 0, outcome: 0}); !ok || err != nil {
			t.Fatalf("release: %v, %v", ok, err)
		}
	}
	if len(urls) != 2 || urls[0] != held.e.URL {
		t.Errorf("live worker handled %v; want 2 pages starting with the reclaimed %s", urls, held.e.URL)
	}
	if st, _ := live.Status(ctx); st.Pages != 2 || st.OverBudget != 1 {
		t.Errorf("status %+v: want 2 pages counted and the host over budget", st)
	}
}
