package crawler

import (
	"log/slog"
	"time"
)

// politeness holds the rules for how long a host rests: the gap between
// two requests, the back-off after a failure, when a failing host is
// parked, and how long an unavailable robots.txt waits. Both frontiers
// (local and shared) apply it; they only store what it decides.
type politeness struct {
	delay         time.Duration // minimum gap (Config.Delay)
	maxCrawlDelay time.Duration // cap on robots.txt Crawl-delay
	slowFactor    float64       // gap ≥ slowFactor × last response time …
	maxDelay      time.Duration // … up to maxDelay
	backoffBase   time.Duration // first back-off without Retry-After
	maxBackoff    time.Duration // cap on the doubling back-off
	parkAfter     int           // consecutive failures before a host is parked
	parkFor       time.Duration // how long a parked host rests
	robotsRetry   time.Duration // longest wait before asking again for robots.txt
	robotsRetries int           // robots.txt failures before a host sits out a run
	maxRetries    int           // attempts per URL; × robotsRetries gives up a host
}

func newPoliteness(c *Config) politeness {
	return politeness{delay: c.Delay, maxCrawlDelay: c.MaxCrawlDelay, slowFactor: c.SlowFactor, maxDelay: c.MaxDelay,
		backoffBase: c.BackoffBase, maxBackoff: c.MaxBackoff, parkAfter: c.ParkAfter, parkFor: c.ParkFor,
		robotsRetry: c.RobotsRetry, robotsRetries: c.RobotsRetries, maxRetries: c.MaxRetries}
}

// gap is the interval after a request to a host whose robots.txt asks for
// crawlDelay (0: none) and whose last response took rtt: max(Delay,
// Crawl-delay), longer for a slow host, but the slow-host bound never
// undercuts Crawl-delay or Delay.
func (p politeness) gap(crawlDelay, rtt time.Duration) time.Duration {
	g := max(p.delay, crawlDelay)
	if slow := time.Duration(p.slowFactor * float64(rtt)); slow > g {
		g = max(g, min(slow, p.maxDelay))
	}
	return g
}

// hostGap is gap for a host with robots.txt verdict r (nil: not known).
func (p politeness) hostGap(r *robots, rtt time.Duration) time.Duration {
	var cd time.Duration
	if r != nil {
		cd = r.crawlDelay
	}
	return p.gap(cd, rtt)
}

// capCrawlDelay bounds r's Crawl-delay by MaxCrawlDelay, saying so in log.
func (p politeness) capCrawlDelay(r *robots, host string, log *slog.Logger) {
	if r.crawlDelay > p.maxCrawlDelay {
		if log != nil {
			log.Warn("Crawl-delay capped", "host", host, "crawl_delay", r.crawlDelay, "cap", p.maxCrawlDelay)
		}
		r.crawlDelay = p.maxCrawlDelay
	}
}

// backoff is how long a host rests after its fails-th failure in a row:
// the server's Retry-After when it gave one, else BackoffBase doubled per
// earlier failure up to MaxBackoff; at ParkAfter failures the host is
// parked and rests at least ParkFor.
func (p politeness) backoff(fails int, retryAfter time.Duration) (wait time.Duration, parked bool) {
	wait = retryAfter
	if wait <= 0 {
		wait = p.doubling(fails, p.maxBackoff)
	}
	if p.parkAfter > 0 && fails >= p.parkAfter {
		return max(wait, p.parkFor), true
	}
	return wait, false
}

// robotsWait is how long a host waits after its robots.txt failed for
// the fails-th time in a row: the server's Retry-After when it gave one,
// else BackoffBase doubled per earlier failure, at most RobotsRetry.
func (p politeness) robotsWait(retryAfter time.Duration, fails int) time.Duration {
	if retryAfter > 0 {
		return retryAfter
	}
	return p.doubling(fails, p.robotsRetry)
}

// doubling is BackoffBase doubled per failure before the n-th, at most
// limit.
func (p politeness) doubling(n int, limit time.Duration) time.Duration {
	wait := p.backoffBase << min(max(n-1, 0), 20)
	if wait > limit || wait <= 0 {
		return limit
	}
	return wait
}

// robotsFailed says what follows the fails-th robots.txt failure in a
// row, counted across runs: every RobotsRetries failures the host sits
// out the rest of the run (its queue waits for the next), and at
// RobotsRetries × MaxRetries its queue is given up so the pass can end.
func (p politeness) robotsFailed(fails int) (sitOut, giveUp bool) {
	if fails >= p.robotsRetries*p.maxRetries {
		return true, true
	}
	return p.robotsRetries > 0 && fails%p.robotsRetries == 0, false
}
