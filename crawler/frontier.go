package crawler

import (
	"context"
	"encoding/binary"
	"time"

	"github.com/syndex/syndex/crawler/polite"
	"github.com/syndex/syndex/crawler/robots"
)

// Frontier is a crawl's queue and per-host schedule: the URLs waiting, the
// seen set, and which host may be asked next and when. It stores what
// the crawler decides (the politeness gap, a back-off, a robots.txt
// verdict) and hands out one host at a time, so that a host never has
// two requests in flight. Two implementations pass one conformance suite
// (frontier_test.go): the local frontier in the archive's bbolt store
// (Crawler.Run) and the shared one in Redis, for several workers
// (Crawler.RunShared); both are driven by one dispatch loop.
type Frontier interface {
	// begin starts this process's run: it resumes or starts a pass and
	// queues the seeds.
	begin(ctx context.Context, seeds []*entry) (runStart, error)
	// claim leases the ready host that may be asked now with its next
	// entry. When none is ready, lease.host is "" and lease.wait says
	// when to ask again (< 0: not before a lease is released); with
	// lease.leased == 0 as well, the run is over.
	claim(ctx context.Context) (*lease, error)
	// hold keeps l while it is worked on: the context it returns ends
	// when the lease is lost, and stop ends the holding and reports
	// whether the lease was kept to the end.
	hold(ctx context.Context, l *lease) (hctx context.Context, stop func() bool)
	// release hands l's host back with the outcome of its work.
	release(ctx context.Context, l *lease, o *outcome) error
	// validators returns the conditional GET validators kept for the URL
	// with SURT key (nil: none).
	validators(ctx context.Context, key string) (*condRec, error)
	// fetched records that page e was fetched and its response archived
	// at loc, before it is processed, so a restart replays it from there.
	fetched(ctx context.Context, e *entry, loc, host string, end time.Time) error
	// knownRobots returns the robots.txt verdict known for host (nil:
	// none), to refuse forbidden links as they are found.
	knownRobots(host string) *robots.Rules
	// borrow holds another host for a request made on l's host's behalf
	// (a robots.txt redirected across hosts); nil release: not needed.
	borrow(ctx context.Context, host, rawURL string) (release func(end time.Time), err error)
	// status adds the frontier's counters to s.
	status(s *Stats)
	// end closes this process's run.
	end(ctx context.Context) error
}

// earlyFreer is a Frontier that can hand a host back to the schedule
// before the work on its entry is finished (the local frontier).
type earlyFreer interface {
	// free applies o's outcome for l's host (its rest after the
	// request, failures) and commits the effects of o.t that do not
	// wait for the handler (discovered entries, robots.txt, the host's
	// request time), taking them out of o.t; the host may then be
	// claimed again. l's entry stays queued and l counts as leased until
	// release, which commits the rest of o.t and leaves the host's
	// schedule alone.
	free(ctx context.Context, l *lease, o *outcome) error
}

// runStart is what Frontier.begin found.
type runStart struct {
	pass    int64
	newRun  bool // shared: no worker was crawling: budgets were reset
	newPass bool // the previous pass was complete: re-fetchable entries are queued again
	queued  int64
	resumed int // local: entries left from the previous run
}

// lease is one host handed to a worker with the entry to fetch, and what
// the frontier knows about the host.
type lease struct {
	host   string
	scheme string
	e      *entry // nil: only the host's robots.txt is to be fetched
	// robots is the host's robots.txt verdict, nil when it must be
	// fetched; robotsUntil is when it must be fetched again, and
	// robotsFails counts the unavailable answers in a row.
	robots      *robots.Rules
	robotsUntil time.Time
	robotsFails int
	fails       int // the host's consecutive failures (429, 5xx, network)
	// offerSitemaps: the Sitemap: lines of robots go with this entry
	// whatever it is (robots.txt was just read from a cache).
	offerSitemaps bool

	// When no host was claimed:
	wait      time.Duration // when to ask again (< 0: after a release)
	leased    int64         // hosts held by anyone
	reclaimed int64         // expired leases taken back by this claim

	h     *hostState // local frontier's host
	freed bool       // local frontier: the host was freed before release
}

// needsRobots reports whether the host's robots.txt is to be fetched now.
func (l *lease) needsRobots(now time.Time) bool {
	return l.robots == nil || !now.Before(l.robotsUntil)
}

// outcome is what a worker reports when it hands a host back.
type outcome struct {
	requested bool          // a request went to the host
	end       time.Time     // when its response ended
	rest      time.Duration // how long the host rests after end (or from now without a request; 0: unchanged)
	failed    int           // +1 the host failed (429, 5xx, network), 0 it answered, -1 neither
	why       string        // why the host waits beyond its politeness gap ("" when it does not)
	requeue   bool          // the entry goes back to the front of the queue
	refund    bool          // the entry's page does not count against the budgets
	t         *txn          // durable effects: fetch log, seen state, discovered entries, validators
	robots    *robotsRec    // a new robots.txt record for the host
	parsed    *robots.Rules // its verdict
	sitOut    string        // the host sits out the rest of the run, why
	giveUp    string        // the host's queue is given up, why
	page      *Page         // a page the handler is to see (Crawler.handled)
}

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

// robotsRec is a cached robots.txt outcome (local store or Redis).
type robotsRec struct {
	Status  int       `json:"c"`
	Body    []byte    `json:"b,omitempty"`
	Fetched time.Time `json:"t"`
	Fails   int       `json:"f,omitempty"` // consecutive unavailable fetches
	// Wait is how long after Fetched an unavailable robots.txt is asked
	// again (Retry-After or back-off); 0 in records written before it
	// existed, which wait RobotsRetry.
	Wait time.Duration `json:"w,omitempty"`
}

// until is when the record must be fetched again, as p says
// (polite.Policy.RobotsDue).
func (r *robotsRec) until(p polite.Policy) time.Time {
	return p.RobotsDue(r.Fetched, robots.Parse(r.Status, nil, "", r.Fetched).DisallowAll, r.Wait)
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
