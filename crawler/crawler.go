package crawler

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gocolly/colly/v2"
	bolt "go.etcd.io/bbolt"

	"github.com/syndex/syndex/internal/atomicfile"
	"github.com/syndex/syndex/store"
	"github.com/syndex/syndex/warc"
)

// Crawler runs polite crawl passes over a configured set of seeds.
type Crawler struct {
	s   *settings
	st  *store.Store
	db  *bolt.DB
	h   Handler
	log *slog.Logger
	tr  *transport
	col *colly.Collector
	w   *warc.Writer

	job       []byte        // frontier namespace (Config.Job)
	pass      int           // pass number of this job
	passStart time.Time     // when the current pass began
	handlers  chan struct{} // one token per handler call in progress (Config.Handlers)

	mu        sync.Mutex
	hosts     map[string]*hostState
	order     []*hostState
	inflight  int
	pagesSent int // page requests dispatched this run (MaxPages)
	queued    int // entries in the store's queue (memory holds a bounded part)
	wake      chan struct{}
	stats     Stats
	started   time.Time
}

// hostState is the scheduler's view of one host (scheme-less host:port).
type hostState struct {
	name        string
	scheme      string
	queue       []*entry
	memPages    int    // page entries in queue
	spill       bool   // the store holds page entries not loaded into queue
	lastKey     []byte // queue key of the last page entry loaded
	busy        bool
	next        time.Time // earliest start of the next request
	robots      *robots
	robotsUntil time.Time
	robotsFails int
	// robotsFailsAll counts consecutive robots.txt failures across runs
	// (persisted with the back-off state).
	robotsFailsAll int
	fails          int // consecutive 429/5xx/network failures
	// backoffSaved: the store holds a back-off record for the host
	// (cleared on the next success).
	backoffSaved bool
	lastRTT      time.Duration
	pages        int    // page requests dispatched this run
	dropped      string // why the host sits out the rest of this run
	// waitWhy says why the host waits beyond its politeness gap (a
	// Retry-After, a back-off, robots.txt unavailable), for the status
	// line; "" when it does not.
	waitWhy string
}

// New prepares a crawler over the archive st; h receives the HTML pages.
func New(cfg Config, st *store.Store, h Handler) (*Crawler, error) {
	if st == nil {
		return nil, errors.New("crawler: nil store")
	}
	if h == nil {
		h = func(context.Context, *Page) error { return nil }
	}
	s, err := cfg.withDefaults(st.Dir())
	if err != nil {
		return nil, err
	}
	if err := ensureBuckets(st.DB()); err != nil {
		return nil, err
	}
	c := &Crawler{s: s, st: st, db: st.DB(), h: h, log: s.Logger, hosts: map[string]*hostState{}, wake: make(chan struct{}, 1), job: []byte(s.Job),
		handlers: make(chan struct{}, max(s.Handlers, 1))}
	if s.WARCDir != "-" {
		c.w, err = warc.NewWriter(s.WARCDir, warc.Options{MaxFileSize: s.WARCMaxSize, Logger: s.Logger, Info: []warc.Field{
			{Name: "software", Value: "syndex/" + Version},
			{Name: "http-header-user-agent", Value: s.UserAgent},
			{Name: "robots", Value: "obey"},
			{Name: "description", Value: "syndex polite crawl"},
		}})
		if err != nil {
			return nil, err
		}
	}
	c.tr = newTransport(s, c.w)
	c.tr.condFor = c.loadCond
	c.col = newCollector(s, c.tr)
	return c, nil
}

func (c *Crawler) host(e *entry) *hostState {
	h := c.hosts[e.Host]
	if h == nil {
		scheme := "http"
		if u, err := url.Parse(e.URL); err == nil {
			scheme = u.Scheme
		}
		h = &hostState{name: e.Host, scheme: scheme}
		if last := c.lastRequest(e.Host); !last.IsZero() {
			h.next = c.gapFrom(last).Add(c.s.Delay) // politeness holds across restarts
		}
		c.restoreBackoff(h) // and so do Retry-After, back-off and parking
		c.hosts[e.Host] = h
		c.order = append(c.order, h)
	}
	return h
}

// handle hands p to the handler, at most Config.Handlers pages at a time.
// A panic in the handler is returned as an error: the page is counted as
// a handler error and the crawl goes on.
func (c *Crawler) handle(ctx context.Context, p *Page) (err error) {
	c.handlers <- struct{}{}
	defer func() { <-c.handlers }()
	defer func() {
		if r := recover(); r != nil {
			c.log.Debug("page handler panic", "url", p.URL, "stack", string(debug.Stack()))
			err = fmt.Errorf("page handler: internal error: %v", r)
		}
	}()
	return c.h(ctx, p)
}

// robotsDenies reports whether the robots.txt already known for e's host
// forbids e: such a link is recorded as refused when it is found instead
// of waiting in the queue (a page of 100,000 forbidden links would
// otherwise cost 100,000 queue round trips).
func (c *Crawler) robotsDenies(e *entry) bool {
	c.mu.Lock()
	h := c.hosts[e.Host]
	var r *robots
	if h != nil && h.robots != nil && !h.robots.disallowAll && time.Now().Before(h.robotsUntil) {
		r = h.robots
	}
	c.mu.Unlock()
	if r == nil {
		return false
	}
	u, err := url.Parse(e.URL)
	return err == nil && !r.allowed(u)
}

// gapFrom is when the politeness gap after a previous run's last
// recorded request to a host (ending at last) starts. A request may have
// been in flight when that run was killed: it ended before this run
// started, and at most one gap and one timeout after last. So the gap
// counts from this run's start, unless that is later than such a request
// could have ended.
func (c *Crawler) gapFrom(last time.Time) time.Time {
	from := c.started
	if bound := last.Add(max(c.s.MaxDelay, c.s.MaxCrawlDelay) + c.s.Timeout); bound.Before(from) {
		from = bound
	}
	if from.Before(last) {
		return last
	}
	return from
}

// memPerHost bounds the page entries each host keeps in memory; the rest
// wait in the store and are loaded in key order as the queue drains, so a
// frontier of millions of URLs costs memory per host, not per URL.
var memPerHost = 512

// push adds e to its host's queue in priority order; c.mu must be held.
// A page entry already loaded (key ≤ lastKey) is ignored; one beyond the
// memory bound stays in the store until refill.
func (c *Crawler) push(e *entry, front bool) {
	h := c.host(e)
	if front {
		h.queue = append([]*entry{e}, h.queue...)
		if e.Kind == kindPage {
			h.memPages++
		}
		return
	}
	if e.Kind == kindPage {
		k := e.qkey()
		if h.lastKey != nil && bytes.Compare(k, h.lastKey) <= 0 {
			return
		}
		if h.spill || h.memPages >= memPerHost {
			h.spill = true
			return
		}
		h.queue = append(h.queue, e)
		h.memPages++
		h.lastKey = k
		return
	}
	i := 0
	for i < len(h.queue) && h.queue[i].Kind != kindPage {
		i++
	}
	h.queue = append(h.queue[:i], append([]*entry{e}, h.queue[i:]...)...)
}

// newEntry canonicalises raw and checks scope, traps and depth; it returns
// nil (and counts why) when raw is not to be crawled.
func (c *Crawler) newEntry(raw string, k kind, depth int, seed bool) *entry {
	u, err := Canonicalize(raw)
	if err != nil {
		c.count(func(s *Stats) { s.Skipped++ })
		return nil
	}
	if !seed {
		if !c.s.inScope(u) {
			c.count(func(s *Stats) { s.OutOfScope++ })
			return nil
		}
		if k == kindPage && c.s.MaxDepth > 0 && depth > c.s.MaxDepth {
			c.count(func(s *Stats) { s.Skipped++ })
			return nil
		}
	}
	if err := trap(u, c.s.MaxURLLength, time.Now()); err != nil {
		c.log.Debug("trap refused", "url", raw, "reason", err)
		c.count(func(s *Stats) { s.Traps++ })
		return nil
	}
	s := u.String()
	return &entry{URL: s, Key: Key(u), Host: u.Host, Depth: depth, Kind: k, Seed: seed, Revisit: seed || k != kindPage || c.s.Recrawl}
}

func (c *Crawler) count(f func(*Stats)) {
	c.mu.Lock()
	f(&c.stats)
	c.mu.Unlock()
}

// Run performs one crawl pass (or resumes the unfinished one) and returns
// when the frontier is exhausted, the page budget is spent, or ctx is
// cancelled. Pages in flight at cancellation stay queued for the next run.
func (c *Crawler) Run(ctx context.Context) (Stats, error) {
	c.started = time.Now()
	c.mu.Lock()
	c.stats = Stats{Started: c.started, Status: map[string]int64{}}
	c.mu.Unlock()
	if err := CheckSeeds(ctx, c.s.Config); err != nil {
		return c.Stats(), err
	}
	pending, spilled, queued, err := c.loadPass()
	if err != nil {
		return c.Stats(), err
	}
	c.mu.Lock()
	// A Crawler may run many passes: keep what is known about each host
	// (timing, robots.txt) but rebuild the queues from the store.
	c.pagesSent = 0
	c.queued = queued
	for _, h := range c.order {
		h.queue, h.dropped, h.pages, h.busy = nil, "", 0, false
		h.memPages, h.spill, h.lastKey = 0, false, nil
	}
	for _, e := range pending {
		c.push(e, false)
	}
	for host := range spilled {
		if h := c.hosts[host]; h != nil {
			h.spill = true
		}
	}
	c.mu.Unlock()
	t := &txn{}
	for _, raw := range c.s.Seeds {
		if e := c.newEntry(raw, kindPage, 0, true); e != nil {
			t.add = append(t.add, e)
			if !c.s.DisableSitemaps {
				if sm := c.newEntry(e.URL[:len(e.URL)-len(mustURL(e.URL).RequestURI())]+"/sitemap.xml", kindSitemap, 0, true); sm != nil {
					t.add = append(t.add, sm)
				}
			}
		}
	}
	for _, l := range []struct {
		k    kind
		urls []string
	}{{kindFeed, c.s.Feeds}, {kindSitemap, c.s.Sitemaps}} {
		for _, raw := range l.urls {
			if e := c.newEntry(raw, l.k, 0, true); e != nil {
				t.add = append(t.add, e)
			}
		}
	}
	due, err := c.dueRevisits(time.Now())
	if err != nil {
		return c.Stats(), err
	}
	t.add = append(t.add, due...)
	added, err := c.commit(t)
	if err != nil {
		return c.Stats(), err
	}
	c.mu.Lock()
	c.queued += len(added)
	for _, e := range added {
		c.push(e, false)
	}
	c.mu.Unlock()
	c.log.Info("crawl pass", "pass", c.pass, "resumed", len(pending), "seeds", len(c.s.Seeds))

	statsDone := make(chan struct{})
	go c.statsLoop(statsDone)
	c.schedule(ctx)
	close(statsDone)

	var errs []error
	if c.w != nil {
		if err := c.w.EndFile(); err != nil {
			errs = append(errs, err)
		}
	}
	st := c.Stats()
	if err := c.writeStats(st); err != nil {
		errs = append(errs, err)
	}
	c.log.Info("crawl done", "pages", st.Pages, "requests", st.Requests, "errors", st.Errors, "queue", st.Queue, "elapsed", time.Since(c.started).Round(time.Millisecond))
	if ctx.Err() != nil {
		errs = append(errs, ctx.Err())
	}
	return st, errors.Join(errs...)
}

func mustURL(s string) *url.URL {
	u, _ := url.Parse(s)
	return u
}

// Close finishes the WARC file and drops idle connections. The store
// stays open (it is the caller's).
func (c *Crawler) Close() error {
	c.tr.base.CloseIdleConnections()
	if c.w == nil {
		return nil
	}
	return c.w.Close()
}

func (c *Crawler) budgetDone() bool { return c.s.MaxPages > 0 && c.pagesSent >= c.s.MaxPages }

// schedule is the dispatch loop: it starts one worker per ready host, never
// two on the same host, and waits for the next host to become ready.
func (c *Crawler) schedule(ctx context.Context) {
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		c.mu.Lock()
		now := time.Now()
		wait := time.Hour
		live := false
		for _, h := range c.order {
			if h.busy {
				continue
			}
			if h.dropped != "" || ctx.Err() != nil {
				continue
			}
			if h.spill && h.memPages < max(1, memPerHost/4) {
				c.refill(h)
			}
			if len(h.queue) == 0 {
				continue
			}
			needRobots := h.robots == nil || !now.Before(h.robotsUntil)
			if !needRobots && h.robots.disallowAll {
				// robots.txt was unavailable: wait for the retry.
				live = true
				wait = min(wait, h.robotsUntil.Sub(now))
				continue
			}
			if !needRobots && !c.dispatchable(h) {
				continue
			}
			live = true
			if h.next.After(now) {
				if d := h.next.Sub(now); d > c.s.MaxWait {
					h.dropped = fmt.Sprintf("not ready for %v", d.Round(time.Second))
					c.log.Warn("host left for the next run", "host", h.name, "reason", h.dropped, "queued", len(h.queue))
				} else if d < wait {
					wait = d
				}
				continue
			}
			if c.inflight >= c.s.Concurrency {
				wait = min(wait, 10*time.Millisecond)
				continue
			}
			h.busy = true
			c.inflight++
			if needRobots {
				go c.robotsWork(ctx, h)
				continue
			}
			e := h.queue[0]
			h.queue[0] = nil
			h.queue = h.queue[1:]
			if e.Kind == kindPage {
				c.pagesSent++
				h.pages++
				h.memPages--
			}
			go c.work(ctx, h, e)
		}
		if c.inflight == 0 && !live {
			c.mu.Unlock()
			return
		}
		c.mu.Unlock()
		timer.Reset(wait)
		if ctx.Err() != nil {
			select {
			case <-c.wake:
			case <-timer.C:
			}
			continue
		}
		select {
		case <-c.wake:
		case <-timer.C:
		case <-ctx.Done():
		}
	}
}

// dispatchable reports whether h's next entry may be fetched in this run
// (budgets, robots unavailability); c.mu must be held.
func (c *Crawler) dispatchable(h *hostState) bool {
	if h.queue[0].Kind != kindPage {
		return true
	}
	if c.budgetDone() {
		return false
	}
	return c.s.MaxPagesPerHost <= 0 || h.pages < c.s.MaxPagesPerHost
}

// gap is the politeness interval after a request to h.
func (c *Crawler) gap(h *hostState) time.Duration {
	g := c.s.Delay
	if h.robots != nil && h.robots.crawlDelay > g {
		g = h.robots.crawlDelay
	}
	if slow := time.Duration(c.s.SlowFactor * float64(h.lastRTT)); slow > g {
		// The slow-host bound never undercuts Crawl-delay or Delay.
		g = max(g, min(slow, c.s.MaxDelay))
	}
	return g
}

// done is how a worker hands a host back to the scheduler.
type done struct {
	requested bool          // a request went to the host
	end       time.Time     // when its response ended (the gap counts from here)
	wait      time.Duration // extra wait (back-off) instead of the gap, 0 for the gap
	requeue   *entry        // put back at the front of the queue
	unbudget  *entry        // a page that made no request: refund the budget
	completed bool          // the entry left the queue for good
	added     []*entry
}

func (c *Crawler) finish(h *hostState, d done) {
	c.mu.Lock()
	h.busy = false
	c.inflight--
	if d.requested {
		w := c.gap(h)
		if d.wait > w {
			w = d.wait
		}
		end := d.end
		if end.IsZero() {
			end = time.Now()
		}
		h.next = end.Add(w)
	}
	if d.requeue != nil {
		c.push(d.requeue, true)
	}
	for _, e := range []*entry{d.requeue, d.unbudget} {
		if e != nil && e.Kind == kindPage {
			c.pagesSent--
			h.pages--
		}
	}
	c.queued += len(d.added)
	if d.completed {
		c.queued--
	}
	for _, e := range d.added {
		c.push(e, false)
	}
	c.mu.Unlock()
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

// do performs one GET through Colly and the transport.
func (c *Crawler) do(f *fetch) error {
	hdr := http.Header{}
	hdr.Set("User-Agent", c.s.UserAgent)
	hdr.Set("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
	hdr.Set("Accept-Encoding", "gzip, deflate")
	for k, v := range f.header {
		hdr[k] = v
	}
	id := c.tr.register(f)
	defer c.tr.fetches.Delete(id)
	hdr.Set(fetchIDHeader, id)
	cctx := colly.NewContext()
	cctx.Put("fetch", f)
	err := c.col.Request(http.MethodGet, f.url, nil, cctx, hdr)
	c.mu.Lock()
	if f.replay != "" {
		c.stats.Replayed++
		c.mu.Unlock()
		return err
	}
	c.stats.Requests++
	c.stats.Bytes += int64(len(f.raw))
	if f.status != 0 {
		c.stats.Status[strconv.Itoa(f.status)]++
	}
	if f.truncated == "length" {
		c.stats.Truncated++
	}
	if f.revisit {
		c.stats.Revisits++
	}
	c.mu.Unlock()
	if f.status == 0 && err == nil {
		err = fmt.Errorf("fetch %s: no response", f.url)
	}
	return err
}

// robotsWork fetches and interprets h's robots.txt (RFC 9309), following up
// to five redirects.
func (c *Crawler) robotsWork(ctx context.Context, h *hostState) {
	d := done{}
	defer func() {
		if p := recover(); p != nil {
			// A bug must not stop the crawl: the host sits out this run.
			c.log.Error("internal error fetching robots.txt; host left for the next run", "host", h.name, "panic", fmt.Sprint(p))
			c.log.Debug("internal error", "stack", string(debug.Stack()))
			c.mu.Lock()
			h.dropped = "internal error"
			c.mu.Unlock()
		}
		c.finish(h, d)
	}()
	now := time.Now()
	if h.robots == nil {
		if rec := c.loadRobots(h.name); rec != nil && now.Sub(rec.Fetched) < c.s.RobotsTTL {
			c.setRobots(h, newRobots(rec.Status, rec.Body, productToken(c.s.UserAgent), rec.Fetched), rec.Fetched.Add(c.s.RobotsTTL))
			// The gap after the previous run's last request was set from
			// Delay alone; now that Crawl-delay is known, apply it too.
			if last := c.lastRequest(h.name); !last.IsZero() {
				c.mu.Lock()
				if n := c.gapFrom(last).Add(c.gap(h)); n.After(h.next) {
					h.next = n
				}
				c.mu.Unlock()
			}
			d.added = c.robotsSitemaps(h)
			return
		}
	}
	target := robotsURL(&url.URL{Scheme: h.scheme, Host: h.name})
	var f *fetch
	var err error
	for hop := 0; hop <= 5; hop++ {
		f = &fetch{ctx: ctx, url: target}
		var release func(end time.Time)
		if other := hostOf(target); other != h.name {
			// A redirect to another host: that host's politeness applies.
			if release, err = c.borrowHost(ctx, other, target); err != nil {
				if ctx.Err() != nil {
					return
				}
				break
			}
		}
		err = c.do(f)
		if release != nil {
			release(time.Now())
		}
		d.requested = true
		c.logFetch(f, "robots", err)
		if ctx.Err() != nil {
			return
		}
		loc := f.respHead.Get("Location")
		if err != nil || f.status < 300 || f.status >= 400 || loc == "" || hop == 5 {
			break
		}
		next, perr := url.Parse(target)
		if perr == nil {
			next, perr = next.Parse(loc)
		}
		if perr != nil {
			break
		}
		if hostOf(next.String()) == h.name {
			select {
			case <-ctx.Done():
				return
			case <-time.After(c.gap(h)):
			}
		}
		target = next.String()
	}
	if errors.Is(err, ErrForbiddenAddress) {
		// Asking again cannot help: the host's queue is given up at once.
		c.log.Warn("host refused", "host", h.name, "error", err)
		c.abandonHost(h, "address refused: "+err.Error())
		return
	}
	status := f.status
	switch {
	case err != nil || f.err != nil:
		status = 0 // unreachable: disallow all
	case status >= 300 && status < 400:
		status = 404 // RFC 9309 2.3.1.2: more than five redirects = unavailable
	}
	r := newRobots(status, f.body, productToken(c.s.UserAgent), time.Now())
	rec := &LogRecord{Time: f.started.UTC(), URL: target, Kind: "robots", Status: f.status, Error: errString(err),
		Bytes: len(f.raw), Millis: f.elapsed.Milliseconds(), WARC: f.warcLoc, Outcome: "ok"}
	if r.disallowAll {
		// A 429/503 may say when to come back (Retry-After); otherwise
		// the wait doubles from BackoffBase with each failure in a row,
		// up to RobotsRetry. Recorded first: a restart must not ask
		// earlier.
		c.mu.Lock()
		hostFails := h.fails
		h.robotsFailsAll++
		failsAll := h.robotsFailsAll
		c.mu.Unlock()
		var ra time.Duration
		if f.respHead != nil {
			ra = retryAfter(f.respHead.Get("Retry-After"))
		}
		retry := c.robotsWait(ra, failsAll)
		c.setWait(h, "robots.txt "+failure(f.status, errors.Join(err, f.err))+", "+waitKind(ra, retry))
		c.recordBackoff(h, time.Now(), retry, hostFails, false)
		rec.Outcome = "robots-unavailable"
		if _, cerr := c.commit(&txn{log: rec, host: h.name, hostAt: time.Now()}); cerr != nil {
			c.log.Error("record robots.txt", "host", h.name, "error", cerr)
		}
		c.mu.Lock()
		h.robotsFails++
		fails := h.robotsFails
		c.mu.Unlock()
		c.setRobots(h, r, time.Now().Add(retry))
		d.wait = retry
		c.log.Warn("robots.txt unavailable: host waits", "host", h.name, "status", f.status, "error", errString(err), "attempt", fails,
			"retry_after", ra, "wait", retry, "until", time.Now().Add(retry).Format(time.TimeOnly))
		if failsAll >= c.s.RobotsRetries*c.s.MaxRetries {
			// Never retry forever: the host's queue is given up so the
			// pass can end; the next pass asks again.
			c.abandonHost(h, fmt.Sprintf("robots.txt unavailable %d times in a row", failsAll))
			c.recordBackoff(h, time.Now(), retry, hostFails, false)
		} else if fails >= c.s.RobotsRetries {
			c.mu.Lock()
			h.dropped = "robots.txt unavailable"
			c.mu.Unlock()
		}
		return
	}
	c.setRobots(h, r, r.fetched.Add(c.s.RobotsTTL))
	c.mu.Lock()
	hadFails, hostFails := h.robotsFailsAll > 0, h.fails
	h.robotsFailsAll = 0
	if hostFails == 0 {
		h.waitWhy = ""
	}
	c.mu.Unlock()
	if hadFails {
		c.recordBackoff(h, time.Now(), 0, hostFails, false)
	}
	if _, cerr := c.commit(&txn{log: rec, host: h.name, hostAt: time.Now(), robots: map[string]*robotsRec{h.name: {Status: status, Body: f.body, Fetched: r.fetched}}}); cerr != nil {
		c.log.Error("save robots.txt", "host", h.name, "error", cerr)
	}
	d.added = c.robotsSitemaps(h)
}

func (c *Crawler) setRobots(h *hostState, r *robots, until time.Time) {
	if r.crawlDelay > c.s.MaxCrawlDelay {
		c.log.Warn("Crawl-delay capped", "host", h.name, "crawl_delay", r.crawlDelay, "cap", c.s.MaxCrawlDelay)
		r.crawlDelay = c.s.MaxCrawlDelay
	}
	c.mu.Lock()
	h.robots, h.robotsUntil = r, until
	if !r.disallowAll {
		h.robotsFails = 0
	}
	c.mu.Unlock()
}

// robotsSitemaps queues the Sitemap: lines of h's robots.txt.
func (c *Crawler) robotsSitemaps(h *hostState) []*entry {
	if c.s.DisableSitemaps || h.robots == nil {
		return nil
	}
	t := &txn{}
	for _, sm := range h.robots.sitemaps {
		if e := c.newEntry(sm, kindSitemap, 0, false); e != nil {
			t.add = append(t.add, e)
		}
	}
	if len(t.add) == 0 {
		return nil
	}
	added, err := c.commit(t)
	if err != nil {
		c.log.Error("queue sitemaps", "host", h.name, "error", err)
	}
	return added
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func (c *Crawler) logFetch(f *fetch, kind string, err error) {
	lvl := slog.LevelDebug
	if err != nil {
		lvl = slog.LevelInfo
	}
	c.log.Log(context.Background(), lvl, "fetch", "url", f.url, "kind", kind, "status", f.status, "bytes", len(f.raw), "ms", f.elapsed.Milliseconds(), "error", errString(err))
}

// work fetches one entry and records the outcome.
func (c *Crawler) work(ctx context.Context, h *hostState, e *entry) {
	d := done{}
	defer func() {
		if p := recover(); p != nil {
			// A bug must not stop the crawl: the URL is given up,
			// recorded with the panic, and the crawl goes on.
			c.log.Error("internal error; URL given up", "url", e.URL, "panic", fmt.Sprint(p))
			c.log.Debug("internal error", "stack", string(debug.Stack()))
			rec := &LogRecord{Time: time.Now().UTC(), URL: e.URL, Kind: e.Kind.String(), Error: fmt.Sprint("internal error: ", p)}
			d.requeue = nil
			c.fail(&txn{done: e, log: rec}, rec, nil, "internal-error", &d)
		}
		c.finish(h, d)
	}()
	t := &txn{done: e}
	rec := &LogRecord{Time: time.Now().UTC(), URL: e.URL, Kind: e.Kind.String()}
	t.log = rec
	u, err := url.Parse(e.URL)
	if err != nil || !h.robots.allowed(u) {
		t.state = seenRec{Pass: c.pass, State: "robots"}
		rec.Outcome = "robots-denied"
		d.unbudget = e
		c.count(func(s *Stats) { s.RobotsDenied++ })
		c.save(t, &d)
		return
	}
	f := &fetch{ctx: ctx, e: e, url: e.URL, header: http.Header{}}
	if e.Revisit {
		if cr := c.loadCond(e.Key); cr != nil {
			if cr.ETag != "" {
				f.header.Set("If-None-Match", cr.ETag)
			}
			if cr.LastModified != "" {
				f.header.Set("If-Modified-Since", cr.LastModified)
			}
		}
	}
	replayed := false
	if e.WARC != "" {
		// Fetched before the crawl stopped: processed from the WARC.
		f.replay = e.WARC
		if err = c.do(f); err == nil && f.err == nil {
			replayed = true
		} else if ctx.Err() != nil {
			return
		} else {
			c.log.Warn("archived response unreadable: fetching again", "url", e.URL, "warc", e.WARC, "error", errors.Join(err, f.err))
			e.WARC = ""
			f = &fetch{ctx: ctx, e: e, url: e.URL, header: f.header}
		}
	}
	if !replayed {
		err = c.do(f)
		d.requested, d.end = true, time.Now()
		t.host, t.hostAt = h.name, d.end
		c.logFetch(f, e.Kind.String(), err)
		c.mu.Lock()
		h.lastRTT = f.elapsed
		c.mu.Unlock()
		if shouldRecordFetch(e, f, err) {
			// Recorded before the handler runs, even when the crawl is
			// stopping: the next run processes the archived response.
			if rerr := c.recordFetched(e, f.warcLoc, h.name, d.end); rerr != nil {
				c.log.Error("record fetch", "url", e.URL, "error", rerr)
			}
		}
	}
	if ctx.Err() != nil {
		return // stays queued for the next run
	}
	rec.Status, rec.Bytes, rec.Millis, rec.WARC = f.status, len(f.raw), f.elapsed.Milliseconds(), f.warcLoc
	if err == nil {
		err = f.err
	}
	status := f.status
	switch {
	case f.truncated == "time" || f.truncated == "disconnect":
		c.fail(t, rec, err, "failed", &d)
	case errors.Is(err, ErrForbiddenAddress):
		c.fail(t, rec, err, "address-refused", &d)
	case status == 0:
		c.retry(h, e, t, rec, err, 0, &d)
	case status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable:
		c.retry(h, e, t, rec, fmt.Errorf("%s: HTTP %d", e.URL, status), retryAfter(f.respHead.Get("Retry-After")), &d)
	case status >= 500:
		c.retry(h, e, t, rec, fmt.Errorf("%s: HTTP %d", e.URL, status), 0, &d)
	case status == http.StatusNotModified:
		c.resetFails(h)
		t.state = seenRec{Pass: c.pass, State: "done", Status: status}
		rec.Outcome = "not-modified"
		c.planRevisit(t, e, status, rec.Outcome)
		c.save(t, &d)
	case status >= 300 && status < 400:
		c.resetFails(h)
		c.redirect(e, f, t, rec, &d)
	case status >= 200 && status < 300:
		c.resetFails(h)
		if err != nil {
			c.fail(t, rec, err, "failed", &d)
			return
		}
		if !c.process(ctx, e, f, t, rec) {
			d = done{requested: true} // cancelled in the handler: leave queued
			return
		}
		c.planRevisit(t, e, status, rec.Outcome)
		c.save(t, &d)
	default:
		c.resetFails(h)
		t.state = seenRec{Pass: c.pass, State: "done", Status: status}
		rec.Outcome = "http-error"
		c.planRevisit(t, e, status, rec.Outcome)
		c.count(func(s *Stats) { s.Errors++ })
		c.save(t, &d)
	}
}

func (c *Crawler) resetFails(h *hostState) {
	c.mu.Lock()
	h.fails = 0
	h.waitWhy = ""
	saved := h.backoffSaved
	h.backoffSaved = false
	c.mu.Unlock()
	if saved {
		if err := c.saveBackoff(h.name, nil); err != nil {
			c.log.Error("clear back-off", "host", h.name, "error", err)
		}
	}
}

func (c *Crawler) save(t *txn, d *done) {
	added, err := c.commit(t)
	if err != nil {
		c.log.Error("record fetch", "url", t.log.URL, "error", err)
		c.count(func(s *Stats) { s.Errors++ })
		return
	}
	if t.deniedNew > 0 {
		c.count(func(s *Stats) { s.RobotsDenied += int64(t.deniedNew) })
	}
	d.completed = t.done != nil && t.requeue == nil
	d.added = append(d.added, added...)
}

func (c *Crawler) fail(t *txn, rec *LogRecord, err error, outcome string, d *done) {
	t.state = seenRec{Pass: c.pass, State: "failed", Status: rec.Status}
	rec.Outcome, rec.Error = outcome, errString(err)
	c.count(func(s *Stats) { s.Errors++ })
	c.save(t, d)
}

// retry re-queues e after a back-off (Retry-After when given), or gives it
// up after MaxRetries attempts; the host is parked after ParkAfter
// consecutive failures.
func (c *Crawler) retry(h *hostState, e *entry, t *txn, rec *LogRecord, err error, after time.Duration, d *done) {
	c.mu.Lock()
	h.fails++
	fails := h.fails
	c.mu.Unlock()
	wait := after
	if wait <= 0 {
		wait = c.s.BackoffBase << min(fails-1, 20)
		if wait > c.s.MaxBackoff || wait <= 0 {
			wait = c.s.MaxBackoff
		}
	}
	parked := fails >= c.s.ParkAfter
	why := failure(rec.Status, err) + ", " + waitKind(after, wait)
	if parked {
		wait = max(wait, c.s.ParkFor)
		why = fmt.Sprintf("parked after %d failures in a row (last: %s)", fails, failure(rec.Status, err))
		c.log.Warn("host parked", "host", h.name, "failures", fails, "for", wait)
	}
	c.setWait(h, why)
	d.wait = wait
	c.recordBackoff(h, t.hostAt, wait, fails, parked)
	e.Tries++
	rec.Error = errString(err)
	if e.Tries >= c.s.MaxRetries {
		c.fail(t, rec, err, "gave-up", d)
		return
	}
	rec.Outcome = "retry"
	t.requeue = e
	c.count(func(s *Stats) { s.Retries++ })
	if _, cerr := c.commit(t); cerr != nil {
		c.log.Error("requeue", "url", e.URL, "error", cerr)
	}
	d.requeue = e
}

// robotsWait is how long a host waits after its robots.txt failed for
// the fails-th time in a row: the server's Retry-After when it gave one,
// else BackoffBase doubled per earlier failure, at most RobotsRetry.
func (c *Crawler) robotsWait(retryAfter time.Duration, fails int) time.Duration {
	if retryAfter > 0 {
		return retryAfter
	}
	wait := c.s.BackoffBase << min(max(fails-1, 0), 20)
	if wait > c.s.RobotsRetry || wait <= 0 {
		wait = c.s.RobotsRetry
	}
	return wait
}

// setWait records why h waits, for Stats.Waiting.
func (c *Crawler) setWait(h *hostState, why string) {
	c.mu.Lock()
	h.waitWhy = why
	c.mu.Unlock()
}

// failure names what went wrong with a request, briefly: "HTTP 503", or
// "unreachable" with the cause.
func failure(status int, err error) string {
	if status != 0 {
		return "HTTP " + strconv.Itoa(status)
	}
	if err == nil {
		return "no response"
	}
	msg := err.Error()
	if i := strings.LastIndex(msg, ": "); i >= 0 && i+2 < len(msg) {
		msg = msg[i+2:] // the innermost cause ("connection refused")
	}
	return "unreachable (" + msg + ")"
}

// waitKind says what a wait comes from: the server's Retry-After or our
// back-off.
func waitKind(retryAfter, wait time.Duration) string {
	if retryAfter > 0 {
		return "Retry-After " + retryAfter.String()
	}
	return "back-off " + wait.Round(time.Millisecond).String()
}

// maxRetryAfter bounds a Retry-After: a server asking for more than a day
// (or for years) is asked again after a day rather than never, since the
// wait is kept across runs.
const maxRetryAfter = 24 * time.Hour

// retryAfter parses a Retry-After value (delay-seconds or HTTP-date),
// capped at maxRetryAfter.
func retryAfter(v string) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil && n >= 0 {
		return time.Duration(min(n, int64(maxRetryAfter/time.Second))) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		return min(max(time.Until(t), 0), maxRetryAfter)
	}
	return 0
}

// redirect queues a redirect target as a new entry, so that robots.txt,
// scope and politeness apply to it; loops end at the seen set and chains
// at MaxRedirects.
func (c *Crawler) redirect(e *entry, f *fetch, t *txn, rec *LogRecord, d *done) {
	t.state = seenRec{Pass: c.pass, State: "done", Status: f.status}
	loc := f.respHead.Get("Location")
	base, _ := url.Parse(e.URL)
	target, err := base.Parse(loc)
	c.count(func(s *Stats) { s.Redirects++ })
	switch {
	case loc == "" || err != nil:
		c.fail(t, rec, fmt.Errorf("redirect from %s: bad Location %q", e.URL, loc), "bad-redirect", d)
		return
	case e.Hops+1 > c.s.MaxRedirects:
		c.fail(t, rec, fmt.Errorf("redirect from %s: more than %d redirects", e.URL, c.s.MaxRedirects), "too-many-redirects", d)
		return
	}
	ne := c.newEntry(target.String(), e.Kind, e.Depth, false)
	rec.Outcome = "redirect"
	if ne != nil {
		if ne.Key == e.Key {
			c.fail(t, rec, fmt.Errorf("redirect from %s: loops to itself", e.URL), "redirect-loop", d)
			return
		}
		ne.Via = e.Via
		if ne.Via == "" {
			ne.Via = e.URL
		}
		ne.Hops, ne.Hints, ne.Revisit, ne.Seed = e.Hops+1, e.Hints, e.Revisit, e.Seed
		t.add = append(t.add, ne)
	}
	c.save(t, d)
}

// process handles a 2xx body by kind; it returns false when ctx was
// cancelled while the handler ran (the entry then stays queued).
func (c *Crawler) process(ctx context.Context, e *entry, f *fetch, t *txn, rec *LogRecord) bool {
	t.state = seenRec{Pass: c.pass, State: "done", Status: f.status}
	rec.Outcome = "ok"
	k := e.Kind
	if !f.skipped {
		k = responseKind(e.Kind, f.respHead.Get("Content-Type"), f.body)
	}
	if k != e.Kind {
		c.log.Debug("kind decided by the response", "url", e.URL, "linked_as", e.Kind.String(), "is", k.String())
		rec.Kind = k.String()
	}
	if k != kindPage {
		t.state.Discovery = true // fetched again in each new pass, however it is linked
	}
	if e.Revisit || k != kindPage || (c.s.RevisitMin > 0 && e.Kind == kindPage) {
		t.cond = &condRec{URL: e.URL, ETag: f.respHead.Get("ETag"), LastModified: f.respHead.Get("Last-Modified"), Digest: f.digest, Date: f.started.UTC()}
	}
	switch k {
	case kindSitemap:
		c.processSitemap(e, f, t, rec)
	case kindFeed:
		items, err := parseFeed(f.body)
		if err != nil {
			rec.Outcome, rec.Error = "bad-feed", err.Error()
			c.count(func(s *Stats) { s.Errors++ })
			return true
		}
		for _, it := range items {
			if ne := c.newEntry(it.Link, kindPage, e.Depth+1, false); ne != nil {
				ne.Hints = &Hints{Title: it.Title, Published: it.Published, Source: e.URL}
				t.add = append(t.add, ne)
			}
		}
		c.count(func(s *Stats) { s.Feeds++ })
	default:
		if f.skipped {
			rec.Outcome = "not-html"
			return true
		}
		if f.revisit {
			rec.Outcome = "unchanged"
			return true // identical payload: the handler has seen it
		}
		mt, _, _ := mime.ParseMediaType(f.respHead.Get("Content-Type"))
		if mt == "" {
			mt, _, _ = mime.ParseMediaType(http.DetectContentType(f.body))
		}
		if mt != "text/html" && mt != "application/xhtml+xml" {
			rec.Outcome = "not-html"
			return true
		}
		xr := f.respHead.Values("X-Robots-Tag")
		nofollow, noindex := f.nofollow, f.noindex
		for _, v := range xr {
			nofollow = nofollow || hasToken(v, "nofollow") || hasToken(v, "none")
			noindex = noindex || hasToken(v, "noindex") || hasToken(v, "none")
		}
		hdr := f.respHead.Clone() // describe Body as handed over: content coding removed
		hdr.Del("Content-Encoding")
		hdr.Del("Content-Length")
		p := &Page{URL: e.URL, FinalURL: e.URL, Status: f.status, Header: hdr, Body: f.body,
			Fetched: f.started.UTC(), WARC: f.warcLoc, Depth: e.Depth, Truncated: f.truncated == "length",
			Canonical: f.canonical, NoIndex: noindex}
		if e.Via != "" {
			p.URL = e.Via
		}
		if e.Hints != nil {
			p.Hints = *e.Hints
		}
		herr := c.handle(ctx, p)
		if herr != nil {
			if ctx.Err() != nil {
				return false
			}
			rec.Error = herr.Error()
			c.log.Warn("page handler", "url", e.URL, "error", herr)
			c.count(func(s *Stats) { s.HandlerErrors++ })
		}
		c.count(func(s *Stats) { s.Pages++ })
		// Feeds first: a feed linked both as <link rel=alternate> and as
		// <a href> is queued as a feed.
		if !c.s.DisableFeeds {
			for _, l := range f.feeds {
				if ne := c.newEntry(l, kindFeed, e.Depth, false); ne != nil {
					t.add = append(t.add, ne)
				}
			}
		}
		if !nofollow {
			links := f.links
			if len(links) > c.s.MaxLinks {
				c.log.Info("links beyond the per-page limit ignored", "url", e.URL, "links", len(links), "limit", c.s.MaxLinks)
				c.count(func(s *Stats) { s.LinksIgnored += int64(len(links) - c.s.MaxLinks) })
				links = links[:c.s.MaxLinks]
			}
			for _, l := range links {
				ne := c.newEntry(l, kindPage, e.Depth+1, false)
				switch {
				case ne == nil:
				case c.robotsDenies(ne):
					t.denied = append(t.denied, ne)
				default:
					t.add = append(t.add, ne)
				}
			}
		}
	}
	return true
}

func (c *Crawler) processSitemap(e *entry, f *fetch, t *txn, rec *LogRecord) {
	doc, err := parseSitemap(f.body, c.s.MaxSitemapURLs, c.s.MaxDecodedSize)
	if err != nil {
		rec.Error = err.Error()
		if doc == nil {
			rec.Outcome = "bad-sitemap"
			return
		}
	}
	c.count(func(s *Stats) { s.Sitemaps++ })
	if doc.Index {
		if e.Depth >= 3 {
			rec.Outcome = "sitemap-too-deep"
			return
		}
		for _, sm := range doc.Sitemaps {
			if ne := c.newEntry(sm, kindSitemap, e.Depth+1, false); ne != nil {
				t.add = append(t.add, ne)
			}
		}
		return
	}
	var cutoff time.Time
	if c.s.SitemapMaxAge > 0 {
		cutoff = time.Now().Add(-c.s.SitemapMaxAge)
	}
	for _, su := range doc.URLs {
		when := su.LastMod
		if !su.Published.IsZero() {
			when = su.Published
		}
		if !cutoff.IsZero() && !when.IsZero() && when.Before(cutoff) {
			continue
		}
		if ne := c.newEntry(su.Loc, kindPage, 1, false); ne != nil {
			ne.Hints = &Hints{Title: su.Title, Published: su.Published, Source: e.URL}
			t.add = append(t.add, ne)
		}
	}
}

// Stats is a snapshot of a crawl's progress; it is also written to
// <archive>/stats.json while the crawl runs.
type Stats struct {
	Started       time.Time        `json:"started"`
	ElapsedSec    float64          `json:"elapsed_seconds"`
	Pass          int              `json:"pass"`
	Pages         int64            `json:"pages"`    // HTML pages handed to the handler
	Requests      int64            `json:"requests"` // every HTTP request, robots.txt included
	Bytes         int64            `json:"bytes"`
	Errors        int64            `json:"errors"` // URLs that failed for good
	HandlerErrors int64            `json:"handler_errors"`
	Retries       int64            `json:"retries"`
	RobotsDenied  int64            `json:"robots_denied"`
	OutOfScope    int64            `json:"out_of_scope"`
	Traps         int64            `json:"traps"`
	Skipped       int64            `json:"skipped"`
	Redirects     int64            `json:"redirects"`
	Revisits      int64            `json:"revisits"`
	LinksIgnored  int64            `json:"links_ignored"` // links beyond Config.MaxLinks on a page
	Replayed      int64            `json:"replayed"`      // pages fetched before an interruption, processed from the WARC
	Truncated     int64            `json:"truncated"`
	Sitemaps      int64            `json:"sitemaps"`
	Feeds         int64            `json:"feeds"`
	Status        map[string]int64 `json:"status"`
	Queue         int              `json:"queue"`
	Hosts         int              `json:"hosts"`
	HostsActive   int              `json:"hosts_active"`
	HostsDropped  int              `json:"hosts_dropped"`
	PagesPerSec   float64          `json:"pages_per_second"`
	// Waiting lists the hosts with work queued that wait beyond their
	// politeness gap (Retry-After, back-off, robots.txt unavailable),
	// soonest first.
	Waiting []HostWait `json:"waiting,omitempty"`
}

// HostWait is one host waiting before its next request.
type HostWait struct {
	Host   string    `json:"host"`
	Reason string    `json:"reason"` // "robots.txt HTTP 503, Retry-After 2s"
	Until  time.Time `json:"until"`
}

// Stats returns a live snapshot; safe to call from any goroutine.
func (c *Crawler) Stats() Stats {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := c.stats
	s.Status = make(map[string]int64, len(c.stats.Status))
	for k, v := range c.stats.Status {
		s.Status[k] = v
	}
	s.Pass = c.pass
	s.Hosts = len(c.hosts)
	s.Queue = c.queued
	now := time.Now()
	for _, h := range c.order {
		if h.busy {
			s.HostsActive++
		}
		if h.dropped != "" {
			s.HostsDropped++
		}
		if h.waitWhy != "" && !h.busy && h.dropped == "" && (len(h.queue) > 0 || h.spill) {
			until := h.next
			if h.robots != nil && h.robots.disallowAll && h.robotsUntil.After(until) {
				until = h.robotsUntil
			}
			if until.After(now) {
				s.Waiting = append(s.Waiting, HostWait{Host: h.name, Reason: h.waitWhy, Until: until})
			}
		}
	}
	slices.SortFunc(s.Waiting, func(a, b HostWait) int { return a.Until.Compare(b.Until) })
	if !c.started.IsZero() {
		s.ElapsedSec = time.Since(c.started).Seconds()
		if s.ElapsedSec > 0 {
			s.PagesPerSec = float64(s.Pages) / s.ElapsedSec
		}
	}
	return s
}

func (c *Crawler) statsLoop(done <-chan struct{}) {
	t := time.NewTicker(2 * time.Second)
	defer t.Stop()
	for {
		select {
		case <-done:
			return
		case <-t.C:
			if err := c.writeStats(c.Stats()); err != nil {
				c.log.Warn("write stats", "error", err)
			}
		}
	}
}

func (c *Crawler) writeStats(s Stats) error {
	if c.s.StatsFile == "-" {
		return nil
	}
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	if err := atomicfile.WriteFile(c.s.StatsFile, append(b, '\n')); err != nil {
		return fmt.Errorf("write stats %s: %w", c.s.StatsFile, err)
	}
	return nil
}
