// Package crawler is syndex's polite crawler. It owns the frontier (a
// resumable, SURT-keyed queue kept in the archive's bbolt store), per-host
// politeness (one request in flight per host, a minimum gap that honours
// Crawl-delay and slows down with the host), robots.txt per RFC 9309,
// back-off on 429/503, discovery through sitemaps and feeds, the limits
// that protect it from hostile servers, and the WARC record of every
// exchange. Colly does the HTTP requests and the HTML link callbacks.
//
// It does not decide what an article is: every successfully fetched HTML
// page is handed to the caller's Handler, one at a time, and extraction,
// dedup and indexing happen there.
//
// # Layout
//
// The rules that read one concept are packages below it: crawler/polite
// (how long a host rests: the gap, back-off, parking, robots.txt waits;
// the one politeness type both frontiers apply), crawler/robots (what a
// robots.txt says), crawler/discover (sitemaps and feeds), crawler/urls
// (canonical URLs, seen-set keys, traps). The frontier is
// crawler/frontier: the Frontier interface, its leases, outcomes and
// records, and the run's budgets (Limits); its implementations are
// crawler/frontier/local (the archive's bbolt store, Run) and
// crawler/frontier/shared (Redis, for several workers: RunShared), both
// held to one conformance suite (crawler/frontier/frontiertest). How a
// request is made is crawler/fetch: the HTTP transport, its limits, the
// proxy and the address guard, the WARC record of each exchange, the
// replay of an archived response, and what Colly's callbacks read from a
// page (the exact bytes of an exchange: crawler/internal/rawconn; which
// addresses may be dialled: crawler/internal/netaddr).
//
// In crawler: the one dispatch loop (dispatch.go); the fetch step
// (step.go: which request, with which validators, and what its answer
// does to the host) and the robots.txt step (robots_step.go); what to do
// with a response (crawler.go, revisit.go; what kind of response it is:
// crawler/discover's ResponseKind).
package crawler

import (
	"crypto/x509"
	"fmt"
	"log/slog"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/syndex/syndex/article"
	"github.com/syndex/syndex/crawler/fetch"
	"github.com/syndex/syndex/crawler/frontier"
	"github.com/syndex/syndex/crawler/frontier/local"
	"github.com/syndex/syndex/crawler/polite"
	"github.com/syndex/syndex/crawler/urls"
)

// Version is the syndex version named in the default User-Agent.
var Version = "0.1.0"

// DefaultUserAgent names syndex, its version and where to learn about it.
func DefaultUserAgent() string {
	return "syndex/" + Version + " (+https://github.com/syndex/syndex)"
}

// Defaults that syndex.yaml or a command's help also show (package config,
// `syndex worker --concurrency`): one value each, here.
const (
	DefaultDelay       = time.Second      // Config.Delay
	DefaultMaxBodySize = 10 << 20         // Config.MaxBodySize
	DefaultTimeout     = 60 * time.Second // Config.Timeout
	DefaultConcurrency = 256              // Config.Concurrency (a worker's --concurrency)
	// DefaultMaxFeedsPerHost is Config.MaxFeedsPerHost (crawl.max_feeds_per_host).
	DefaultMaxFeedsPerHost = 8
)

// Config is one crawl's settings. Zero values mean the documented default.
type Config struct {
	Seeds []string // start URLs; their hosts are in scope
	// Feeds and Sitemaps are RSS/Atom/JSON feed and sitemap URLs fetched
	// (conditionally) at the start of every pass, like seeds; their hosts
	// are in scope.
	Feeds    []string
	Sitemaps []string
	// Job names this crawl's frontier and pass counter, so that several
	// sources can share an archive (and its seen set) without resuming
	// each other's queues. Default: derived from the sorted seeds.
	Job       string
	UserAgent string // default DefaultUserAgent()

	Delay         time.Duration // minimum gap per host (default 1s); gap = max(Crawl-delay, Delay)
	MaxCrawlDelay time.Duration // cap on robots.txt Crawl-delay (default 60s)
	SlowFactor    float64       // gap is at least SlowFactor × last response time (default 2)
	MaxDelay      time.Duration // upper bound of the slow-host scaling (default 60s)
	Concurrency   int           // hosts fetched in parallel (default 256); always one per host
	// Handlers is how many pages the handler may process at once (default
	// 1): more when it is safe for concurrent use and CPU-bound, as
	// extraction is.
	Handlers int

	MaxPages        int // pages handed to the handler this run (0 = unlimited)
	MaxPagesPerHost int // per-host page budget this run (0 = unlimited)
	MaxDepth        int // link depth from the seeds (0 = unlimited)

	AllowPrivate bool // permit loopback, private and link-local addresses
	// Proxy is the proxy every request goes through (http, https, socks5
	// URL); "" follows HTTPS_PROXY, HTTP_PROXY and NO_PROXY, ProxyDirect
	// uses none.
	Proxy      string
	Resolve    map[string]string // host name → IP used instead of DNS (like curl --resolve); the SSRF guard still applies
	RootCAs    *x509.CertPool    // CAs trusted for HTTPS (nil = the system pool)
	Subdomains bool              // subdomains of seed hosts are in scope
	Hosts      []string          // further in-scope hosts
	Include    []string          // regexps: a URL must match one of them (when any are set)
	Exclude    []string          // regexps: a URL matching one is out of scope

	MaxBodySize    int64         // bytes of body kept (default 10 MiB); longer bodies are truncated and marked
	MaxDecodedSize int64         // bytes after gzip/deflate decoding (default 4 × MaxBodySize)
	ConnectTimeout time.Duration // default 10s
	HeaderTimeout  time.Duration // time to response headers (default 30s)
	Timeout        time.Duration // whole request including body (default 60s)
	MaxRedirects   int           // default 10
	MaxURLLength   int           // default 2048
	MaxLinks       int           // links followed per page, in document order (default 6000)

	MaxRetries    int           // attempts per URL on 429/5xx/network errors (default 3)
	BackoffBase   time.Duration // first back-off without Retry-After (default 5s), doubled per failure
	MaxBackoff    time.Duration // cap on the doubling back-off (default 10m); Retry-After is honoured up to 24h
	ParkAfter     int           // consecutive failures before a host is parked (default 5)
	ParkFor       time.Duration // how long a parked host rests (default 30m)
	MaxWait       time.Duration // hosts not ready within this are left for the next run (default 30m)
	RobotsTTL     time.Duration // robots.txt cache lifetime (default 24h)
	RobotsRetry   time.Duration // longest wait before asking again for a 5xx/429/unreachable robots.txt (default 5m): its Retry-After, else BackoffBase doubled per failure in a row
	RobotsRetries int           // every this many failed robots.txt fetches in a row (counted across runs and workers) a host sits out the run (default 3); × MaxRetries gives up its queue

	// Recrawl makes this pass fetch again (with conditional GET) every
	// page it reaches, not only new ones: a full re-crawl from the seeds.
	Recrawl bool
	// RevisitMin enables adaptive re-checks of known pages: a page is
	// fetched again (conditional GET) RevisitMin after its first fetch; the
	// interval doubles each time it is unchanged, up to RevisitMax
	// (default 64 × RevisitMin), and halves when it changed. 0 disables.
	RevisitMin time.Duration
	RevisitMax time.Duration

	DisableSitemaps bool          // do not read robots.txt Sitemap: lines and /sitemap.xml
	DisableFeeds    bool          // do not follow <link rel=alternate> feeds
	SitemapMaxAge   time.Duration // skip sitemap URLs whose lastmod is older (0 = keep all)
	MaxSitemapURLs  int           // per sitemap file (default 50000)
	// MaxFeedsPerHost is how many different feeds pages may lead the
	// crawler to on one host (default DefaultMaxFeedsPerHost; negative:
	// no limit), in the order met. A site that links a feed per section
	// (twelve on one real site) would otherwise spend that many
	// politeness slots, in every pass, before its pages. The count is per
	// crawler (per process in a shared crawl), and Feeds given in the
	// Config are not counted.
	MaxFeedsPerHost int

	WARCDir     string // WARC files and CDXJ (default <archive>/warc); "-" disables WARC
	WARCMaxSize int64  // rotation size (default 1 GB)
	StatsFile   string // live stats JSON (default <archive>/stats.json); "-" disables

	Logger *slog.Logger // default slog.Default()

	// now is the clock of what spans runs, robots.txt cache ages and
	// re-check dates (default time.Now; politeness gaps always use real
	// time): tests set it to step across a RobotsTTL or RevisitMin
	// without waiting for it.
	now func() time.Time
}

// settings is a validated Config with defaults applied.
type settings struct {
	Config
	include, exclude []*regexp.Regexp
	seedHosts        map[string]bool
	givenFeeds       map[string]bool // keys of Feeds
}

func (cfg Config) withDefaults(archive string) (*settings, error) {
	s := &settings{Config: cfg, seedHosts: map[string]bool{}, givenFeeds: map[string]bool{}}
	c := &s.Config
	c.setDefaults(archive)
	if len(c.Seeds)+len(c.Feeds)+len(c.Sitemaps) == 0 {
		return nil, fmt.Errorf("crawl config: no seeds")
	}
	if c.RevisitMin > 0 && c.RevisitMax < c.RevisitMin {
		c.RevisitMax = 64 * c.RevisitMin
	}
	if err := s.readSeeds(); err != nil {
		return nil, err
	}
	if err := s.readScope(); err != nil {
		return nil, err
	}
	return s, nil
}

// setDefaults gives every limit left unset (zero or negative) its
// default, and the files their place in the archive directory.
func (c *Config) setDefaults(archive string) {
	if c.now == nil {
		c.now = time.Now
	}
	if c.UserAgent == "" {
		c.UserAgent = DefaultUserAgent()
	}
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	defInt := func(d *int, v int) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&c.Delay, DefaultDelay)
	def(&c.MaxCrawlDelay, 60*time.Second)
	def(&c.MaxDelay, 60*time.Second)
	if c.SlowFactor <= 0 {
		c.SlowFactor = 2
	}
	defInt(&c.Concurrency, DefaultConcurrency)
	if c.MaxBodySize <= 0 {
		c.MaxBodySize = DefaultMaxBodySize
	}
	if c.MaxDecodedSize <= 0 {
		c.MaxDecodedSize = 4 * c.MaxBodySize
	}
	def(&c.ConnectTimeout, 10*time.Second)
	def(&c.HeaderTimeout, 30*time.Second)
	def(&c.Timeout, DefaultTimeout)
	defInt(&c.MaxRedirects, 10)
	defInt(&c.MaxURLLength, 2048)
	defInt(&c.MaxLinks, 6000)
	if c.MaxFeedsPerHost == 0 {
		c.MaxFeedsPerHost = DefaultMaxFeedsPerHost
	}
	defInt(&c.MaxRetries, 3)
	def(&c.BackoffBase, 5*time.Second)
	def(&c.MaxBackoff, 10*time.Minute)
	defInt(&c.ParkAfter, 5)
	def(&c.ParkFor, 30*time.Minute)
	def(&c.MaxWait, 30*time.Minute)
	def(&c.RobotsTTL, 24*time.Hour)
	def(&c.RobotsRetry, 5*time.Minute)
	defInt(&c.RobotsRetries, 3)
	defInt(&c.MaxSitemapURLs, 50000)
	if c.WARCDir == "" {
		c.WARCDir = archive + "/warc"
	}
	if c.StatsFile == "" {
		c.StatsFile = archive + "/stats.json"
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
}

// readSeeds puts the hosts of the seeds, feeds and sitemaps in scope and
// names the job after them when the configuration does not.
func (s *settings) readSeeds() error {
	c := &s.Config
	for _, l := range []struct {
		what string
		urls []string
	}{{"seed", c.Seeds}, {"feed", c.Feeds}, {"sitemap", c.Sitemaps}} {
		for _, raw := range l.urls {
			u, err := Canonicalize(raw)
			if err != nil {
				return fmt.Errorf("crawl config: %s %q: %w", l.what, raw, err)
			}
			s.seedHosts[urls.HostKey(u.Hostname())] = true
			if l.what == "feed" {
				s.givenFeeds[Key(u)] = true
			}
		}
	}
	if c.Job == "" {
		seeds := slices.Clone(c.Seeds)
		slices.Sort(seeds)
		if len(c.Feeds)+len(c.Sitemaps) > 0 {
			more := append(slices.Clone(c.Feeds), c.Sitemaps...)
			slices.Sort(more)
			seeds = append(seeds, more...)
		}
		c.Job = "seeds-" + article.IDFor(strings.Join(seeds, "\n"))
	}
	return nil
}

// readScope reads the rest of the scope: extra hosts, the proxies, and
// the include and exclude patterns.
func (s *settings) readScope() error {
	c := &s.Config
	for _, h := range c.Hosts {
		s.seedHosts[urls.HostKey(h)] = true
	}
	if _, err := fetch.ParseProxy(c.Proxy); err != nil {
		return fmt.Errorf("crawl config: %w", err)
	}
	var err error
	if s.include, err = compilePatterns("include", c.Include); err != nil {
		return err
	}
	s.exclude, err = compilePatterns("exclude", c.Exclude)
	return err
}

// fetchOptions are the fetch client's settings.
func (s *settings) fetchOptions() fetch.Options {
	return fetch.Options{UserAgent: s.UserAgent, Timeout: s.Timeout, ConnectTimeout: s.ConnectTimeout,
		HeaderTimeout: s.HeaderTimeout, MaxBodySize: s.MaxBodySize, MaxDecodedSize: s.MaxDecodedSize,
		AllowPrivate: s.AllowPrivate, Resolve: s.Resolve, RootCAs: s.RootCAs, Proxy: s.Proxy, WARCDir: s.WARCDir}
}

// compilePatterns compiles the scope's include or exclude patterns.
func compilePatterns(what string, ps []string) ([]*regexp.Regexp, error) {
	var out []*regexp.Regexp
	for _, p := range ps {
		re, err := regexp.Compile(p)
		if err != nil {
			return nil, fmt.Errorf("crawl config: %s pattern %q: %w", what, p, err)
		}
		out = append(out, re)
	}
	return out, nil
}

// inScope reports whether u may be crawled under the configured scope.
func (s *settings) inScope(u *url.URL) bool {
	if !s.seedHost(urls.HostKey(u.Hostname())) {
		return false
	}
	str := u.String()
	if len(s.include) > 0 && !anyMatch(s.include, str) {
		return false
	}
	return !anyMatch(s.exclude, str)
}

// seedHost reports whether host h is a seed's host, or with Subdomains a
// subdomain of one.
func (s *settings) seedHost(h string) bool {
	if s.seedHosts[h] {
		return true
	}
	if !s.Subdomains {
		return false
	}
	for sh := range s.seedHosts {
		if len(h) > len(sh) && h[len(h)-len(sh)-1:] == "."+sh {
			return true
		}
	}
	return false
}

// anyMatch reports whether one of res matches s.
func anyMatch(res []*regexp.Regexp, s string) bool {
	for _, re := range res {
		if re.MatchString(s) {
			return true
		}
	}
	return false
}

// tooDeep reports whether an entry of kind k at depth is beyond MaxDepth.
// A feed is a list of links: its stories are one link deeper than it
// (processFeed), so a feed at MaxDepth could lead nowhere and is not
// fetched.
func (s *settings) tooDeep(k frontier.Kind, depth int) bool {
	return s.MaxDepth > 0 && (k == frontier.KindPage && depth > s.MaxDepth || k == frontier.KindFeed && depth >= s.MaxDepth)
}

// newPoliteness is the politeness policy of the crawler's settings (the
// rules themselves are package polite).
func newPoliteness(c *Config) polite.Policy {
	return polite.Policy{Delay: c.Delay, MaxCrawlDelay: c.MaxCrawlDelay, SlowFactor: c.SlowFactor, MaxDelay: c.MaxDelay,
		BackoffBase: c.BackoffBase, MaxBackoff: c.MaxBackoff, ParkAfter: c.ParkAfter, ParkFor: c.ParkFor,
		RobotsRetry: c.RobotsRetry, RobotsRetries: c.RobotsRetries, MaxRetries: c.MaxRetries, RobotsTTL: c.RobotsTTL,
		Timeout: c.Timeout}
}

// limits are the settings both frontiers apply to claims.
func (c *Config) limits() frontier.Limits {
	return frontier.Limits{Delay: c.Delay, MaxWait: c.MaxWait, MaxPages: c.MaxPages, MaxPagesPerHost: c.MaxPagesPerHost}
}

// localMemPerHost bounds the page entries each host of the local
// frontier keeps in memory (0: its default); a variable for tests.
var localMemPerHost = 0

// localOptions are the options of the crawler's local frontier; count
// receives what it adds to the crawl's counters.
func (s *settings) localOptions(count func(frontier.Counts)) local.Options {
	return local.Options{Limits: s.limits(), Job: s.Job, Policy: newPoliteness(&s.Config), UserAgent: s.UserAgent,
		RobotsTTL: s.RobotsTTL, Timeout: s.Timeout, MaxCrawlDelay: s.MaxCrawlDelay, MemPerHost: localMemPerHost,
		Logger: s.Logger, Count: count, Now: s.now}
}
