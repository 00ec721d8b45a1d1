package local

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"time"

	"github.com/syndex/syndex/crawler/frontier"
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
	Fails int `json:"fails,omitempty"`
	// RobotsFails counts consecutive robots.txt failures (5xx, 429,
	// unreachable); at RobotsRetries × MaxRetries the host's queue is
	// given up and the count starts again.
	RobotsFails int       `json:"robots_fails,omitempty"`
	Updated     time.Time `json:"updated"`
}

// saveBackoff records host's back-off state; a nil r forgets it. It
// commits before the fetch outcome that caused it, so a kill in between
// leaves the host waiting rather than asked early.
func (f *Frontier) saveBackoff(host string, r *backoffRec) error {
	err := f.db.Batch(func(tx *bolt.Tx) error {
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
func (f *Frontier) loadBackoff(host string) (*backoffRec, error) {
	var r *backoffRec
	err := f.db.View(func(tx *bolt.Tx) error {
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
// recover); f.mu must be held.
func (f *Frontier) restoreBackoff(h *hostState) {
	r, err := f.loadBackoff(h.name)
	if err != nil {
		f.log.Warn("back-off state ignored", "host", h.name, "error", err)
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
	if f.pol.KeepsFailures(r.Updated, time.Now()) {
		h.fails = r.Fails
	}
	h.robotsFails = r.RobotsFails
	if h.next.After(time.Now()) {
		h.waitWhy = "back-off carried over from the previous run"
		f.log.Info("host back-off carried over", "host", h.name, "until", h.next, "failures", h.fails)
	}
}

// recordBackoff persists h's back-off: no request before until, parked
// when parked is set.
func (f *Frontier) recordBackoff(h *hostState, until time.Time, parked bool) {
	f.mu.Lock()
	r := &backoffRec{Until: until, Fails: h.fails, RobotsFails: h.robotsFails, Updated: time.Now().UTC()}
	f.mu.Unlock()
	if parked {
		r.ParkedUntil = r.Until
	}
	if err := f.saveBackoff(h.name, r); err != nil {
		f.log.Error("record back-off", "host", h.name, "error", err)
		return
	}
	f.mu.Lock()
	h.backoffSaved = true
	f.mu.Unlock()
}

// abandon gives up every entry of h queued in this job, each recorded as
// failed with reason (outcome "gave-up"), and returns how many. It is used
// when the host's robots.txt stayed unavailable for RobotsRetries ×
// MaxRetries attempts across runs (without it the entries would be
// retried at every run and the pass would never end) or its address is
// refused.
func (f *Frontier) abandon(h *hostState, reason string) (int, error) {
	prefix := append([]byte(h.name), 0)
	n := 0
	err := f.db.Update(func(tx *bolt.Tx) error {
		q := tx.Bucket(bucketQueue).Bucket(f.job)
		if q == nil {
			return nil
		}
		seen, logb := tx.Bucket(bucketSeen), tx.Bucket(bucketLog)
		now := time.Now()
		var keys [][]byte
		cur := q.Cursor()
		for k, v := cur.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = cur.Next() {
			var e frontier.Entry
			if err := json.Unmarshal(v, &e); err != nil {
				return fmt.Errorf("decode queue entry of %s: %w", h.name, err)
			}
			keys = append(keys, bytes.Clone(k))
			if err := f.giveUp(seen, logb, &e, reason, now); err != nil {
				return err
			}
		}
		for _, k := range keys {
			if err := q.Delete(k); err != nil {
				return err
			}
		}
		n = len(keys)
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("give up host %s: crawl store: %w", h.name, err)
	}
	f.log.Warn("host given up", "host", h.name, "reason", reason, "entries", n)
	return n, nil
}

// giveUp marks entry e failed in this pass (seen) and logs it given up
// for reason (logb).
func (f *Frontier) giveUp(seen, logb *bolt.Bucket, e *frontier.Entry, reason string, now time.Time) error {
	if err := putJSON(seen, []byte(e.Key), frontier.SeenRec{Pass: f.pass, State: "failed", At: now.UnixNano()}); err != nil {
		return err
	}
	seq, err := logb.NextSequence()
	if err != nil {
		return err
	}
	rec := frontier.LogRecord{Time: now.UTC(), URL: e.URL, Kind: e.Kind.String(), Error: reason, Outcome: "gave-up"}
	return putJSON(logb, binary.BigEndian.AppendUint64(nil, seq), rec)
}
