package alert

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/syndex/syndex/archive"
	"github.com/syndex/syndex/article"
	"github.com/syndex/syndex/config"
	"github.com/syndex/syndex/index"
	"github.com/syndex/syndex/report"
	"github.com/syndex/syndex/store"
)

// DefaultFile is the alert file's name in the archive directory.
const DefaultFile = config.DefaultAlertsFile

// Options tune an Evaluator.
type Options struct {
	// Dir is the archive directory a relative alert file is in.
	Dir string
	// Interval is how often new arrivals are looked for (default 2s).
	Interval time.Duration
	// Client sends the webhook requests (default: a plain client).
	Client *http.Client
	// MaxRetryWait caps one wait between attempts (default 5 minutes).
	MaxRetryWait time.Duration
	// Log receives what fired and what failed (default slog.Default()).
	Log *slog.Logger
}

// rule is a compiled config.AlertRule.
type rule struct {
	config.AlertRule
	sites, origin, copier map[string]bool // expanded; nil means any
}

// Evaluator checks arriving articles against the rules.
type Evaluator struct {
	a      *archive.Archive
	rules  []rule
	path   string
	out    *appender
	hook   *webhook
	log    *slog.Logger
	every  time.Duration
	search bool // some rule is a saved search: wait for the index

	mu    sync.Mutex
	seq   uint64          // arrival number evaluated up to
	fired map[string]bool // alert ids in the alert file
}

// New compiles the rules of cfg (site names and collections of coll
// expanded, saved searches parsed), opens the alert files and reads what
// already fired. On the first start it begins at the archive's latest
// arrival: articles archived before are not alerted. A bad rule is an
// error naming it.
func New(ctx context.Context, a *archive.Archive, cfg config.AlertsConfig, coll map[string][]string, opt Options) (*Evaluator, error) {
	opt = opt.withDefaults()
	e := &Evaluator{a: a, log: opt.Log, every: opt.Interval, fired: map[string]bool{}, path: alertPath(cfg.File, opt.Dir)}
	if err := e.compileRules(ctx, cfg.Rules, coll); err != nil {
		return nil, err
	}
	alerts, delivered := e.readFired()
	var err error
	if e.seq, err = e.startingPoint(); err != nil {
		return nil, err
	}
	if e.out, err = openAppender(e.path); err != nil {
		return nil, err
	}
	if w := cfg.Webhook; w.URL != "" {
		if err := e.startWebhook(w, opt, alerts, delivered); err != nil {
			e.out.close()
			return nil, err
		}
	}
	return e, nil
}

// withDefaults fills in the options left at zero.
func (opt Options) withDefaults() Options {
	if opt.Interval <= 0 {
		opt.Interval = 2 * time.Second
	}
	if opt.Log == nil {
		opt.Log = slog.Default()
	}
	if opt.MaxRetryWait <= 0 {
		opt.MaxRetryWait = 5 * time.Minute
	}
	return opt
}

// alertPath is where the alert file is: the config's alerts.file
// (DefaultFile when empty), relative to the archive directory dir.
func alertPath(file, dir string) string {
	if file == "" {
		file = DefaultFile
	}
	if !filepath.IsAbs(file) {
		file = filepath.Join(dir, file)
	}
	return file
}

// compileRules compiles each rule in order; the first bad one is the
// error.
func (e *Evaluator) compileRules(ctx context.Context, rules []config.AlertRule, coll map[string][]string) error {
	for i, r := range rules {
		cr, err := compileRule(ctx, e.a, i, r, coll)
		if err != nil {
			return err
		}
		e.search = e.search || r.Query != ""
		e.rules = append(e.rules, cr)
	}
	return nil
}

// readFired reads the alert file: what already fired is not fired again,
// and what fired but was not delivered is queued for the webhook.
// Unreadable lines are skipped with a warning.
func (e *Evaluator) readFired() ([]Alert, map[string]Delivery) {
	alerts, delivered, err := Read(e.path)
	if err != nil {
		e.log.Warn("alerts: unreadable lines skipped", "err", err)
	}
	for _, al := range alerts {
		e.fired[al.ID] = true
	}
	return alerts, delivered
}

// compileRule expands the sites, origins and copiers of rule number i
// (collections of coll included) and checks its saved search.
func compileRule(ctx context.Context, a *archive.Archive, i int, r config.AlertRule, coll map[string][]string) (rule, error) {
	cr := rule{AlertRule: r}
	var err error
	if cr.sites, err = ruleSites(coll, i, r, "sites", r.Sites); err != nil {
		return cr, err
	}
	if cr.origin, err = ruleSites(coll, i, r, "origin", r.Origin); err != nil {
		return cr, err
	}
	if cr.copier, err = ruleSites(coll, i, r, "copier", r.Copier); err != nil {
		return cr, err
	}
	return cr, checkSavedSearch(ctx, a, i, r)
}

// ruleSites is the set of sites the values vs of field in rule number i
// name (collections of coll expanded), nil when vs is empty.
func ruleSites(coll map[string][]string, i int, r config.AlertRule, field string, vs []string) (map[string]bool, error) {
	if len(vs) == 0 {
		return nil, nil
	}
	sites, err := config.ExpandSites(coll, vs)
	if err != nil {
		return nil, fmt.Errorf("alerts.rules[%d] (%s).%s: %w", i, r.Name, field, err)
	}
	m := map[string]bool{}
	for _, s := range sites {
		m[s] = true
	}
	return m, nil
}

// checkSavedSearch checks the query of rule number i, when it is a saved
// search, by running it on a's index.
func checkSavedSearch(ctx context.Context, a *archive.Archive, i int, r config.AlertRule) error {
	if r.Query == "" {
		return nil
	}
	if a.Index == nil {
		return fmt.Errorf("alerts.rules[%d] (%s): a saved search needs the search index", i, r.Name)
	}
	if _, err := a.Search(ctx, index.Query{Text: r.Query, Lang: r.Lang, Limit: 1}); err != nil {
		return fmt.Errorf("alerts.rules[%d] (%s).query: %w", i, r.Name, err)
	}
	return nil
}

// startingPoint is the arrival number evaluated up to: the state file's,
// or on the first start the archive's latest (articles archived before
// are not alerted).
func (e *Evaluator) startingPoint() (uint64, error) {
	seq, ok, err := readState(e.path + stateSuffix)
	if err != nil || ok {
		return seq, err
	}
	seq = e.a.Store.LastSeq()
	if err := writeState(e.path+stateSuffix, seq); err != nil {
		return 0, err
	}
	e.log.Info("alerts: first start; articles already archived are not alerted", "from_arrival", seq)
	return seq, nil
}

// startWebhook opens the delivery record and queues the alerts fired but
// not delivered yet.
func (e *Evaluator) startWebhook(w config.WebhookConfig, opt Options, alerts []Alert, delivered map[string]Delivery) error {
	rec, err := openAppender(e.path + deliveredSuffix)
	if err != nil {
		return err
	}
	e.hook = &webhook{url: w.URL, headers: w.Headers, timeout: orDefault(w.Timeout.D(), config.DefaultWebhookTimeout),
		backoff: orDefault(w.Backoff.D(), config.DefaultWebhookBackoff), retries: config.DefaultWebhookRetries,
		client: opt.Client, log: e.log, record: rec, maxSleep: opt.MaxRetryWait,
		wake: make(chan struct{}, 1), stopped: make(chan struct{})}
	if e.hook.client == nil {
		e.hook.client = &http.Client{}
	}
	if w.Retries != nil {
		e.hook.retries = *w.Retries
	}
	var undelivered []Alert
	for _, al := range alerts {
		if _, done := delivered[al.ID]; !done {
			undelivered = append(undelivered, al)
		}
	}
	e.hook.enqueue(undelivered...)
	return nil
}

func orDefault(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

// Path returns the alert file.
func (e *Evaluator) Path() string { return e.path }

// Pending returns the number of alerts waiting for webhook delivery.
func (e *Evaluator) Pending() int {
	if e.hook == nil {
		return 0
	}
	return e.hook.pending()
}

// Run evaluates new arrivals every Interval and delivers to the webhook
// until ctx is done, then returns once both have stopped.
func (e *Evaluator) Run(ctx context.Context) error {
	if e.hook != nil {
		go e.hook.run(ctx)
		defer func() { <-e.hook.stopped }()
	}
	t := time.NewTicker(e.every)
	defer t.Stop()
	for {
		for {
			n, err := e.Step(ctx)
			if err != nil {
				if ctx.Err() != nil {
					return nil
				}
				e.log.Error("alerts: evaluation failed; retrying", "err", err)
				break
			}
			if n < stepArrivals {
				break
			}
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// Close closes the alert files (after Run returned).
func (e *Evaluator) Close() error {
	var errs []error
	errs = append(errs, e.out.close())
	if e.hook != nil {
		errs = append(errs, e.hook.record.close())
	}
	return errors.Join(errs...)
}

// stepArrivals bounds the arrivals one Step evaluates.
const stepArrivals = 1000

// Step evaluates the articles that arrived since the last step (up to
// stepArrivals; for saved searches, up to what the index reflects),
// writes the new alerts, queues them for the webhook and records how far
// it got. It returns the number of arrivals evaluated.
func (e *Evaluator) Step(ctx context.Context) (int, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	upto, err := e.evaluable()
	if err != nil || upto <= e.seq {
		return 0, err
	}
	batch, last := e.arrivals(upto)
	if len(batch) == 0 {
		return 0, nil
	}
	alerts, err := e.evaluate(ctx, batch)
	if err != nil {
		return 0, err
	}
	if err := e.fire(alerts); err != nil {
		return 0, err
	}
	if err := writeState(e.path+stateSuffix, last); err != nil {
		return 0, err
	}
	e.seq = last
	return len(batch), nil
}

// evaluable is the last arrival a step may evaluate: the store's last,
// or for saved searches what the index reflects.
func (e *Evaluator) evaluable() (uint64, error) {
	upto := e.a.Store.LastSeq()
	if e.search {
		cp, err := e.a.Index.Checkpoint()
		if err != nil {
			return 0, fmt.Errorf("alerts: %w", err)
		}
		upto = min(upto, cp)
	}
	return upto, nil
}

// arrivals returns the next arrivals after the last step's, up to upto
// and stepArrivals of them, and the sequence number of the last.
func (e *Evaluator) arrivals(upto uint64) (batch []store.Arrival, last uint64) {
	last = e.seq
	for arr, err := range e.a.Store.Arrivals(e.seq) {
		if err != nil {
			e.log.Warn("alerts: skip unreadable article", "err", err)
			continue
		}
		if arr.Seq > upto {
			break
		}
		batch = append(batch, arr)
		last = arr.Seq
		if len(batch) == stepArrivals {
			break
		}
	}
	return batch, last
}

// fire writes the alerts that did not fire before, logs them and queues
// them for the webhook; when they cannot be written they may fire again.
func (e *Evaluator) fire(alerts []Alert) error {
	var fresh []Alert
	for _, al := range alerts {
		if !e.fired[al.ID] {
			e.fired[al.ID] = true
			fresh = append(fresh, al)
		}
	}
	if len(fresh) == 0 {
		return nil
	}
	vals := make([]any, len(fresh))
	for i := range fresh {
		vals[i] = fresh[i]
	}
	if err := e.out.add(vals...); err != nil {
		for _, al := range fresh {
			delete(e.fired, al.ID)
		}
		return err
	}
	for _, al := range fresh {
		e.log.Info("alert", "rule", al.Rule, "kind", al.Kind, "article", al.Article.URL)
	}
	if e.hook != nil {
		e.hook.enqueue(fresh...)
	}
	return nil
}

// evaluate returns the alerts the batch fires (some may have fired
// before).
func (e *Evaluator) evaluate(ctx context.Context, batch []store.Arrival) ([]Alert, error) {
	p := &pass{e: e, now: time.Now().UTC(), origs: map[string]*article.Article{}}
	var out []Alert
	for _, r := range e.rules {
		var fired []Alert
		var err error
		switch {
		case r.Query != "":
			fired, err = p.search(ctx, r, batch)
		case r.Watch == config.WatchCopies:
			fired = p.copies(r, batch)
		case r.Watch == config.WatchReach:
			fired, err = p.reach(r, batch)
		}
		if err != nil {
			return nil, err
		}
		out = append(out, fired...)
	}
	return out, nil
}

// pass is one evaluation of the rules over a batch, with the originals it
// looked up.
type pass struct {
	e     *Evaluator
	now   time.Time
	origs map[string]*article.Article // by id; nil when not found
}

// origOf returns a copy's original, nil for an original or when it is not
// in the archive.
func (p *pass) origOf(a *article.Article) *article.Article {
	if a.Role != article.RoleCopy || a.Original == "" {
		return nil
	}
	if o, ok := p.origs[a.Original]; ok {
		return o
	}
	o, err := p.e.a.Article(a.Original)
	if err != nil {
		o = nil
	}
	p.origs[a.Original] = o
	return o
}

// clusterOf names a's cluster; an article alone is its own.
func clusterOf(a *article.Article) string {
	if a.Cluster != "" {
		return a.Cluster
	}
	return a.ID
}

// search fires r's saved search on the batch's articles (on r's sites)
// whose story it matches.
func (p *pass) search(ctx context.Context, r rule, batch []store.Arrival) ([]Alert, error) {
	matched, err := p.matching(ctx, r, batch)
	if err != nil {
		return nil, err
	}
	var out []Alert
	for _, arr := range batch {
		a := arr.Article
		if !matched[clusterOf(a)] || !anyOr(r.sites, a.Site) {
			continue
		}
		al := Alert{ID: r.Name + "|" + KindSearch + "|" + a.ID, Rule: r.Name, Kind: KindSearch, Fired: p.now,
			Article: refOf(a), Cluster: clusterOf(a), Query: r.Query}
		if o := p.origOf(a); o != nil {
			ref := refOf(o)
			al.Original, al.LagSeconds = &ref, report.Lag(o, a)
		}
		out = append(out, al)
	}
	return out, nil
}

// matching runs r's saved search over the stories of the batch's articles
// on r's sites and returns the clusters it finds (none, without a search,
// when no article is on r's sites).
func (p *pass) matching(ctx context.Context, r rule, batch []store.Arrival) (map[string]bool, error) {
	ids := map[string]bool{}
	for _, arr := range batch {
		if anyOr(r.sites, arr.Site) {
			ids[clusterOf(arr.Article)] = true
		}
	}
	if len(ids) == 0 {
		return nil, nil
	}
	clusters := slices.Sorted(maps.Keys(ids))
	matched := map[string]bool{}
	err := index.Scan(ctx, p.e.a, index.Query{Text: r.Query, Lang: r.Lang, Clusters: clusters, Sort: "date"}, func(res *index.Result) error {
		for _, h := range res.Hits {
			matched[h.Cluster] = true
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("alerts: rule %s: %w", r.Name, err)
	}
	return matched, nil
}

// anyOr reports whether site is in a rule's set of sites; a nil set (the
// field left out) takes any site.
func anyOr(set map[string]bool, site string) bool {
	return set == nil || set[site]
}

// copies fires r's watch on the batch's copies of an origin's stories on
// another site (of r's origins, by r's copiers).
func (p *pass) copies(r rule, batch []store.Arrival) []Alert {
	var out []Alert
	for _, arr := range batch {
		a := arr.Article
		o := p.origOf(a)
		if o == nil || o.Site == a.Site || !anyOr(r.origin, o.Site) || !anyOr(r.copier, a.Site) {
			continue
		}
		ref := refOf(o)
		al := Alert{ID: r.Name + "|" + KindCopies + "|" + a.ID, Rule: r.Name, Kind: KindCopies, Fired: p.now,
			Article: refOf(a), Cluster: clusterOf(a), Original: &ref, LagSeconds: report.Lag(o, a)}
		out = append(out, al)
	}
	return out
}

// reach fires r's watch on the stories of the batch that have reached r's
// count of copies on other sites than the original's.
func (p *pass) reach(r rule, batch []store.Arrival) ([]Alert, error) {
	var out []Alert
	seen := map[string]bool{}
	for _, arr := range batch {
		a := arr.Article
		c := clusterOf(a)
		if a.Cluster == "" || seen[c] {
			continue
		}
		seen[c] = true
		n, o, err := p.countCopies(c)
		if err != nil {
			return nil, fmt.Errorf("alerts: rule %s: cluster %s: %w", r.Name, c, err)
		}
		if !r.reached(n, o) {
			continue
		}
		al := Alert{ID: r.Name + "|" + KindReach + "|" + c, Rule: r.Name, Kind: KindReach, Fired: p.now,
			Article: refOf(a), Cluster: c, Copies: n, Count: r.Count}
		if o != nil {
			ref := refOf(o)
			al.Original = &ref
		}
		out = append(out, al)
	}
	return out, nil
}

// reached reports whether a story with n copies on other sites and the
// original o (nil when none is stored) fires r's reach watch: n is at
// least its count, and o is on one of its origins when it names any.
func (r rule) reached(n int, o *article.Article) bool {
	return n >= r.Count && (r.origin == nil || (o != nil && r.origin[o.Site]))
}

// countCopies returns how many copies cluster c has on other sites than
// its original's, and the original (nil when none is stored).
func (p *pass) countCopies(c string) (int, *article.Article, error) {
	members, err := p.e.a.Cluster(c)
	if err != nil {
		return 0, nil, err
	}
	var orig *article.Article
	for _, m := range members {
		if m.Role == article.RoleOriginal {
			orig = m
		}
	}
	n := 0
	for _, m := range members {
		if m.Role == article.RoleCopy && (orig == nil || m.Site != orig.Site) {
			n++
		}
	}
	return n, orig, nil
}

// Describe summarises the rules for the log.
func (e *Evaluator) Describe() string {
	var parts []string
	for _, r := range e.rules {
		kind := r.Watch
		if r.Query != "" {
			kind = "search"
		}
		parts = append(parts, r.Name+" ("+kind+")")
	}
	return strings.Join(parts, ", ")
}
