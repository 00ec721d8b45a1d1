package crawler

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/syndex/syndex/crawler/discover"
	"github.com/syndex/syndex/crawler/fetch"
	"github.com/syndex/syndex/crawler/frontier"
	"github.com/syndex/syndex/crawler/frontier/local"
	"github.com/syndex/syndex/crawler/polite"
	"github.com/syndex/syndex/crawler/urls"
	"github.com/syndex/syndex/internal/atomicfile"
	"github.com/syndex/syndex/store"
	"github.com/syndex/syndex/warc"
)

// Crawler runs polite crawl passes over a configured set of seeds, on
// the local frontier (Run) or a shared one (RunShared).
type Crawler struct {
	s      *settings
	pol    polite.Policy
	st     *store.Store
	db     *bolt.DB
	h      Handler
	log    *slog.Logger
	client *fetch.Client
	w      *warc.Writer

	local    *local.Frontier // kept across passes: what is known of each host
	handlers chan struct{}   // one token per handler call in progress (Config.Handlers)
	ahead    atomic.Int64    // body bytes of the pages waiting for the handler, host freed (maxAheadBytes)

	mu      sync.Mutex
	fr      frontier.Frontier // the frontier of the run under way
	pass    int               // pass number of this job
	stats   Stats
	started time.Time
	// feeds holds, per host, the feeds found on pages that were queued
	// (at most MaxFeedsPerHost each; feedAdmitted).
	feeds map[string]map[string]struct{}
	// retryUnhandled fetches a page again later when the handler failed
	// (with several workers: its article could not be published to the stream).
	retryUnhandled bool
}

// New prepares a crawler over the archive st; h receives the HTML pages.
func New(cfg Config, st *store.Store, h Handler) (*Crawler, error) {
	if st == nil {
		return nil, errors.New("crawler: nil store")
	}
	if h == nil {
		h = func(context.Context, *Page) error { return nil }
	}
	s, err := cfg.withDefaults(st.Dir())
	if err != nil {
		return nil, err
	}
	c := &Crawler{s: s, pol: newPoliteness(&s.Config), st: st, db: st.DB(), h: h, log: s.Logger, handlers: make(chan struct{}, max(s.Handlers, 1))}
	if c.local, err = local.New(st.DB(), s.localOptions(c.countFrontier)); err != nil {
		return nil, err
	}
	if s.WARCDir != "-" {
		c.w, err = warc.NewWriter(s.WARCDir, warc.Options{MaxFileSize: s.WARCMaxSize, Logger: s.Logger, Info: []warc.Field{
			{Name: "software", Value: "syndex/" + Version},
			{Name: "http-header-user-agent", Value: s.UserAgent},
			{Name: "robots", Value: "obey"},
			{Name: "description", Value: "syndex polite crawl"},
		}})
		if err != nil {
			return nil, err
		}
	}
	c.client, err = fetch.NewClient(s.fetchOptions(), c.w)
	if err != nil {
		return nil, fmt.Errorf("crawl config: %w", err)
	}
	c.client.SetCond(c.local.Cond)
	return c, nil
}

// handle hands p to the handler, at most Config.Handlers pages at a time.
// A panic in the handler is returned as an error: the page is counted as
// a handler error and the crawl goes on.
func (c *Crawler) handle(ctx context.Context, p *Page) (err error) {
	c.handlers <- struct{}{}
	defer func() { <-c.handlers }()
	defer func() {
		if r := recover(); r != nil {
			c.log.Debug("page handler panic", "url", p.URL, "stack", string(debug.Stack()))
			err = fmt.Errorf("page handler: internal error: %v", r)
		}
	}()
	return c.h(ctx, p)
}

// newEntry canonicalises raw and checks scope, traps and depth; it returns
// nil (and counts why) when raw is not to be crawled.
func (c *Crawler) newEntry(raw string, k frontier.Kind, depth int, seed bool) *frontier.Entry {
	u, err := Canonicalize(raw)
	if err != nil {
		c.count(func(s *Stats) { s.Skipped++ })
		return nil
	}
	if !seed && !c.followable(u, k, depth) {
		return nil
	}
	if err := urls.Trap(u, c.s.MaxURLLength, time.Now()); err != nil {
		c.log.Debug("trap refused", "url", raw, "reason", err)
		c.count(func(s *Stats) { s.Traps++ })
		return nil
	}
	s := u.String()
	return &frontier.Entry{URL: s, Key: Key(u), Host: u.Host, Depth: depth, Kind: k, Seed: seed, Revisit: seed || k != frontier.KindPage || c.s.Recrawl}
}

// followable reports whether a discovered link u of kind k at depth is in
// scope and within MaxDepth, counting it (out of scope, skipped) when not.
func (c *Crawler) followable(u *url.URL, k frontier.Kind, depth int) bool {
	if !c.s.inScope(u) {
		c.count(func(s *Stats) { s.OutOfScope++ })
		return false
	}
	if c.s.tooDeep(k, depth) {
		c.count(func(s *Stats) { s.Skipped++ })
		return false
	}
	return true
}

func (c *Crawler) count(f func(*Stats)) {
	c.mu.Lock()
	f(&c.stats)
	c.mu.Unlock()
}

// countFrontier adds what a frontier counted to the crawl's counters.
func (c *Crawler) countFrontier(n frontier.Counts) {
	c.count(func(s *Stats) {
		s.RobotsDenied += n.RobotsDenied
		s.Errors += n.Errors
	})
}

// FetchLog returns the fetch log of the archive in order (for tests,
// reports and debugging).
func FetchLog(db *bolt.DB) ([]LogRecord, error) { return local.FetchLog(db) }

func mustURL(s string) *url.URL {
	u, _ := url.Parse(s)
	return u
}

// Close finishes the WARC file and drops idle connections. The store
// stays open (it is the caller's).
func (c *Crawler) Close() error {
	c.client.CloseIdleConnections()
	if c.w == nil {
		return nil
	}
	return c.w.Close()
}

// do performs one GET through the fetch client and counts it.
func (c *Crawler) do(f *fetch.Fetch) error {
	err := c.client.Do(f)
	c.mu.Lock()
	if f.Replay != "" {
		if err == nil && f.Err == nil {
			c.stats.Replayed++
		}
		c.mu.Unlock()
		return err
	}
	c.stats.Requests++
	c.stats.Bytes += int64(len(f.Raw))
	if f.Status != 0 {
		c.stats.Status[strconv.Itoa(f.Status)]++
	}
	if f.Truncated == "length" {
		c.stats.Truncated++
	}
	if f.Revisit {
		c.stats.Revisits++
	}
	c.mu.Unlock()
	if f.Status == 0 && err == nil {
		err = fmt.Errorf("fetch %s: no response", f.URL)
	}
	return err
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func (c *Crawler) logFetch(f *fetch.Fetch, kind string, err error) {
	lvl := slog.LevelDebug
	if err != nil {
		lvl = slog.LevelInfo
	}
	c.log.Log(context.Background(), lvl, "fetch", "url", f.URL, "kind", kind, "status", f.Status, "bytes", len(f.Raw), "ms", f.Elapsed.Milliseconds(), "error", errString(err))
}

// failure names what went wrong with a request, briefly: "HTTP 503", or
// "unreachable" with the cause.
func failure(status int, err error) string {
	if status != 0 {
		return "HTTP " + strconv.Itoa(status)
	}
	if err == nil {
		return "no response"
	}
	msg := err.Error()
	if i := strings.LastIndex(msg, ": "); i >= 0 && i+2 < len(msg) {
		msg = msg[i+2:] // the innermost cause ("connection refused")
	}
	return "unreachable (" + msg + ")"
}

// waitKind says what a wait comes from: the server's Retry-After or our
// back-off.
func waitKind(retryAfter, wait time.Duration) string {
	if retryAfter > 0 {
		return "Retry-After " + retryAfter.String()
	}
	return "back-off " + wait.Round(time.Millisecond).String()
}

// maxRetryAfter bounds a Retry-After: a server asking for more than a day
// (or for years) is asked again after a day rather than never, since the
// wait is kept across runs.
const maxRetryAfter = 24 * time.Hour

// retryAfter parses a Retry-After value (delay-seconds or HTTP-date),
// capped at maxRetryAfter.
func retryAfter(v string) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil && n >= 0 {
		return time.Duration(min(n, int64(maxRetryAfter/time.Second))) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		return min(max(time.Until(t), 0), maxRetryAfter)
	}
	return 0
}

// process handles a 2xx body by kind; for an HTML page it returns the
// Page the handler is to see (Crawler.handled hands it over).
func (c *Crawler) process(e *frontier.Entry, f *fetch.Fetch, t *frontier.Txn, rec *frontier.LogRecord) *Page {
	t.State = frontier.SeenRec{Pass: c.pass, State: "done", Status: f.Status}
	rec.Outcome = "ok"
	k := c.responseKind(e, f, rec)
	if k != frontier.KindPage {
		t.State.Discovery = true // fetched again in each new pass, however it is linked
	}
	if e.Revisit || k != frontier.KindPage || (c.s.RevisitMin > 0 && e.Kind == frontier.KindPage) {
		t.Cond = &frontier.CondRec{URL: e.URL, ETag: f.RespHead.Get("ETag"), LastModified: f.RespHead.Get("Last-Modified"), Digest: f.Digest, Date: f.Started.UTC()}
	}
	switch k {
	case frontier.KindSitemap:
		c.processSitemap(e, f, t, rec)
	case frontier.KindFeed:
		c.processFeed(e, f, t, rec)
	default:
		return c.processPage(e, f, t, rec)
	}
	return nil
}

// processFeed queues the pages a feed lists, with its titles and dates
// as hints.
func (c *Crawler) processFeed(e *frontier.Entry, f *fetch.Fetch, t *frontier.Txn, rec *frontier.LogRecord) {
	items, err := discover.ParseFeed(f.Body)
	if err != nil {
		rec.Outcome, rec.Error = "bad-feed", err.Error()
		c.count(func(s *Stats) { s.Errors++ })
		return
	}
	for _, it := range items {
		if ne := c.newEntry(it.Link, frontier.KindPage, e.Depth+1, false); ne != nil {
			ne.Hints = &frontier.Hints{Title: it.Title, Published: it.Published, Source: e.URL}
			t.Add = append(t.Add, ne)
		}
	}
	c.count(func(s *Stats) { s.Feeds++ })
}

// responseKind is what the response to e is: the kind e was linked as,
// unless the response says otherwise (rec then notes it).
func (c *Crawler) responseKind(e *frontier.Entry, f *fetch.Fetch, rec *frontier.LogRecord) frontier.Kind {
	if f.Skipped {
		return e.Kind
	}
	k := discover.ResponseKind(e.Kind, f.RespHead.Get("Content-Type"), f.Body)
	if k != e.Kind {
		c.log.Debug("kind decided by the response", "url", e.URL, "linked_as", e.Kind.String(), "is", k.String())
		rec.Kind = k.String()
	}
	return k
}

// processPage queues an HTML page's feeds and links (unless it says
// nofollow) and returns the Page for the handler: nil when the response
// is not one to hand over.
func (c *Crawler) processPage(e *frontier.Entry, f *fetch.Fetch, t *frontier.Txn, rec *frontier.LogRecord) *Page {
	switch {
	case f.Skipped:
		rec.Outcome = "not-html"
		return nil
	case f.Revisit:
		rec.Outcome = "unchanged"
		return nil // identical payload: the handler has seen it
	case !isHTMLResponse(f):
		rec.Outcome = "not-html"
		return nil
	}
	nofollow, noindex := f.RobotsTags()
	p := newPage(e, f, noindex)
	// Feeds first: a feed linked both as <link rel=alternate> and as
	// <a href> is queued as a feed.
	if !c.s.DisableFeeds {
		c.queueFeeds(e, f.Feeds, t)
	}
	if !nofollow {
		c.queueLinks(e, f.Links, t)
	}
	return p
}

// newPage is the Page of page entry e's response f for the handler.
func newPage(e *frontier.Entry, f *fetch.Fetch, noindex bool) *Page {
	hdr := f.RespHead.Clone() // describe Body as handed over: content coding removed
	hdr.Del("Content-Encoding")
	hdr.Del("Content-Length")
	p := &Page{URL: e.URL, FinalURL: e.URL, Status: f.Status, Header: hdr, Body: f.Body,
		Fetched: f.Started.UTC(), WARC: f.WARC, Depth: e.Depth, Truncated: f.Truncated == "length",
		Canonical: f.Canonical, NoIndex: noindex}
	if e.Via != "" {
		p.URL = e.Via
	}
	if e.Hints != nil {
		p.Hints = *e.Hints
	}
	return p
}

// queueFeeds adds to t the feeds page e links to that may be followed
// (newEntry) and admitted (feedAdmitted).
func (c *Crawler) queueFeeds(e *frontier.Entry, feeds []string, t *frontier.Txn) {
	for _, l := range feeds {
		if ne := c.newEntry(l, frontier.KindFeed, e.Depth, false); ne != nil && c.feedAdmitted(ne) {
			t.Add = append(t.Add, ne)
		}
	}
}

// handled hands page, the outcome o's, to the handler and records what became of it:
// the handler's error in the fetch log, the revisit plan, or, when the
// crawl was interrupted meanwhile, the entry back in the queue (its
// archived response is processed by the next run).
func (c *Crawler) handled(ctx context.Context, l *frontier.Lease, o *frontier.Outcome, page *Page) {
	e, t, rec := l.Entry, o.Txn, o.Txn.Log
	if herr := c.handle(ctx, page); herr != nil {
		if ctx.Err() != nil {
			o.Requeue, o.Refund, o.Txn = true, true, nil
			return
		}
		rec.Error = herr.Error()
		c.log.Warn("page handler", "url", e.URL, "error", herr)
		c.count(func(s *Stats) { s.HandlerErrors++ })
	}
	c.count(func(s *Stats) { s.Pages++ })
	if c.retryUnhandled && e.Kind == frontier.KindPage && rec.Outcome == "ok" && rec.Error != "" {
		if c.retryHandler(e, o); o.Requeue {
			t.Cond = nil // as in step: the next fetch must not be a 304 the handler never sees
		}
		return
	}
	c.planRevisit(t, e, rec.Status, rec.Outcome)
}

// feedAdmitted reports whether a feed a page links may be queued: the
// first MaxFeedsPerHost different feeds of a host are (again each time
// a page links them: the frontier knows them), the others are counted in
// Stats.FeedsIgnored.
func (c *Crawler) feedAdmitted(e *frontier.Entry) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	known := c.feeds[e.Host]
	if _, ok := known[e.Key]; ok || c.s.givenFeeds[e.Key] {
		return true
	}
	if c.s.MaxFeedsPerHost > 0 && len(known) >= c.s.MaxFeedsPerHost {
		if c.stats.FeedsIgnored == 0 {
			c.log.Info("feeds beyond the per-host limit ignored", "host", e.Host, "feed", e.URL, "limit", c.s.MaxFeedsPerHost)
		}
		c.stats.FeedsIgnored++
		return false
	}
	if known == nil {
		if c.feeds == nil {
			c.feeds = map[string]map[string]struct{}{}
		}
		known = map[string]struct{}{}
		c.feeds[e.Host] = known
	}
	known[e.Key] = struct{}{}
	return true
}

// isHTMLResponse reports whether a response is a page: HTML or XHTML by
// its Content-Type, or by its body when it has none.
func isHTMLResponse(f *fetch.Fetch) bool {
	mt, _, _ := mime.ParseMediaType(f.RespHead.Get("Content-Type"))
	if mt == "" {
		mt, _, _ = mime.ParseMediaType(http.DetectContentType(f.Body))
	}
	return mt == "text/html" || mt == "application/xhtml+xml"
}

// queueLinks queues a page's links, the first MaxLinks in document
// order; links robots.txt forbids are recorded as refused.
func (c *Crawler) queueLinks(e *frontier.Entry, links []string, t *frontier.Txn) {
	if len(links) > c.s.MaxLinks {
		c.log.Info("links beyond the per-page limit ignored", "url", e.URL, "links", len(links), "limit", c.s.MaxLinks)
		c.count(func(s *Stats) { s.LinksIgnored += int64(len(links) - c.s.MaxLinks) })
		links = links[:c.s.MaxLinks]
	}
	for _, l := range links {
		ne := c.newEntry(l, frontier.KindPage, e.Depth+1, false)
		switch {
		case ne == nil:
		case c.denied(ne):
			t.Denied = append(t.Denied, ne)
		default:
			t.Add = append(t.Add, ne)
		}
	}
}

func (c *Crawler) processSitemap(e *frontier.Entry, f *fetch.Fetch, t *frontier.Txn, rec *frontier.LogRecord) {
	doc, err := discover.ParseSitemap(f.Body, c.s.MaxSitemapURLs, c.s.MaxDecodedSize)
	if err != nil {
		rec.Error = err.Error()
		if doc == nil {
			rec.Outcome = "bad-sitemap"
			return
		}
	}
	c.count(func(s *Stats) { s.Sitemaps++ })
	if !doc.Index {
		c.sitemapPages(e, doc, t)
		return
	}
	if e.Depth >= 3 {
		rec.Outcome = "sitemap-too-deep"
		return
	}
	for _, sm := range doc.Sitemaps {
		if ne := c.newEntry(sm, frontier.KindSitemap, e.Depth+1, false); ne != nil {
			t.Add = append(t.Add, ne)
		}
	}
}

// sitemapPages queues the pages sitemap e lists (doc), but not those
// published or modified longer than SitemapMaxAge ago.
func (c *Crawler) sitemapPages(e *frontier.Entry, doc *discover.Sitemap, t *frontier.Txn) {
	var cutoff time.Time
	if c.s.SitemapMaxAge > 0 {
		cutoff = time.Now().Add(-c.s.SitemapMaxAge)
	}
	for _, su := range doc.URLs {
		when := su.LastMod
		if !su.Published.IsZero() {
			when = su.Published
		}
		if !cutoff.IsZero() && !when.IsZero() && when.Before(cutoff) {
			continue
		}
		if ne := c.newEntry(su.Loc, frontier.KindPage, 1, false); ne != nil {
			ne.Hints = &frontier.Hints{Title: su.Title, Published: su.Published, Source: e.URL}
			t.Add = append(t.Add, ne)
		}
	}
}

// Stats is a snapshot of a crawl's progress; it is also written to
// <archive>/stats.json while the crawl runs.
type Stats struct {
	Started       time.Time        `json:"started"`
	ElapsedSec    float64          `json:"elapsed_seconds"`
	Pass          int              `json:"pass"`
	Pages         int64            `json:"pages"`    // HTML pages handed to the handler
	Requests      int64            `json:"requests"` // every HTTP request, robots.txt included
	Bytes         int64            `json:"bytes"`
	Errors        int64            `json:"errors"` // URLs that failed for good
	HandlerErrors int64            `json:"handler_errors"`
	Retries       int64            `json:"retries"`
	RobotsDenied  int64            `json:"robots_denied"`
	OutOfScope    int64            `json:"out_of_scope"`
	Traps         int64            `json:"traps"`
	Skipped       int64            `json:"skipped"`
	Redirects     int64            `json:"redirects"`
	Revisits      int64            `json:"revisits"`
	LinksIgnored  int64            `json:"links_ignored"` // links beyond Config.MaxLinks on a page
	FeedsIgnored  int64            `json:"feeds_ignored"` // links to feeds of a host beyond Config.MaxFeedsPerHost
	Replayed      int64            `json:"replayed"`      // pages fetched before an interruption, processed from the WARC
	Truncated     int64            `json:"truncated"`
	Sitemaps      int64            `json:"sitemaps"`
	Feeds         int64            `json:"feeds"`
	Status        map[string]int64 `json:"status"`
	Queue         int              `json:"queue"`
	Hosts         int              `json:"hosts"`
	HostsActive   int              `json:"hosts_active"`
	HostsDropped  int              `json:"hosts_dropped"`
	PagesPerSec   float64          `json:"pages_per_second"`
	// Waiting lists the hosts with work queued that wait beyond their
	// politeness gap (Retry-After, back-off, robots.txt unavailable),
	// soonest first.
	Waiting []frontier.HostWait `json:"waiting,omitempty"`
}

// Stats returns a live snapshot; safe to call from any goroutine.
func (c *Crawler) Stats() Stats {
	c.mu.Lock()
	s := c.stats
	s.Status = make(map[string]int64, len(c.stats.Status))
	for k, v := range c.stats.Status {
		s.Status[k] = v
	}
	s.Pass = c.pass
	fr := c.fr
	c.mu.Unlock()
	if fr != nil {
		p := fr.Progress()
		s.Hosts, s.Queue, s.HostsActive, s.HostsDropped, s.Waiting = p.Hosts, p.Queue, p.HostsActive, p.HostsDropped, p.Waiting
	}
	slices.SortFunc(s.Waiting, func(a, b frontier.HostWait) int { return a.Until.Compare(b.Until) })
	if !s.Started.IsZero() {
		s.ElapsedSec = time.Since(s.Started).Seconds()
		if s.ElapsedSec > 0 {
			s.PagesPerSec = float64(s.Pages) / s.ElapsedSec
		}
	}
	return s
}

func (c *Crawler) statsLoop(done <-chan struct{}) {
	t := time.NewTicker(2 * time.Second)
	defer t.Stop()
	for {
		select {
		case <-done:
			return
		case <-t.C:
			if err := c.writeStats(c.Stats()); err != nil {
				c.log.Warn("write stats", "error", err)
			}
		}
	}
}

func (c *Crawler) writeStats(s Stats) error {
	if c.s.StatsFile == "-" {
		return nil
	}
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	if err := atomicfile.WriteFile(c.s.StatsFile, append(b, '\n')); err != nil {
		return fmt.Errorf("write stats %s: %w", c.s.StatsFile, err)
	}
	return nil
}
