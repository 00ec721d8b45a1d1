package shared

import (
	"context"
	"errors"
	"log/slog"
	"net/url"
	"sync"
	"time"

	"github.com/syndex/syndex/crawler/frontier"
	"github.com/syndex/syndex/crawler/polite"
	"github.com/syndex/syndex/crawler/robots"
)

// Run is a shared frontier as the frontier.Frontier of one worker's
// crawl run: it applies the run's limits to claims and releases, and
// keeps the worker's fetch log through RunOptions.Log.
type Run struct {
	*Frontier
	opt RunOptions

	mu     sync.Mutex
	robots map[string]robotsSeen // host → the robots.txt verdict last read
}

// RunOptions configure a worker's run on a shared frontier. All workers
// of a namespace should use the same Limits.
type RunOptions struct {
	frontier.Limits
	Policy    polite.Policy // how long a host rests
	UserAgent string        // whose rules of robots.txt apply
	Logger    *slog.Logger
	// Log keeps a line of the worker's fetch log (in its own store).
	Log func(*frontier.LogRecord) error
	// Count receives what the frontier adds to the crawl's counters
	// (links refused by robots.txt, entries given up); nil: none.
	Count func(frontier.Counts)
	// Now is the clock of the robots.txt cache (nil: time.Now); it
	// stamps and ages the verdicts this worker knows.
	Now func() time.Time
}

// NewRun returns the frontier of one worker's run on f.
func NewRun(f *Frontier, opt RunOptions) *Run {
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	if opt.Log == nil {
		opt.Log = func(*frontier.LogRecord) error { return nil }
	}
	if opt.Count == nil {
		opt.Count = func(frontier.Counts) {}
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	return &Run{Frontier: f, opt: opt}
}

// HeldCond returns the validators read for the URL with SURT key while
// this worker fetches it (nil: none), for the WARC writer's revisit
// records.
func (r *Run) HeldCond(key string) *frontier.CondRec {
	if v, ok := r.conds.Load(key); ok {
		return v.(*frontier.CondRec)
	}
	return nil
}

// sharedPoll bounds how long an idle worker waits before asking Redis
// again: other workers may queue URLs or free hosts meanwhile.
var sharedPoll = 25 * time.Millisecond

// Begin begins this worker's run and queues the seeds.
func (r *Run) Begin(ctx context.Context, seeds []*frontier.Entry) (frontier.RunStart, error) {
	rs, err := r.startRun(ctx, seeds)
	if err != nil {
		return rs, err
	}
	r.opt.Logger.Info("shared crawl", "worker", r.worker, "namespace", r.ns, "new run", rs.NewRun, "new pass", rs.NewPass)
	return rs, nil
}

// End tells the other workers this one has stopped.
func (r *Run) End(ctx context.Context) error {
	return r.leave(ctx)
}

// Claim leases the next ready host; when none is, it asks again within
// sharedPoll (other workers queue URLs and free hosts).
func (r *Run) Claim(ctx context.Context) (*frontier.Lease, error) {
	cl, err := r.claimWith(ctx, r.opt.Limits)
	if err != nil {
		return nil, err
	}
	if cl.host == "" {
		return idleLease(cl), nil
	}
	scheme := "http"
	if u, err := url.Parse(cl.e.URL); err == nil {
		scheme = u.Scheme
	}
	l := &frontier.Lease{Host: cl.host, Scheme: scheme, Entry: cl.e, Fails: int(cl.fails), Reclaimed: cl.reclaimed}
	if rec := cl.robots; rec != nil {
		r.cachedRobots(l, rec)
	}
	return l, nil
}

// idleLease is the lease of a claim that leased no host: the frontier
// is asked again within sharedPoll, other workers' releases not being
// signalled here.
func idleLease(cl *claim) *frontier.Lease {
	l := &frontier.Lease{Wait: cl.wait, Leased: cl.leases, Reclaimed: cl.reclaimed}
	switch {
	case l.Wait < 0 && l.Leased > 0:
		l.Wait = sharedPoll
	case l.Wait >= 0:
		l.Wait = min(l.Wait, sharedPoll)
	}
	return l
}

// cachedRobots gives lease l the host's robots.txt rules from its cached
// record rec.
func (r *Run) cachedRobots(l *frontier.Lease, rec *frontier.RobotsRec) {
	l.Robots = robots.Parse(rec.Status, rec.Body, robots.ProductToken(r.opt.UserAgent), rec.Fetched)
	r.opt.Policy.CapCrawlDelay(l.Robots, "", nil)
	l.RobotsUntil = rec.Until(r.opt.Policy)
	if l.Robots.DisallowAll {
		l.RobotsFails = rec.Fails
	}
	r.noteRobots(l.Host, l.Robots, l.RobotsUntil)
}

// Hold renews the lease every third of its TTL while the work goes on,
// and cancels the work if the lease is lost.
func (r *Run) Hold(ctx context.Context, l *frontier.Lease) (context.Context, func() bool) {
	hctx, cancel := context.WithCancel(ctx)
	lost := make(chan struct{})
	stopRenew := make(chan struct{})
	renewDone := make(chan struct{})
	go func() {
		defer close(renewDone)
		r.keepLease(ctx, l, stopRenew, lost, cancel)
	}()
	return hctx, func() bool {
		close(stopRenew)
		<-renewDone
		cancel()
		if l.Entry != nil {
			r.conds.Delete(l.Entry.Key)
		}
		select {
		case <-lost:
			return false // the entry was reclaimed with the host
		default:
			return true
		}
	}
}

// Release keeps the log record in the worker's store and the rest in
// Redis: the robots.txt record, validators, discovered entries, then the
// host with its rest, failure count and entry to requeue.
func (r *Run) Release(ctx context.Context, l *frontier.Lease, o *frontier.Outcome) error {
	errs := r.record(ctx, l, o)
	requeue := o.Requeue
	if o.GiveUp != "" {
		errs = append(errs, r.giveUp(ctx, l, o.GiveUp))
		requeue = false
	}
	ro := releaseOpts{gap: sharedGap(o), outcome: o.Failed, later: o.SitOut != "",
		refund: l.Entry != nil && l.Entry.Kind == frontier.KindPage && o.Refund}
	if requeue {
		ro.requeue = l.Entry
	}
	ok, _, err := r.releaseWith(ctx, l.Host, ro)
	switch {
	case err != nil:
		errs = append(errs, err)
	case !ok:
		r.opt.Logger.Warn("host lease had expired before release", "host", l.Host)
	}
	return errors.Join(errs...)
}

// keepLease renews the lease on l's host every third of a lease until
// stop closes. When the lease is lost (refused, or not renewed for two
// thirds of a lease) it closes lost and cancels the request.
func (r *Run) keepLease(ctx context.Context, l *frontier.Lease, stop <-chan struct{}, lost chan<- struct{}, cancel context.CancelFunc) {
	tick := time.NewTicker(max(r.lease/3, time.Millisecond))
	defer tick.Stop()
	lastOK := time.Now()
	for {
		select {
		case <-stop:
			return
		case <-tick.C:
		}
		ok, err := r.renew(context.WithoutCancel(ctx), l.Host)
		if err == nil && ok {
			lastOK = time.Now()
			continue
		}
		if err != nil && time.Since(lastOK) < r.lease*2/3 {
			continue // Redis hiccup: the lease is still ours for a while
		}
		r.opt.Logger.Warn("host lease lost: abandoning the request", "host", l.Host, "url", l.Entry.URL, "error", err)
		close(lost)
		cancel()
		return
	}
}

// record keeps what the lease found: its fetch log line in the worker's
// store, the host's robots.txt, the links refused by it, the page's
// validators and the entries found, in Redis.
func (r *Run) record(ctx context.Context, l *frontier.Lease, o *frontier.Outcome) []error {
	var errs []error
	t := o.Txn
	if t != nil && t.Log != nil {
		if err := r.opt.Log(t.Log); err != nil {
			errs = append(errs, err)
		}
	}
	if o.Robots != nil {
		errs = append(errs, r.putRobots(ctx, l.Host, o.Robots))
		r.noteRobots(l.Host, o.Parsed, o.Robots.Until(r.opt.Policy))
	}
	if t == nil {
		return errs
	}
	if len(t.Denied) > 0 {
		errs = append(errs, r.deny(ctx, t.Denied))
	}
	if t.Cond != nil && l.Entry != nil {
		errs = append(errs, r.putCond(ctx, l.Entry.Key, t.Cond))
	}
	if _, err := r.add(ctx, t.Add); err != nil {
		errs = append(errs, err)
	}
	return errs
}

// sharedGap is how long the host rests from now: what is left of its gap
// after a request, the wait when no request was made, or -1 for none.
func sharedGap(o *frontier.Outcome) time.Duration {
	switch {
	case o.Requested:
		return max(o.Rest-time.Since(o.End), 0)
	case o.Rest > 0:
		return o.Rest
	}
	return -1
}

// giveUp drops l's host's queue (and l's entry), each entry recorded as
// given up in the worker's fetch log.
func (r *Run) giveUp(ctx context.Context, l *frontier.Lease, reason string) error {
	es, err := r.dropQueue(ctx, l.Host)
	if l.Entry != nil {
		es = append(es, l.Entry)
	}
	now := time.Now().UTC()
	for _, e := range es {
		r.opt.Log(&frontier.LogRecord{Time: now, URL: e.URL, Kind: e.Kind.String(), Error: reason, Outcome: "gave-up"})
	}
	r.opt.Count(frontier.Counts{Errors: int64(len(es))})
	r.opt.Logger.Warn("host given up", "host", l.Host, "reason", reason, "entries", len(es))
	return err
}

// Validators reads the Validators any worker kept, and remembers them for
// the WARC writer's revisit records.
func (r *Run) Validators(ctx context.Context, key string) (*frontier.CondRec, error) {
	cr, err := r.getCond(ctx, key)
	if cr != nil {
		r.conds.Store(key, cr)
	}
	return cr, err
}

// Fetched records in the lease's entry in Redis that e's response is
// archived at loc, before the handler runs. When this worker dies while
// the handler works on the page, the entry goes back to the queue with
// its WARC location when the lease expires: the worker that claims it
// replays the response from its own WARC directory when the file is
// there (the same worker restarted on the same archive), and fetches the
// page again otherwise (another worker, with its own archive).
func (r *Run) Fetched(ctx context.Context, e *frontier.Entry, loc, host string, _ time.Time) error {
	e.WARC = loc
	ok, err := r.markFetched(ctx, host, e)
	if err != nil || !ok {
		// Lost lease: the entry went back to the queue as it was claimed.
		e.WARC = ""
	}
	return err
}

// KnownRobots returns the robots.txt verdict this worker last read for
// host (from a claim or its own fetch) while it is valid.
func (r *Run) KnownRobots(host string) *robots.Rules {
	r.mu.Lock()
	defer r.mu.Unlock()
	k, ok := r.robots[host]
	if !ok || k.r.DisallowAll || !r.opt.Now().Before(k.until) {
		return nil
	}
	return k.r
}

// noteRobots remembers host's robots.txt verdict for knownRobots.
func (r *Run) noteRobots(host string, rb *robots.Rules, until time.Time) {
	if rb == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.robots == nil {
		r.robots = map[string]robotsSeen{}
	}
	r.robots[host] = robotsSeen{r: rb, until: until}
}

// robotsSeen is a robots.txt verdict and until when it holds.
type robotsSeen struct {
	r     *robots.Rules
	until time.Time
}

// deny records the discovered links robots.txt forbids in the seen set
// (never queued) and, for those not seen before, in the worker's fetch
// log as refused.
func (r *Run) deny(ctx context.Context, es []*frontier.Entry) error {
	fresh, err := r.markDenied(ctx, es)
	if len(fresh) == 0 {
		return err
	}
	now := time.Now().UTC()
	var errs []error
	for _, e := range fresh {
		if cerr := r.opt.Log(&frontier.LogRecord{Time: now, URL: e.URL, Kind: e.Kind.String(), Outcome: "robots-denied"}); cerr != nil {
			errs = append(errs, cerr)
		}
	}
	r.opt.Count(frontier.Counts{RobotsDenied: int64(len(fresh))})
	return errors.Join(append(errs, err)...)
}

func (r *Run) Borrow(context.Context, string, string) (func(time.Time), error) { return nil, nil }

// Progress is empty: the hosts and queue are Redis's (Frontier.Status).
func (r *Run) Progress() frontier.Progress { return frontier.Progress{} }
