package crawler

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/syndex/syndex/crawler/robots"
)

// fetchRobots fetches and interprets l's host's robots.txt (RFC 9309),
// following up to five redirects; the entry of the lease, if any, waits
// at the front of the queue for the next lease. An unavailable robots.txt
// (5xx, 429, unreachable) makes the host wait (Retry-After, else a
// back-off), sit out the run, or give its queue up, as politeness says.
func (c *Crawler) fetchRobots(ctx context.Context, fr Frontier, l *lease) *outcome {
	o := &outcome{failed: -1, requeue: l.e != nil, refund: l.e != nil}
	target := robots.URL(&url.URL{Scheme: l.scheme, Host: l.host})
	var f *fetch
	var err error
	for hop := 0; hop <= 5; hop++ {
		f = &fetch{ctx: ctx, url: target}
		var release func(end time.Time)
		if other := hostOf(target); other != l.host {
			// A redirect to another host: that host's politeness applies.
			if release, err = fr.borrow(ctx, other, target); err != nil {
				if ctx.Err() != nil {
					return o
				}
				break
			}
		}
		err = c.do(f)
		if release != nil {
			release(time.Now())
		}
		o.requested, o.end = true, f.responseEnd(err)
		o.rest = c.pol.HostGap(l.robots, f.elapsed)
		c.logFetch(f, "robots", err)
		if ctx.Err() != nil {
			return o
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
		if hostOf(next.String()) == l.host {
			select {
			case <-ctx.Done():
				return o
			case <-time.After(o.rest):
			}
		}
		target = next.String()
	}
	if errors.Is(err, ErrForbiddenAddress) {
		// Asking again cannot help: the host's queue is given up at once.
		c.log.Warn("host refused", "host", l.host, "error", err)
		o.giveUp = "address refused: " + err.Error()
		return o
	}
	status := f.status
	switch {
	case err != nil || f.err != nil:
		status = 0 // unreachable: disallow all
	case status >= 300 && status < 400:
		status = 404 // RFC 9309 2.3.1.2: more than five redirects = unavailable
	}
	now := time.Now()
	r := robots.Parse(status, f.body, robots.ProductToken(c.s.UserAgent), now)
	rec := &LogRecord{Time: f.started.UTC(), URL: target, Kind: "robots", Status: f.status, Error: errString(err),
		Bytes: len(f.raw), Millis: f.elapsed.Milliseconds(), WARC: f.warcLoc, Outcome: "ok"}
	o.t = &txn{log: rec, host: l.host, hostAt: now}
	o.parsed = r
	if !r.DisallowAll {
		c.pol.CapCrawlDelay(r, l.host, c.log)
		o.robots = &robotsRec{Status: status, Body: f.body, Fetched: now}
		o.rest = c.pol.HostGap(r, f.elapsed)
		o.t.add = c.robotsSitemaps(r)
		return o
	}
	// A 429/503 may say when to come back (Retry-After); otherwise the
	// wait doubles from BackoffBase with each failure in a row, up to
	// RobotsRetry. Recorded first: a restart must not ask earlier.
	fails := l.robotsFails + 1
	var ra time.Duration
	if f.respHead != nil {
		ra = retryAfter(f.respHead.Get("Retry-After"))
	}
	wait := c.pol.RobotsWait(ra, fails)
	rec.Outcome = "robots-unavailable"
	o.robots = &robotsRec{Status: status, Fetched: now, Fails: fails, Wait: wait}
	o.rest = max(o.rest, wait)
	o.why = "robots.txt " + failure(f.status, errors.Join(err, f.err)) + ", " + waitKind(ra, wait)
	c.log.Warn("robots.txt unavailable: host waits", "host", l.host, "status", f.status, "error", errString(err), "attempt", fails,
		"retry_after", ra, "wait", wait, "until", now.Add(wait).Format(time.TimeOnly))
	switch sitOut, giveUp := c.pol.RobotsFailed(fails); {
	case giveUp:
		// Never retry forever: the host's queue is given up so the pass
		// can end; the next pass asks again with the full count.
		o.giveUp = fmt.Sprintf("robots.txt unavailable %d times in a row", fails)
		o.robots.Fails = 0
	case sitOut:
		o.sitOut = "robots.txt unavailable"
	}
	return o
}

// robotsSitemaps returns entries for the Sitemap: lines of r.
func (c *Crawler) robotsSitemaps(r *robots.Rules) []*entry {
	if c.s.DisableSitemaps || r == nil {
		return nil
	}
	var out []*entry
	for _, sm := range r.Sitemaps {
		if e := c.newEntry(sm, kindSitemap, 0, false); e != nil {
			out = append(out, e)
		}
	}
	return out
}
