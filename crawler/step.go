package crawler

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"runtime/debug"
	"time"
)

// work does one leased unit of work and hands the host back to fr, with
// the outcome recorded even while the crawl shuts down. When the lease
// was lost meanwhile (a shared frontier gave the host to another
// worker), nothing is recorded: the entry went back with the host.
//
// A page for the handler is handed over after the fetch. On a frontier
// that can free a host early (the local one), and while the pages
// waiting so stay under maxAheadBytes, the host goes back to the
// schedule before that, with the page's links queued: its next request
// waits for the politeness gap after this response, not for the page's
// extraction and storage too. The page's entry stays queued, with its
// archived response, until the handler is done, so a crawl killed
// meanwhile processes it again from the WARC. wake tells the dispatch
// loop that a host was freed.
func (c *Crawler) work(ctx context.Context, fr Frontier, l *lease, wake func()) {
	hctx, stop := fr.hold(ctx, l)
	o := c.step(hctx, fr, l)
	if o.page != nil {
		ef, ok := fr.(earlyFreer)
		if n := int64(len(o.page.Body)); ok && !c.retryUnhandled && c.reserveAhead(n) {
			defer c.ahead.Add(-n)
			if err := ef.free(context.WithoutCancel(ctx), l, o); err != nil {
				c.log.Error("free host", "host", l.host, "error", err)
			}
			wake()
		}
		c.handled(hctx, l, o)
	}
	if !stop() {
		return
	}
	if err := fr.release(context.WithoutCancel(ctx), l, o); err != nil {
		c.log.Error("release host", "host", l.host, "error", err)
	}
}

// maxAheadBytes bounds the bodies of the pages waiting for the handler
// with their host freed: beyond it a page keeps its host until it is
// handled, so a crawl whose extraction falls behind holds no more pages
// in memory than one per host in flight, plus this. A variable for tests.
var maxAheadBytes int64 = 64 << 20

// reserveAhead counts n bytes against maxAheadBytes and reports whether
// they fit (when not, nothing is counted).
func (c *Crawler) reserveAhead(n int64) bool {
	if c.ahead.Add(n) > maxAheadBytes {
		c.ahead.Add(-n)
		return false
	}
	return true
}

// step fetches robots.txt when the lease's host needs it, else the
// lease's entry. A bug must not stop the crawl: a panic gives the URL up
// (recorded with the panic), or leaves the host for the next run when it
// happened on robots.txt.
func (c *Crawler) step(ctx context.Context, fr Frontier, l *lease) (o *outcome) {
	robots := l.needsRobots(time.Now())
	defer func() {
		p := recover()
		if p == nil {
			return
		}
		c.log.Debug("internal error", "stack", string(debug.Stack()))
		if robots || l.e == nil {
			c.log.Error("internal error fetching robots.txt; host left for the next run", "host", l.host, "panic", fmt.Sprint(p))
			o = &outcome{failed: -1, requeue: true, refund: true, sitOut: "internal error"}
			return
		}
		c.log.Error("internal error; URL given up", "url", l.e.URL, "panic", fmt.Sprint(p))
		rec := &LogRecord{Time: time.Now().UTC(), URL: l.e.URL, Kind: l.e.Kind.String(), Error: fmt.Sprint("internal error: ", p)}
		requested := o != nil && o.requested
		o = &outcome{failed: -1, requested: requested, rest: c.pol.HostGap(l.robots, 0), t: &txn{done: l.e, log: rec}}
		c.fail(o.t, rec, nil, "internal-error")
	}()
	switch {
	case robots:
		return c.fetchRobots(ctx, fr, l)
	case l.robots.DisallowAll:
		// robots.txt unavailable and not yet due (a restart, another
		// worker): the entry waits at the front of the queue.
		return &outcome{failed: -1, requeue: true, refund: true, rest: max(time.Until(l.robotsUntil), 0)}
	}
	o = &outcome{failed: -1}
	c.fetchEntry(ctx, fr, l, o)
	if o.requeue && o.t != nil {
		// Fetched again because it was not handled: no validators, or the
		// next fetch would be a 304 the handler never sees.
		o.t.cond = nil
	}
	return o
}

// fetchEntry fetches l.e (or replays it from the WARC when it was fetched
// before an interruption) and records in o what became of it.
func (c *Crawler) fetchEntry(ctx context.Context, fr Frontier, l *lease, o *outcome) {
	e := l.e
	rec := &LogRecord{Time: time.Now().UTC(), URL: e.URL, Kind: e.Kind.String()}
	t := &txn{done: e, log: rec}
	o.t = t
	if !c.s.DisableSitemaps && len(l.robots.Sitemaps) > 0 && (e.Seed || e.Kind != kindPage || l.offerSitemaps) {
		// The Sitemap: lines of robots.txt are offered again with the
		// entries fetched in every pass (seeds, feeds, sitemaps) and when
		// robots.txt was read from the cache; the frontier queues them
		// once per pass.
		t.add = append(t.add, c.robotsSitemaps(l.robots)...)
	}
	u, err := url.Parse(e.URL)
	if err != nil || !l.robots.Allowed(u) {
		t.state = seenRec{Pass: c.pass, State: "robots"}
		rec.Outcome = "robots-denied"
		o.refund = true
		c.count(func(s *Stats) { s.RobotsDenied++ })
		return
	}
	f := &fetch{ctx: ctx, e: e, url: e.URL, header: http.Header{}}
	if e.Revisit || (c.s.RevisitMin > 0 && e.Kind == kindPage) {
		c.conditional(ctx, fr, f)
	}
	f, err, ok := c.fetchOrReplay(ctx, fr, l, f, o)
	if !ok || ctx.Err() != nil {
		// Stays queued for the next run.
		o.requeue, o.refund, o.t = true, true, nil
		return
	}
	rec.Status, rec.Bytes, rec.Millis, rec.WARC = f.status, len(f.raw), f.elapsed.Milliseconds(), f.warcLoc
	if err == nil {
		err = f.err
	}
	c.answer(ctx, l, f, err, o)
}

// conditional makes f a conditional GET with the validators the frontier
// keeps for its entry.
func (c *Crawler) conditional(ctx context.Context, fr Frontier, f *fetch) {
	cr, err := fr.validators(ctx, f.e.Key)
	if err != nil {
		c.log.Warn("conditional GET without validators", "url", f.e.URL, "error", err)
	}
	if cr == nil {
		return
	}
	if cr.ETag != "" {
		f.header.Set("If-None-Match", cr.ETag)
	}
	if cr.LastModified != "" {
		f.header.Set("If-Modified-Since", cr.LastModified)
	}
}

// fetchOrReplay processes e from the WARC when it was fetched before the
// crawl stopped, else fetches it; the response is recorded as fetched
// before the handler sees it. ok is false when ctx ended meanwhile.
func (c *Crawler) fetchOrReplay(ctx context.Context, fr Frontier, l *lease, f *fetch, o *outcome) (*fetch, error, bool) {
	e := l.e
	if e.WARC != "" && !c.haveWARC(e.WARC) {
		// Archived by another worker of a shared crawl, in its own WARC
		// directory: this worker fetches the page again.
		c.log.Info("archived response not in this worker's WARC directory: fetching again", "url", e.URL, "warc", e.WARC)
		e.WARC = ""
	}
	if e.WARC != "" {
		f.replay = e.WARC
		err := c.do(f)
		if err == nil && f.err == nil {
			return f, nil, true
		}
		if ctx.Err() != nil {
			return f, err, false
		}
		c.log.Warn("archived response unreadable: fetching again", "url", e.URL, "warc", e.WARC, "error", errors.Join(err, f.err))
		e.WARC = ""
		f = &fetch{ctx: ctx, e: e, url: e.URL, header: f.header}
	}
	err := c.do(f)
	o.requested, o.end = true, f.responseEnd(err)
	o.rest = c.pol.HostGap(l.robots, f.elapsed)
	o.t.host, o.t.hostAt = l.host, o.end
	c.logFetch(f, e.Kind.String(), err)
	if shouldRecordFetch(e, f, err) {
		// Recorded before the handler runs, even when the crawl is
		// stopping: the next run processes the archived response.
		if rerr := fr.fetched(context.WithoutCancel(ctx), e, f.warcLoc, l.host, o.end); rerr != nil {
			c.log.Error("record fetch", "url", e.URL, "error", rerr)
		}
	}
	return f, err, true
}

// answer records in o what the response to l.e means: done, failed,
// retried later, redirected, or processed.
func (c *Crawler) answer(ctx context.Context, l *lease, f *fetch, err error, o *outcome) {
	e, t, rec := l.e, o.t, o.t.log
	status := f.status
	switch {
	case f.truncated == "time" || f.truncated == "disconnect":
		c.fail(t, rec, err, "failed") // the URL failed, not necessarily the host
	case errors.Is(err, ErrForbiddenAddress):
		c.fail(t, rec, err, "address-refused")
	case status == 0:
		c.retry(l, o, err, 0)
	case status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable:
		c.retry(l, o, fmt.Errorf("%s: HTTP %d", e.URL, status), retryAfter(f.respHead.Get("Retry-After")))
	case status >= 500:
		c.retry(l, o, fmt.Errorf("%s: HTTP %d", e.URL, status), 0)
	case status == http.StatusNotModified:
		o.failed = 0
		t.state = seenRec{Pass: c.pass, State: "done", Status: status}
		rec.Outcome = "not-modified"
		c.planRevisit(t, e, status, rec.Outcome)
	case status >= 300 && status < 400:
		o.failed = 0
		c.redirect(e, f, t, rec)
	case status >= 200 && status < 300:
		o.failed = 0
		if err != nil {
			c.fail(t, rec, err, "failed")
			return
		}
		if o.page = c.process(e, f, t, rec); o.page != nil {
			return // the revisit is planned once the handler has seen it
		}
		c.planRevisit(t, e, status, rec.Outcome)
	default:
		o.failed = 0
		t.state = seenRec{Pass: c.pass, State: "done", Status: status}
		rec.Outcome = "http-error"
		c.planRevisit(t, e, status, rec.Outcome)
		c.count(func(s *Stats) { s.Errors++ })
	}
}

// fail records t's entry as failed for good with outcome.
func (c *Crawler) fail(t *txn, rec *LogRecord, err error, outcome string) {
	t.state = seenRec{Pass: c.pass, State: "failed", Status: rec.Status}
	rec.Outcome, rec.Error = outcome, errString(err)
	c.count(func(s *Stats) { s.Errors++ })
}

// retry counts a failure of l's host (429, 5xx, network): the host rests
// for the back-off (Retry-After when given; parked after ParkAfter
// failures in a row) and the entry waits at the front of its queue, or is
// given up after MaxRetries attempts.
func (c *Crawler) retry(l *lease, o *outcome, err error, after time.Duration) {
	e, rec := l.e, o.t.log
	fails := l.fails + 1
	wait, parked := c.pol.Backoff(fails, after)
	o.why = failure(rec.Status, err) + ", " + waitKind(after, wait)
	if parked {
		o.why = fmt.Sprintf("parked after %d failures in a row (last: %s)", fails, failure(rec.Status, err))
		c.log.Warn("host parked", "host", l.host, "failures", fails, "for", wait)
	}
	o.failed, o.rest = 1, max(o.rest, wait)
	e.Tries++
	rec.Error = errString(err)
	if e.Tries >= c.s.MaxRetries {
		c.fail(o.t, rec, err, "gave-up")
		return
	}
	rec.Outcome = "retry"
	o.requeue, o.refund = true, true
	c.count(func(s *Stats) { s.Retries++ })
}

// retryHandler hands page e to the handler again later because the
// handler failed on it, until MaxRetries attempts: from its archived
// response when e records one this worker can read, else fetched again.
func (c *Crawler) retryHandler(e *entry, o *outcome) {
	e.Tries++
	if e.Tries >= c.s.MaxRetries {
		return
	}
	o.rest = max(o.rest, c.pol.HandlerRetry(e.Tries))
	o.t.log.Outcome = "retry"
	o.requeue, o.refund = true, true
	c.count(func(s *Stats) { s.Retries++ })
}

// redirect queues a redirect target as a new entry, so that robots.txt,
// scope and politeness apply to it; loops end at the seen set and chains
// at MaxRedirects.
func (c *Crawler) redirect(e *entry, f *fetch, t *txn, rec *LogRecord) {
	t.state = seenRec{Pass: c.pass, State: "done", Status: f.status}
	loc := f.respHead.Get("Location")
	base, _ := url.Parse(e.URL)
	target, err := base.Parse(loc)
	c.count(func(s *Stats) { s.Redirects++ })
	switch {
	case loc == "" || err != nil:
		c.fail(t, rec, fmt.Errorf("redirect from %s: bad Location %q", e.URL, loc), "bad-redirect")
		return
	case e.Hops+1 > c.s.MaxRedirects:
		c.fail(t, rec, fmt.Errorf("redirect from %s: more than %d redirects", e.URL, c.s.MaxRedirects), "too-many-redirects")
		return
	}
	ne := c.newEntry(target.String(), e.Kind, e.Depth, false)
	rec.Outcome = "redirect"
	if ne == nil {
		return
	}
	if ne.Key == e.Key {
		c.fail(t, rec, fmt.Errorf("redirect from %s: loops to itself", e.URL), "redirect-loop")
		return
	}
	ne.Via = e.Via
	if ne.Via == "" {
		ne.Via = e.URL
	}
	ne.Hops, ne.Hints, ne.Revisit, ne.Seed = e.Hops+1, e.Hints, e.Revisit, e.Seed
	t.add = append(t.add, ne)
}

// denied reports whether the robots.txt already known for e's host
// forbids e: such a link is recorded as refused when it is found instead
// of waiting in the queue (a page of 100,000 forbidden links would
// otherwise cost 100,000 queue round trips).
func (c *Crawler) denied(e *entry) bool {
	c.mu.Lock()
	fr := c.fr
	c.mu.Unlock()
	if fr == nil {
		return false
	}
	r := fr.knownRobots(e.Host)
	if r == nil {
		return false
	}
	u, err := url.Parse(e.URL)
	return err == nil && !r.Allowed(u)
}
