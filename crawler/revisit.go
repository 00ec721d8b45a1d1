package crawler

import (
	"net/http"
	"time"

	"github.com/syndex/syndex/crawler/frontier"
	"github.com/syndex/syndex/crawler/frontier/local"
	bolt "go.etcd.io/bbolt"
)

// dueRevisits returns entries for the known pages in this crawl's scope
// whose re-check is due at now (none when RevisitMin is 0).
func (c *Crawler) dueRevisits(now time.Time) ([]*frontier.Entry, error) {
	if c.s.RevisitMin <= 0 {
		return nil, nil
	}
	urls, err := c.local.DueRevisits(now)
	if err != nil {
		return nil, err
	}
	var out []*frontier.Entry
	for _, raw := range urls {
		u, err := Canonicalize(raw)
		if err != nil || !c.s.inScope(u) {
			continue
		}
		if e := c.newEntry(raw, frontier.KindPage, 1, false); e != nil {
			e.Revisit = true
			out = append(out, e)
		}
	}
	if len(out) > 0 {
		c.log.Info("known pages due for a re-check", "job", c.s.Job, "pages", len(out))
	}
	return out, nil
}

// planRevisit records in t when page e is to be checked again, given the
// outcome of this fetch: later when it was unchanged (304 or the same
// payload), sooner when it changed, never when it is gone.
func (c *Crawler) planRevisit(t *frontier.Txn, e *frontier.Entry, status int, outcome string) {
	if c.s.RevisitMin <= 0 || e.Kind != frontier.KindPage || e.Seed {
		return
	}
	now := c.s.now()
	old, found := c.local.Revisit(e.Key)
	lo, hi := int64(c.s.RevisitMin), int64(c.s.RevisitMax)
	changed, keep := revisitVerdict(status, outcome)
	if !keep { // gone, an error page, not HTML: stop checking
		t.Unvisit = found
		return
	}
	r := &frontier.RevisitRec{URL: e.URL, Every: lo}
	if found {
		r.Every, r.Checks, r.Changes = old.Every, old.Checks+1, old.Changes
		r.Every = nextEvery(r.Every, changed, lo, hi)
		if changed {
			r.Changes++
		}
	}
	r.Every = min(max(r.Every, lo), hi)
	r.Next = now.Add(time.Duration(r.Every)).UnixNano()
	t.Revisit = r
}

// QueueDepth counts the entries job has queued per host (host:port), read
// from the store, so it works while a crawl runs and between runs.
func QueueDepth(db *bolt.DB, job string) (map[string]int, error) { return local.QueueDepth(db, job) }

// revisitVerdict reads a fetch of a page that is revisited: changed (a
// 2xx page extracted: "ok") or not (304, or the same text: "unchanged");
// keep is false for anything else (gone, an error page, not HTML).
func revisitVerdict(status int, outcome string) (changed, keep bool) {
	switch {
	case status == http.StatusNotModified || outcome == "unchanged":
		return false, true
	case status >= 200 && status < 300 && outcome == "ok":
		return true, true
	}
	return false, false
}

// nextEvery is the interval after one more check of a page checked every
// every: halved (down to lo) when it changed, else doubled (up to hi).
func nextEvery(every int64, changed bool, lo, hi int64) int64 {
	if changed {
		return max(every/2, lo)
	}
	return min(every*2, hi)
}
