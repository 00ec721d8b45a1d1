package config

import (
	"fmt"
	"slices"

	"github.com/syndex/syndex/archive"
	"github.com/syndex/syndex/crawler"
	"github.com/syndex/syndex/dedup"
	"github.com/syndex/syndex/extract"
)

// The mapping from the file's settings to the options of the packages
// that use them lives here, beside the settings, so that a setting is
// read the same way by every command.

// ForDedup applies the file's dedup overrides to dedup's tuned defaults:
// 0 (absent) keeps a default, and for the rules that can be turned off,
// -1 turns the rule off.
func (c *Config) ForDedup() dedup.Config {
	d := dedup.DefaultConfig()
	override(c.Dedup.Shingle, &d.Shingle)
	override(c.Dedup.Containment, &d.Containment)
	override(c.Dedup.Jaccard, &d.Jaccard)
	override(c.Dedup.MinShared, &d.MinShared)
	overrideOrOff(c.Dedup.FurnitureSites, &d.FurnitureSites)
	overrideOrOff(c.Dedup.Rewrite, &d.Rewrite)
	overrideOrOff(c.Dedup.Align, &d.Align)
	overrideOrOff(c.Dedup.Verify, &d.Verify)
	return d
}

// override sets *def to v when the file gives a positive v.
func override[T int | float64](v T, def *T) {
	if v > 0 {
		*def = v
	}
}

// overrideOrOff is override that also turns a rule off (0) for a
// negative v.
func overrideOrOff[T int | float64](v T, def *T) {
	switch {
	case v > 0:
		*def = v
	case v < 0:
		*def = 0 // off
	}
}

// ForArchive maps the file's dedup, extract and index settings onto the
// options an archive is opened with.
func (c *Config) ForArchive() (archive.Options, error) {
	d := c.ForDedup()
	eo, err := c.ForExtract()
	if err != nil {
		return archive.Options{}, err
	}
	return archive.Options{Dedup: &d, Extract: eo, IndexBatch: c.Index.BatchSize, IndexDelay: c.Index.BatchDelay.D()}, nil
}

// ForExtract maps the file's extract settings (site profiles, lazy
// fallback) onto extract.Options; without profiles in the file there are
// none.
func (c *Config) ForExtract() (extract.Options, error) {
	opt := extract.Options{LazyFallback: c.Extract.LazyFallback}
	if len(c.Extract.SiteProfiles) == 0 {
		return opt, nil
	}
	opt.SiteProfiles = make(map[string]extract.SiteProfile, len(c.Extract.SiteProfiles))
	for site, p := range c.Extract.SiteProfiles {
		src, err := extract.ParseTitleSource(p.Title)
		if err != nil {
			return extract.Options{}, fmt.Errorf("config extract.site_profiles[%q].title: %w", site, err)
		}
		opt.SiteProfiles[site] = extract.SiteProfile{Title: src}
	}
	return opt, nil
}

// ForAllSources maps the file's crawl settings and the seeds, feeds,
// sitemaps and scope (include, exclude) of every source onto one
// crawler.Config: one pass over all of them, as `syndex crawl` and
// `syndex worker` make. A source's own discover, delay and max_pages
// apply only when it is crawled alone (ForCrawler, `syndex run`).
func (c *Config) ForAllSources() crawler.Config {
	cc := c.ForCrawler(nil)
	for _, src := range c.Sources {
		cc.Seeds = append(cc.Seeds, src.Seeds...)
		cc.Feeds = append(cc.Feeds, src.Feeds...)
		cc.Sitemaps = append(cc.Sitemaps, src.Sitemaps...)
		cc.Include = append(cc.Include, src.Include...)
		cc.Exclude = append(cc.Exclude, src.Exclude...)
	}
	return cc
}

// ForCrawler maps the file's crawl settings, and src's seeds, feeds,
// sitemaps and overrides when src is not nil, onto a crawler.Config. With
// discover: false the crawler reads only the listed feeds and sitemaps,
// not robots.txt Sitemap: lines, /sitemap.xml or <link rel=alternate>.
func (c *Config) ForCrawler(src *Source) crawler.Config {
	cc := crawler.Config{
		UserAgent:       c.UserAgentString(),
		Delay:           c.Crawl.Delay.D(),
		MaxPages:        c.Crawl.MaxPages,
		MaxPagesPerHost: c.Crawl.PerHostBudget,
		MaxDepth:        c.Crawl.MaxDepth,
		MaxFeedsPerHost: feedCap(c.Crawl.MaxFeedsPerHost),
		MaxBodySize:     int64(c.Crawl.BodyCap),
		Timeout:         c.Crawl.Timeout.D(),
		AllowPrivate:    c.Crawl.AllowPrivate,
		Proxy:           c.Crawl.Proxy,
		Include:         slices.Clone(c.Crawl.Include),
		Exclude:         slices.Clone(c.Crawl.Exclude),
	}
	if src == nil {
		return cc
	}
	cc.Seeds = slices.Clone(src.Seeds)
	cc.Feeds = slices.Clone(src.Feeds)
	cc.Sitemaps = slices.Clone(src.Sitemaps)
	if !src.AutoDiscover() {
		cc.DisableSitemaps, cc.DisableFeeds = true, true
	}
	cc.Include = append(cc.Include, src.Include...)
	cc.Exclude = append(cc.Exclude, src.Exclude...)
	if src.Delay > 0 {
		cc.Delay = src.Delay.D()
	}
	if src.MaxPages > 0 {
		cc.MaxPages = src.MaxPages
	}
	return cc
}

// feedCap maps crawl.max_feeds_per_host (0 = unlimited) onto
// crawler.Config.MaxFeedsPerHost, where 0 is the default and a negative
// value is unlimited.
func feedCap(n int) int {
	if n == 0 {
		return -1
	}
	return n
}
