// Package local is the crawl frontier of one process, kept in the
// archive's bbolt store (buckets crawl.*): each job's queue, the seen set
// shared by the archive's jobs, robots.txt files, validators for
// conditional GET, revisit plans, the fetch log, and per host the end of
// its last request and its back-off, so that a crawl killed and restarted
// resumes its queue and keeps its politeness. It implements
// frontier.Frontier (and frontier.EarlyFreer) and passes the conformance
// suite of crawler/frontier/frontiertest.
package local

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strconv"
	"sync"
	"time"

	"github.com/syndex/syndex/crawler/frontier"
	"github.com/syndex/syndex/crawler/polite"
	"github.com/syndex/syndex/crawler/robots"
	bolt "go.etcd.io/bbolt"
)

// Frontier is the frontier of one process in the archive's bbolt store:
// the queue of each job, the seen set shared by all jobs, and per host
// the end of the last request and the back-off, so that a crawl killed
// and restarted keeps its politeness. Memory holds a bounded part of
// each host's queue (Options.MemPerHost pages); the rest waits in the
// store. It is kept across the passes of one crawler: what it knows of a
// host (timing, robots.txt) carries over, the queues are rebuilt from the
// store.
type Frontier struct {
	db    *bolt.DB
	job   []byte
	opt   Options
	pol   polite.Policy
	log   *slog.Logger
	count func(frontier.Counts) // adds to the crawl's counters; never called with mu held
	mem   int                   // page entries each host keeps in memory

	started   time.Time // this run's start
	pass      int
	passStart time.Time

	mu        sync.Mutex
	hosts     map[string]*hostState
	order     []*hostState
	cursor    int                      // where the next claim starts looking (round robin)
	inflight  int                      // hosts leased
	freed     map[*frontier.Lease]bool // leases whose host was freed before release (Free)
	pagesSent int                      // page entries claimed this run (MaxPages)
	queued    int                      // entries in the store's queue
}

// Options configure a local frontier.
type Options struct {
	frontier.Limits
	Job           string        // the crawl job whose queue this is (the seen set is the archive's)
	Policy        polite.Policy // how long a host rests
	UserAgent     string        // whose rules of a cached robots.txt apply
	RobotsTTL     time.Duration // how long a cached robots.txt holds
	Timeout       time.Duration // a request's time limit; with MaxCrawlDelay, how long Borrow waits for a host
	MaxCrawlDelay time.Duration
	// MemPerHost bounds the page entries each host keeps in memory
	// (default 512); the rest wait in the store and are loaded in key
	// order as the queue drains, so a frontier of millions of URLs costs
	// memory per host, not per URL.
	MemPerHost int
	Logger     *slog.Logger
	// Count receives what the frontier adds to the crawl's counters
	// (links refused by robots.txt, entries given up); nil: none.
	Count func(frontier.Counts)
	// Now is the clock of the robots.txt cache (nil: time.Now): how old
	// a cached robots.txt is and whether a host's verdict still holds.
	// Politeness gaps always use real time.
	Now func() time.Time
}

// hostState is the local frontier's view of one host (scheme-less host:port).
type hostState struct {
	name        string
	scheme      string
	queue       []*frontier.Entry
	memPages    int    // page entries in queue
	spill       bool   // the store holds page entries not loaded into queue
	lastKey     []byte // queue key of the last page entry loaded
	busy        bool
	next        time.Time // earliest start of the next request
	robots      *robots.Rules
	robotsUntil time.Time
	// robotsLoaded: the store's robots.txt cache was consulted.
	robotsLoaded bool
	// offerSitemaps: robots came from the cache and its Sitemap: lines
	// go with the host's next entry.
	offerSitemaps bool
	// robotsFails counts consecutive robots.txt failures across runs
	// (persisted with the back-off state).
	robotsFails int
	fails       int // consecutive 429/5xx/network failures
	// backoffSaved: the store holds a back-off record for the host
	// (cleared on the next success).
	backoffSaved bool
	pages        int    // page entries claimed this run
	dropped      string // why the host sits out the rest of this run
	// waitWhy says why the host waits beyond its politeness gap (a
	// Retry-After, a back-off, robots.txt unavailable), for the status
	// line; "" when it does not.
	waitWhy string
}

// New opens the local frontier of job opt.Job in the store db.
func New(db *bolt.DB, opt Options) (*Frontier, error) {
	if err := ensureBuckets(db); err != nil {
		return nil, err
	}
	if opt.MemPerHost <= 0 {
		opt.MemPerHost = 512
	}
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	if opt.Count == nil {
		opt.Count = func(frontier.Counts) {}
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	return &Frontier{db: db, job: []byte(opt.Job), opt: opt, pol: opt.Policy, log: opt.Logger, count: opt.Count,
		mem: opt.MemPerHost, hosts: map[string]*hostState{}, freed: map[*frontier.Lease]bool{}}, nil
}

// Begin loads the queue left by the previous run (starting a new pass
// when it left nothing) and queues seeds.
func (f *Frontier) Begin(ctx context.Context, seeds []*frontier.Entry) (frontier.RunStart, error) {
	f.started = time.Now()
	pending, spilled, queued, err := f.loadPass()
	if err != nil {
		return frontier.RunStart{}, err
	}
	f.mu.Lock()
	f.pagesSent, f.inflight, f.queued = 0, 0, queued
	for _, h := range f.order {
		h.queue, h.dropped, h.pages, h.busy = nil, "", 0, false
		h.memPages, h.spill, h.lastKey = 0, false, nil
	}
	for _, e := range pending {
		f.push(e, false)
	}
	for host := range spilled {
		if h := f.hosts[host]; h != nil {
			h.spill = true
		}
	}
	f.mu.Unlock()
	added, err := f.commit(&frontier.Txn{Add: seeds})
	if err != nil {
		return frontier.RunStart{}, err
	}
	f.mu.Lock()
	f.queued += len(added)
	for _, e := range added {
		f.push(e, false)
	}
	f.mu.Unlock()
	return frontier.RunStart{Pass: int64(f.pass), Queued: int64(len(added)), Resumed: len(pending)}, nil
}

func (f *Frontier) End(context.Context) error { return nil }

// host returns e's hostState, creating it with the timing and back-off
// the store keeps from earlier runs; f.mu must be held.
func (f *Frontier) host(e *frontier.Entry) *hostState {
	h := f.hosts[e.Host]
	if h == nil {
		scheme := "http"
		if u, err := url.Parse(e.URL); err == nil {
			scheme = u.Scheme
		}
		h = &hostState{name: e.Host, scheme: scheme}
		if last := f.LastRequest(e.Host); !last.IsZero() {
			h.next = f.gapFrom(last).Add(f.opt.Delay) // politeness holds across restarts
		}
		f.restoreBackoff(h) // and so do Retry-After, back-off and parking
		f.hosts[e.Host] = h
		f.order = append(f.order, h)
	}
	return h
}

// gapFrom is when the politeness gap after a previous run's last
// recorded request to a host (ending at last) starts
// (polite.Policy.GapStart).
func (f *Frontier) gapFrom(last time.Time) time.Time {
	return f.pol.GapStart(last, f.started)
}

// push adds e to its host's queue in priority order; f.mu must be held.
// A page entry already loaded (key ≤ lastKey) is ignored; one beyond the
// memory bound stays in the store until refill.
func (f *Frontier) push(e *frontier.Entry, front bool) {
	h := f.host(e)
	switch {
	case front:
		h.pushFront(e)
	case e.Kind == frontier.KindPage:
		h.pushPage(e, f.mem)
	default:
		h.pushBeforePages(e)
	}
}

// pushFront puts e first in h's queue.
func (h *hostState) pushFront(e *frontier.Entry) {
	h.queue = append([]*frontier.Entry{e}, h.queue...)
	if e.Kind == frontier.KindPage {
		h.memPages++
	}
}

// pushPage queues page entry e last, unless it is not after the last page
// loaded (the store's copy comes with refill) or h holds mem page entries
// already (h spills: the store keeps it).
func (h *hostState) pushPage(e *frontier.Entry, mem int) {
	k := e.QueueKey()
	if h.lastKey != nil && bytes.Compare(k, h.lastKey) <= 0 {
		return
	}
	if h.spill || h.memPages >= mem {
		h.spill = true
		return
	}
	h.queue = append(h.queue, e)
	h.memPages++
	h.lastKey = k
}

// pushBeforePages queues entry e (not a page) after the other entries
// that are not pages and before the pages.
func (h *hostState) pushBeforePages(e *frontier.Entry) {
	i := 0
	for i < len(h.queue) && h.queue[i].Kind != frontier.KindPage {
		i++
	}
	h.queue = append(h.queue[:i], append([]*frontier.Entry{e}, h.queue[i:]...)...)
}

// Claim hands out the next host, in turn, that is ready and has an entry
// this run may fetch. A host without a robots.txt verdict gets one from
// the store's cache or is leased with no entry, to fetch it.
func (f *Frontier) Claim(ctx context.Context) (*frontier.Lease, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	now := time.Now()
	wait := time.Duration(-1)
	n := len(f.order)
	for i := 0; i < n; i++ {
		h := f.order[(f.cursor+i)%n]
		needRobots, soon, ok := f.ready(h, now)
		if soon >= 0 && (wait < 0 || soon < wait) {
			wait = soon
		}
		if !ok {
			continue
		}
		f.cursor = (f.cursor + i + 1) % n
		return f.lease(h, needRobots), nil
	}
	return &frontier.Lease{Wait: wait, Leased: int64(f.inflight)}, nil
}

// ready reports whether host h can be leased now (ok), and whether it
// must ask for its robots.txt first. When it will be ready later, soon
// is how long until then (else -1); a host not ready within MaxWait is
// left for the next run. f.mu must be held.
func (f *Frontier) ready(h *hostState, now time.Time) (needRobots bool, soon time.Duration, ok bool) {
	if !f.hasQueued(h) {
		return false, -1, false
	}
	if h.robots == nil && !h.robotsLoaded {
		f.cachedRobots(h)
	}
	cacheNow := f.opt.Now()
	needRobots = h.robots == nil || !cacheNow.Before(h.robotsUntil)
	if !needRobots && h.robots.DisallowAll {
		return needRobots, h.robotsUntil.Sub(cacheNow), false // robots.txt unavailable: wait for the retry
	}
	if !needRobots && !f.dispatchable(h) {
		return needRobots, -1, false
	}
	soon, ok = f.rested(h, now)
	return needRobots, soon, ok
}

// hasQueued reports whether host h, neither leased nor dropped, has an
// entry queued, refilling its queue from the store when it runs low.
// f.mu must be held.
func (f *Frontier) hasQueued(h *hostState) bool {
	if h.busy || h.dropped != "" {
		return false
	}
	if h.spill && h.memPages < max(1, f.mem/4) {
		f.refill(h)
	}
	return len(h.queue) > 0
}

// rested reports whether host h's gap since its last request is over
// (ok); if not, soon is how long it still rests, or -1 when that is
// longer than the run may wait: h is then left for the next run. f.mu
// must be held.
func (f *Frontier) rested(h *hostState, now time.Time) (soon time.Duration, ok bool) {
	if !h.next.After(now) {
		return -1, true
	}
	d := h.next.Sub(now)
	if !f.opt.LeftForNextRun(d) {
		return d, false
	}
	h.dropped = fmt.Sprintf("not ready for %v", d.Round(time.Second))
	f.log.Warn("host left for the next run", "host", h.name, "reason", h.dropped, "queued", len(h.queue))
	return -1, false
}

// lease leases host h: for its robots.txt when needRobots, else with the
// first entry of its queue. f.mu must be held.
func (f *Frontier) lease(h *hostState, needRobots bool) *frontier.Lease {
	h.busy = true
	f.inflight++
	l := &frontier.Lease{Host: h.name, Scheme: h.scheme, Robots: h.robots, RobotsUntil: h.robotsUntil, RobotsFails: h.robotsFails, Fails: h.fails}
	if needRobots {
		return l
	}
	e := h.queue[0]
	h.queue[0] = nil
	h.queue = h.queue[1:]
	if e.Kind == frontier.KindPage {
		f.pagesSent++
		h.pages++
		h.memPages--
	}
	l.Entry, l.OfferSitemaps = e, h.offerSitemaps
	h.offerSitemaps = false
	return l
}

// cachedRobots gives h the robots.txt the store keeps from an earlier run
// while it is fresh; the gap after that run's last request, set from Delay
// alone, then also honours its Crawl-delay, and its Sitemap: lines are
// offered with the host's next entry. f.mu must be held.
func (f *Frontier) cachedRobots(h *hostState) {
	h.robotsLoaded = true
	rec := f.loadRobots(h.name)
	if rec == nil || f.opt.Now().Sub(rec.Fetched) >= f.opt.RobotsTTL {
		return
	}
	r := robots.Parse(rec.Status, rec.Body, robots.ProductToken(f.opt.UserAgent), rec.Fetched)
	f.pol.CapCrawlDelay(r, h.name, f.log)
	h.robots, h.robotsUntil = r, rec.Fetched.Add(f.opt.RobotsTTL)
	h.offerSitemaps = len(r.Sitemaps) > 0
	if last := f.LastRequest(h.name); !last.IsZero() {
		if n := f.gapFrom(last).Add(f.pol.HostGap(r, 0)); n.After(h.next) {
			h.next = n
		}
	}
}

// dispatchable reports whether h's next entry may be fetched in this run
// (budgets); f.mu must be held.
func (f *Frontier) dispatchable(h *hostState) bool {
	return h.queue[0].Kind != frontier.KindPage || f.opt.Admits(f.pagesSent, h.pages)
}

func (f *Frontier) Hold(ctx context.Context, _ *frontier.Lease) (context.Context, func() bool) {
	return ctx, func() bool { return true }
}

func (f *Frontier) Validators(_ context.Context, key string) (*frontier.CondRec, error) {
	return f.Cond(key), nil
}

func (f *Frontier) KnownRobots(host string) *robots.Rules {
	f.mu.Lock()
	defer f.mu.Unlock()
	h := f.hosts[host]
	if h != nil && h.robots != nil && !h.robots.DisallowAll && f.opt.Now().Before(h.robotsUntil) {
		return h.robots
	}
	return nil
}

// Free hands l's host back to the schedule before its page is handled:
// the host's outcome and the effects that do not wait for the handler
// (discovered entries, the host's request time) are applied now; the
// entry's own record (done, fetch log, validators) waits for release.
// When that commit fails, its effects go back to o.Txn for Release to
// commit with the rest.
func (f *Frontier) Free(_ context.Context, l *frontier.Lease, o *frontier.Outcome) error {
	h := f.leaseHost(l)
	end := o.End
	if end.IsZero() {
		end = time.Now()
	}
	f.hostOutcome(h, o, end)
	var added []*frontier.Entry
	var err error
	if o.Txn != nil {
		early := o.Txn.Split()
		if added, err = f.commit(early); err != nil {
			o.Txn.Join(early)
		} else if early.DeniedNew > 0 {
			f.count(frontier.Counts{RobotsDenied: int64(early.DeniedNew)})
		}
	}
	f.mu.Lock()
	f.freed[l] = true
	h.busy = false
	f.schedule(h, o, end)
	f.queued += len(added)
	for _, e := range added {
		f.push(e, false)
	}
	f.mu.Unlock()
	return err
}

// schedule sets when h may be asked again after outcome o of a request
// that ended at end; f.mu must be held.
func (f *Frontier) schedule(h *hostState, o *frontier.Outcome, end time.Time) {
	switch {
	case o.Requested:
		h.next = end.Add(o.Rest)
	case o.Rest > 0:
		h.next = time.Now().Add(o.Rest)
	}
}

// Release records o in the store (back-off first: a restart must not ask
// the host early) and hands the host back to the schedule, unless free
// did already.
func (f *Frontier) Release(_ context.Context, l *frontier.Lease, o *frontier.Outcome) error {
	h := f.leaseHost(l)
	end := o.End
	if end.IsZero() {
		end = time.Now()
	}
	f.mu.Lock()
	freed := f.freed[l]
	f.mu.Unlock()
	if !freed {
		f.hostOutcome(h, o, end)
	}
	var errs []error
	added, err := f.commitOutcome(l, o)
	if err != nil {
		errs = append(errs, err)
	}
	given := 0
	if o.GiveUp != "" {
		var err error
		if given, err = f.abandon(h, o.GiveUp); err != nil {
			errs = append(errs, err)
		}
	}
	f.mu.Lock()
	f.settleLease(l, o, end)
	f.settleQueue(h, o, added, given, len(errs) == 0)
	f.mu.Unlock()
	if given > 0 {
		f.count(frontier.Counts{Errors: int64(given)})
	}
	return errors.Join(errs...)
}

// commitOutcome commits the lease's transaction (its entry requeued or
// done, the robots.txt it read, what it found) and returns the entries
// it added.
func (f *Frontier) commitOutcome(l *frontier.Lease, o *frontier.Outcome) ([]*frontier.Entry, error) {
	t := o.Txn
	if t == nil {
		return nil, nil
	}
	if o.Requeue && l.Entry != nil {
		t.Done, t.Requeue = l.Entry, l.Entry
	}
	if o.Robots != nil && !o.Parsed.DisallowAll {
		t.Robots = map[string]*frontier.RobotsRec{l.Host: o.Robots}
	}
	added, err := f.commit(t)
	if err != nil {
		return nil, err
	}
	if t.DeniedNew > 0 {
		f.count(frontier.Counts{RobotsDenied: int64(t.DeniedNew)})
	}
	return added, nil
}

// settleLease frees the lease's host (unless it was freed early) with
// its next time, and puts the lease's entry and page budget back when
// the outcome says so; f.mu must be held.
func (f *Frontier) settleLease(l *frontier.Lease, o *frontier.Outcome, end time.Time) {
	h := f.hosts[l.Host]
	if f.freed[l] {
		delete(f.freed, l)
	} else {
		h.busy = false
		f.schedule(h, o, end)
	}
	f.inflight--
	if o.Requeue && l.Entry != nil && o.GiveUp == "" {
		f.push(l.Entry, true)
	}
	if o.Refund && l.Entry != nil && l.Entry.Kind == frontier.KindPage {
		f.pagesSent--
		h.pages--
	}
	if o.SitOut != "" && h.dropped == "" {
		h.dropped = o.SitOut
	}
}

// settleQueue counts the outcome in the queue: the entries added, the
// one done (when committed), and a host's queue given up; f.mu must be
// held.
func (f *Frontier) settleQueue(h *hostState, o *frontier.Outcome, added []*frontier.Entry, given int, committed bool) {
	f.queued += len(added)
	if t := o.Txn; t != nil && t.Done != nil && t.Requeue == nil && committed {
		f.queued--
	}
	for _, e := range added {
		f.push(e, false)
	}
	if given > 0 {
		f.queued -= given
		h.queue, h.memPages, h.spill, h.lastKey = nil, 0, false, nil
		h.dropped = o.GiveUp
	}
}

// leaseHost returns the host l leases.
func (f *Frontier) leaseHost(l *frontier.Lease) *hostState {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.hosts[l.Host]
}

// hostOutcome applies o to h's failure counts, robots.txt and back-off,
// persisting the back-off before the fetch outcome is committed.
func (f *Frontier) hostOutcome(h *hostState, o *frontier.Outcome, end time.Time) {
	f.mu.Lock()
	robotsBack := false // robots.txt answered after failing
	if o.Robots != nil {
		robotsBack = !o.Parsed.DisallowAll && h.robotsFails > 0
		h.robots, h.robotsFails = o.Parsed, o.Robots.Fails
		h.robotsUntil = o.Robots.Until(f.pol)
	}
	h.countFailure(o)
	parked := o.Failed == 1 && f.pol.Parks(h.fails)
	clear := o.Failed == 0 && h.backoffSaved
	f.mu.Unlock()
	switch {
	case o.Failed == 1 || (o.Robots != nil && o.Parsed.DisallowAll):
		f.recordBackoff(h, end.Add(o.Rest), parked)
	case robotsBack:
		f.recordBackoff(h, time.Now(), false)
	case clear:
		f.clearBackoff(h)
	}
}

// clearBackoff forgets h's persisted back-off after a success.
func (f *Frontier) clearBackoff(h *hostState) {
	f.mu.Lock()
	h.backoffSaved = false
	f.mu.Unlock()
	if err := f.saveBackoff(h.name, nil); err != nil {
		f.log.Error("clear back-off", "host", h.name, "error", err)
	}
}

// countFailure counts o's failure or success in h's failures in a row,
// and keeps why the host waits; the frontier's lock must be held.
func (h *hostState) countFailure(o *frontier.Outcome) {
	switch o.Failed {
	case 1:
		h.fails++
	case 0:
		h.fails = 0
	}
	if o.Why != "" || o.Failed == 0 || (o.Robots != nil && !o.Parsed.DisallowAll && h.fails == 0) {
		h.waitWhy = o.Why
	}
}

// Progress returns the hosts and the queue.
func (f *Frontier) Progress() frontier.Progress {
	f.mu.Lock()
	defer f.mu.Unlock()
	s := frontier.Progress{Hosts: len(f.hosts), Queue: f.queued}
	now := time.Now()
	for _, h := range f.order {
		if h.busy {
			s.HostsActive++
		}
		if h.dropped != "" {
			s.HostsDropped++
		}
		if until, ok := h.waitingUntil(now); ok {
			s.Waiting = append(s.Waiting, frontier.HostWait{Host: h.name, Reason: h.waitWhy, Until: until})
		}
	}
	return s
}

// waitingUntil returns when h, idle with entries queued, may start again
// when it waits past now beyond its politeness gap (waitWhy): its next
// start, or when robots.txt's verdict forbidding everything expires.
func (h *hostState) waitingUntil(now time.Time) (time.Time, bool) {
	if h.waitWhy == "" || h.busy || h.dropped != "" || (len(h.queue) == 0 && !h.spill) {
		return time.Time{}, false
	}
	until := h.next
	if h.robots != nil && h.robots.DisallowAll && h.robotsUntil.After(until) {
		until = h.robotsUntil
	}
	return until, until.After(now)
}

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

// commit applies t in one bbolt transaction and returns the entries that
// were actually new (not already seen in this pass).
func (f *Frontier) commit(t *frontier.Txn) ([]*frontier.Entry, error) {
	var added []*frontier.Entry
	// Batch coalesces the commits of concurrent workers into one
	// transaction (one fsync), which is what lets hundreds of hosts crawl
	// in parallel on an ordinary disk.
	err := f.db.Batch(func(tx *bolt.Tx) error {
		q, err := tx.Bucket(bucketQueue).CreateBucketIfNotExists(f.job)
		if err != nil {
			return err
		}
		seen := tx.Bucket(bucketSeen)
		now := time.Now().UnixNano()
		if err := commitDone(q, seen, t, now); err != nil {
			return err
		}
		if added, err = f.commitAdded(q, seen, t, now); err != nil {
			return err
		}
		if err := f.commitDenied(tx, seen, t, now); err != nil {
			return err
		}
		return commitRecords(tx, t)
	})
	if err != nil {
		return nil, fmt.Errorf("crawl store: %w", err)
	}
	return added, nil
}

// commitDone takes the finished entry off the queue, and puts it back
// when it is to be tried again, else records its outcome in the seen set.
func commitDone(q, seen *bolt.Bucket, t *frontier.Txn, now int64) error {
	if t.Done == nil {
		return nil
	}
	if err := q.Delete(t.Done.QueueKey()); err != nil {
		return err
	}
	if t.Requeue != nil {
		return putJSON(q, t.Requeue.QueueKey(), t.Requeue)
	}
	t.State.At = now
	return putJSON(seen, []byte(t.Done.Key), t.State)
}

// commitAdded queues the new entries the seen set does not hold yet
// (seeds, feeds and sitemaps once per pass) and returns them.
func (f *Frontier) commitAdded(q, seen *bolt.Bucket, t *frontier.Txn, now int64) ([]*frontier.Entry, error) {
	var added []*frontier.Entry
	for _, e := range t.Add {
		if f.known(seen, e) {
			continue
		}
		n, err := q.NextSequence()
		if err != nil {
			return nil, err
		}
		e.Seq = n
		if err := putJSON(q, e.QueueKey(), e); err != nil {
			return nil, err
		}
		if err := putJSON(seen, []byte(e.Key), frontier.SeenRec{Pass: f.pass, State: "queued", At: now}); err != nil {
			return nil, err
		}
		added = append(added, e)
	}
	return added, nil
}

// commitDenied records the links robots.txt forbids that the seen set
// does not hold yet, each with a fetch log line.
func (f *Frontier) commitDenied(tx *bolt.Tx, seen *bolt.Bucket, t *frontier.Txn, now int64) error {
	t.DeniedNew = 0
	for _, e := range t.Denied {
		if seen.Get([]byte(e.Key)) != nil {
			continue
		}
		if err := putJSON(seen, []byte(e.Key), frontier.SeenRec{Pass: f.pass, State: "robots", At: now}); err != nil {
			return err
		}
		rec := frontier.LogRecord{Time: time.Unix(0, now).UTC(), URL: e.URL, Kind: e.Kind.String(), Outcome: "robots-denied"}
		if err := appendLog(tx, rec); err != nil {
			return err
		}
		t.DeniedNew++
	}
	return nil
}

// appendLog adds a record to the fetch log.
func appendLog(tx *bolt.Tx, rec any) error {
	l := tx.Bucket(bucketLog)
	n, _ := l.NextSequence()
	return putJSON(l, binary.BigEndian.AppendUint64(nil, n), rec)
}

// known reports whether e was seen before and is not to be queued again:
// seeds, feeds and sitemaps are fetched again in each new pass (once),
// everything else once.
func (f *Frontier) known(seen *bolt.Bucket, e *frontier.Entry) bool {
	var old frontier.SeenRec
	if !getJSON(seen, []byte(e.Key), &old) {
		return false
	}
	return !(e.Revisit || old.Discovery) || old.State == "queued" || old.At >= f.passStart.UnixNano()
}

// commitRecords writes what else the step learned: its fetch log line,
// the conditional-GET validators and revisit schedule of the finished
// URL, the host's politeness time and robots.txt files.
func commitRecords(tx *bolt.Tx, t *frontier.Txn) error {
	if t.Log != nil {
		if err := appendLog(tx, t.Log); err != nil {
			return err
		}
	}
	if t.Cond != nil && t.Done != nil {
		if err := putJSON(tx.Bucket(bucketCond), []byte(t.Done.Key), t.Cond); err != nil {
			return err
		}
	}
	if err := commitRevisit(tx, t); err != nil {
		return err
	}
	if t.Host != "" {
		if err := tx.Bucket(bucketHosts).Put([]byte(t.Host), []byte(t.HostAt.UTC().Format(time.RFC3339Nano))); err != nil {
			return err
		}
	}
	for h, r := range t.Robots {
		if err := putJSON(tx.Bucket(bucketRobots), []byte(h), r); err != nil {
			return err
		}
	}
	return nil
}

// commitRevisit records when the finished entry is checked again, or
// forgets it.
func commitRevisit(tx *bolt.Tx, t *frontier.Txn) error {
	if t.Done == nil || (t.Revisit == nil && !t.Unvisit) {
		return nil
	}
	rb := tx.Bucket(bucketRevisit)
	if t.Unvisit {
		return rb.Delete([]byte(t.Done.Key))
	}
	return putJSON(rb, []byte(t.Done.Key), t.Revisit)
}

// loadPass reads the pass number and starts a new pass when the previous
// one left nothing queued. It returns the entries to hold in memory (all
// discovery entries and up to f.mem pages per host), the hosts that
// have more pages in the store, and the size of the queue.
func (f *Frontier) loadPass() (pending []*frontier.Entry, spilled map[string]bool, queued int, err error) {
	spilled = map[string]bool{}
	err = f.db.Update(func(tx *bolt.Tx) error {
		q, err := tx.Bucket(bucketQueue).CreateBucketIfNotExists(f.job)
		if err != nil {
			return err
		}
		queued = q.Stats().KeyN
		if pending, err = f.loadQueue(q, spilled); err != nil {
			return err
		}
		return f.startPass(tx.Bucket(bucketMeta), queued)
	})
	return pending, spilled, queued, err
}

// loadQueue reads the job's queue q in key order: every entry, but at
// most f.mem page entries of a host; a host with more is marked in
// spilled (the rest stay in the store until refill).
func (f *Frontier) loadQueue(q *bolt.Bucket, spilled map[string]bool) ([]*frontier.Entry, error) {
	var pending []*frontier.Entry
	cur := q.Cursor()
	pages := 0
	var host []byte
	for k, v := cur.First(); k != nil; k, v = cur.Next() {
		h, rest, _ := bytes.Cut(k, []byte{0})
		if !bytes.Equal(h, host) {
			host, pages = bytes.Clone(h), 0
		}
		if len(rest) > 0 && rest[0] == frontier.KindPage.Prio() {
			if pages >= f.mem {
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
		e := new(frontier.Entry)
		if err := json.Unmarshal(v, e); err != nil {
			return pending, fmt.Errorf("decode queue entry %q: %w", bytes.ReplaceAll(k, []byte{0}, []byte{' '}), err)
		}
		pending = append(pending, e)
	}
	return pending, nil
}

// startPass reads the job's pass number and start from meta, starts a
// new pass when the queue was empty (queued) or none was counted yet, and
// stores them.
func (f *Frontier) startPass(m *bolt.Bucket, queued int) error {
	pass, _ := strconv.Atoi(string(m.Get([]byte(keyPass + string(f.job)))))
	start, _ := time.Parse(time.RFC3339Nano, string(m.Get([]byte(keyPassStart+string(f.job)))))
	if queued == 0 || pass == 0 {
		pass++
		start = time.Now()
	}
	f.pass, f.passStart = pass, start
	if err := m.Put([]byte(keyPassStart+string(f.job)), []byte(start.UTC().Format(time.RFC3339Nano))); err != nil {
		return err
	}
	return m.Put([]byte(keyPass+string(f.job)), []byte(strconv.Itoa(pass)))
}

// refill loads the next page entries of a spilled host from the store;
// f.mu must be held.
func (f *Frontier) refill(h *hostState) {
	want := f.mem - h.memPages
	got := f.storedPages(h, want)
	more := len(got) > want
	if more {
		got = got[:want]
	}
	h.spill = false
	for _, e := range got {
		f.push(e, false)
	}
	h.spill = more
}

// storedPages reads from the store up to want+1 of h's page entries after
// the last one loaded (h.lastKey); undecodable entries are skipped.
func (f *Frontier) storedPages(h *hostState, want int) []*frontier.Entry {
	prefix := append([]byte(h.name), 0, frontier.KindPage.Prio())
	var got []*frontier.Entry
	f.db.View(func(tx *bolt.Tx) error {
		q := tx.Bucket(bucketQueue).Bucket(f.job)
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
			e := new(frontier.Entry)
			if json.Unmarshal(v, e) != nil {
				continue
			}
			got = append(got, e)
		}
		return nil
	})
	return got
}

// Cond returns the validators kept for the URL with SURT key (nil: none).
func (f *Frontier) Cond(key string) *frontier.CondRec {
	var r frontier.CondRec
	found := false
	f.db.View(func(tx *bolt.Tx) error {
		found = getJSON(tx.Bucket(bucketCond), []byte(key), &r)
		return nil
	})
	if !found {
		return nil
	}
	return &r
}

func (f *Frontier) loadRobots(host string) *frontier.RobotsRec {
	var r frontier.RobotsRec
	found := false
	f.db.View(func(tx *bolt.Tx) error {
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
func FetchLog(db *bolt.DB) ([]frontier.LogRecord, error) {
	var out []frontier.LogRecord
	err := db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketLog)
		if b == nil {
			return nil
		}
		return b.ForEach(func(k, v []byte) error {
			var r frontier.LogRecord
			if err := json.Unmarshal(v, &r); err != nil {
				return fmt.Errorf("decode fetch log %x: %w", k, err)
			}
			out = append(out, r)
			return nil
		})
	})
	return out, err
}

// LastRequest returns when the last request to host recorded in the
// store ended (zero: none).
func (f *Frontier) LastRequest(host string) time.Time {
	var at time.Time
	f.db.View(func(tx *bolt.Tx) error {
		if v := tx.Bucket(bucketHosts).Get([]byte(host)); v != nil {
			at, _ = time.Parse(time.RFC3339Nano, string(v))
		}
		return nil
	})
	return at
}
