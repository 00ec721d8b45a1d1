package crawler

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/syndex/syndex/crawler/robots"
	"github.com/syndex/syndex/internal/redistest"
	"github.com/syndex/syndex/store"
)

// The conformance suite of Frontier: every test runs against the local
// frontier (bbolt) and the shared one (Redis; skipped without a
// redis-server), through the interface the dispatch loop uses.

// frontierImpls opens a fresh frontier of each implementation for cfg,
// with the crawler that owns it (its store keeps the fetch log).
var frontierImpls = []struct {
	name string
	open func(t *testing.T, cfg Config) (Frontier, *Crawler)
}{
	{"local", func(t *testing.T, cfg Config) (Frontier, *Crawler) {
		c := newFrontierCrawler(t, cfg)
		return c.local, c
	}},
	{"shared", func(t *testing.T, cfg Config) (Frontier, *Crawler) {
		url := redistest.URL(t)
		c := newFrontierCrawler(t, cfg)
		return &sharedRun{SharedFrontier: openTestShared(t, url, redistest.Namespace(t), "w", 5*time.Second), c: c}, c
	}},
}

func newFrontierCrawler(t *testing.T, cfg Config) *Crawler {
	t.Helper()
	st, err := store.Open(t.TempDir(), store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if len(cfg.Seeds) == 0 {
		cfg.Seeds = []string{"http://a.test/"}
	}
	cfg.WARCDir, cfg.StatsFile, cfg.Logger = "-", "-", quietLogger()
	c, err := New(cfg, st, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// forEachFrontier runs f as a subtest on each implementation.
func forEachFrontier(t *testing.T, cfg Config, f func(t *testing.T, fr Frontier, c *Crawler)) {
	for _, impl := range frontierImpls {
		t.Run(impl.name, func(t *testing.T) {
			fr, c := impl.open(t, cfg)
			f(t, fr, c)
		})
	}
}

func frontierEntry(t *testing.T, raw string, k kind) *entry {
	e := testEntry(t, raw)
	e.Kind, e.Revisit = k, k != kindPage
	return e
}

// claimReady claims until it holds an entry of a host whose robots.txt is
// known, answering robots.txt leases with an allow-all file; nil when the
// run is over.
func claimReady(t *testing.T, fr Frontier) *lease {
	t.Helper()
	ctx := context.Background()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		l, err := fr.claim(ctx)
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case l.host == "" && l.wait < 0 && l.leased == 0:
			return nil
		case l.host == "":
			time.Sleep(max(min(l.wait, 20*time.Millisecond), time.Millisecond))
		case l.needsRobots(time.Now()):
			rec := &robotsRec{Status: 200, Body: []byte("User-agent: *\nDisallow:\n"), Fetched: time.Now()}
			release(t, fr, l, &outcome{requested: true, end: time.Now(), failed: -1, requeue: l.e != nil, refund: l.e != nil,
				robots: rec, parsed: robots.Parse(rec.Status, rec.Body, "syndex", rec.Fetched), t: &txn{}})
		default:
			return l
		}
	}
	t.Fatal("no host ready within 10s")
	return nil
}

func release(t *testing.T, fr Frontier, l *lease, o *outcome) {
	t.Helper()
	if err := fr.release(context.Background(), l, o); err != nil {
		t.Fatal(err)
	}
}

// done is the outcome of a request that answered and finished l's entry.
func done(l *lease, add ...*entry) *outcome {
	return &outcome{requested: true, end: time.Now(), failed: 0,
		t: &txn{done: l.e, state: seenRec{Pass: 1, State: "done"}, add: add}}
}

// drain finishes every entry left, returning their URLs in claim order.
func drain(t *testing.T, fr Frontier) []string {
	t.Helper()
	var got []string
	for l := claimReady(t, fr); l != nil; l = claimReady(t, fr) {
		got = append(got, l.e.URL)
		release(t, fr, l, done(l))
	}
	return got
}

// TestFrontierQueue: the seen set admits a URL once; a host is leased to
// one worker at a time; discovery documents come before pages; a
// requeued entry comes back first; a host rests as long as the release
// said; the run is over when every entry is done.
func TestFrontierQueue(t *testing.T) {
	forEachFrontier(t, Config{}, func(t *testing.T, fr Frontier, c *Crawler) {
		ctx := context.Background()
		seeds := []*entry{frontierEntry(t, "http://a.test/1", kindPage), frontierEntry(t, "http://a.test/2", kindPage),
			frontierEntry(t, "http://a.test/sitemap.xml", kindSitemap), frontierEntry(t, "http://b.test/1", kindPage)}
		rs, err := fr.begin(ctx, seeds)
		if err != nil || rs.queued != 4 || rs.pass != 1 {
			t.Fatalf("begin = %+v, %v; want 4 queued in pass 1", rs, err)
		}
		defer fr.end(ctx)

		l1 := claimReady(t, fr)
		l2 := claimReady(t, fr)
		if l1.host == l2.host {
			t.Fatalf("host %s leased twice at once", l1.host)
		}
		if l, err := fr.claim(ctx); err != nil || l.host != "" || l.leased < 2 {
			t.Fatalf("claim with both hosts leased = %+v, %v; want none ready", l, err)
		}
		a := l1
		if a.host != "a.test" {
			a, l2 = l2, l1
		}
		release(t, fr, l2, &outcome{failed: -1, requeue: true, refund: true}) // b: no request, back to the queue
		if a.e.URL != "http://a.test/sitemap.xml" {
			t.Errorf("first entry of a.test = %s, want the sitemap before the pages", a.e.URL)
		}
		// Discovered: a new page and one already queued.
		release(t, fr, a, done(a, frontierEntry(t, "http://a.test/3", kindPage), frontierEntry(t, "http://a.test/1", kindPage)))

		// A requeued entry is the host's next; a rest holds the host.
		var l *lease
		for l = claimReady(t, fr); l.host != "a.test"; l = claimReady(t, fr) {
			release(t, fr, l, &outcome{failed: -1, requeue: true, refund: true, rest: 50 * time.Millisecond})
		}
		first := l.e.URL
		end := time.Now()
		const rest = 300 * time.Millisecond
		release(t, fr, l, &outcome{requested: true, end: end, rest: rest, failed: -1, requeue: true, refund: true})
		var doneB []string
		for l = claimReady(t, fr); l.host != "a.test"; l = claimReady(t, fr) {
			doneB = append(doneB, l.e.URL)
			release(t, fr, l, done(l))
		}
		if since := time.Since(end); since < rest-5*time.Millisecond {
			t.Errorf("a.test leased again %v after its request, want ≥ %v", since, rest)
		}
		if l.e.URL != first {
			t.Errorf("after a requeue a.test gave %s, want %s again", l.e.URL, first)
		}
		release(t, fr, l, done(l))
		got := append(append([]string{"http://a.test/sitemap.xml", first}, doneB...), drain(t, fr)...)
		want := map[string]bool{"http://a.test/1": true, "http://a.test/2": true, "http://a.test/3": true, "http://a.test/sitemap.xml": true, "http://b.test/1": true}
		seen := map[string]int{}
		for _, u := range got {
			seen[u]++
		}
		for u := range want {
			if seen[u] == 0 {
				t.Errorf("%s never claimed (claimed: %v)", u, got)
			}
		}
		for u, n := range seen {
			if !want[u] || n > 1 {
				t.Errorf("%s claimed %d times (claimed: %v)", u, n, got)
			}
		}
	})
}

// TestFrontierBudgets: MaxPages and MaxPagesPerHost bound the pages
// claimed in a run; discovery documents are not counted, and a page
// handed back unhandled (refund) does not count.
func TestFrontierBudgets(t *testing.T) {
	forEachFrontier(t, Config{MaxPages: 3, MaxPagesPerHost: 2}, func(t *testing.T, fr Frontier, c *Crawler) {
		ctx := context.Background()
		var seeds []*entry
		for _, h := range []string{"a", "b"} {
			for i := 1; i <= 3; i++ {
				seeds = append(seeds, frontierEntry(t, fmt.Sprintf("http://%s.test/%d", h, i), kindPage))
			}
		}
		seeds = append(seeds, frontierEntry(t, "http://a.test/feed", kindFeed))
		if _, err := fr.begin(ctx, seeds); err != nil {
			t.Fatal(err)
		}
		defer fr.end(ctx)
		refunded := false
		perHost := map[string]int{}
		pages := 0
		for l := claimReady(t, fr); l != nil; l = claimReady(t, fr) {
			if l.e.Kind == kindPage && !refunded {
				refunded = true
				release(t, fr, l, &outcome{failed: -1, requeue: true, refund: true})
				continue
			}
			if l.e.Kind == kindPage {
				pages++
				perHost[l.host]++
			}
			release(t, fr, l, done(l))
		}
		if pages != 3 || perHost["a.test"] > 2 || perHost["b.test"] > 2 {
			t.Errorf("pages claimed %d (%v); want 3, at most 2 per host", pages, perHost)
		}
	})
}

// TestFrontierFailures: a lease carries the host's consecutive failures,
// counted by failed releases and restarted by an answer.
func TestFrontierFailures(t *testing.T) {
	forEachFrontier(t, Config{}, func(t *testing.T, fr Frontier, c *Crawler) {
		ctx := context.Background()
		if _, err := fr.begin(ctx, []*entry{frontierEntry(t, "http://a.test/1", kindPage), frontierEntry(t, "http://a.test/2", kindPage)}); err != nil {
			t.Fatal(err)
		}
		defer fr.end(ctx)
		for i, step := range []struct{ failed, want int }{{1, 0}, {1, 1}, {0, 2}, {1, 0}, {-1, 1}, {-1, 1}} {
			l := claimReady(t, fr)
			if l.fails != step.want {
				t.Errorf("step %d: lease has %d failures, want %d", i, l.fails, step.want)
			}
			release(t, fr, l, &outcome{requested: true, end: time.Now(), failed: step.failed, requeue: true, refund: true})
		}
	})
}

// TestFrontierSitOut: a host that sits out is not leased again in this
// run, and its entries stay queued.
func TestFrontierSitOut(t *testing.T) {
	forEachFrontier(t, Config{}, func(t *testing.T, fr Frontier, c *Crawler) {
		ctx := context.Background()
		if _, err := fr.begin(ctx, []*entry{frontierEntry(t, "http://a.test/1", kindPage), frontierEntry(t, "http://b.test/1", kindPage)}); err != nil {
			t.Fatal(err)
		}
		l := claimReady(t, fr)
		sat := l.host
		release(t, fr, l, &outcome{requested: true, end: time.Now(), failed: -1, requeue: true, refund: true, sitOut: "robots.txt unavailable"})
		if got := drain(t, fr); len(got) != 1 || hostOf(got[0]) == sat {
			t.Errorf("after %s sat out the run claimed %v; want the other host's entry only", sat, got)
		}
		fr.end(ctx)
	})
}

// TestFrontierGiveUp: a host given up loses its queue, each entry recorded
// as given up in the fetch log, and the run can end.
func TestFrontierGiveUp(t *testing.T) {
	forEachFrontier(t, Config{}, func(t *testing.T, fr Frontier, c *Crawler) {
		ctx := context.Background()
		if _, err := fr.begin(ctx, []*entry{frontierEntry(t, "http://a.test/1", kindPage), frontierEntry(t, "http://a.test/2", kindPage),
			frontierEntry(t, "http://a.test/3", kindPage)}); err != nil {
			t.Fatal(err)
		}
		defer fr.end(ctx)
		l := claimReady(t, fr)
		release(t, fr, l, &outcome{requested: true, end: time.Now(), failed: -1, requeue: true, refund: true, giveUp: "address refused"})
		if got := drain(t, fr); len(got) != 0 {
			t.Errorf("claimed %v after the host was given up", got)
		}
		log, err := FetchLog(c.db)
		if err != nil {
			t.Fatal(err)
		}
		given := map[string]bool{}
		for _, r := range log {
			if r.Outcome == "gave-up" && r.Error == "address refused" {
				given[r.URL] = true
			}
		}
		if len(given) != 3 {
			t.Errorf("given up in the log: %v; want the 3 entries", given)
		}
	})
}

// TestFrontierLeftForNextRun: a host resting beyond MaxWait (parked after
// failures) is left for the next run, so this one can end; the next run
// takes it up again, still resting.
func TestFrontierLeftForNextRun(t *testing.T) {
	forEachFrontier(t, Config{MaxWait: time.Second}, func(t *testing.T, fr Frontier, c *Crawler) {
		ctx := context.Background()
		if _, err := fr.begin(ctx, []*entry{frontierEntry(t, "http://a.test/1", kindPage)}); err != nil {
			t.Fatal(err)
		}
		l := claimReady(t, fr)
		release(t, fr, l, &outcome{requested: true, end: time.Now(), rest: time.Minute, failed: 1, requeue: true, refund: true})
		if l, err := fr.claim(ctx); err != nil || l.host != "" || l.wait >= 0 || l.leased != 0 {
			t.Fatalf("claim with the only host resting a minute = %+v, %v; want the run over, the host left for the next", l, err)
		}
		if err := fr.end(ctx); err != nil {
			t.Fatal(err)
		}
		c.s.MaxWait = time.Hour
		if _, err := fr.begin(ctx, nil); err != nil {
			t.Fatal(err)
		}
		defer fr.end(ctx)
		for i := 0; i < 3; i++ {
			l, err := fr.claim(ctx)
			if err != nil || l.host != "" || l.wait < 0 {
				t.Fatalf("claim %d in the next run = %+v, %v; want the host queued again, still resting", i, l, err)
			}
			time.Sleep(min(l.wait, 50*time.Millisecond))
		}
	})
}
