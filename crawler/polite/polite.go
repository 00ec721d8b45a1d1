// Package polite holds the crawler's politeness rules: how long a host
// rests between two requests, after a failure, and after an unavailable
// robots.txt, when a failing host is parked, sits out the run or is given
// up, when robots.txt is asked again, and how much of it holds across a
// restart (the gap after a killed run's last request, old failures). The rules are one type, Policy, that both frontiers of package
// crawler (the local one in bbolt and the shared one in Redis) apply: a
// frontier only stores what the Policy decides (a host's next time, its
// failure counts).
//
// A new politeness rule goes here, with a row in polite_test.go; what a
// frontier must store for it goes in crawler's Frontier interface. What a
// robots.txt says (its Crawl-delay among it) is package robots.
package polite

import (
	"log/slog"
	"time"

	"github.com/syndex/syndex/crawler/robots"
)

// Policy holds the rules for how long a host rests. Its fields are the
// crawler's settings of the same names (crawler.Config).
type Policy struct {
	Delay         time.Duration // minimum gap
	MaxCrawlDelay time.Duration // cap on robots.txt Crawl-delay
	SlowFactor    float64       // gap ≥ SlowFactor × last response time …
	MaxDelay      time.Duration // … up to MaxDelay
	BackoffBase   time.Duration // first back-off without Retry-After
	MaxBackoff    time.Duration // cap on the doubling back-off
	ParkAfter     int           // consecutive failures before a host is parked (0: never)
	ParkFor       time.Duration // how long a parked host rests
	RobotsRetry   time.Duration // longest wait before asking again for robots.txt
	RobotsRetries int           // robots.txt failures before a host sits out a run
	MaxRetries    int           // attempts per URL; × RobotsRetries gives up a host
	RobotsTTL     time.Duration // how long a robots.txt that answered is kept
	Timeout       time.Duration // a whole request's limit: bounds when a killed run's last request ended
}

// Gap is the interval after a request to a host whose robots.txt asks for
// crawlDelay (0: none) and whose last response took rtt: max(Delay,
// Crawl-delay), longer for a slow host, but the slow-host bound never
// undercuts Crawl-delay or Delay.
func (p Policy) Gap(crawlDelay, rtt time.Duration) time.Duration {
	g := max(p.Delay, crawlDelay)
	if slow := time.Duration(p.SlowFactor * float64(rtt)); slow > g {
		g = max(g, min(slow, p.MaxDelay))
	}
	return g
}

// HostGap is Gap for a host with robots.txt verdict r (nil: not known).
func (p Policy) HostGap(r *robots.Rules, rtt time.Duration) time.Duration {
	var cd time.Duration
	if r != nil {
		cd = r.CrawlDelay
	}
	return p.Gap(cd, rtt)
}

// CapCrawlDelay bounds r's Crawl-delay by MaxCrawlDelay, saying so in log
// (nil: silently).
func (p Policy) CapCrawlDelay(r *robots.Rules, host string, log *slog.Logger) {
	if r.CrawlDelay > p.MaxCrawlDelay {
		if log != nil {
			log.Warn("Crawl-delay capped", "host", host, "crawl_delay", r.CrawlDelay, "cap", p.MaxCrawlDelay)
		}
		r.CrawlDelay = p.MaxCrawlDelay
	}
}

// Backoff is how long a host rests after its fails-th failure in a row:
// the server's Retry-After when it gave one, else BackoffBase doubled per
// earlier failure up to MaxBackoff; at ParkAfter failures the host is
// parked and rests at least ParkFor.
func (p Policy) Backoff(fails int, retryAfter time.Duration) (wait time.Duration, parked bool) {
	wait = retryAfter
	if wait <= 0 {
		wait = p.doubling(fails, p.MaxBackoff)
	}
	if p.Parks(fails) {
		return max(wait, p.ParkFor), true
	}
	return wait, false
}

// Parks reports whether a host is parked at its fails-th failure in a row.
func (p Policy) Parks(fails int) bool {
	return p.ParkAfter > 0 && fails >= p.ParkAfter
}

// HandlerRetry is how long a page waits before its tries-th attempt after
// the handler failed on it: the plain doubling back-off, never the park
// (the host did nothing wrong).
func (p Policy) HandlerRetry(tries int) time.Duration {
	return p.doubling(tries, p.MaxBackoff)
}

// RobotsWait is how long a host waits after its robots.txt failed for the
// fails-th time in a row: the server's Retry-After when it gave one, else
// BackoffBase doubled per earlier failure, at most RobotsRetry.
func (p Policy) RobotsWait(retryAfter time.Duration, fails int) time.Duration {
	if retryAfter > 0 {
		return retryAfter
	}
	return p.doubling(fails, p.RobotsRetry)
}

// doubling is BackoffBase doubled per failure before the n-th, at most
// limit.
func (p Policy) doubling(n int, limit time.Duration) time.Duration {
	wait := p.BackoffBase << min(max(n-1, 0), 20)
	if wait > limit || wait <= 0 {
		return limit
	}
	return wait
}

// RobotsFailed says what follows the fails-th robots.txt failure in a
// row, counted across runs: every RobotsRetries failures the host sits
// out the rest of the run (its queue waits for the next), and at
// RobotsRetries × MaxRetries its queue is given up so the pass can end.
func (p Policy) RobotsFailed(fails int) (sitOut, giveUp bool) {
	if fails >= p.RobotsRetries*p.MaxRetries {
		return true, true
	}
	return p.RobotsRetries > 0 && fails%p.RobotsRetries == 0, false
}

// GapStart is when the gap after a previous run's last recorded request
// to a host (ending at last) starts, in a run that started at started. A
// request may have been in flight when that run was killed: it ended
// before this run started, and at most one gap and one timeout after
// last. So the gap counts from this run's start, unless that is later
// than such a request could have ended.
func (p Policy) GapStart(last, started time.Time) time.Time {
	from := started
	if bound := last.Add(max(p.MaxDelay, p.MaxCrawlDelay) + p.Timeout); bound.Before(from) {
		from = bound
	}
	if from.Before(last) {
		return last
	}
	return from
}

// KeepsFailures reports whether a host's failure count, recorded at
// updated, still counts at now: not once ParkFor has passed (the host has
// long had time to recover).
func (p Policy) KeepsFailures(updated, now time.Time) bool {
	return now.Sub(updated) < p.ParkFor
}

// RobotsDue is when a host's robots.txt, fetched at fetched, is asked for
// again: after RobotsTTL when it answered; when it was unavailable, after
// the wait recorded with it (RobotsWait), or RobotsRetry for a record
// without one.
func (p Policy) RobotsDue(fetched time.Time, unavailable bool, wait time.Duration) time.Time {
	if unavailable {
		if wait > 0 {
			return fetched.Add(wait)
		}
		return fetched.Add(p.RobotsRetry)
	}
	return fetched.Add(p.RobotsTTL)
}
