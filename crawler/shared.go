package crawler

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"time"
)

// RunShared crawls as one worker of a SharedFrontier: it queues the seeds
// (the seen set keeps them from being queued twice), then leases ready
// hosts one at a time each, fetches, hands pages to the Handler, queues
// the links it finds and releases the host with its politeness gap, until
// the shared frontier is exhausted (no host queued or leased by anyone),
// the page budget is spent, or ctx is cancelled. Entries in flight at
// cancellation go back to the shared queue.
//
// The local store keeps this worker's fetch log and WARC files; the queue,
// seen set, robots.txt cache, validators for conditional GET, per-host
// timing and failure counts, and the page budgets live in Redis, so every
// worker honours them: MaxPages and MaxPagesPerHost count the pages of all
// workers in one run (a run starts when a worker starts while no other
// worker is alive, by its heartbeat, and no host is leased), ParkAfter counts a host's consecutive failures whichever worker
// saw them, and a host not ready within MaxWait is left for the next run.
// When a run starts on a finished pass, a new pass begins: seeds, feeds
// and sitemaps (and, with Recrawl, every page) are fetched again with
// conditional GET, and a 304 is archived as a WARC revisit by the worker
// that fetched it. Reset forgets the namespace instead.
func (c *Crawler) RunShared(ctx context.Context, fr *SharedFrontier) (Stats, error) {
	if fr == nil {
		return Stats{}, errors.New("crawler: nil shared frontier")
	}
	c.started = time.Now()
	c.mu.Lock()
	c.stats = Stats{Started: c.started, Status: map[string]int64{}}
	c.pagesSent = 0
	c.mu.Unlock()
	if err := CheckSeeds(ctx, c.s.Config); err != nil {
		return c.Stats(), err
	}
	// The WARC writer finds the previous capture of a URL (for revisit
	// records) among the validators read from Redis for the fetch.
	c.tr.condFor = func(key string) *condRec {
		if r, ok := fr.conds.Load(key); ok {
			return r.(*condRec)
		}
		return c.loadCond(key)
	}
	defer func() { c.tr.condFor = c.loadCond }()
	var seeds []*entry
	for _, raw := range c.s.Seeds {
		if e := c.newEntry(raw, kindPage, 0, true); e != nil {
			seeds = append(seeds, e)
			if !c.s.DisableSitemaps {
				if sm := c.newEntry(e.URL[:len(e.URL)-len(mustURL(e.URL).RequestURI())]+"/sitemap.xml", kindSitemap, 0, true); sm != nil {
					seeds = append(seeds, sm)
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
				seeds = append(seeds, e)
			}
		}
	}
	rs, err := fr.startRun(ctx, seeds)
	if err != nil {
		return c.Stats(), err
	}
	defer func() {
		if err := fr.leave(context.WithoutCancel(ctx)); err != nil {
			c.log.Warn("shared crawl", "error", err)
		}
	}()
	c.mu.Lock()
	c.pass = int(rs.pass)
	c.mu.Unlock()
	c.log.Info("shared crawl", "worker", fr.worker, "namespace", fr.ns, "pass", rs.pass, "new run", rs.newRun, "new pass", rs.newPass, "seeds queued", rs.queued)

	statsDone := make(chan struct{})
	go c.statsLoop(statsDone)
	err = c.dispatchShared(ctx, fr)
	close(statsDone)

	errs := []error{err}
	if c.w != nil {
		errs = append(errs, c.w.EndFile())
	}
	st := c.Stats()
	errs = append(errs, c.writeStats(st))
	c.log.Info("shared crawl done", "worker", fr.worker, "pages", st.Pages, "requests", st.Requests, "errors", st.Errors, "elapsed", time.Since(c.started).Round(time.Millisecond))
	if ctx.Err() != nil {
		errs = append(errs, ctx.Err())
	}
	return st, errors.Join(errs...)
}

// sharedPoll bounds how long an idle worker waits before asking Redis
// again: other workers may queue URLs or free hosts meanwhile.
var sharedPoll = 25 * time.Millisecond

// dispatchShared claims hosts while it has free slots (Concurrency) and
// runs one goroutine per claim.
func (c *Crawler) dispatchShared(ctx context.Context, fr *SharedFrontier) error {
	slots := make(chan struct{}, c.s.Concurrency)
	freed := make(chan struct{}, 1)
	var wg sync.WaitGroup
	defer wg.Wait()
	redisFails := 0
	lim := c.limits()
	for {
		select {
		case slots <- struct{}{}:
		case <-ctx.Done():
			return nil
		}
		cl, err := fr.claimWith(ctx, lim)
		if err != nil {
			<-slots
			if ctx.Err() != nil {
				return nil
			}
			redisFails++
			if redisFails >= 20 {
				return err
			}
			c.log.Warn("shared frontier", "error", err, "attempt", redisFails)
			sleepCtx(ctx, time.Duration(redisFails)*100*time.Millisecond)
			continue
		}
		redisFails = 0
		if cl.reclaimed > 0 {
			c.log.Warn("reclaimed expired host leases", "hosts", cl.reclaimed)
		}
		if cl.host != "" {
			if cl.e.Kind == kindPage {
				c.mu.Lock()
				c.pagesSent++
				c.mu.Unlock()
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				c.sharedWork(ctx, fr, cl)
				<-slots
				select {
				case freed <- struct{}{}:
				default:
				}
			}()
			continue
		}
		<-slots
		if cl.wait < 0 && cl.leases == 0 {
			return nil // nothing queued, nobody fetching: the crawl is over
		}
		wait := sharedPoll
		if cl.wait > 0 && cl.wait < wait {
			wait = cl.wait
		}
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-freed:
			t.Stop()
		case <-ctx.Done():
			t.Stop()
			return nil
		}
	}
}

// limits are the crawl settings the shared frontier applies for c.
func (c *Crawler) limits() limits {
	return limits{rest: c.s.Delay, maxWait: c.s.MaxWait, maxPages: c.s.MaxPages, maxHost: c.s.MaxPagesPerHost,
		parkAfter: c.s.ParkAfter, parkFor: c.s.ParkFor}
}

func sleepCtx(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}

// sharedWork does one leased unit of work on cl.host: robots.txt when the
// shared cache has none, else cl.e. It keeps the lease alive while it
// works and stops (cancelling the request) if the lease is lost.
func (c *Crawler) sharedWork(ctx context.Context, fr *SharedFrontier, cl *claim) {
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	lost := make(chan struct{})
	stopRenew := make(chan struct{})
	renewDone := make(chan struct{})
	go func() {
		defer close(renewDone)
		tick := time.NewTicker(max(fr.lease/3, time.Millisecond))
		defer tick.Stop()
		lastOK := time.Now()
		for {
			select {
			case <-stopRenew:
				return
			case <-tick.C:
			}
			ok, err := fr.renew(context.WithoutCancel(ctx), cl.host)
			if err == nil && ok {
				lastOK = time.Now()
				continue
			}
			if err != nil && time.Since(lastOK) < fr.lease*2/3 {
				continue // Redis hiccup: the lease is still ours for a while
			}
			c.log.Warn("host lease lost: abandoning the request", "host", cl.host, "url", cl.e.URL, "error", err)
			close(lost)
			cancel()
			return
		}
	}()
	r := c.sharedStep(wctx, fr, cl)
	fr.conds.Delete(cl.e.Key)
	close(stopRenew)
	<-renewDone
	select {
	case <-lost:
		return // the entry was reclaimed with the host
	default:
	}
	bg := context.WithoutCancel(ctx) // record the outcome even while shutting down
	if r.cond != nil {
		if err := fr.putCond(bg, cl.e.Key, r.cond); err != nil {
			c.log.Error("keep validators", "url", cl.e.URL, "error", err)
		}
	}
	if _, err := fr.add(bg, r.adds); err != nil {
		c.log.Error("queue discovered URLs", "url", cl.e.URL, "error", err)
	}
	refund := cl.e.Kind == kindPage && (r.requeue != nil || r.unhandled)
	ok, fails, err := fr.releaseWith(bg, cl.host, releaseOpts{gap: r.gap, requeue: r.requeue, refund: refund, outcome: r.outcome}, c.limits())
	switch {
	case err != nil:
		c.log.Error("release host", "host", cl.host, "error", err)
	case !ok:
		c.log.Warn("host lease had expired before release", "host", cl.host)
	case r.outcome > 0 && c.s.ParkAfter > 0 && fails >= int64(c.s.ParkAfter):
		c.log.Warn("host parked", "host", cl.host, "failures", fails, "for", max(r.gap, c.s.ParkFor))
	}
}

// stepResult is the outcome of one leased unit of work.
type stepResult struct {
	gap       time.Duration // politeness gap from now (-1: no request was made)
	requeue   *entry        // back to the front of the host's queue
	adds      []*entry      // discovered entries
	cond      *condRec      // validators to keep for conditional GET
	unhandled bool          // a page that was not fetched (robots.txt denied it)
	outcome   int           // +1 the host failed, 0 it answered, -1 no request or not counted
}

// sharedStep performs the request for cl and returns the politeness gap
// (-1: no request was made), the entry to requeue (nil when it is done),
// the entries discovered and how the host fared.
func (c *Crawler) sharedStep(ctx context.Context, fr *SharedFrontier, cl *claim) (res stepResult) {
	e := cl.e
	scheme := "http"
	if u, err := url.Parse(e.URL); err == nil {
		scheme = u.Scheme
	}
	h := &hostState{name: cl.host, scheme: scheme}
	r := cl.robots
	now := time.Now()
	switch {
	case r == nil,
		r.Status > 0 && r.Status < 500 && r.Status != 429 && now.Sub(r.Fetched) >= c.s.RobotsTTL,
		newRobots(r.Status, nil, "", r.Fetched).disallowAll && now.Sub(r.Fetched) >= c.sharedRobotsWait(r):
		// No usable robots.txt: fetching it is this lease's request, and
		// the entry waits at the front of the queue for the next one.
		gap, adds := c.sharedRobots(ctx, fr, h, r)
		c.unbudget(e)
		if ctx.Err() != nil {
			return stepResult{gap: gap, requeue: e, outcome: -1}
		}
		return stepResult{gap: gap, requeue: e, adds: adds, outcome: -1}
	}
	h.robots = newRobots(r.Status, r.Body, productToken(c.s.UserAgent), r.Fetched)
	if h.robots.crawlDelay > c.s.MaxCrawlDelay {
		h.robots.crawlDelay = c.s.MaxCrawlDelay
	}
	if !c.s.DisableSitemaps && len(h.robots.sitemaps) > 0 && (e.Seed || e.Kind != kindPage) {
		// The Sitemap: lines of a cached robots.txt are offered again with
		// the entries fetched in every pass (seeds, feeds, sitemaps); the
		// frontier queues them once per pass.
		var sms []*entry
		for _, sm := range h.robots.sitemaps {
			if se := c.newEntry(sm, kindSitemap, 0, false); se != nil {
				sms = append(sms, se)
			}
		}
		defer func() { res.adds = append(res.adds, sms...) }()
	}
	if h.robots.disallowAll {
		if r.Fails < c.s.RobotsRetries {
			// Unavailable: wait for the retry with the entry queued.
			c.unbudget(e)
			return stepResult{gap: max(c.sharedRobotsWait(r)-now.Sub(r.Fetched), 0), requeue: e, outcome: -1}
		}
	}
	rec := &LogRecord{Time: now.UTC(), URL: e.URL, Kind: e.Kind.String()}
	u, err := url.Parse(e.URL)
	if err != nil || !h.robots.allowed(u) {
		rec.Outcome = "robots-denied"
		c.count(func(s *Stats) { s.RobotsDenied++ })
		c.unbudget(e)
		c.logLocal(rec)
		return stepResult{gap: -1, unhandled: true, outcome: -1}
	}
	f := &fetch{ctx: ctx, e: e, url: e.URL, header: http.Header{}}
	if e.Revisit || (c.s.RevisitMin > 0 && e.Kind == kindPage) {
		// Conditional GET with the validators any worker kept.
		cr, cerr := fr.getCond(ctx, e.Key)
		if cerr != nil {
			c.log.Warn("conditional GET without validators", "url", e.URL, "error", cerr)
		}
		if cr != nil {
			fr.conds.Store(e.Key, cr)
			if cr.ETag != "" {
				f.header.Set("If-None-Match", cr.ETag)
			}
			if cr.LastModified != "" {
				f.header.Set("If-Modified-Since", cr.LastModified)
			}
		}
	}
	err = c.do(f)
	c.logFetch(f, e.Kind.String(), err)
	h.lastRTT = f.elapsed
	gap := c.gap(h)
	if ctx.Err() != nil {
		c.unbudget(e)
		return stepResult{gap: gap, requeue: e, outcome: -1}
	}
	rec.Status, rec.Bytes, rec.Millis, rec.WARC = f.status, len(f.raw), f.elapsed.Milliseconds(), f.warcLoc
	if err == nil {
		err = f.err
	}
	t := &txn{log: rec}
	var requeue *entry
	outcome := 0
	status := f.status
	switch {
	case f.truncated == "time" || f.truncated == "disconnect":
		outcome = -1 // the URL failed, not necessarily the host
		c.sharedFail(rec, err, "failed")
	case status == 0 || status == http.StatusTooManyRequests || status >= 500:
		outcome = 1
		var after time.Duration
		if status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable {
			after = retryAfter(f.respHead.Get("Retry-After"))
			err = fmt.Errorf("%s: HTTP %d", e.URL, status)
		} else if status >= 500 {
			err = fmt.Errorf("%s: HTTP %d", e.URL, status)
		}
		e.Tries++
		if e.Tries >= c.s.MaxRetries {
			c.sharedFail(rec, err, "gave-up")
			break
		}
		wait := after
		if wait <= 0 {
			wait = c.s.BackoffBase << min(e.Tries-1, 20)
		}
		if wait > c.s.MaxBackoff || wait <= 0 {
			wait = c.s.MaxBackoff
		}
		gap = max(gap, wait)
		rec.Outcome, rec.Error = "retry", errString(err)
		c.count(func(s *Stats) { s.Retries++ })
		c.unbudget(e)
		requeue = e
	case status == http.StatusNotModified:
		rec.Outcome = "not-modified"
	case status >= 300 && status < 400:
		c.count(func(s *Stats) { s.Redirects++ })
		loc := f.respHead.Get("Location")
		target, perr := u.Parse(loc)
		switch {
		case loc == "" || perr != nil:
			c.sharedFail(rec, fmt.Errorf("redirect from %s: bad Location %q", e.URL, loc), "bad-redirect")
		case e.Hops+1 > c.s.MaxRedirects:
			c.sharedFail(rec, fmt.Errorf("redirect from %s: more than %d redirects", e.URL, c.s.MaxRedirects), "too-many-redirects")
		default:
			rec.Outcome = "redirect"
			if ne := c.newEntry(target.String(), e.Kind, e.Depth, false); ne != nil {
				if ne.Key == e.Key {
					c.sharedFail(rec, fmt.Errorf("redirect from %s: loops to itself", e.URL), "redirect-loop")
					break
				}
				ne.Via = e.Via
				if ne.Via == "" {
					ne.Via = e.URL
				}
				ne.Hops, ne.Hints, ne.Revisit, ne.Seed = e.Hops+1, e.Hints, e.Revisit, e.Seed
				t.add = append(t.add, ne)
			}
		}
	case status >= 200 && status < 300:
		if err != nil {
			c.sharedFail(rec, err, "failed")
			break
		}
		if !c.process(ctx, e, f, t, rec) {
			c.unbudget(e)
			return stepResult{gap: gap, requeue: e, outcome: -1} // cancelled in the handler
		}
		if e.Kind == kindPage && rec.Outcome == "ok" && rec.Error != "" {
			// The handler failed (in a cluster: the article could not be
			// published): fetch the page again later rather than lose it.
			e.Tries++
			if e.Tries < c.s.MaxRetries {
				gap = max(gap, min(c.s.BackoffBase<<min(e.Tries-1, 20), c.s.MaxBackoff))
				rec.Outcome = "retry"
				c.count(func(s *Stats) { s.Retries++ })
				c.unbudget(e)
				requeue = e
			}
		}
	default:
		rec.Outcome = "http-error"
		c.count(func(s *Stats) { s.Errors++ })
	}
	c.logLocal(rec)
	if requeue != nil {
		// Fetched again because it was not handled: no validators, or the
		// next fetch would be a 304 the handler never sees.
		t.cond = nil
	}
	return stepResult{gap: gap, requeue: requeue, adds: t.add, cond: t.cond, outcome: outcome}
}

// sharedRobotsWait is how long after its fetch an unavailable robots.txt
// waits before it is asked again.
func (c *Crawler) sharedRobotsWait(r *sharedRobots) time.Duration {
	if r.Wait > 0 {
		return r.Wait
	}
	return c.s.RobotsRetry
}

// sharedRobots fetches h's robots.txt (following up to five redirects, as
// RFC 9309 asks), caches the outcome in Redis and returns the gap to keep
// and the sitemaps it lists.
func (c *Crawler) sharedRobots(ctx context.Context, fr *SharedFrontier, h *hostState, prev *sharedRobots) (time.Duration, []*entry) {
	target := robotsURL(&url.URL{Scheme: h.scheme, Host: h.name})
	var f *fetch
	var err error
	for hop := 0; hop <= 5; hop++ {
		f = &fetch{ctx: ctx, url: target}
		err = c.do(f)
		c.logFetch(f, "robots", err)
		h.lastRTT = f.elapsed
		if ctx.Err() != nil {
			return c.gap(h), nil
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
		if next.Host == h.name {
			sleepCtx(ctx, c.gap(h))
		}
		target = next.String()
	}
	status := f.status
	switch {
	case err != nil || f.err != nil:
		status = 0
	case status >= 300 && status < 400:
		status = 404
	}
	rec := &LogRecord{Time: f.started.UTC(), URL: target, Kind: "robots", Status: f.status, Error: errString(err),
		Bytes: len(f.raw), Millis: f.elapsed.Milliseconds(), WARC: f.warcLoc, Outcome: "ok"}
	sr := &sharedRobots{Status: status, Body: f.body, Fetched: time.Now()}
	r := newRobots(status, f.body, productToken(c.s.UserAgent), sr.Fetched)
	if r.disallowAll {
		rec.Outcome = "robots-unavailable"
		sr.Body = nil
		sr.Fails = 1
		if prev != nil && prev.Fails > 0 {
			sr.Fails = prev.Fails + 1
		}
		var ra time.Duration
		if f.respHead != nil {
			ra = retryAfter(f.respHead.Get("Retry-After"))
		}
		sr.Wait = c.robotsWait(ra, sr.Fails)
		c.log.Warn("robots.txt unavailable: host waits", "host", h.name, "status", f.status, "error", errString(err), "attempt", sr.Fails,
			"retry_after", ra, "wait", sr.Wait, "until", sr.Fetched.Add(sr.Wait).Format(time.TimeOnly))
	}
	c.logLocal(rec)
	if perr := fr.putRobots(context.WithoutCancel(ctx), h.name, sr); perr != nil {
		c.log.Error("cache robots.txt", "host", h.name, "error", perr)
	}
	h.robots = r
	if r.crawlDelay > c.s.MaxCrawlDelay {
		c.log.Warn("Crawl-delay capped", "host", h.name, "crawl_delay", r.crawlDelay, "cap", c.s.MaxCrawlDelay)
		r.crawlDelay = c.s.MaxCrawlDelay
	}
	gap := c.gap(h)
	if r.disallowAll {
		return max(gap, sr.Wait), nil
	}
	var adds []*entry
	if !c.s.DisableSitemaps {
		for _, sm := range r.sitemaps {
			if e := c.newEntry(sm, kindSitemap, 0, false); e != nil {
				adds = append(adds, e)
			}
		}
	}
	return gap, adds
}

func (c *Crawler) sharedFail(rec *LogRecord, err error, outcome string) {
	rec.Outcome, rec.Error = outcome, errString(err)
	c.count(func(s *Stats) { s.Errors++ })
}

// unbudget refunds the page budget for an entry that was not handled.
func (c *Crawler) unbudget(e *entry) {
	if e.Kind == kindPage {
		c.count(func(*Stats) { c.pagesSent-- })
	}
}

// logLocal appends rec to this worker's fetch log in its own store.
func (c *Crawler) logLocal(rec *LogRecord) {
	if _, err := c.commit(&txn{log: rec}); err != nil {
		c.log.Error("record fetch", "url", rec.URL, "error", err)
	}
}
