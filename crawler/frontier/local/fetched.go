package local

import (
	"context"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/syndex/syndex/crawler/frontier"
)

// A page is recorded as fetched (its queue entry names the WARC record of
// the response) as soon as the response is archived, before the handler
// runs. A crawl killed while the handler works on it (extraction, dedup
// and indexing take far longer than the fetch) finds the entry with its
// record on restart and processes the archived response instead of
// asking the server again: nothing fetched is fetched twice.

// Fetched marks e as fetched, its response archived at loc, and records
// the request's end for politeness across restarts. It commits before the
// handler sees the page.
func (f *Frontier) Fetched(_ context.Context, e *frontier.Entry, loc, host string, end time.Time) error {
	e.WARC = loc
	err := f.db.Batch(func(tx *bolt.Tx) error {
		q, err := tx.Bucket(bucketQueue).CreateBucketIfNotExists(f.job)
		if err != nil {
			return err
		}
		if q.Get(e.QueueKey()) == nil {
			return nil // no longer queued: nothing to resume
		}
		if err := putJSON(q, e.QueueKey(), e); err != nil {
			return err
		}
		return tx.Bucket(bucketHosts).Put([]byte(host), []byte(end.UTC().Format(time.RFC3339Nano)))
	})
	if err != nil {
		e.WARC = ""
		return fmt.Errorf("crawl store: record fetch of %s: %w", e.URL, err)
	}
	return nil
}
