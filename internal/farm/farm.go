// Package farm serves a small network of fictional news outlets on loopback
// addresses, for `syndex demo` and for tests that need real sites to crawl.
//
// Each outlet listens on its own 127.0.0.x address (politeness is per host)
// and serves a home page, section pages, article pages with realistic chrome
// (navigation, cookie banner, share bar, related links, footer), robots.txt,
// a sitemap and an RSS or Atom feed. Two outlets publish originals, two
// republish some of them verbatim inside their own boilerplate (attribution
// line, donation appeal, legal disclaimer), one runs the first half of
// stories with a "Read more at" link, one writes in French, and every outlet
// also has stories nobody copied. Two different stories cover the same event
// and share one quoted paragraph; they must not be grouped. Truth reports
// which page copies which, so tests can score the pipeline; Publish and
// Syndicate add stories while it runs (feeds and sitemaps grow, for tests
// of scheduled crawling); Violations checks the request log for breaches of
// robots.txt and per-host pacing.
//
// The prose lives in content/ and is embedded; nothing is fetched from
// outside. The package does not crawl, extract or deduplicate anything.
package farm

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
)

// Role is the part an outlet plays in the network.
type Role string

// The outlet roles.
const (
	RoleOrigin      Role = "origin"      // publishes originals (and may be copied)
	RoleRepublisher Role = "republisher" // copies whole stories inside its own boilerplate
	RoleTruncator   Role = "truncator"   // runs the first half of a story with "Read more at"
)

// CopyKind says how a copy differs from its original.
type CopyKind string

// The copy kinds.
const (
	KindWrapped   CopyKind = "wrapped"   // full text inside the republisher's header and footer blocks
	KindTruncated CopyKind = "truncated" // first half of the text, then "Read more at <original URL>"
	KindRetitled  CopyKind = "retitled"  // wrapped, under a different headline
)

// Options configure Start.
type Options struct {
	// Seed 0 keeps the designed publication lags of the copies; any other
	// value draws each lag deterministically between 2 hours and 3 days.
	Seed int64
	// Delay is added before every response, to simulate slow servers.
	Delay time.Duration
	// BaseIP is the address of the first outlet; the others take the
	// following addresses (127.0.0.1, 127.0.0.2, ...). Default "127.0.0.1".
	BaseIP string
	// CrawlDelay is what the truncating outlet's robots.txt declares as
	// Crawl-delay. Default 1s; it is written with millisecond precision.
	CrawlDelay time.Duration
	// Hostile adds the hostile outlet on the address after the others:
	// the pages of HostilePaths (a 40 MiB page, a gzip bomb, 10 MiB of
	// unclosed <div>s, 100,000 links, 500-deep <div>s), for tests and
	// benchmarks of bounded memory and time. It publishes no stories.
	Hostile bool
	// Domains gives each outlet a name under .test (e.g.
	// "harbor-city-ledger.test") instead of its bare IP; Resolve maps the
	// names to the addresses for a client, as no DNS knows them.
	Domains bool
	// Furniture adds the pages every real site has besides its stories,
	// linked from every footer: about, contact, donate and privacy pages,
	// one text per kind for all outlets but for the outlet's name (one
	// publishing template), and the first origin's newsroom policies
	// under two addresses. Furniture lists their URLs.
	Furniture bool
	// PartnerNoIndex marks the partner republisher's copies noindex
	// (<meta name="robots" content="noindex, follow">), as syndication
	// agreements ask of partners.
	PartnerNoIndex bool
	// SectionFeeds gives every section its own RSS feed at
	// /section/NAME/feed.xml, linked (<link rel="alternate">) from the
	// section's pages and from its articles, as many news sites do (one
	// real site linked twelve), so a crawl meets feeds deeper than the
	// front page.
	SectionFeeds bool
}

// Outlet describes one site of the farm.
type Outlet struct {
	Key     string // short stable name ("ledger")
	Name    string // masthead ("Harbor City Ledger")
	Host    string // host:port it listens on
	Site    string // what article.SiteOf gives for its URLs
	BaseURL string // "http://host:port"
	Role    Role   // origin, republisher or truncator
	Lang    string // main language of the outlet
	Feed    string // URL of its RSS or Atom feed
	// SectionFeeds are the URLs of its sections' feeds, sorted (with
	// Options.SectionFeeds; else none).
	SectionFeeds []string
	Sitemap      string        // URL of its sitemap (or sitemap index)
	Disallow     []string      // path prefixes robots.txt forbids to every agent
	CrawlDelay   time.Duration // Crawl-delay in robots.txt, 0 if none
}

// Story is the ground truth for one original story and its copies.
type Story struct {
	ID        string    // stable story id (the content file name)
	Outlet    string    // key of the outlet that published it first
	URL       string    // the original's URL
	Title     string    // the original's headline
	Published time.Time // the original's publication time
	Lang      string    // language of the text
	// Subject is shared by different stories about the same event; such
	// stories quote some of the same words but are not copies.
	Subject string
	Copies  []Copy // empty for a story nobody copied
}

// Copy is one republished copy of a Story.
type Copy struct {
	Outlet    string    // key of the copying outlet
	URL       string    // the copy's URL
	Title     string    // the copy's headline
	Kind      CopyKind  // how it differs from the original
	Published time.Time // the copy's publication time (after the original)
}

// Request is one request the farm served, for politeness assertions.
type Request struct {
	Host      string // host:port that received it
	Method    string
	Path      string // path and query as requested
	UserAgent string
	Time      time.Time
	Status    int
}

// Farm is a running network of outlets. Its methods are safe for
// concurrent use.
type Farm struct {
	outlets []*outlet

	// cmu guards the content: truth, stories and every outlet's pages and
	// prebuilt responses, which Publish and Syndicate change at run time.
	cmu      sync.RWMutex
	byKey    map[string]*outlet
	stories  map[string]*storyDef
	truthIdx map[string]int
	truth    []Story

	hostile *hostileOutlet // nil unless Options.Hostile

	mu       sync.Mutex
	requests []Request
	closed   bool
	stop     func() bool
}

// Start builds the network and starts serving every outlet on its own
// address with a free port. It closes the farm when ctx is cancelled.
func Start(ctx context.Context, opt Options) (*Farm, error) {
	base, err := opt.settle()
	if err != nil {
		return nil, err
	}
	stories, err := loadStories()
	if err != nil {
		return nil, fmt.Errorf("farm: %w", err)
	}
	f := &Farm{}
	if err := f.listen(ctx, base, opt); err != nil {
		f.closeListeners()
		return nil, err
	}
	lags := lagsFor(opt.Seed)
	if err := f.build(stories, lags); err != nil {
		f.closeListeners()
		return nil, fmt.Errorf("farm: %w", err)
	}
	if opt.Hostile {
		ip := net.IPv4(base[0], base[1], base[2], base[3]+byte(len(outletDefs))).String()
		if err := f.startHostile(ctx, ip, opt.Delay); err != nil {
			f.closeListeners()
			return nil, err
		}
	}
	f.serve(opt.Delay)
	f.stop = context.AfterFunc(ctx, func() { _ = f.Close() })
	return f, nil
}

// settle sets the options' defaults, checks them and returns the first
// outlet's IPv4 address.
func (opt *Options) settle() (net.IP, error) {
	if opt.BaseIP == "" {
		opt.BaseIP = "127.0.0.1"
	}
	if opt.CrawlDelay <= 0 {
		opt.CrawlDelay = time.Second
	}
	if opt.Delay < 0 {
		return nil, fmt.Errorf("farm: negative delay %s", opt.Delay)
	}
	base := net.ParseIP(opt.BaseIP).To4()
	if base == nil {
		return nil, fmt.Errorf("farm: base IP %q is not an IPv4 address", opt.BaseIP)
	}
	if int(base[3])+len(outletDefs) > 254 {
		return nil, fmt.Errorf("farm: base IP %s leaves no room for %d outlets", opt.BaseIP, len(outletDefs))
	}
	return base, nil
}

// listen opens each outlet's listener, one address each from base, and
// sets what the options say of it.
func (f *Farm) listen(ctx context.Context, base net.IP, opt Options) error {
	var lc net.ListenConfig
	for i, def := range outletDefs {
		ip := net.IPv4(base[0], base[1], base[2], base[3]+byte(i)).String()
		ln, err := lc.Listen(ctx, "tcp", net.JoinHostPort(ip, "0"))
		if err != nil {
			return fmt.Errorf("farm: listen for %s on %s: %w", def.Name, ip, err)
		}
		o := &outlet{def: def, ip: ip, site: ip, ln: ln, host: ln.Addr().String()}
		if opt.Domains {
			o.site = domainFor(def.Name)
			_, port, _ := net.SplitHostPort(o.host)
			o.host = net.JoinHostPort(o.site, port)
		}
		o.base = "http://" + o.host
		if def.Delay {
			o.crawlDelay = opt.CrawlDelay
		}
		if opt.Furniture {
			o.furniture = furnitureFor(o)
		}
		o.noindexCopies = opt.PartnerNoIndex && def.Canon
		o.sectionFeeds = opt.SectionFeeds
		f.outlets = append(f.outlets, o)
	}
	return nil
}

// serve starts serving every outlet.
func (f *Farm) serve(delay time.Duration) {
	for _, o := range f.outlets {
		o.srv = &http.Server{
			Handler:           f.handler(o, delay),
			ReadHeaderTimeout: 10 * time.Second,
		}
		go func(o *outlet) {
			if err := o.srv.Serve(o.ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				slog.Error("farm outlet stopped", "outlet", o.def.Name, "addr", o.host, "err", err)
			}
		}(o)
	}
}

// lagsFor returns the publication lag of each planned copy.
func lagsFor(seed int64) []time.Duration {
	lags := make([]time.Duration, len(copyDefs))
	var r *rand.Rand
	if seed != 0 {
		r = rand.New(rand.NewPCG(uint64(seed), 0x5eed))
	}
	for i, c := range copyDefs {
		lags[i] = c.Lag
		if r != nil {
			span := int64(70 * time.Hour / time.Minute)
			lags[i] = 2*time.Hour + time.Duration(r.Int64N(span+1))*time.Minute
		}
	}
	return lags
}

func (f *Farm) closeListeners() {
	for _, o := range f.outlets {
		_ = o.ln.Close()
	}
}

// Close stops every outlet. It is safe to call more than once.
func (f *Farm) Close() error {
	f.mu.Lock()
	if f.closed {
		f.mu.Unlock()
		return nil
	}
	f.closed = true
	stop := f.stop
	f.mu.Unlock()
	if stop != nil {
		stop()
	}
	var errs []error
	for _, o := range f.outlets {
		if o.srv == nil {
			continue
		}
		if err := o.srv.Close(); err != nil {
			errs = append(errs, fmt.Errorf("close %s (%s): %w", o.def.Name, o.host, err))
		}
	}
	if f.hostile != nil {
		if err := f.hostile.srv.Close(); err != nil {
			errs = append(errs, fmt.Errorf("close the hostile outlet (%s): %w", f.hostile.host, err))
		}
	}
	return errors.Join(errs...)
}

// domainFor turns a masthead into a host name under .test.
func domainFor(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			b.WriteRune(r)
			dash = false
		case b.Len() > 0 && !dash:
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.TrimSuffix(b.String(), "-") + ".test"
}

// Resolve maps each outlet's host name to its IP address (identity for
// outlets served on bare IPs), for clients that cannot look them up.
func (f *Farm) Resolve() map[string]string {
	m := make(map[string]string, len(f.outlets))
	for _, o := range f.outlets {
		m[o.site] = o.ip
	}
	if f.hostile != nil {
		m[f.hostile.ip] = f.hostile.ip
	}
	return m
}

// Seeds returns the home page URL of every outlet (the hostile one's
// last).
func (f *Farm) Seeds() []string {
	out := make([]string, len(f.outlets), len(f.outlets)+1)
	for i, o := range f.outlets {
		out[i] = o.base + "/"
	}
	if f.hostile != nil {
		out = append(out, f.hostile.base+"/")
	}
	return out
}

// Outlets describes every outlet, in a fixed order.
func (f *Farm) Outlets() []Outlet {
	f.cmu.RLock()
	defer f.cmu.RUnlock()
	out := make([]Outlet, len(f.outlets))
	for i, o := range f.outlets {
		var sectionFeeds []string
		if o.sectionFeeds {
			for _, sec := range o.sections {
				sectionFeeds = append(sectionFeeds, o.base+sectionFeedPath(sec))
			}
		}
		out[i] = Outlet{
			Key:          o.def.Key,
			Name:         o.def.Name,
			Host:         o.host,
			Site:         o.site,
			BaseURL:      o.base,
			Role:         o.def.Role,
			Lang:         o.def.Lang,
			Feed:         o.base + o.feedPath(),
			SectionFeeds: sectionFeeds,
			Sitemap:      o.base + "/sitemap.xml",
			Disallow:     slices.Clone(disallowed),
			CrawlDelay:   o.crawlDelay,
		}
	}
	return out
}

// Truth returns every story with its copies: the ground truth a syndication
// detector should recover. Stories nobody copied have no Copies.
func (f *Farm) Truth() []Story {
	f.cmu.RLock()
	defer f.cmu.RUnlock()
	out := make([]Story, len(f.truth))
	for i, s := range f.truth {
		s.Copies = slices.Clone(s.Copies)
		out[i] = s
	}
	return out
}

// Requests returns the requests served so far, in arrival order.
func (f *Farm) Requests() []Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.requests)
}

func (f *Farm) logRequest(r Request) {
	f.mu.Lock()
	f.requests = append(f.requests, r)
	f.mu.Unlock()
}
