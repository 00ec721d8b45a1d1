package main

import (
	"errors"
	"fmt"
	"os"
	"slices"

	"github.com/spf13/cobra"

	"github.com/syndex/syndex/config"
	"github.com/syndex/syndex/crawler"
	"github.com/syndex/syndex/dedup"
	"github.com/syndex/syndex/extract"
)

// defaultConfigFile is checked by `syndex config check` when neither an
// argument nor --config names a file.
const defaultConfigFile = "syndex.yaml"

var configCheckCmd = &cobra.Command{
	Use:   "check [FILE]",
	Short: "Validate a config file; every problem is listed with file, line and field",
	Long: "Validate a config file (default: --config, else ./syndex.yaml). Exit 0 when it is valid,\n" +
		"2 with one line per problem (file:line: field: problem) when it is not.",
	Args: cobra.MaximumNArgs(1),
	RunE: func(cmd *cobra.Command, args []string) error {
		path, _ := cmd.Flags().GetString("config")
		if len(args) == 1 {
			path = args[0]
		}
		if path == "" {
			path = defaultConfigFile
		}
		c, err := config.Load(path)
		if err != nil {
			var ce *config.Error
			if errors.As(err, &ce) && len(ce.Problems) > 1 {
				for _, p := range ce.Problems[1:] {
					fmt.Fprintln(cmd.ErrOrStderr(), p)
				}
			}
			return asUsage(err)
		}
		fmt.Fprintf(cmd.OutOrStdout(), "%s: ok (%d sources)\n", path, len(c.Sources))
		return nil
	},
}

var configExampleCmd = &cobra.Command{
	Use:   "example",
	Short: "Print a commented example config (valid as is)",
	Args:  cobra.NoArgs,
	RunE: func(cmd *cobra.Command, args []string) error {
		_, err := fmt.Fprint(cmd.OutOrStdout(), config.Example())
		return err
	},
}

func init() {
	configCmd.AddCommand(configCheckCmd, configExampleCmd)
}

// loadConfig returns the --config file's configuration, or the defaults when
// no file is given. A bad or missing file is a usage error (exit 2).
func loadConfig(cmd *cobra.Command) (*config.Config, error) {
	path, _ := cmd.Flags().GetString("config")
	if path == "" {
		return config.Default(), nil
	}
	if _, err := os.Stat(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, asUsage(fmt.Errorf("config file %s: %w", path, err))
	}
	c, err := config.Load(path)
	return c, asUsage(err)
}

// fileDedupConfig applies the file's dedup overrides to dedup's tuned defaults.
func fileDedupConfig(c *config.Config) dedup.Config {
	d := dedup.DefaultConfig()
	if c.Dedup.Shingle > 0 {
		d.Shingle = c.Dedup.Shingle
	}
	if c.Dedup.Containment > 0 {
		d.Containment = c.Dedup.Containment
	}
	if c.Dedup.Jaccard > 0 {
		d.Jaccard = c.Dedup.Jaccard
	}
	if c.Dedup.MinShared > 0 {
		d.MinShared = c.Dedup.MinShared
	}
	return d
}

// fileExtractOptions maps the file's extract settings (site profiles) onto
// extract.Options; without profiles in the file there are none.
func fileExtractOptions(c *config.Config) (extract.Options, error) {
	var opt extract.Options
	if len(c.Extract.SiteProfiles) == 0 {
		return opt, nil
	}
	opt.SiteProfiles = make(map[string]extract.SiteProfile, len(c.Extract.SiteProfiles))
	for site, p := range c.Extract.SiteProfiles {
		src, err := extract.ParseTitleSource(p.Title)
		if err != nil {
			return extract.Options{}, usagef("config extract.site_profiles[%q].title: %v", site, err)
		}
		opt.SiteProfiles[site] = extract.SiteProfile{Title: src}
	}
	return opt, nil
}

// fileCrawlerConfig maps the file's crawl settings, and src's seeds,
// feeds, sitemaps and overrides when src is not nil, onto a
// crawler.Config. With discover: false the crawler reads only the listed
// feeds and sitemaps, not robots.txt Sitemap: lines, /sitemap.xml or
// <link rel=alternate>.
func fileCrawlerConfig(c *config.Config, src *config.Source) crawler.Config {
	cc := crawler.Config{
		UserAgent:       c.UserAgentString(),
		Delay:           c.Crawl.Delay.D(),
		MaxPages:        c.Crawl.MaxPages,
		MaxPagesPerHost: c.Crawl.PerHostBudget,
		MaxDepth:        c.Crawl.MaxDepth,
		MaxBodySize:     int64(c.Crawl.BodyCap),
		Timeout:         c.Crawl.Timeout.D(),
		AllowPrivate:    c.Crawl.AllowPrivate,
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
