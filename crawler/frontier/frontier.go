// Package frontier is what the crawler and its frontiers share: the
// Frontier interface the one dispatch loop drives, and the records that
// pass between them (queue entries, leases, outcomes, the durable effects
// of a fetch, the seen, robots.txt, validator and revisit records, the
// fetch log). The implementations are packages below it: local (the
// archive's bbolt store, one process) and shared (Redis, several
// workers), held to one conformance suite (frontiertest).
package frontier

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
// (package frontiertest): the local frontier in the archive's bbolt store
// (Crawler.Run) and the shared one in Redis, for several workers
// (Crawler.RunShared); both are driven by the crawler's one dispatch loop.
type Frontier interface {
	// Begin starts this process's run: it resumes or starts a pass and
	// queues the seeds.
	Begin(ctx context.Context, seeds []*Entry) (RunStart, error)
	// Claim leases the ready host that may be asked now with its next
	// entry. When none is ready, Lease.Host is "" and Lease.Wait says
	// when to ask again (< 0: not before a lease is released); with
	// Lease.Leased == 0 as well, the run is over.
	Claim(ctx context.Context) (*Lease, error)
	// Hold keeps l while it is worked on: the context it returns ends
	// when the lease is lost, and stop ends the holding and reports
	// whether the lease was kept to the end.
	Hold(ctx context.Context, l *Lease) (hctx context.Context, stop func() bool)
	// Release hands l's host back with the outcome of its work.
	Release(ctx context.Context, l *Lease, o *Outcome) error
	// Validators returns the conditional GET validators kept for the URL
	// with SURT key (nil: none).
	Validators(ctx context.Context, key string) (*CondRec, error)
	// Fetched records that page e was fetched and its response archived
	// at loc, before it is processed, so a restart replays it from there.
	Fetched(ctx context.Context, e *Entry, loc, host string, end time.Time) error
	// KnownRobots returns the robots.txt verdict known for host (nil:
	// none), to refuse forbidden links as they are found.
	KnownRobots(host string) *robots.Rules
	// Borrow holds another host for a request made on l's host's behalf
	// (a robots.txt redirected across hosts); nil release: not needed.
	Borrow(ctx context.Context, host, rawURL string) (release func(end time.Time), err error)
	// Progress returns the frontier's view of the run's hosts and queue.
	Progress() Progress
	// End closes this process's run.
	End(ctx context.Context) error
}

// EarlyFreer is a Frontier that can hand a host back to the schedule
// before the work on its entry is finished (the local frontier).
type EarlyFreer interface {
	// Free applies o's outcome for l's host (its rest after the
	// request, failures) and commits the effects of o.Txn that do not
	// wait for the handler (discovered entries, robots.txt, the host's
	// request time), taking them out of o.Txn; the host may then be
	// claimed again. l's entry stays queued and l counts as leased until
	// Release, which commits the rest of o.Txn and leaves the host's
	// schedule alone.
	Free(ctx context.Context, l *Lease, o *Outcome) error
}

// RunStart is what Frontier.Begin found.
type RunStart struct {
	Pass    int64
	NewRun  bool // shared: no worker was crawling: budgets were reset
	NewPass bool // the previous pass was complete: re-fetchable entries are queued again
	Queued  int64
	Resumed int // local: entries left from the previous run
}

// Lease is one host handed to a worker with the entry to fetch, and what
// the frontier knows about the host.
type Lease struct {
	Host   string
	Scheme string
	Entry  *Entry // nil: only the host's robots.txt is to be fetched
	// Robots is the host's robots.txt verdict, nil when it must be
	// fetched; RobotsUntil is when it must be fetched again, and
	// RobotsFails counts the unavailable answers in a row.
	Robots      *robots.Rules
	RobotsUntil time.Time
	RobotsFails int
	Fails       int // the host's consecutive failures (429, 5xx, network)
	// OfferSitemaps: the Sitemap: lines of robots go with this entry
	// whatever it is (robots.txt was just read from a cache).
	OfferSitemaps bool

	// When no host was claimed:
	Wait      time.Duration // when to ask again (< 0: after a release)
	Leased    int64         // hosts held by anyone
	Reclaimed int64         // expired leases taken back by this claim
}

// Over reports whether the run is over: no host claimed, none due later
// (nothing queued that this run may fetch) and none leased.
func (l *Lease) Over() bool { return l.Host == "" && l.Wait < 0 && l.Leased == 0 }

// NeedsRobots reports whether the host's robots.txt is to be fetched now.
func (l *Lease) NeedsRobots(now time.Time) bool {
	return l.Robots == nil || !now.Before(l.RobotsUntil)
}

// Outcome is what a worker reports when it hands a host back.
type Outcome struct {
	Requested bool          // a request went to the host
	End       time.Time     // when its response ended
	Rest      time.Duration // how long the host rests after end (or from now without a request; 0: unchanged)
	Failed    int           // +1 the host failed (429, 5xx, network), 0 it answered, -1 neither
	Why       string        // why the host waits beyond its politeness gap ("" when it does not)
	Requeue   bool          // the entry goes back to the front of the queue
	Refund    bool          // the entry's page does not count against the budgets
	Txn       *Txn          // durable effects: fetch log, seen state, discovered entries, validators
	Robots    *RobotsRec    // a new robots.txt record for the host
	Parsed    *robots.Rules // its verdict
	SitOut    string        // the host sits out the rest of the run, why
	GiveUp    string        // the host's queue is given up, why
}

// Kind is what a frontier entry is fetched for.
type Kind uint8

const (
	KindPage    Kind = 0 // an HTML page (handed to the handler)
	KindSitemap Kind = 1 // a sitemap or sitemap index
	KindFeed    Kind = 2 // an RSS / Atom / JSON feed
)

// Prio orders a host's queue: discovery documents before pages.
func (k Kind) Prio() byte {
	if k == KindPage {
		return 1
	}
	return 0
}

// String names the kind in the fetch log.
func (k Kind) String() string {
	switch k {
	case KindSitemap:
		return "sitemap"
	case KindFeed:
		return "feed"
	}
	return "page"
}

// Entry is one queued URL.
type Entry struct {
	URL     string `json:"u"`
	Key     string `json:"k"`
	Host    string `json:"h"`
	Depth   int    `json:"d,omitempty"`
	Kind    Kind   `json:"t,omitempty"`
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

// QueueKey orders e in its host's queue: host, priority, sequence.
func (e *Entry) QueueKey() []byte {
	b := make([]byte, 0, len(e.Host)+10)
	b = append(b, e.Host...)
	b = append(b, 0, e.Kind.Prio())
	return binary.BigEndian.AppendUint64(b, e.Seq)
}

// SeenRec is what the seen set remembers about a URL. The seen set is
// shared by all crawl jobs of an archive: a page is fetched once whichever
// source links to it.
type SeenRec struct {
	Pass   int    `json:"p"`
	At     int64  `json:"a,omitempty"` // when the state was recorded (unix ns)
	State  string `json:"s"`           // queued, done, failed, robots, skipped
	Status int    `json:"c,omitempty"`
	// Discovery: the URL answered with a feed or sitemap, so it is
	// fetched again in each new pass even when linked as a page.
	Discovery bool `json:"f,omitempty"`
}

// CondRec remembers validators for conditional GET and the last payload.
type CondRec struct {
	URL          string    `json:"u"`
	ETag         string    `json:"e,omitempty"`
	LastModified string    `json:"m,omitempty"`
	Digest       string    `json:"d,omitempty"`
	Date         time.Time `json:"t"`
}

// RobotsRec is a cached robots.txt outcome (local store or Redis).
type RobotsRec struct {
	Status  int       `json:"c"`
	Body    []byte    `json:"b,omitempty"`
	Fetched time.Time `json:"t"`
	Fails   int       `json:"f,omitempty"` // consecutive unavailable fetches
	// Wait is how long after Fetched an unavailable robots.txt is asked
	// again (Retry-After or back-off); 0 in records written before it
	// existed, which wait RobotsRetry.
	Wait time.Duration `json:"w,omitempty"`
}

// Until is when the record must be fetched again, as p says
// (polite.Policy.RobotsDue).
func (r *RobotsRec) Until(p polite.Policy) time.Time {
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

// Txn collects the durable effects of one fetch so they commit together.
type Txn struct {
	Done    *Entry  // removed from the queue
	Requeue *Entry  // re-queued (retry), replacing Done
	State   SeenRec // new seen state for Done
	Log     *LogRecord
	Add     []*Entry // discovered entries (checked against the seen set)
	// Denied are discovered entries robots.txt forbids: recorded as
	// refused (seen set and fetch log) unless already seen; DeniedNew
	// counts those recorded.
	Denied    []*Entry
	DeniedNew int
	Cond      *CondRec
	Robots    map[string]*RobotsRec
	Host      string      // host that was just requested
	HostAt    time.Time   // when that request ended
	Revisit   *RevisitRec // next re-check of Done (nil: unchanged)
	Unvisit   bool        // forget Done's re-check (gone, not a page)
}

// Split moves out of t, into a Txn of their own, the effects that do not
// depend on the handler's verdict on t's page: the discovered entries,
// robots.txt records and the host's request time.
func (t *Txn) Split() *Txn {
	early := &Txn{Add: t.Add, Denied: t.Denied, Robots: t.Robots, Host: t.Host, HostAt: t.HostAt}
	t.Add, t.Denied, t.Robots, t.Host, t.HostAt = nil, nil, nil, "", time.Time{}
	return early
}

// Join puts back into t what Split took out.
func (t *Txn) Join(early *Txn) {
	t.Add, t.Denied, t.Robots, t.Host, t.HostAt = early.Add, early.Denied, early.Robots, early.Host, early.HostAt
}

// RevisitRec schedules the next conditional re-check of a known page
// (bucket crawl.revisit). The interval adapts: it doubles after every
// check that found the page unchanged and halves when it had changed, so
// pages that are still being edited are seen often and settled ones
// rarely.
type RevisitRec struct {
	URL     string `json:"u"`
	Next    int64  `json:"n"` // unix ns of the next check
	Every   int64  `json:"e"` // current interval, ns
	Checks  int    `json:"c,omitempty"`
	Changes int    `json:"x,omitempty"`
}

// Hints are what a sitemap or feed said about a URL before it was fetched.
type Hints struct {
	Title     string    `json:"title,omitempty"`
	Published time.Time `json:"published,omitzero"`
	Source    string    `json:"source,omitempty"` // the sitemap or feed URL
}

// HostWait is one host waiting before its next request.
type HostWait struct {
	Host   string    `json:"host"`
	Reason string    `json:"reason"` // "robots.txt HTTP 503, Retry-After 2s"
	Until  time.Time `json:"until"`
}

// Progress is a frontier's view of the run, for the crawl's status.
type Progress struct {
	Hosts        int        // hosts known
	Queue        int        // entries queued
	HostsActive  int        // hosts leased
	HostsDropped int        // hosts sitting out the run
	Waiting      []HostWait // hosts with work queued that wait beyond their politeness gap
}

// Counts are what a frontier adds to the crawl's counters as it records
// outcomes.
type Counts struct {
	RobotsDenied int64 // discovered links refused by robots.txt
	Errors       int64 // entries given up
}
