package crawler

import (
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// bucketBackoff keeps each host's back-off state (host → backoffRec), so
// that a crawl restarted inside a Retry-After window, an exponential
// back-off, a parking period or a robots.txt retry wait does not ask the
// host early, and parking still follows ParkAfter consecutive failures
// counted across runs.
var bucketBackoff = []byte("crawl.backoff")

// backoffRec is one host's persisted back-off state.
type backoffRec struct {
	// Until is the earliest time of the next request (Retry-After,
	// back-off or robots.txt retry).
	Until time.Time `json:"until"`
	// ParkedUntil is set while the host is parked after ParkAfter
	// consecutive failures.
	ParkedUntil time.Time `json:"parked_until,omitzero"`
	// Fails counts consecutive 429/5xx/network failures.
	Fails   int       `json:"fails,omitempty"`
	Updated time.Time `json:"updated"`
}

// saveBackoff records host's back-off state; a nil r forgets it. It
// commits before the fetch outcome that caused it, so a kill in between
// leaves the host waiting rather than asked early.
func (c *Crawler) saveBackoff(host string, r *backoffRec) error {
	err := c.db.Batch(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(bucketBackoff)
		if err != nil {
			return err
		}
		if r == nil {
			return b.Delete([]byte(host))
		}
		return putJSON(b, []byte(host), r)
	})
	if err != nil {
		return fmt.Errorf("crawl store: back-off of %s: %w", host, err)
	}
	return nil
}

// loadBackoff returns host's persisted back-off state, if any.
func (c *Crawler) loadBackoff(host string) (*backoffRec, error) {
	var r *backoffRec
	err := c.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketBackoff)
		if b == nil {
			return nil
		}
		v := b.Get([]byte(host))
		if v == nil {
			return nil
		}
		r = new(backoffRec)
		if err := json.Unmarshal(v, r); err != nil {
			return fmt.Errorf("crawl store: decode back-off of %s: %w", host, err)
		}
		return nil
	})
	return r, err
}

// restoreBackoff applies host h's persisted back-off to a new hostState:
// no request before its deadlines, and the failure count carried over
// unless the record is older than ParkFor (the host has long had time to
// recover); c.mu must be held.
func (c *Crawler) restoreBackoff(h *hostState) {
	r, err := c.loadBackoff(h.name)
	if err != nil {
		c.log.Warn("back-off state ignored", "host", h.name, "error", err)
		return
	}
	if r == nil {
		return
	}
	h.backoffSaved = true
	for _, t := range []time.Time{r.Until, r.ParkedUntil} {
		if t.After(h.next) {
			h.next = t
		}
	}
	if time.Since(r.Updated) < c.s.ParkFor {
		h.fails = r.Fails
	}
	if h.next.After(time.Now()) {
		c.log.Info("host back-off carried over", "host", h.name, "until", h.next, "failures", h.fails)
	}
}

// recordBackoff persists h's back-off after a failed request that ended at
// end: no request before end+wait, parked when parked is set.
func (c *Crawler) recordBackoff(h *hostState, end time.Time, wait time.Duration, fails int, parked bool) {
	r := &backoffRec{Until: end.Add(wait), Fails: fails, Updated: time.Now().UTC()}
	if parked {
		r.ParkedUntil = r.Until
	}
	if err := c.saveBackoff(h.name, r); err != nil {
		c.log.Error("record back-off", "host", h.name, "error", err)
		return
	}
	c.mu.Lock()
	h.backoffSaved = true
	c.mu.Unlock()
}
