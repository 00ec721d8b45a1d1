package main

import (
	"bufio"
	"os"
	"regexp"
	"slices"
	"strings"
	"time"

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
	d := c.ForDedup()
	eo, err := c.ForExtract()
	if err != nil {
		return nil, archive.Options{}, asUsage(err)
	}
	return c, archive.Options{Dedup: &d, Extract: eo}, nil
}

// durationFlag returns a duration flag's value when the user set it.
func durationFlag(cmd *cobra.Command, name string) (time.Duration, bool) {
	if cmd.Flags().Lookup(name) == nil || !cmd.Flags().Changed(name) {
		return 0, false
	}
	d, _ := cmd.Flags().GetDuration(name)
	return d, true
}

// crawlSettings merges the config file's crawl settings and every source's
// scope with the crawl flags that the command defines (--seed,
// --seed-file, --include, --exclude, --proxy, --max-pages, --max-depth,
// --max-per-host, --max-body, --timeout, --delay, --allow-private,
// --user-agent, --concurrency), the flags winning (--include and
// --exclude add to the file's patterns). Every seed, feed and sitemap must
// be an absolute URL.
func crawlSettings(cmd *cobra.Command, c *config.Config) (crawler.Config, error) {
	f := cmd.Flags()
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
	for _, p := range []struct {
		flag string
		to   *[]string
	}{{"include", &cc.Include}, {"exclude", &cc.Exclude}} {
		pats, err := f.GetStringArray(p.flag)
		if err != nil {
			continue
		}
		for _, pat := range pats {
			if _, err := regexp.Compile(pat); err != nil {
				return cc, usagef("--%s %q: not a regular expression: %v", p.flag, pat, err)
			}
		}
		*p.to = append(*p.to, pats...)
	}
	if f.Lookup("proxy") != nil && f.Changed("proxy") {
		cc.Proxy, _ = f.GetString("proxy")
		if _, err := crawler.ParseProxy(cc.Proxy); err != nil {
			return cc, usagef("--proxy: %v", err)
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
	set := func(name string) bool { return f.Lookup(name) != nil && f.Changed(name) }
	if set("max-pages") {
		cc.MaxPages, _ = f.GetInt("max-pages")
	}
	if set("max-depth") {
		cc.MaxDepth, _ = f.GetInt("max-depth")
	}
	if set("concurrency") {
		cc.Concurrency, _ = f.GetInt("concurrency")
	}
	if d, ok := durationFlag(cmd, "delay"); ok {
		if d < 0 {
			return cc, usagef("--delay must not be negative")
		}
		cc.Delay = d
	}
	if set("allow-private") {
		cc.AllowPrivate, _ = f.GetBool("allow-private")
	}
	if set("user-agent") {
		cc.UserAgent, _ = f.GetString("user-agent")
	}
	if set("max-per-host") {
		cc.MaxPagesPerHost, _ = f.GetInt("max-per-host")
	}
	if set("max-body") {
		v, _ := f.GetString("max-body")
		n, err := config.ParseByteSize(v)
		if err != nil || n <= 0 {
			return cc, usagef("--max-body %q: want a positive size such as 10MiB", v)
		}
		cc.MaxBodySize = int64(n)
	}
	if d, ok := durationFlag(cmd, "timeout"); ok {
		if d <= 0 {
			return cc, usagef("--timeout must be positive")
		}
		cc.Timeout = d
	}
	for _, n := range []string{"max-pages", "max-depth", "max-per-host", "concurrency"} {
		if set(n) {
			if v, _ := f.GetInt(n); v < 0 {
				return cc, usagef("--%s must not be negative", n)
			}
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
