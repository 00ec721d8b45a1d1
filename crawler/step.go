package crawler

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"runtime/debug"
	"time"

	"github.com/syndex/syndex/crawler/fetch"
	"github.com/syndex/syndex/crawler/frontier"
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
func (c *Crawler) work(ctx context.Context, fr frontier.Frontier, l *frontier.Lease, wake func()) {
	hctx, stop := fr.Hold(ctx, l)
	o, page := c.step(hctx, fr, l)
	if page != nil {
		ef, ok := fr.(frontier.EarlyFreer)
		if n := int64(len(page.Body)); ok && !c.retryUnhandled && c.reserveAhead(n) {
			defer c.ahead.Add(-n)
			if err := ef.Free(context.WithoutCancel(ctx), l, o); err != nil {
				c.log.Error("free host", "host", l.Host, "error", err)
			}
			wake()
		}
		c.handled(hctx, l, o, page)
	}
	if !stop() {
		return
	}
	if err := fr.Release(context.WithoutCancel(ctx), l, o); err != nil {
		c.log.Error("release host", "host", l.Host, "error", err)
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
// happened on robots.txt. page is the page the handler is to see, if any.
func (c *Crawler) step(ctx context.Context, fr frontier.Frontier, l *frontier.Lease) (o *frontier.Outcome, page *Page) {
	robots := l.NeedsRobots(c.s.now())
	defer func() {
		if p := recover(); p != nil {
			page = nil
			o = c.afterPanic(l, robots, o, p)
		}
	}()
	switch {
	case robots:
		return c.fetchRobots(ctx, fr, l), nil
	case l.Robots.DisallowAll:
		// robots.txt unavailable and not yet due (a restart, another
		// worker): the entry waits at the front of the queue.
		return &frontier.Outcome{Failed: -1, Requeue: true, Refund: true, Rest: max(l.RobotsUntil.Sub(c.s.now()), 0)}, nil
	}
	o = &frontier.Outcome{Failed: -1}
	page = c.fetchEntry(ctx, fr, l, o)
	if o.Requeue && o.Txn != nil {
		// Fetched again because it was not handled: no validators, or the
		// next fetch would be a 304 the handler never sees.
		o.Txn.Cond = nil
	}
	return o, page
}

// afterPanic is the outcome of a step that panicked with p (o: the
// outcome so far, nil before the fetch): a robots.txt step leaves the host
// for the next run; an entry's step gives the URL up.
func (c *Crawler) afterPanic(l *frontier.Lease, robots bool, o *frontier.Outcome, p any) *frontier.Outcome {
	c.log.Debug("internal error", "stack", string(debug.Stack()))
	if robots || l.Entry == nil {
		c.log.Error("internal error fetching robots.txt; host left for the next run", "host", l.Host, "panic", fmt.Sprint(p))
		return &frontier.Outcome{Failed: -1, Requeue: true, Refund: true, SitOut: "internal error"}
	}
	c.log.Error("internal error; URL given up", "url", l.Entry.URL, "panic", fmt.Sprint(p))
	rec := &frontier.LogRecord{Time: time.Now().UTC(), URL: l.Entry.URL, Kind: l.Entry.Kind.String(), Error: fmt.Sprint("internal error: ", p)}
	requested := o != nil && o.Requested
	o = &frontier.Outcome{Failed: -1, Requested: requested, Rest: c.pol.HostGap(l.Robots, 0), Txn: &frontier.Txn{Done: l.Entry, Log: rec}}
	c.fail(o.Txn, rec, nil, "internal-error")
	return o
}

// fetchEntry fetches l.Entry (or replays it from the WARC when it was
// fetched before an interruption), records in o what became of it, and
// returns the page the handler is to see, if any.
func (c *Crawler) fetchEntry(ctx context.Context, fr frontier.Frontier, l *frontier.Lease, o *frontier.Outcome) *Page {
	e := l.Entry
	rec := &frontier.LogRecord{Time: time.Now().UTC(), URL: e.URL, Kind: e.Kind.String()}
	t := &frontier.Txn{Done: e, Log: rec}
	o.Txn = t
	c.offerSitemaps(l, t)
	if c.robotsDenied(l, o) {
		return nil
	}
	f := &fetch.Fetch{Ctx: ctx, Entry: e, URL: e.URL, Header: http.Header{}}
	if e.Revisit || (c.s.RevisitMin > 0 && e.Kind == frontier.KindPage) {
		c.conditional(ctx, fr, f)
	}
	f, err, ok := c.fetchOrReplay(ctx, fr, l, f, o)
	if !ok || ctx.Err() != nil {
		// Stays queued for the next run.
		o.Requeue, o.Refund, o.Txn = true, true, nil
		return nil
	}
	rec.Status, rec.Bytes, rec.Millis, rec.WARC = f.Status, len(f.Raw), f.Elapsed.Milliseconds(), f.WARC
	if err == nil {
		err = f.Err
	}
	return c.answer(ctx, l, f, err, o)
}

// offerSitemaps adds the Sitemap: lines of robots.txt to t. They are
// offered again with the entries fetched in every pass (seeds, feeds,
// sitemaps) and when robots.txt was read from the cache; the frontier
// queues them once per pass.
func (c *Crawler) offerSitemaps(l *frontier.Lease, t *frontier.Txn) {
	e := l.Entry
	if !c.s.DisableSitemaps && len(l.Robots.Sitemaps) > 0 && (e.Seed || e.Kind != frontier.KindPage || l.OfferSitemaps) {
		t.Add = append(t.Add, c.robotsSitemaps(l.Robots)...)
	}
}

// robotsDenied reports whether robots.txt (or a URL that does not parse)
// denies l.Entry, and records that in o.
func (c *Crawler) robotsDenied(l *frontier.Lease, o *frontier.Outcome) bool {
	u, err := url.Parse(l.Entry.URL)
	if err == nil && l.Robots.Allowed(u) {
		return false
	}
	o.Txn.State = frontier.SeenRec{Pass: c.pass, State: "robots"}
	o.Txn.Log.Outcome = "robots-denied"
	o.Refund = true
	c.count(func(s *Stats) { s.RobotsDenied++ })
	return true
}

// conditional makes f a conditional GET with the validators the frontier
// keeps for its entry.
func (c *Crawler) conditional(ctx context.Context, fr frontier.Frontier, f *fetch.Fetch) {
	cr, err := fr.Validators(ctx, f.Entry.Key)
	if err != nil {
		c.log.Warn("conditional GET without validators", "url", f.Entry.URL, "error", err)
	}
	if cr == nil {
		return
	}
	if cr.ETag != "" {
		f.Header.Set("If-None-Match", cr.ETag)
	}
	if cr.LastModified != "" {
		f.Header.Set("If-Modified-Since", cr.LastModified)
	}
}

// fetchOrReplay processes e from the WARC when it was fetched before the
// crawl stopped, else fetches it; the response is recorded as fetched
// before the handler sees it. ok is false when ctx ended meanwhile.
func (c *Crawler) fetchOrReplay(ctx context.Context, fr frontier.Frontier, l *frontier.Lease, f *fetch.Fetch, o *frontier.Outcome) (*fetch.Fetch, error, bool) {
	e := l.Entry
	c.dropForeignWARC(e)
	if e.WARC != "" {
		f.Replay = e.WARC
		err := c.do(f)
		if err == nil && f.Err == nil {
			return f, nil, true
		}
		if ctx.Err() != nil {
			return f, err, false
		}
		c.log.Warn("archived response unreadable: fetching again", "url", e.URL, "warc", e.WARC, "error", errors.Join(err, f.Err))
		e.WARC = ""
		f = &fetch.Fetch{Ctx: ctx, Entry: e, URL: e.URL, Header: f.Header}
	}
	err := c.do(f)
	o.Requested, o.End = true, f.ResponseEnd(err)
	o.Rest = c.pol.HostGap(l.Robots, f.Elapsed)
	o.Txn.Host, o.Txn.HostAt = l.Host, o.End
	c.logFetch(f, e.Kind.String(), err)
	if shouldRecordFetch(e, f, err) {
		c.recordFetch(ctx, fr, l, f, o.End)
	}
	return f, err, true
}

// dropForeignWARC forgets e's archived response when it is not in this
// worker's WARC directory: archived by another worker of a shared crawl,
// in its own; this worker fetches the page again.
func (c *Crawler) dropForeignWARC(e *frontier.Entry) {
	if e.WARC != "" && !c.haveWARC(e.WARC) {
		c.log.Info("archived response not in this worker's WARC directory: fetching again", "url", e.URL, "warc", e.WARC)
		e.WARC = ""
	}
}

// recordFetch records that l's entry was fetched and archived (f.WARC),
// before the handler runs, even when the crawl is stopping: the next run
// processes the archived response.
func (c *Crawler) recordFetch(ctx context.Context, fr frontier.Frontier, l *frontier.Lease, f *fetch.Fetch, end time.Time) {
	if err := fr.Fetched(context.WithoutCancel(ctx), l.Entry, f.WARC, l.Host, end); err != nil {
		c.log.Error("record fetch", "url", l.Entry.URL, "error", err)
	}
}

// answer records in o what the response to l.Entry means: done, failed,
// retried later, redirected, or processed; it returns the page the
// handler is to see, if any.
func (c *Crawler) answer(ctx context.Context, l *frontier.Lease, f *fetch.Fetch, err error, o *frontier.Outcome) *Page {
	e, t, rec := l.Entry, o.Txn, o.Txn.Log
	status := f.Status
	switch {
	case f.Truncated == "time" || f.Truncated == "disconnect":
		c.fail(t, rec, err, "failed") // the URL failed, not necessarily the host
	case errors.Is(err, ErrForbiddenAddress):
		c.fail(t, rec, err, "address-refused")
	case status == 0:
		c.retry(l, o, err, 0)
	case status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable:
		c.retry(l, o, fmt.Errorf("%s: HTTP %d", e.URL, status), retryAfter(f.RespHead.Get("Retry-After")))
	case status >= 500:
		c.retry(l, o, fmt.Errorf("%s: HTTP %d", e.URL, status), 0)
	case status == http.StatusNotModified:
		o.Failed = 0
		c.done(t, e, status, "not-modified")
	case status >= 300 && status < 400:
		o.Failed = 0
		c.redirect(e, f, t, rec)
	case status >= 200 && status < 300:
		o.Failed = 0
		return c.success(e, f, err, t)
	default:
		o.Failed = 0
		c.done(t, e, status, "http-error")
		c.count(func(s *Stats) { s.Errors++ })
	}
	return nil
}

// done records t's entry e as done with status and outcome, and plans
// its revisit.
func (c *Crawler) done(t *frontier.Txn, e *frontier.Entry, status int, outcome string) {
	t.State = frontier.SeenRec{Pass: c.pass, State: "done", Status: status}
	t.Log.Outcome = outcome
	c.planRevisit(t, e, status, outcome)
}

// success processes a 2xx response f to e (a body cut short by err
// fails the URL) and returns the page the handler is to see, if any;
// the revisit of such a page is planned once the handler has seen it.
func (c *Crawler) success(e *frontier.Entry, f *fetch.Fetch, err error, t *frontier.Txn) *Page {
	if err != nil {
		c.fail(t, t.Log, err, "failed")
		return nil
	}
	if p := c.process(e, f, t, t.Log); p != nil {
		return p
	}
	c.planRevisit(t, e, f.Status, t.Log.Outcome)
	return nil
}

// fail records t's entry as failed for good with outcome.
func (c *Crawler) fail(t *frontier.Txn, rec *frontier.LogRecord, err error, outcome string) {
	t.State = frontier.SeenRec{Pass: c.pass, State: "failed", Status: rec.Status}
	rec.Outcome, rec.Error = outcome, errString(err)
	c.count(func(s *Stats) { s.Errors++ })
}

// retry counts a failure of l's host (429, 5xx, network): the host rests
// for the back-off (Retry-After when given; parked after ParkAfter
// failures in a row) and the entry waits at the front of its queue, or is
// given up after MaxRetries attempts.
func (c *Crawler) retry(l *frontier.Lease, o *frontier.Outcome, err error, after time.Duration) {
	e, rec := l.Entry, o.Txn.Log
	fails := l.Fails + 1
	wait, parked := c.pol.Backoff(fails, after)
	o.Why = failure(rec.Status, err) + ", " + waitKind(after, wait)
	if parked {
		o.Why = fmt.Sprintf("parked after %d failures in a row (last: %s)", fails, failure(rec.Status, err))
		c.log.Warn("host parked", "host", l.Host, "failures", fails, "for", wait)
	}
	o.Failed, o.Rest = 1, max(o.Rest, wait)
	e.Tries++
	rec.Error = errString(err)
	if e.Tries >= c.s.MaxRetries {
		c.fail(o.Txn, rec, err, "gave-up")
		return
	}
	rec.Outcome = "retry"
	o.Requeue, o.Refund = true, true
	c.count(func(s *Stats) { s.Retries++ })
}

// retryHandler hands page e to the handler again later because the
// handler failed on it, until MaxRetries attempts: from its archived
// response when e records one this worker can read, else fetched again.
func (c *Crawler) retryHandler(e *frontier.Entry, o *frontier.Outcome) {
	e.Tries++
	if e.Tries >= c.s.MaxRetries {
		return
	}
	o.Rest = max(o.Rest, c.pol.HandlerRetry(e.Tries))
	o.Txn.Log.Outcome = "retry"
	o.Requeue, o.Refund = true, true
	c.count(func(s *Stats) { s.Retries++ })
}

// redirect queues a redirect target as a new entry, so that robots.txt,
// scope and politeness apply to it; loops end at the seen set and chains
// at MaxRedirects.
func (c *Crawler) redirect(e *frontier.Entry, f *fetch.Fetch, t *frontier.Txn, rec *frontier.LogRecord) {
	t.State = frontier.SeenRec{Pass: c.pass, State: "done", Status: f.Status}
	loc := f.RespHead.Get("Location")
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
	t.Add = append(t.Add, ne)
}

// denied reports whether the robots.txt already known for e's host
// forbids e: such a link is recorded as refused when it is found instead
// of waiting in the queue (a page of 100,000 forbidden links would
// otherwise cost 100,000 queue round trips).
func (c *Crawler) denied(e *frontier.Entry) bool {
	c.mu.Lock()
	fr := c.fr
	c.mu.Unlock()
	if fr == nil {
		return false
	}
	r := fr.KnownRobots(e.Host)
	if r == nil {
		return false
	}
	u, err := url.Parse(e.URL)
	return err == nil && !r.Allowed(u)
}
