// Package config owns syndex.yaml: the typed configuration of an archive
// (where it lives, how to identify the crawler, crawl limits, the sources
// with their schedules, dedup thresholds, index and server settings,
// per-site extraction profiles), its
// defaults, strict loading that names the file, line and field of every
// mistake, and the mapping of its settings onto the options of the crawler,
// dedup and extract packages (ForCrawler, ForDedup, ForExtract). It does
// not run anything: commands read a Config and hand what it maps to the
// packages that do.
package config

import (
	"errors"
	"fmt"
	"maps"
	"net"
	"net/mail"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/syndex/syndex/archive"
	"github.com/syndex/syndex/article"
	"github.com/syndex/syndex/crawler"
)

// Config is the whole configuration file.
type Config struct {
	// Data is the archive directory; relative paths are relative to the
	// config file. Empty means --data, $SYNDEX_DATA, then ./syndex-data.
	Data string `yaml:"data"`
	// UserAgent is the crawler's User-Agent product token; empty means
	// the crawler's own (crawler.DefaultUserAgent).
	UserAgent string `yaml:"user_agent"`
	// Contact is a URL or e-mail address site owners can reach, appended
	// to the User-Agent.
	Contact string      `yaml:"contact"`
	Crawl   CrawlConfig `yaml:"crawl"`
	Sources []Source    `yaml:"sources"`
	Dedup   DedupConfig `yaml:"dedup"`
	Index   IndexConfig `yaml:"index"`
	Serve   ServeConfig `yaml:"serve"`
	// Extract tunes article extraction.
	Extract ExtractConfig `yaml:"extract"`
	// Frontier selects a shared Redis frontier for `syndex worker` and
	// `syndex index` ("redis://host:6379/0"); empty keeps the embedded one.
	Frontier string `yaml:"frontier"`
	// Collections are named groups of sites ("state-media": [...]),
	// usable wherever a site filter is (search --site, report --site,
	// the web UI) and shown in the report and the network picture.
	Collections map[string][]string `yaml:"collections"`
	// Alerts are saved searches and watches that `syndex run` evaluates
	// as articles arrive (see package alert).
	Alerts AlertsConfig `yaml:"alerts"`
}

// CrawlConfig holds the global crawl limits; sources may override some.
type CrawlConfig struct {
	Delay         Duration `yaml:"delay"`           // minimum gap between requests to one host
	MaxPages      int      `yaml:"max_pages"`       // pages per run, 0 = unlimited
	PerHostBudget int      `yaml:"per_host_budget"` // pages per host per run, 0 = unlimited
	MaxDepth      int      `yaml:"max_depth"`       // link depth from the seeds, 0 = unlimited
	// MaxFeedsPerHost is how many different feeds found on a host's pages
	// are read per run, 0 = unlimited; listed feeds are not counted.
	MaxFeedsPerHost int      `yaml:"max_feeds_per_host"`
	BodyCap         ByteSize `yaml:"body_cap"`      // bytes kept per response
	Timeout         Duration `yaml:"timeout"`       // whole request
	AllowPrivate    bool     `yaml:"allow_private"` // permit loopback and private addresses
	Proxy           string   `yaml:"proxy"`         // proxy URL for every request; "direct" for none; empty: HTTPS_PROXY/HTTP_PROXY/NO_PROXY
	Include         []string `yaml:"include"`       // URL regexps; when set a URL must match one
	Exclude         []string `yaml:"exclude"`       // URL regexps that are out of scope
}

// Source is one site or group of sites crawled on its own schedule.
type Source struct {
	Name     string   `yaml:"name"`     // unique, used in logs and metrics
	Seeds    []string `yaml:"seeds"`    // start pages
	Sitemaps []string `yaml:"sitemaps"` // sitemap or sitemap index URLs
	Feeds    []string `yaml:"feeds"`    // RSS, Atom or JSON feed URLs
	// Discover finds sitemaps and feeds from robots.txt and the seeds'
	// <link rel=alternate>; nil means true.
	Discover *bool    `yaml:"discover"`
	Include  []string `yaml:"include"` // URL regexps, added to the global ones
	Exclude  []string `yaml:"exclude"` // URL regexps, added to the global ones
	Delay    Duration `yaml:"delay"`   // overrides crawl.delay when set
	MaxPages int      `yaml:"max_pages"`
	// Schedule polls the feeds and sitemaps (interval or cron expression).
	Schedule Schedule `yaml:"schedule"`
	// Recrawl re-crawls the whole source from its seeds.
	Recrawl Schedule `yaml:"recrawl"`
}

// AutoDiscover reports whether feeds and sitemaps are discovered.
func (s Source) AutoDiscover() bool { return s.Discover == nil || *s.Discover }

// DedupConfig overrides near-duplicate detection thresholds; zero values
// keep the dedup package's tuned defaults. The keys match dedup.Config's.
type DedupConfig struct {
	Shingle     int     `yaml:"shingle"`     // words per shingle (1..8)
	Containment float64 `yaml:"containment"` // share of the smaller text found in the other (0..1]
	Jaccard     float64 `yaml:"jaccard"`     // minimum overall similarity [0..1]
	MinShared   int     `yaml:"min_shared"`  // minimum shared shingles
	// FurnitureSites is how many sites a template page must be on to be
	// site furniture (at least 2); -1 turns that rule off.
	FurnitureSites int `yaml:"furniture_sites"`
	// Rewrite is the share of a later article's text found in an earlier
	// one that makes it a rewrite of it, (0, 1]; -1 turns that rule off.
	Rewrite float64 `yaml:"rewrite"`
	// Align is the share of a later article's text in sentences aligned
	// to sentences of an earlier one that makes it a rewrite of it,
	// (0, 1]; -1 turns that rule off.
	Align float64 `yaml:"align"`
	// Verify is the share of an article's whole text in sentences aligned
	// to an earlier article that `syndex dedup`'s verifying stage needs to
	// make it a copy, (0, 1]; -1 turns the stage off.
	Verify float64 `yaml:"verify"`
}

// IndexConfig tunes the search index.
type IndexConfig struct {
	// Analyzer is the text analysis: "auto" analyzes each article by its
	// language, the one mode built; the other Analyzers are accepted and
	// act as auto.
	Analyzer string `yaml:"analyzer"`
	// BatchSize and BatchDelay group index updates: the index is updated
	// once BatchSize articles were stored since the last update, or once
	// the oldest of them waited BatchDelay (archive.Options.IndexBatch and
	// IndexDelay).
	BatchSize  int      `yaml:"batch_size"`
	BatchDelay Duration `yaml:"batch_delay"`
}

// ExtractConfig tunes article extraction.
type ExtractConfig struct {
	// SiteProfiles overrides the generic title choice for the sites it
	// names (keyed like article.SiteOf: lower case, without www.; a
	// subdomain without its own entry uses its parent's).
	SiteProfiles map[string]SiteProfile `yaml:"site_profiles"`
	// LazyFallback runs the Readability fallback only on doubtful pages
	// (extract.Options.LazyFallback).
	LazyFallback bool `yaml:"lazy_fallback"`
}

// SiteProfile is what the user knows about one site's markup.
type SiteProfile struct {
	// Title is where the site's headline is read from: one of TitleSources.
	Title string `yaml:"title"`
}

// TitleSources lists the values SiteProfile.Title accepts: the social-card
// title, the JSON-LD headline, or the generic rules.
var TitleSources = []string{"og:title", "json-ld", "auto"}

// ServeConfig configures `syndex serve`.
type ServeConfig struct {
	Addr string `yaml:"addr"` // host:port to listen on
}

// Analyzers lists the values IndexConfig.Analyzer accepts.
var Analyzers = []string{"auto", "standard", "en", "fr", "de", "es", "it", "pt", "nl", "ar", "cjk"}

// Default returns the configuration used when no file is given.
func Default() *Config {
	retries := DefaultWebhookRetries
	return &Config{
		Crawl: CrawlConfig{
			Delay:    Duration(crawler.DefaultDelay),
			MaxDepth: 10,
			// As the crawler's own default: a site that links a feed per
			// section would spend a politeness slot on each in every pass.
			MaxFeedsPerHost: crawler.DefaultMaxFeedsPerHost,
			BodyCap:         crawler.DefaultMaxBodySize,
			Timeout:         Duration(crawler.DefaultTimeout),
		},
		Index: IndexConfig{Analyzer: "auto", BatchSize: archive.DefaultIndexBatch, BatchDelay: Duration(archive.DefaultIndexDelay)},
		Serve: ServeConfig{Addr: "127.0.0.1:8080"},
		Alerts: AlertsConfig{File: DefaultAlertsFile, Webhook: WebhookConfig{
			Timeout: Duration(DefaultWebhookTimeout), Retries: &retries, Backoff: Duration(DefaultWebhookBackoff)}},
	}
}

// UserAgentString is the full User-Agent: the product token (syndex and
// its version when unset) and, when set, the contact in parentheses;
// empty when neither is set, for the crawler's default.
func (c *Config) UserAgentString() string {
	ua := c.UserAgent
	if c.Contact == "" {
		return ua
	}
	if ua == "" {
		ua = "syndex/" + crawler.Version
	}
	return ua + " (+" + c.Contact + ")"
}

// FieldError is one problem with one field of a config file.
type FieldError struct {
	File    string // config file, empty when not loaded from a file
	Line    int    // 1-based line, 0 when unknown
	Field   string // dotted path, e.g. "sources[1].schedule"
	Problem string
}

func (e *FieldError) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		if e.Line > 0 {
			fmt.Fprintf(&b, ":%d", e.Line)
		}
		b.WriteString(": ")
	}
	if e.Field != "" {
		b.WriteString(e.Field + ": ")
	}
	b.WriteString(e.Problem)
	return b.String()
}

// Error is every problem found in a config; its message is the first one
// on a single line (README "Commands": errors are one line).
type Error struct {
	Problems []*FieldError
}

func (e *Error) Error() string {
	if len(e.Problems) == 0 {
		return "invalid configuration"
	}
	msg := e.Problems[0].Error()
	if n := len(e.Problems) - 1; n > 0 {
		msg += fmt.Sprintf(" (and %d more problem%s)", n, map[bool]string{true: "s"}[n > 1])
	}
	return msg
}

// Validate checks values that parse but make no sense: negative limits,
// bad URLs, duplicate source names, bad regexps. It returns an *Error.
func (c *Config) Validate() error {
	var p problems
	c.validateIdentity(&p)
	c.validateCrawl(&p)
	c.validateSources(&p)
	c.validateDedup(&p)
	c.validateServing(&p)
	c.validateProfiles(&p)
	p = append(p, c.validateCollections()...)
	c.validateAlerts(&p)
	if len(p) > 0 {
		return &Error{Problems: p}
	}
	return nil
}

// problems collects a configuration's problems in the order found.
type problems []*FieldError

// bad records a problem with field.
func (p *problems) bad(field, format string, args ...any) {
	*p = append(*p, &FieldError{Field: field, Problem: fmt.Sprintf(format, args...)})
}

// shareOrOff checks a share in (0, 1] that 0 leaves at its default and
// -1 turns off (what names the rule or stage it turns off).
func (p *problems) shareOrOff(field string, v float64, what string) {
	if v != -1 && (v < 0 || v > 1) {
		p.bad(field, "must be in (0, 1] (0 keeps the default, -1 turns the %s off), got %g", what, v)
	}
}

// nonNeg records a negative v.
func (p *problems) nonNeg(field string, v int) {
	if v < 0 {
		p.bad(field, "must not be negative, got %d", v)
	}
}

// name records an empty name of entry i of list, or one an earlier entry
// has (names maps each name taken to its entry's index plus one), and
// takes it.
func (p *problems) name(names map[string]int, list string, i int, name string) {
	f := fmt.Sprintf("%s[%d].name", list, i)
	switch {
	case strings.TrimSpace(name) == "":
		p.bad(f, "must not be empty")
	case names[name] > 0:
		p.bad(f, "%q is already the name of %s[%d]", name, list, names[name]-1)
	default:
		names[name] = i + 1
	}
}

// patterns records each of pats that is no regular expression.
func (p *problems) patterns(field string, pats []string) {
	for i, pat := range pats {
		if _, err := regexp.Compile(pat); err != nil {
			p.bad(fmt.Sprintf("%s[%d]", field, i), "invalid regexp %q: %v", pat, err)
		}
	}
}

// validateIdentity checks how the crawler names itself and where the
// shared frontier is.
func (c *Config) validateIdentity(p *problems) {
	if strings.ContainsAny(c.UserAgent, "\r\n") {
		p.bad("user_agent", "must be a single line")
	}
	if c.Contact != "" {
		if _, err := mail.ParseAddress(c.Contact); err != nil && !isHTTPURL(c.Contact) {
			p.bad("contact", "%q is neither an http(s) URL nor an e-mail address", c.Contact)
		}
	}
	if c.Frontier != "" && !isRedisURL(c.Frontier) {
		p.bad("frontier", "%q is not a redis:// or rediss:// URL", c.Frontier)
	}
}

// isRedisURL reports whether s is a redis:// or rediss:// URL with a host.
func isRedisURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "redis" || u.Scheme == "rediss") && u.Host != ""
}

// validateCrawl checks the crawl: section.
func (c *Config) validateCrawl(p *problems) {
	cr := c.Crawl
	if cr.Delay < 0 {
		p.bad("crawl.delay", "must not be negative")
	}
	p.nonNeg("crawl.max_pages", cr.MaxPages)
	p.nonNeg("crawl.per_host_budget", cr.PerHostBudget)
	p.nonNeg("crawl.max_depth", cr.MaxDepth)
	p.nonNeg("crawl.max_feeds_per_host", cr.MaxFeedsPerHost)
	if cr.BodyCap < 1024 {
		p.bad("crawl.body_cap", "must be at least 1KiB, got %d bytes", cr.BodyCap)
	}
	if cr.Timeout <= 0 {
		p.bad("crawl.timeout", "must be positive")
	}
	if cr.Proxy != "" && cr.Proxy != "direct" {
		if u, err := url.Parse(cr.Proxy); err != nil || u.Host == "" || !slices.Contains([]string{"http", "https", "socks5", "socks5h"}, u.Scheme) {
			p.bad("crawl.proxy", "%q is not an http, https, socks5 or socks5h URL (or direct)", cr.Proxy)
		}
	}
	p.patterns("crawl.include", cr.Include)
	p.patterns("crawl.exclude", cr.Exclude)
}

// validateSources checks each source: a unique name, at least one URL to
// start from, every URL absolute.
func (c *Config) validateSources(p *problems) {
	names := map[string]int{}
	for i, s := range c.Sources {
		f := fmt.Sprintf("sources[%d]", i)
		p.name(names, "sources", i, s.Name)
		if len(s.Seeds)+len(s.Sitemaps)+len(s.Feeds) == 0 {
			p.bad(f, "needs at least one of seeds, sitemaps or feeds")
		}
		for _, l := range []struct {
			name string
			urls []string
		}{{"seeds", s.Seeds}, {"sitemaps", s.Sitemaps}, {"feeds", s.Feeds}} {
			for j, u := range l.urls {
				if !isHTTPURL(u) {
					p.bad(fmt.Sprintf("%s.%s[%d]", f, l.name, j), "%q is not an absolute http(s) URL", u)
				}
			}
		}
		p.patterns(f+".include", s.Include)
		p.patterns(f+".exclude", s.Exclude)
		if s.Delay < 0 {
			p.bad(f+".delay", "must not be negative")
		}
		p.nonNeg(f+".max_pages", s.MaxPages)
	}
}

// validateDedup checks the dedup: section.
func (c *Config) validateDedup(p *problems) {
	if c.Dedup.Shingle < 0 || c.Dedup.Shingle > 8 {
		p.bad("dedup.shingle", "must be between 1 and 8 (0 keeps the default), got %d", c.Dedup.Shingle)
	}
	if c.Dedup.Containment < 0 || c.Dedup.Containment > 1 {
		p.bad("dedup.containment", "must be in (0, 1] (0 keeps the default), got %g", c.Dedup.Containment)
	}
	if c.Dedup.Jaccard < 0 || c.Dedup.Jaccard > 1 {
		p.bad("dedup.jaccard", "must be in [0, 1] (0 keeps the default), got %g", c.Dedup.Jaccard)
	}
	p.nonNeg("dedup.min_shared", c.Dedup.MinShared)
	if v := c.Dedup.FurnitureSites; v < -1 || v == 1 {
		p.bad("dedup.furniture_sites", "must be at least 2 (0 keeps the default, -1 turns the rule off), got %d", v)
	}
	p.shareOrOff("dedup.rewrite", c.Dedup.Rewrite, "rule")
	p.shareOrOff("dedup.align", c.Dedup.Align, "rule")
	p.shareOrOff("dedup.verify", c.Dedup.Verify, "stage")
}

// validateServing checks the index: and serve: sections.
func (c *Config) validateServing(p *problems) {
	if !slices.Contains(Analyzers, c.Index.Analyzer) {
		p.bad("index.analyzer", "%q is not one of %s", c.Index.Analyzer, strings.Join(Analyzers, ", "))
	}
	if c.Index.BatchSize < 1 {
		p.bad("index.batch_size", "must be at least 1, got %d", c.Index.BatchSize)
	}
	if c.Index.BatchDelay <= 0 {
		p.bad("index.batch_delay", "must be positive")
	}
	if _, port, err := net.SplitHostPort(c.Serve.Addr); err != nil || port == "" {
		p.bad("serve.addr", "%q is not host:port", c.Serve.Addr)
	}
}

// validateProfiles checks extract.site_profiles: sites named as syndex
// names them, each with a known title source.
func (c *Config) validateProfiles(p *problems) {
	for _, site := range slices.Sorted(maps.Keys(c.Extract.SiteProfiles)) {
		f := fmt.Sprintf("extract.site_profiles[%q]", site)
		switch {
		case strings.TrimSpace(site) == "":
			p.bad(f, "site must not be empty")
		case article.SiteOf("http://"+site) != site:
			p.bad(f, "%q is not a site as syndex names them: a host in lower case, without scheme, www., port or path (e.g. example.com)", site)
		}
		if t := c.Extract.SiteProfiles[site].Title; !slices.Contains(TitleSources, t) {
			if t == "" {
				p.bad(f+".title", "must be set to one of %s", strings.Join(TitleSources, ", "))
			} else {
				p.bad(f+".title", "%q is not one of %s", t, strings.Join(TitleSources, ", "))
			}
		}
	}
}

func isHTTPURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// errorsAs is errors.As for *Error, kept here so callers need one import.
func asError(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}
