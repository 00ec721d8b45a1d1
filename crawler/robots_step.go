package crawler

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/syndex/syndex/crawler/fetch"
	"github.com/syndex/syndex/crawler/frontier"
	"github.com/syndex/syndex/crawler/robots"
)

// fetchRobots fetches and interprets l's host's robots.txt (RFC 9309),
// following up to five redirects; the entry of the lease, if any, waits
// at the front of the queue for the next lease. An unavailable robots.txt
// (5xx, 429, unreachable) makes the host wait (Retry-After, else a
// back-off), sit out the run, or give its queue up, as politeness says.
func (c *Crawler) fetchRobots(ctx context.Context, fr frontier.Frontier, l *frontier.Lease) *frontier.Outcome {
	o := &frontier.Outcome{Failed: -1, Requeue: l.Entry != nil, Refund: l.Entry != nil}
	f, target, err, stopped := c.followRobots(ctx, fr, l, o)
	if stopped {
		return o
	}
	if errors.Is(err, ErrForbiddenAddress) {
		// Asking again cannot help: the host's queue is given up at once.
		c.log.Warn("host refused", "host", l.Host, "error", err)
		o.GiveUp = "address refused: " + err.Error()
		return o
	}
	status := robotsStatus(f, err)
	now, fetched := time.Now(), c.s.now() // the request's end; the cache's clock
	r := robots.Parse(status, f.Body, robots.ProductToken(c.s.UserAgent), fetched)
	rec := &frontier.LogRecord{Time: f.Started.UTC(), URL: target, Kind: "robots", Status: f.Status, Error: errString(err),
		Bytes: len(f.Raw), Millis: f.Elapsed.Milliseconds(), WARC: f.WARC, Outcome: "ok"}
	o.Txn = &frontier.Txn{Log: rec, Host: l.Host, HostAt: now}
	o.Parsed = r
	if !r.DisallowAll {
		c.pol.CapCrawlDelay(r, l.Host, c.log)
		o.Robots = &frontier.RobotsRec{Status: status, Body: f.Body, Fetched: fetched}
		o.Rest = c.pol.HostGap(r, f.Elapsed)
		o.Txn.Add = c.robotsSitemaps(r)
		return o
	}
	c.robotsUnavailable(l, o, f, err, status, fetched)
	return o
}

// followRobots fetches l's host's robots.txt, following up to five
// redirects, and returns the last fetch and its URL; stopped says the
// context ended first.
func (c *Crawler) followRobots(ctx context.Context, fr frontier.Frontier, l *frontier.Lease, o *frontier.Outcome) (f *fetch.Fetch, target string, err error, stopped bool) {
	target = robots.URL(&url.URL{Scheme: l.Scheme, Host: l.Host})
	for hop := 0; hop <= 5; hop++ {
		f = &fetch.Fetch{Ctx: ctx, URL: target}
		err = c.robotsHop(ctx, fr, l, f, o)
		if ctx.Err() != nil {
			return f, target, err, true
		}
		if err != nil || hop == 5 {
			break
		}
		next := redirectTarget(f, target)
		if next == nil {
			break
		}
		if hostOf(next.String()) == l.Host {
			select {
			case <-ctx.Done():
				return f, target, err, true
			case <-time.After(o.Rest):
			}
		}
		target = next.String()
	}
	return f, target, err, false
}

// robotsHop makes one request of a robots.txt fetch: to another host (a
// redirect led there) only when that host's politeness lets it.
func (c *Crawler) robotsHop(ctx context.Context, fr frontier.Frontier, l *frontier.Lease, f *fetch.Fetch, o *frontier.Outcome) error {
	var release func(end time.Time)
	if other := hostOf(f.URL); other != l.Host {
		var err error
		if release, err = fr.Borrow(ctx, other, f.URL); err != nil {
			return err
		}
	}
	err := c.do(f)
	if release != nil {
		release(time.Now())
	}
	o.Requested, o.End = true, f.ResponseEnd(err)
	o.Rest = c.pol.HostGap(l.Robots, f.Elapsed)
	c.logFetch(f, "robots", err)
	return err
}

// redirectTarget is where a 3xx response to target with a Location
// points, or nil.
func redirectTarget(f *fetch.Fetch, target string) *url.URL {
	loc := f.RespHead.Get("Location")
	if f.Status < 300 || f.Status >= 400 || loc == "" {
		return nil
	}
	next, err := url.Parse(target)
	if err == nil {
		next, err = next.Parse(loc)
	}
	if err != nil {
		return nil
	}
	return next
}

// robotsUnavailable makes the host wait after an unavailable robots.txt
// (status, fetched at now): a 429/503 may say when to come back
// (Retry-After); otherwise the wait doubles from BackoffBase with each
// failure in a row, up to RobotsRetry. Recorded first: a restart must not
// ask earlier. Every RobotsRetries failures the host sits out the run,
// and its queue is given up at RobotsRetries × MaxRetries.
func (c *Crawler) robotsUnavailable(l *frontier.Lease, o *frontier.Outcome, f *fetch.Fetch, err error, status int, now time.Time) {
	fails := l.RobotsFails + 1
	var ra time.Duration
	if f.RespHead != nil {
		ra = retryAfter(f.RespHead.Get("Retry-After"))
	}
	wait := c.pol.RobotsWait(ra, fails)
	o.Txn.Log.Outcome = "robots-unavailable"
	o.Robots = &frontier.RobotsRec{Status: status, Fetched: now, Fails: fails, Wait: wait}
	o.Rest = max(o.Rest, wait)
	o.Why = "robots.txt " + failure(f.Status, errors.Join(err, f.Err)) + ", " + waitKind(ra, wait)
	c.log.Warn("robots.txt unavailable: host waits", "host", l.Host, "status", f.Status, "error", errString(err), "attempt", fails,
		"retry_after", ra, "wait", wait, "until", now.Add(wait).Format(time.TimeOnly))
	switch sitOut, giveUp := c.pol.RobotsFailed(fails); {
	case giveUp:
		// Never retry forever: the host's queue is given up so the pass
		// can end; the next pass asks again with the full count.
		o.GiveUp = fmt.Sprintf("robots.txt unavailable %d times in a row", fails)
		o.Robots.Fails = 0
	case sitOut:
		o.SitOut = "robots.txt unavailable"
	}
}

// robotsSitemaps returns entries for the Sitemap: lines of r.
func (c *Crawler) robotsSitemaps(r *robots.Rules) []*frontier.Entry {
	if c.s.DisableSitemaps || r == nil {
		return nil
	}
	var out []*frontier.Entry
	for _, sm := range r.Sitemaps {
		if e := c.newEntry(sm, frontier.KindSitemap, 0, false); e != nil {
			out = append(out, e)
		}
	}
	return out
}

// robotsStatus is the status robots.txt is read with: 0 (unreachable:
// disallow all) when the fetch failed, 404 for a redirect still
// unresolved (RFC 9309 2.3.1.2: more than five redirects = unavailable).
func robotsStatus(f *fetch.Fetch, err error) int {
	switch {
	case err != nil || f.Err != nil:
		return 0
	case f.Status >= 300 && f.Status < 400:
		return 404
	}
	return f.Status
}
