package crawler

import (
	"context"
	"errors"

	"github.com/redis/go-redis/v9"

	"github.com/syndex/syndex/crawler/frontier"
	"github.com/syndex/syndex/crawler/frontier/shared"
)

// The shared frontier (package crawler/frontier/shared) by the names the
// crawler's callers know.
type (
	// SharedFrontier is a crawl frontier kept in Redis (shared.Frontier).
	SharedFrontier = shared.Frontier
	// SharedOptions tune OpenShared (shared.Options).
	SharedOptions = shared.Options
	// SharedStatus is a snapshot of a shared frontier (shared.Status).
	SharedStatus = shared.Status
)

// ErrBadRedisURL marks a frontier URL that is not redis:// or rediss://.
var ErrBadRedisURL = shared.ErrBadRedisURL

// OpenShared connects to the Redis at redisURL and checks it answers.
func OpenShared(ctx context.Context, redisURL string, opt SharedOptions) (*SharedFrontier, error) {
	return shared.Open(ctx, redisURL, opt)
}

// ParseRedisURL checks a redis:// or rediss:// URL and returns client options.
func ParseRedisURL(raw string) (*redis.Options, error) { return shared.ParseRedisURL(raw) }

// KeyPrefix is the prefix of every Redis key of namespace ns.
func KeyPrefix(ns string) string { return shared.KeyPrefix(ns) }

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
// worker is alive, by its heartbeat, and no host is leased), ParkAfter
// counts a host's consecutive failures whichever worker saw them, and a
// host not ready within MaxWait is left for the next run. When a run
// starts on a finished pass, a new pass begins: seeds, feeds and sitemaps
// (and, with Recrawl, every page) are fetched again with conditional GET,
// and a 304 is archived as a WARC revisit by the worker that fetched it.
// Reset forgets the namespace instead. A page the handler failed on (for
// a worker: its article could not be published) is handled again later.
//
// A page's response is recorded in its lease (the entry in flight, in
// Redis) as soon as it is in this worker's WARC, before the handler runs.
// If the worker dies, the entry goes back to the queue with that record
// when the lease expires; a worker that finds the WARC file in its own
// WARC directory (the same worker restarted on its archive) handles the
// page from there, counted as replayed, and any other worker fetches it
// again. The same holds for a page the handler failed on.
func (c *Crawler) RunShared(ctx context.Context, fr *SharedFrontier) (Stats, error) {
	if fr == nil {
		return Stats{}, errors.New("crawler: nil shared frontier")
	}
	c.retryUnhandled = true
	run := shared.NewRun(fr, shared.RunOptions{Limits: c.s.limits(), Policy: c.pol, UserAgent: c.s.UserAgent, Logger: c.log,
		Log: c.local.AppendLog, Count: c.countFrontier, Now: c.s.now})
	// The WARC writer finds the previous capture of a URL (for revisit
	// records) among the validators read from Redis for the fetch.
	c.client.SetCond(func(key string) *frontier.CondRec {
		if cr := run.HeldCond(key); cr != nil {
			return cr
		}
		return c.local.Cond(key)
	})
	defer func() {
		c.retryUnhandled = false
		c.client.SetCond(c.local.Cond)
	}()
	return c.run(ctx, run, nil)
}
