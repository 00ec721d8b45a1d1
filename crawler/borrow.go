package crawler

import (
	"context"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// hostOf returns the scheduler's key for raw's host (canonical host:port),
// or raw itself when it does not parse.
func hostOf(raw string) string {
	u, err := Canonicalize(raw)
	if err != nil {
		return raw
	}
	return u.Host
}

// borrowHost waits until host has no request in flight and its politeness
// gap has passed, then holds it as the scheduler holds a host for a worker,
// so a request made on another host's behalf (a robots.txt redirected
// across hosts) keeps one request in flight per host and the gap. release
// hands the host back with the end of the request, which is also recorded
// for politeness across restarts. Waiting is bounded by
// Timeout + MaxCrawlDelay: two hosts whose robots.txt files redirect to
// each other would otherwise wait for each other forever.
func (c *Crawler) borrowHost(ctx context.Context, host, rawURL string) (release func(end time.Time), err error) {
	deadline := time.Now().Add(c.s.Timeout + c.s.MaxCrawlDelay)
	for {
		c.mu.Lock()
		b := c.host(&entry{Host: host, URL: rawURL})
		now := time.Now()
		if !b.busy && !b.next.After(now) {
			b.busy = true
			c.mu.Unlock()
			return func(end time.Time) {
				c.mu.Lock()
				b.busy = false
				b.next = end.Add(c.gap(b))
				c.mu.Unlock()
				// Politeness across restarts, as for the host's own requests.
				if err := c.db.Batch(func(tx *bolt.Tx) error {
					return tx.Bucket(bucketHosts).Put([]byte(host), []byte(end.UTC().Format(time.RFC3339Nano)))
				}); err != nil {
					c.log.Error("record request time", "host", host, "error", err)
				}
				select {
				case c.wake <- struct{}{}:
				default:
				}
			}, nil
		}
		wait := 10 * time.Millisecond
		if !b.busy {
			wait = b.next.Sub(now)
		}
		c.mu.Unlock()
		if now.Add(wait).After(deadline) {
			return nil, fmt.Errorf("fetch %s: host %s not free within %v", rawURL, host, c.s.Timeout+c.s.MaxCrawlDelay)
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(wait):
		}
	}
}
