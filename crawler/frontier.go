package crawler

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Buckets the crawler keeps in the archive's store.
var (
	bucketQueue   = []byte("crawl.queue")   // job → (host \x00 prio seq → entry)
	bucketSeen    = []byte("crawl.seen")    // SURT → seenRec
	bucketLog     = []byte("crawl.log")     // seq → LogRecord
	bucketMeta    = []byte("crawl.meta")    // "pass" → n
	bucketCond    = []byte("crawl.cond")    // SURT → condRec (ETag, Last-Modified, digest)
	bucketRobots  = []byte("crawl.robots")  // host → robotsRec
	bucketHosts   = []byte("crawl.hosts")   // host → end of the last request (RFC 3339), for politeness across restarts
	bucketRevisit = []byte("crawl.revisit") // SURT → revisitRec: when a known page is checked again
	keyPass       = "pass/"                 // + job → pass number
	keyPassStart  = "pass-start/"           // + job → RFC 3339 start of the pass
)

// kind is what a frontier entry is fetched for.
type kind uint8

const (
	kindPage    kind = 0 // an HTML page (handed to the handler)
	kindSitemap kind = 1 // a sitemap or sitemap index
	kindFeed    kind = 2 // an RSS / Atom / JSON feed
)

// prio orders a host's queue: discovery documents before pages.
func (k kind) prio() byte {
	if k == kindPage {
		return 1
	}
	return 0
}

// String names the kind in the fetch log.
func (k kind) String() string {
	switch k {
	case kindSitemap:
		return "sitemap"
	case kindFeed:
		return "feed"
	}
	return "page"
}

// entry is one queued URL.
type entry struct {
	URL     string `json:"u"`
	Key     string `json:"k"`
	Host    string `json:"h"`
	Depth   int    `json:"d,omitempty"`
	Kind    kind   `json:"t,omitempty"`
	Via     string `json:"v,omitempty"`  // first URL of a redirect chain
	Hops    int    `json:"r,omitempty"`  // redirects so far
	Tries   int    `json:"n,omitempty"`  // failed attempts so far
	Revisit bool   `json:"rv,omitempty"` // may be fetched again in a later pass (seeds, feeds, sitemaps)
	Seed    bool   `json:"s,omitempty"`
	Hints   *Hints `json:"hi,omitempty"`
	Seq     uint64 `json:"q"`
	// WARC locates the archived response of a page fetched but not yet
	// processed when the crawl stopped; the next run processes it from
	// there instead of fetching it again.
	WARC string `json:"w,omitempty"`
}

func (e *entry) qkey() []byte {
	b := make([]byte, 0, len(e.Host)+10)
	b = append(b, e.Host...)
	b = append(b, 0, e.Kind.prio())
	return binary.BigEndian.AppendUint64(b, e.Seq)
}

// seenRec is what the seen set remembers about a URL. The seen set is
// shared by all crawl jobs of an archive: a page is fetched once whichever
// source links to it.
type seenRec struct {
	Pass   int    `json:"p"`
	At     int64  `json:"a,omitempty"` // when the state was recorded (unix ns)
	State  string `json:"s"`           // queued, done, failed, robots, skipped
	Status int    `json:"c,omitempty"`
	// Discovery: the URL answered with a feed or sitemap, so it is
	// fetched again in each new pass even when linked as a page.
	Discovery bool `json:"f,omitempty"`
}

// condRec remembers validators for conditional GET and the last payload.
type condRec struct {
	URL          string    `json:"u"`
	ETag         string    `json:"e,omitempty"`
	LastModified string    `json:"m,omitempty"`
	Digest       string    `json:"d,omitempty"`
	Date         time.Time `json:"t"`
}

// robotsRec is a cached robots.txt outcome.
type robotsRec struct {
	Status  int       `json:"c"`
	Body    []byte    `json:"b,omitempty"`
	Fetched time.Time `json:"t"`
}

// LogRecord is one line of the fetch log (bucket "crawl.log"): every request
// the crawler made or refused, with its outcome.
type LogRecord struct {
	Time    time.Time `json:"time"`
	URL     string    `json:"url"`
	Kind    string    `json:"kind"`
	Status  int       `json:"status,omitempty"`
	Error   string    `json:"error,omitempty"`
	Bytes   int       `json:"bytes,omitempty"`
	Millis  int64     `json:"ms,omitempty"`
	WARC    string    `json:"warc,omitempty"`
	Outcome string    `json:"outcome"`
}

func ensureBuckets(db *bolt.DB) error {
	return db.Update(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bucketQueue, bucketSeen, bucketLog, bucketMeta, bucketCond, bucketRobots, bucketHosts, bucketRevisit} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return fmt.Errorf("create bucket %s: %w", b, err)
			}
		}
		return nil
	})
}

func getJSON(b *bolt.Bucket, k []byte, v any) bool {
	raw := b.Get(k)
	if raw == nil {
		return false
	}
	return json.Unmarshal(raw, v) == nil
}

func putJSON(b *bolt.Bucket, k []byte, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return b.Put(k, raw)
}

// txn collects the durable effects of one fetch so they commit together.
type txn struct {
	done    *entry  // removed from the queue
	requeue *entry  // re-queued (retry), replacing done
	state   seenRec // new seen state for done
	log     *LogRecord
	add     []*entry // discovered entries (checked against the seen set)
	// denied are discovered entries robots.txt forbids: recorded as
	// refused (seen set and fetch log) unless already seen; deniedNew
	// counts those recorded.
	denied    []*entry
	deniedNew int
	cond      *condRec
	robots    map[string]*robotsRec
	host      string      // host that was just requested
	hostAt    time.Time   // when that request ended
	revisit   *revisitRec // next re-check of done (nil: unchanged)
	unvisit   bool        // forget done's re-check (gone, not a page)
}

// commit applies t in one bbolt transaction and returns the entries that
// were actually new (not already seen in this pass).
func (c *Crawler) commit(t *txn) ([]*entry, error) {
	var added []*entry
	// Batch coalesces the commits of concurrent workers into one
	// transaction (one fsync), which is what lets hundreds of hosts crawl
	// in parallel on an ordinary disk.
	err := c.db.Batch(func(tx *bolt.Tx) error {
		added = added[:0]
		q, err := tx.Bucket(bucketQueue).CreateBucketIfNotExists(c.job)
		if err != nil {
			return err
		}
		seen := tx.Bucket(bucketSeen)
		now := time.Now().UnixNano()
		if t.done != nil {
			if err := q.Delete(t.done.qkey()); err != nil {
				return err
			}
			if t.requeue != nil {
				if err := putJSON(q, t.requeue.qkey(), t.requeue); err != nil {
					return err
				}
			} else if t.state.At = now; putJSON(seen, []byte(t.done.Key), t.state) != nil {
				return err
			}
		}
		for _, e := range t.add {
			var old seenRec
			if getJSON(seen, []byte(e.Key), &old) {
				// Seeds, feeds and sitemaps are fetched again in each new
				// pass; everything else once.
				if !(e.Revisit || old.Discovery) || old.State == "queued" || old.At >= c.passStart.UnixNano() {
					continue
				}
			}
			n, err := q.NextSequence()
			if err != nil {
				return err
			}
			e.Seq = n
			if err := putJSON(q, e.qkey(), e); err != nil {
				return err
			}
			if err := putJSON(seen, []byte(e.Key), seenRec{Pass: c.pass, State: "queued", At: now}); err != nil {
				return err
			}
			added = append(added, e)
		}
		t.deniedNew = 0
		for _, e := range t.denied {
			if seen.Get([]byte(e.Key)) != nil {
				continue
			}
			if err := putJSON(seen, []byte(e.Key), seenRec{Pass: c.pass, State: "robots", At: now}); err != nil {
				return err
			}
			l := tx.Bucket(bucketLog)
			n, _ := l.NextSequence()
			rec := LogRecord{Time: time.Unix(0, now).UTC(), URL: e.URL, Kind: e.Kind.String(), Outcome: "robots-denied"}
			if err := putJSON(l, binary.BigEndian.AppendUint64(nil, n), rec); err != nil {
				return err
			}
			t.deniedNew++
		}
		if t.log != nil {
			l := tx.Bucket(bucketLog)
			n, _ := l.NextSequence()
			if err := putJSON(l, binary.BigEndian.AppendUint64(nil, n), t.log); err != nil {
				return err
			}
		}
		if t.cond != nil && t.done != nil {
			if err := putJSON(tx.Bucket(bucketCond), []byte(t.done.Key), t.cond); err != nil {
				return err
			}
		}
		if t.done != nil && (t.revisit != nil || t.unvisit) {
			rb := tx.Bucket(bucketRevisit)
			if t.unvisit {
				if err := rb.Delete([]byte(t.done.Key)); err != nil {
					return err
				}
			} else if err := putJSON(rb, []byte(t.done.Key), t.revisit); err != nil {
				return err
			}
		}
		if t.host != "" {
			if err := tx.Bucket(bucketHosts).Put([]byte(t.host), []byte(t.hostAt.UTC().Format(time.RFC3339Nano))); err != nil {
				return err
			}
		}
		for h, r := range t.robots {
			if err := putJSON(tx.Bucket(bucketRobots), []byte(h), r); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("crawl store: %w", err)
	}
	return added, nil
}

// loadPass reads the pass number and starts a new pass when the previous
// one left nothing queued. It returns the entries to hold in memory (all
// discovery entries and up to memPerHost pages per host), the hosts that
// have more pages in the store, and the size of the queue.
func (c *Crawler) loadPass() (pending []*entry, spilled map[string]bool, queued int, err error) {
	spilled = map[string]bool{}
	err = c.db.Update(func(tx *bolt.Tx) error {
		m := tx.Bucket(bucketMeta)
		pass, _ := strconv.Atoi(string(m.Get([]byte(keyPass + string(c.job)))))
		start, _ := time.Parse(time.RFC3339Nano, string(m.Get([]byte(keyPassStart+string(c.job)))))
		q, err := tx.Bucket(bucketQueue).CreateBucketIfNotExists(c.job)
		if err != nil {
			return err
		}
		queued = q.Stats().KeyN
		cur := q.Cursor()
		pages := 0
		var host []byte
		for k, v := cur.First(); k != nil; k, v = cur.Next() {
			h, rest, _ := bytes.Cut(k, []byte{0})
			if !bytes.Equal(h, host) {
				host, pages = bytes.Clone(h), 0
			}
			if len(rest) > 0 && rest[0] == kindPage.prio() {
				if pages >= memPerHost {
					spilled[string(h)] = true
					k, v = cur.Seek(append(bytes.Clone(h), 1)) // next host
					if k == nil {
						break
					}
					k, v = cur.Prev()
					continue
				}
				pages++
			}
			e := new(entry)
			if err := json.Unmarshal(v, e); err != nil {
				return fmt.Errorf("decode queue entry %q: %w", bytes.ReplaceAll(k, []byte{0}, []byte{' '}), err)
			}
			pending = append(pending, e)
		}
		if queued == 0 || pass == 0 {
			pass++
			start = time.Now()
		}
		c.pass, c.passStart = pass, start
		if err := m.Put([]byte(keyPassStart+string(c.job)), []byte(start.UTC().Format(time.RFC3339Nano))); err != nil {
			return err
		}
		return m.Put([]byte(keyPass+string(c.job)), []byte(strconv.Itoa(pass)))
	})
	return pending, spilled, queued, err
}

// refill loads the next page entries of a spilled host from the store;
// c.mu must be held.
func (c *Crawler) refill(h *hostState) {
	want := memPerHost - h.memPages
	prefix := append([]byte(h.name), 0, kindPage.prio())
	var got []*entry
	c.db.View(func(tx *bolt.Tx) error {
		q := tx.Bucket(bucketQueue).Bucket(c.job)
		if q == nil {
			return nil
		}
		cur := q.Cursor()
		k, v := cur.Seek(prefix)
		if h.lastKey != nil {
			k, v = cur.Seek(h.lastKey)
			if k != nil && bytes.Equal(k, h.lastKey) {
				k, v = cur.Next()
			}
		}
		for ; k != nil && bytes.HasPrefix(k, prefix) && len(got) <= want; k, v = cur.Next() {
			e := new(entry)
			if json.Unmarshal(v, e) != nil {
				continue
			}
			got = append(got, e)
		}
		return nil
	})
	more := len(got) > want
	if more {
		got = got[:want]
	}
	h.spill = false
	for _, e := range got {
		c.push(e, false)
	}
	h.spill = more
}

func (c *Crawler) loadCond(key string) *condRec {
	var r condRec
	found := false
	c.db.View(func(tx *bolt.Tx) error {
		found = getJSON(tx.Bucket(bucketCond), []byte(key), &r)
		return nil
	})
	if !found {
		return nil
	}
	return &r
}

func (c *Crawler) loadRobots(host string) *robotsRec {
	var r robotsRec
	found := false
	c.db.View(func(tx *bolt.Tx) error {
		found = getJSON(tx.Bucket(bucketRobots), []byte(host), &r)
		return nil
	})
	if !found {
		return nil
	}
	return &r
}

// FetchLog returns the fetch log of the archive in order (for tests,
// reports and debugging).
func FetchLog(db *bolt.DB) ([]LogRecord, error) {
	var out []LogRecord
	err := db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketLog)
		if b == nil {
			return nil
		}
		return b.ForEach(func(k, v []byte) error {
			var r LogRecord
			if err := json.Unmarshal(v, &r); err != nil {
				return fmt.Errorf("decode fetch log %x: %w", k, err)
			}
			out = append(out, r)
			return nil
		})
	})
	return out, err
}

// lastRequest returns when the previous run's last request to host ended.
func (c *Crawler) lastRequest(host string) time.Time {
	var at time.Time
	c.db.View(func(tx *bolt.Tx) error {
		if v := tx.Bucket(bucketHosts).Get([]byte(host)); v != nil {
			at, _ = time.Parse(time.RFC3339Nano, string(v))
		}
		return nil
	})
	return at
}
