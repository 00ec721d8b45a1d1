// Package frontiertest is the conformance suite of frontier.Frontier:
// each implementation runs it from its own tests (Run), through the
// interface the crawler's dispatch loop uses, so that the local and the
// shared frontier keep one behaviour: the seen set, one lease per host,
// discovery documents first, rests, budgets, failure counts, sitting out,
// giving up, and hosts left for the next run.
package frontiertest

import (
	"context"
	"fmt"
	"net/url"
	"testing"
	"time"

	"github.com/syndex/syndex/crawler/frontier"
	"github.com/syndex/syndex/crawler/polite"
	"github.com/syndex/syndex/crawler/robots"
	"github.com/syndex/syndex/crawler/urls"
)

// Env is a frontier under test and what the suite needs around it.
type Env struct {
	Frontier frontier.Frontier
	// Log returns the fetch log kept for the frontier's crawl.
	Log func() ([]frontier.LogRecord, error)
	// Next returns the frontier of the next run on the same state (as a
	// process started later would open it), under lim.
	Next func(lim frontier.Limits) frontier.Frontier
}

// Opener opens a fresh, empty frontier under lim for t.
type Opener func(t *testing.T, lim frontier.Limits) Env

// Defaults are the limits of a crawl left to its defaults: a second's
// politeness gap, hosts not ready within 30 minutes left for the next
// run, no page budgets.
var Defaults = frontier.Limits{Delay: time.Second, MaxWait: 30 * time.Minute}

// Run runs the suite on the frontiers open returns, each test as a
// subtest.
func Run(t *testing.T, open Opener) {
	for _, tc := range []struct {
		name string
		test func(*testing.T, Opener)
	}{
		{"Queue", testQueue}, {"Budgets", testBudgets}, {"BudgetTable", testBudgetTable}, {"Failures", testFailures},
		{"SitOut", testSitOut}, {"GiveUp", testGiveUp}, {"LeftForNextRun", testLeftForNextRun}, {"WaitTable", testWaitTable},
	} {
		t.Run(tc.name, func(t *testing.T) { tc.test(t, open) })
	}
}

// Entry returns a queue entry of kind k for raw (seeds, feeds and
// sitemaps are fetched again in each pass).
func Entry(t testing.TB, raw string, k frontier.Kind) *frontier.Entry {
	t.Helper()
	u, err := urls.Canonicalize(raw)
	if err != nil {
		t.Fatal(err)
	}
	return &frontier.Entry{URL: u.String(), Key: urls.Key(u), Host: u.Host, Kind: k, Revisit: k != frontier.KindPage}
}

// claimReady claims until it holds an entry of a host whose robots.txt is
// known, answering robots.txt leases with an allow-all file; nil when the
// run is over.
func claimReady(t *testing.T, fr frontier.Frontier) *frontier.Lease {
	t.Helper()
	ctx := context.Background()
	// A hang detector, not a measure: the rests in this suite are under a
	// second, so only a frontier that never hands a host out reaches it.
	const patience = time.Minute // eight subtests stay within go test's default 10 min when it fires in each
	deadline := time.Now().Add(patience)
	for time.Now().Before(deadline) {
		l, err := fr.Claim(ctx)
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case l.Over():
			return nil
		case l.Host == "":
			time.Sleep(max(min(l.Wait, 20*time.Millisecond), time.Millisecond))
		case l.NeedsRobots(time.Now()):
			rec := &frontier.RobotsRec{Status: 200, Body: []byte("User-agent: *\nDisallow:\n"), Fetched: time.Now()}
			release(t, fr, l, &frontier.Outcome{Requested: true, End: time.Now(), Failed: -1, Requeue: l.Entry != nil, Refund: l.Entry != nil,
				Robots: rec, Parsed: robots.Parse(rec.Status, rec.Body, "syndex", rec.Fetched), Txn: &frontier.Txn{}})
		default:
			return l
		}
	}
	t.Fatalf("hung: no host ready within %v", patience)
	return nil
}

func release(t *testing.T, fr frontier.Frontier, l *frontier.Lease, o *frontier.Outcome) {
	t.Helper()
	if err := fr.Release(context.Background(), l, o); err != nil {
		t.Fatal(err)
	}
}

// done is the outcome of a request that answered and finished l's entry.
func done(l *frontier.Lease, add ...*frontier.Entry) *frontier.Outcome {
	return &frontier.Outcome{Requested: true, End: time.Now(), Failed: 0,
		Txn: &frontier.Txn{Done: l.Entry, State: frontier.SeenRec{Pass: 1, State: "done"}, Add: add}}
}

// drain finishes every entry left, returning their URLs in claim order.
func drain(t *testing.T, fr frontier.Frontier) []string {
	t.Helper()
	var got []string
	for l := claimReady(t, fr); l != nil; l = claimReady(t, fr) {
		got = append(got, l.Entry.URL)
		release(t, fr, l, done(l))
	}
	return got
}

// testQueue: the seen set admits a URL once; a host is leased to
// one worker at a time; discovery documents come before pages; a
// requeued entry comes back first; a host rests as long as the release
// said; the run is over when every entry is done.
func testQueue(t *testing.T, open Opener) {
	env := open(t, Defaults)
	fr := env.Frontier
	ctx := context.Background()
	seeds := []*frontier.Entry{Entry(t, "http://a.test/1", frontier.KindPage), Entry(t, "http://a.test/2", frontier.KindPage),
		Entry(t, "http://a.test/sitemap.xml", frontier.KindSitemap), Entry(t, "http://b.test/1", frontier.KindPage)}
	rs, err := fr.Begin(ctx, seeds)
	if err != nil || rs.Queued != 4 || rs.Pass != 1 {
		t.Fatalf("begin = %+v, %v; want 4 queued in pass 1", rs, err)
	}
	defer fr.End(ctx)

	l1 := claimReady(t, fr)
	l2 := claimReady(t, fr)
	if l1.Host == l2.Host {
		t.Fatalf("host %s leased twice at once", l1.Host)
	}
	if l, err := fr.Claim(ctx); err != nil || l.Host != "" || l.Leased < 2 {
		t.Fatalf("claim with both hosts leased = %+v, %v; want none ready", l, err)
	}
	a := l1
	if a.Host != "a.test" {
		a, l2 = l2, l1
	}
	release(t, fr, l2, &frontier.Outcome{Failed: -1, Requeue: true, Refund: true}) // b: no request, back to the queue
	if a.Entry.URL != "http://a.test/sitemap.xml" {
		t.Errorf("first entry of a.test = %s, want the sitemap before the pages", a.Entry.URL)
	}
	// Discovered: a new page and one already queued.
	release(t, fr, a, done(a, Entry(t, "http://a.test/3", frontier.KindPage), Entry(t, "http://a.test/1", frontier.KindPage)))

	// A requeued entry is the host's next; a rest holds the host.
	l := claimHost(t, fr, "a.test", func(l *frontier.Lease) {
		release(t, fr, l, &frontier.Outcome{Failed: -1, Requeue: true, Refund: true, Rest: 50 * time.Millisecond})
	})
	first := l.Entry.URL
	end := time.Now()
	const rest = 300 * time.Millisecond
	release(t, fr, l, &frontier.Outcome{Requested: true, End: end, Rest: rest, Failed: -1, Requeue: true, Refund: true})
	var doneB []string
	l = claimHost(t, fr, "a.test", func(l *frontier.Lease) {
		doneB = append(doneB, l.Entry.URL)
		release(t, fr, l, done(l))
	})
	if since := time.Since(end); since < rest-5*time.Millisecond {
		t.Errorf("a.test leased again %v after its request, want ≥ %v", since, rest)
	}
	if l.Entry.URL != first {
		t.Errorf("after a requeue a.test gave %s, want %s again", l.Entry.URL, first)
	}
	release(t, fr, l, done(l))
	got := append(append([]string{"http://a.test/sitemap.xml", first}, doneB...), drain(t, fr)...)
	claimedOnce(t, got, "http://a.test/1", "http://a.test/2", "http://a.test/3", "http://a.test/sitemap.xml", "http://b.test/1")
}

// claimedOnce checks that got, the URLs claimed, holds each of want once
// and nothing else.
// claimHost claims until a lease of host comes and returns it, handing
// each lease of another host to other.
func claimHost(t *testing.T, fr frontier.Frontier, host string, other func(*frontier.Lease)) *frontier.Lease {
	l := claimReady(t, fr)
	for ; l.Host != host; l = claimReady(t, fr) {
		other(l)
	}
	return l
}

func claimedOnce(t *testing.T, got []string, want ...string) {
	t.Helper()
	seen := map[string]int{}
	for _, u := range got {
		seen[u]++
	}
	for _, u := range want {
		if n := seen[u]; n != 1 {
			t.Errorf("%s claimed %d times, want once (claimed: %v)", u, n, got)
		}
		delete(seen, u)
	}
	for u := range seen {
		t.Errorf("%s claimed, not queued (claimed: %v)", u, got)
	}
}

// testBudgets: MaxPages and MaxPagesPerHost bound the pages
// claimed in a run; discovery documents are not counted, and a page
// handed back unhandled (refund) does not count.
func testBudgets(t *testing.T, open Opener) {
	env := open(t, limits(func(l *frontier.Limits) { l.MaxPages, l.MaxPagesPerHost = 3, 2 }))
	fr := env.Frontier
	ctx := context.Background()
	seeds := append(hostSeeds(t, "a", 3, false), hostSeeds(t, "b", 3, false)...)
	seeds = append(seeds, Entry(t, "http://a.test/feed", frontier.KindFeed))
	if _, err := fr.Begin(ctx, seeds); err != nil {
		t.Fatal(err)
	}
	defer fr.End(ctx)
	refunded := false
	perHost := map[string]int{}
	pages := 0
	for l := claimReady(t, fr); l != nil; l = claimReady(t, fr) {
		if l.Entry.Kind == frontier.KindPage && !refunded {
			refunded = true
			release(t, fr, l, &frontier.Outcome{Failed: -1, Requeue: true, Refund: true})
			continue
		}
		if l.Entry.Kind == frontier.KindPage {
			pages++
			perHost[l.Host]++
		}
		release(t, fr, l, done(l))
	}
	if pages != 3 || perHost["a.test"] > 2 || perHost["b.test"] > 2 {
		t.Errorf("pages claimed %d (%v); want 3, at most 2 per host", pages, perHost)
	}
}

// testBudgetTable: for each pair of budgets, the pages claimed in a run
// over three hosts of four pages and a feed each: MaxPages bounds the
// total and MaxPagesPerHost each host's; feeds are always claimed.
func testBudgetTable(t *testing.T, open Opener) {
	for _, tc := range []struct{ maxPages, perHost, want int }{
		{0, 0, 12}, {5, 0, 5}, {0, 2, 6}, {5, 2, 5}, {20, 3, 9}, {1, 1, 1}, {12, 4, 12},
	} {
		t.Run(fmt.Sprintf("max%d_host%d", tc.maxPages, tc.perHost), func(t *testing.T) {
			env := open(t, limits(func(l *frontier.Limits) { l.MaxPages, l.MaxPagesPerHost = tc.maxPages, tc.perHost }))
			fr := env.Frontier
			ctx := context.Background()
			var seeds []*frontier.Entry
			for _, h := range []string{"a", "b", "c"} {
				seeds = append(seeds, hostSeeds(t, h, 4, true)...)
			}
			if _, err := fr.Begin(ctx, seeds); err != nil {
				t.Fatal(err)
			}
			defer fr.End(ctx)
			pages, feeds, perHost := claimAll(t, fr)
			if pages != tc.want || feeds != 3 {
				t.Errorf("claimed %d pages %v and %d feeds; want %d pages and 3 feeds", pages, perHost, feeds, tc.want)
			}
			for h, n := range perHost {
				if tc.perHost > 0 && n > tc.perHost {
					t.Errorf("%s: %d pages claimed, over its budget of %d", h, n, tc.perHost)
				}
			}
		})
	}
}

// testFailures: a lease carries the host's consecutive failures,
// counted by failed releases and restarted by an answer.
// hostSeeds returns seeds of host h (h.test): its feed first when feed is
// set, then pages /1 to /n.
func hostSeeds(t *testing.T, h string, n int, feed bool) []*frontier.Entry {
	var seeds []*frontier.Entry
	if feed {
		seeds = append(seeds, Entry(t, fmt.Sprintf("http://%s.test/feed", h), frontier.KindFeed))
	}
	for i := 1; i <= n; i++ {
		seeds = append(seeds, Entry(t, fmt.Sprintf("http://%s.test/%d", h, i), frontier.KindPage))
	}
	return seeds
}

// claimAll claims and releases (done) every entry the run hands out and
// counts the pages, per host too, and the other entries.
func claimAll(t *testing.T, fr frontier.Frontier) (pages, others int, perHost map[string]int) {
	perHost = map[string]int{}
	for l := claimReady(t, fr); l != nil; l = claimReady(t, fr) {
		if l.Entry.Kind == frontier.KindPage {
			pages++
			perHost[l.Host]++
		} else {
			others++
		}
		release(t, fr, l, done(l))
	}
	return pages, others, perHost
}

func testFailures(t *testing.T, open Opener) {
	env := open(t, Defaults)
	fr := env.Frontier
	ctx := context.Background()
	if _, err := fr.Begin(ctx, []*frontier.Entry{Entry(t, "http://a.test/1", frontier.KindPage), Entry(t, "http://a.test/2", frontier.KindPage)}); err != nil {
		t.Fatal(err)
	}
	defer fr.End(ctx)
	for i, step := range []struct{ failed, want int }{{1, 0}, {1, 1}, {0, 2}, {1, 0}, {-1, 1}, {-1, 1}} {
		l := claimReady(t, fr)
		if l.Fails != step.want {
			t.Errorf("step %d: lease has %d failures, want %d", i, l.Fails, step.want)
		}
		release(t, fr, l, &frontier.Outcome{Requested: true, End: time.Now(), Failed: step.failed, Requeue: true, Refund: true})
	}
}

// testSitOut: a host that sits out is not leased again in this
// run, and its entries stay queued.
func testSitOut(t *testing.T, open Opener) {
	env := open(t, Defaults)
	fr := env.Frontier
	ctx := context.Background()
	if _, err := fr.Begin(ctx, []*frontier.Entry{Entry(t, "http://a.test/1", frontier.KindPage), Entry(t, "http://b.test/1", frontier.KindPage)}); err != nil {
		t.Fatal(err)
	}
	l := claimReady(t, fr)
	sat := l.Host
	release(t, fr, l, &frontier.Outcome{Requested: true, End: time.Now(), Failed: -1, Requeue: true, Refund: true, SitOut: "robots.txt unavailable"})
	if got := drain(t, fr); len(got) != 1 || hostOf(got[0]) == sat {
		t.Errorf("after %s sat out the run claimed %v; want the other host's entry only", sat, got)
	}
	fr.End(ctx)
}

// testGiveUp: a host given up loses its queue, each entry recorded
// as given up in the fetch log, and the run can end.
func testGiveUp(t *testing.T, open Opener) {
	env := open(t, Defaults)
	fr := env.Frontier
	ctx := context.Background()
	if _, err := fr.Begin(ctx, []*frontier.Entry{Entry(t, "http://a.test/1", frontier.KindPage), Entry(t, "http://a.test/2", frontier.KindPage),
		Entry(t, "http://a.test/3", frontier.KindPage)}); err != nil {
		t.Fatal(err)
	}
	defer fr.End(ctx)
	l := claimReady(t, fr)
	release(t, fr, l, &frontier.Outcome{Requested: true, End: time.Now(), Failed: -1, Requeue: true, Refund: true, GiveUp: "address refused"})
	if got := drain(t, fr); len(got) != 0 {
		t.Errorf("claimed %v after the host was given up", got)
	}
	log, err := env.Log()
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
}

// testLeftForNextRun: a host resting beyond MaxWait (parked after
// failures) is left for the next run, so this one can end; the next run
// takes it up again, still resting.
func testLeftForNextRun(t *testing.T, open Opener) {
	env := open(t, limits(func(l *frontier.Limits) { l.MaxWait = time.Second }))
	fr := env.Frontier
	ctx := context.Background()
	if _, err := fr.Begin(ctx, []*frontier.Entry{Entry(t, "http://a.test/1", frontier.KindPage)}); err != nil {
		t.Fatal(err)
	}
	l := claimReady(t, fr)
	release(t, fr, l, &frontier.Outcome{Requested: true, End: time.Now(), Rest: time.Minute, Failed: 1, Requeue: true, Refund: true})
	if l, err := fr.Claim(ctx); err != nil || l.Host != "" || l.Wait >= 0 || l.Leased != 0 {
		t.Fatalf("claim with the only host resting a minute = %+v, %v; want the run over, the host left for the next", l, err)
	}
	if err := fr.End(ctx); err != nil {
		t.Fatal(err)
	}
	fr = env.Next(limits(func(l *frontier.Limits) { l.MaxWait = time.Hour }))
	if _, err := fr.Begin(ctx, nil); err != nil {
		t.Fatal(err)
	}
	defer fr.End(ctx)
	for i := 0; i < 3; i++ {
		l, err := fr.Claim(ctx)
		if err != nil || l.Host != "" || l.Wait < 0 {
			t.Fatalf("claim %d in the next run = %+v, %v; want the host queued again, still resting", i, l, err)
		}
		time.Sleep(min(l.Wait, 50*time.Millisecond))
	}
}

// testWaitTable: for each MaxWait (0: no limit) and rest after a
// request, whether the host's only entry is left for the next run (the
// run is over) or waited for (the claim names a wait).
func testWaitTable(t *testing.T, open Opener) {
	for _, tc := range []struct {
		maxWait, rest time.Duration
		left          bool
	}{
		{10 * time.Second, 5 * time.Second, false}, {time.Second, time.Minute, true},
		{time.Hour, time.Minute, false}, {0, time.Hour, false},
	} {
		t.Run(fmt.Sprintf("max%v_rest%v", tc.maxWait, tc.rest), func(t *testing.T) {
			env := open(t, limits(func(l *frontier.Limits) { l.MaxWait = tc.maxWait }))
			fr := env.Frontier
			ctx := context.Background()
			if _, err := fr.Begin(ctx, []*frontier.Entry{Entry(t, "http://a.test/1", frontier.KindPage)}); err != nil {
				t.Fatal(err)
			}
			defer fr.End(ctx)
			l := claimReady(t, fr)
			release(t, fr, l, &frontier.Outcome{Requested: true, End: time.Now(), Rest: tc.rest, Failed: -1, Requeue: true, Refund: true})
			l, err := fr.Claim(ctx)
			if err != nil || l.Host != "" {
				t.Fatalf("claim with the only host resting %v = %+v, %v; want none ready", tc.rest, l, err)
			}
			if left := l.Wait < 0 && l.Leased == 0; left != tc.left {
				t.Errorf("MaxWait %v, rest %v: claim = %+v; left for the next run %v, want %v", tc.maxWait, tc.rest, l, left, tc.left)
			}
		})
	}
}

// limits are the Defaults changed by set.
func limits(set func(*frontier.Limits)) frontier.Limits {
	l := Defaults
	set(&l)
	return l
}

// hostOf is raw's host.
func hostOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return u.Host
}

// Policy is the politeness of a crawl left to its defaults, with lim's
// gap.
func Policy(lim frontier.Limits) polite.Policy {
	return polite.Policy{Delay: lim.Delay, MaxCrawlDelay: time.Minute, SlowFactor: 2, MaxDelay: time.Minute,
		BackoffBase: 5 * time.Second, MaxBackoff: 10 * time.Minute, ParkAfter: 5, ParkFor: 30 * time.Minute,
		RobotsRetry: 5 * time.Minute, RobotsRetries: 3, MaxRetries: 3, RobotsTTL: 24 * time.Hour, Timeout: time.Minute}
}
