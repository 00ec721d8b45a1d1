package local

import (
	"context"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/syndex/syndex/crawler/frontier"
)

// Borrow waits until host has no request in flight and its politeness
// gap has passed, then holds it as the scheduler holds a host for a worker,
// so a request made on another host's behalf (a robots.txt redirected
// across hosts) keeps one request in flight per host and the gap. release
// hands the host back with the end of the request, which is also recorded
// for politeness across restarts. Waiting is bounded by
// Timeout + MaxCrawlDelay: two hosts whose robots.txt files redirect to
// each other would otherwise wait for each other forever.
func (f *Frontier) Borrow(ctx context.Context, host, rawURL string) (release func(end time.Time), err error) {
	deadline := time.Now().Add(f.opt.Timeout + f.opt.MaxCrawlDelay)
	for {
		f.mu.Lock()
		b := f.host(&frontier.Entry{Host: host, URL: rawURL})
		now := time.Now()
		if !b.busy && !b.next.After(now) {
			b.busy = true
			f.mu.Unlock()
			return func(end time.Time) { f.giveBack(b, host, end) }, nil
		}
		wait := 10 * time.Millisecond
		if !b.busy {
			wait = b.next.Sub(now)
		}
		f.mu.Unlock()
		if now.Add(wait).After(deadline) {
			return nil, fmt.Errorf("fetch %s: host %s not free within %v", rawURL, host, f.opt.Timeout+f.opt.MaxCrawlDelay)
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(wait):
		}
	}
}

// giveBack ends a borrowing of host b whose request ended at end: the
// host's politeness gap starts then, and is recorded for the next runs as
// for the host's own requests.
func (f *Frontier) giveBack(b *hostState, host string, end time.Time) {
	f.mu.Lock()
	b.busy = false
	b.next = end.Add(f.pol.HostGap(b.robots, 0))
	f.mu.Unlock()
	if err := f.db.Batch(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketHosts).Put([]byte(host), []byte(end.UTC().Format(time.RFC3339Nano)))
	}); err != nil {
		f.log.Error("record request time", "host", host, "error", err)
	}
}
