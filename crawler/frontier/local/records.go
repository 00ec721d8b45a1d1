package local

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/syndex/syndex/crawler/frontier"
)

// AppendLog adds rec to the fetch log (a worker of a shared crawl keeps
// its fetch log in its own store).
func (f *Frontier) AppendLog(rec *frontier.LogRecord) error {
	_, err := f.commit(&frontier.Txn{Log: rec})
	return err
}

// DueRevisits returns the URLs of the known pages whose re-check is due
// at now.
func (f *Frontier) DueRevisits(now time.Time) ([]string, error) {
	var urls []string
	err := f.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketRevisit)
		if b == nil {
			return nil
		}
		return b.ForEach(func(k, v []byte) error {
			var r frontier.RevisitRec
			if json.Unmarshal(v, &r) != nil || r.Next > now.UnixNano() {
				return nil
			}
			urls = append(urls, r.URL)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("crawl store: read revisits: %w", err)
	}
	return urls, nil
}

// Revisit returns the re-check plan kept for the URL with SURT key, if
// any.
func (f *Frontier) Revisit(key string) (frontier.RevisitRec, bool) {
	var r frontier.RevisitRec
	found := false
	f.db.View(func(tx *bolt.Tx) error {
		if b := tx.Bucket(bucketRevisit); b != nil {
			found = getJSON(b, []byte(key), &r)
		}
		return nil
	})
	return r, found
}

// QueueDepth counts the entries job has queued per host (host:port), read
// from the store, so it works while a crawl runs and between runs.
func QueueDepth(db *bolt.DB, job string) (map[string]int, error) {
	out := map[string]int{}
	err := db.View(func(tx *bolt.Tx) error {
		qb := tx.Bucket(bucketQueue)
		if qb == nil {
			return nil
		}
		q := qb.Bucket([]byte(job))
		if q == nil {
			return nil
		}
		return q.ForEach(func(k, _ []byte) error {
			h, _, _ := bytes.Cut(k, []byte{0})
			out[string(h)]++
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("crawl store: queue depth of %s: %w", job, err)
	}
	return out, nil
}
