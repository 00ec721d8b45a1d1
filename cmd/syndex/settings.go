package main

import (
	"bufio"
	"os"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/syndex/syndex/archive"
	"github.com/syndex/syndex/article"
	"github.com/syndex/syndex/config"
	"github.com/syndex/syndex/crawler"
)

// configArchive loads --config (or the defaults), lets the file's data
// directory stand in for --data, and returns the archive options it sets.
func configArchive(cmd *cobra.Command) (*config.Config, archive.Options, error) {
	c, err := loadConfig(cmd)
	if err != nil {
		return nil, archive.Options{}, err
	}
	if c.Data != "" && !cmd.Flags().Changed("data") && os.Getenv("SYNDEX_DATA") == "" {
		cmd.Flags().Set("data", c.Data)
	}
	opt, err := c.ForArchive()
	return c, opt, asUsage(err)
}

// crawlKeys are the settings `syndex crawl` takes flags for.
var crawlKeys = []string{"user_agent", "crawl.delay", "crawl.max_pages", "crawl.per_host_budget",
	"crawl.max_depth", "crawl.body_cap", "crawl.timeout", "crawl.allow_private", "crawl.proxy",
	"crawl.include", "crawl.exclude"}

// crawlSettings merges the config file's crawl settings and every source's
// scope with the crawl flags that the command defines: the settings' flags
// (crawlKeys, or some of them; --include and --exclude add to the file's
// patterns) and --seed, --seed-file and --concurrency. Every seed, feed
// and sitemap must be an absolute URL.
func crawlSettings(cmd *cobra.Command, c *config.Config) (crawler.Config, error) {
	f := cmd.Flags()
	if err := c.ApplyFlags(f, crawlKeys...); err != nil {
		return crawler.Config{}, asUsage(err)
	}
	cc := c.ForCrawler(nil)
	for _, src := range c.Sources {
		cc.Seeds = append(cc.Seeds, src.Seeds...)
		cc.Feeds = append(cc.Feeds, src.Feeds...)
		cc.Sitemaps = append(cc.Sitemaps, src.Sitemaps...)
		cc.Include = append(cc.Include, src.Include...)
		cc.Exclude = append(cc.Exclude, src.Exclude...)
	}
	if seeds, err := f.GetStringArray("seed"); err == nil {
		cc.Seeds = append(cc.Seeds, seeds...)
	}
	if files, err := f.GetStringArray("seed-file"); err == nil {
		for _, file := range files {
			seeds, err := readSeedFile(file)
			if err != nil {
				return cc, err
			}
			cc.Seeds = append(cc.Seeds, seeds...)
		}
	}
	if len(cc.Seeds)+len(cc.Feeds)+len(cc.Sitemaps) == 0 {
		return cc, usagef("no seeds: give --seed URL or a --config whose sources list seeds, feeds or sitemaps")
	}
	for _, s := range append(append(slices.Clone(cc.Seeds), cc.Feeds...), cc.Sitemaps...) {
		if article.SiteOf(s) == "" {
			return cc, usagef("seed %q is not an absolute URL", s)
		}
		if _, err := crawler.Canonicalize(s); err != nil {
			return cc, usagef("seed %q: %v", s, err)
		}
	}
	if f.Lookup("concurrency") != nil && f.Changed("concurrency") {
		cc.Concurrency, _ = f.GetInt("concurrency")
		if cc.Concurrency < 0 {
			return cc, usagef("--concurrency must not be negative")
		}
	}
	return cc, nil
}

// readSeedFile reads start URLs, one per line; blank lines and lines
// starting with # are skipped. A line that is not an absolute URL is an
// error naming the file and line.
func readSeedFile(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, usagef("--seed-file: %v", err)
	}
	defer f.Close()
	var seeds []string
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if article.SiteOf(line) == "" {
			return nil, usagef("%s:%d: %q is not an absolute URL", path, n, line)
		}
		seeds = append(seeds, line)
	}
	if err := sc.Err(); err != nil {
		return nil, usagef("--seed-file %s: %v", path, err)
	}
	return seeds, nil
}
