package crawl

import (
	"bufio"
	"os"
	"slices"
	"strings"

	"github.com/spf13/pflag"

	"github.com/syndex/syndex/article"
	"github.com/syndex/syndex/cmd/syndex/internal/cli"
	"github.com/syndex/syndex/config"
	"github.com/syndex/syndex/crawler"
)

// crawlKeys are the settings `syndex crawl` takes flags for.
var crawlKeys = []string{"user_agent", "crawl.delay", "crawl.max_pages", "crawl.per_host_budget",
	"crawl.max_depth", "crawl.max_feeds_per_host", "crawl.body_cap", "crawl.timeout", "crawl.allow_private", "crawl.proxy",
	"crawl.include", "crawl.exclude"}

// workerKeys are the settings `syndex worker` takes flags for.
var workerKeys = []string{"crawl.max_pages", "crawl.delay", "crawl.allow_private", "crawl.max_feeds_per_host"}

// crawlOptions are the crawl flags of crawl and worker: the flags of some
// settings (keys; --include and --exclude add to the file's patterns),
// --seed, and --seed-file or --concurrency where the command has them.
type crawlOptions struct {
	keys        []string
	Seeds       []string
	SeedFiles   []string
	Concurrency int

	concurrencySet bool
}

// crawlSettings merges the config file's crawl settings and every source's
// scope (config.ForAllSources) with the crawl flags. Every seed, feed and sitemap must be an
// absolute URL.
func (o *crawlOptions) crawlSettings(f *pflag.FlagSet, c *config.Config) (crawler.Config, error) {
	if err := c.ApplyFlags(f, o.keys...); err != nil {
		return crawler.Config{}, cli.AsUsage(err)
	}
	cc := c.ForAllSources()
	cc.Seeds = append(cc.Seeds, o.Seeds...)
	for _, file := range o.SeedFiles {
		seeds, err := readSeedFile(file)
		if err != nil {
			return cc, err
		}
		cc.Seeds = append(cc.Seeds, seeds...)
	}
	if err := checkSeeds(cc); err != nil {
		return cc, err
	}
	if o.concurrencySet {
		cc.Concurrency = o.Concurrency
		if cc.Concurrency < 0 {
			return cc, cli.Usagef("--concurrency must not be negative")
		}
	}
	return cc, nil
}

// checkSeeds requires a seed, feed or sitemap, each an absolute URL.
func checkSeeds(cc crawler.Config) error {
	if len(cc.Seeds)+len(cc.Feeds)+len(cc.Sitemaps) == 0 {
		return cli.Usagef("no seeds: give --seed URL or a --config whose sources list seeds, feeds or sitemaps")
	}
	for _, s := range append(append(slices.Clone(cc.Seeds), cc.Feeds...), cc.Sitemaps...) {
		if article.SiteOf(s) == "" {
			return cli.Usagef("seed %q is not an absolute URL", s)
		}
		if _, err := crawler.Canonicalize(s); err != nil {
			return cli.Usagef("seed %q: %v", s, err)
		}
	}
	return nil
}

// readSeedFile reads start URLs, one per line; blank lines and lines
// starting with # are skipped. A line that is not an absolute URL is an
// error naming the file and line.
func readSeedFile(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, cli.Usagef("--seed-file: %v", err)
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
			return nil, cli.Usagef("%s:%d: %q is not an absolute URL", path, n, line)
		}
		seeds = append(seeds, line)
	}
	if err := sc.Err(); err != nil {
		return nil, cli.Usagef("--seed-file %s: %v", path, err)
	}
	return seeds, nil
}
