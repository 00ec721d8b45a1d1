package main

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"slices"

	"github.com/spf13/cobra"

	"github.com/syndex/syndex/config"
	"github.com/syndex/syndex/crawler"
	"github.com/syndex/syndex/dedup"
	"github.com/syndex/syndex/extract"
)

// defaultConfigFile is the configuration every command reads when neither
// --config nor $SYNDEX_CONFIG names one and it exists in the working
// directory.
const defaultConfigFile = "syndex.yaml"

// configEnv names a configuration file when --config is not given.
const configEnv = "SYNDEX_CONFIG"

// configPath is the one discovery rule of every command: --config FILE,
// else $SYNDEX_CONFIG, else ./syndex.yaml when it exists, else none (the
// built-in defaults). named reports whether the user named the file
// (flag or environment), so that a missing named file is an error while a
// missing ./syndex.yaml is not.
func configPath(cmd *cobra.Command) (path string, named bool) {
	if p, _ := cmd.Flags().GetString("config"); p != "" {
		return p, true
	}
	if p := os.Getenv(configEnv); p != "" {
		return p, true
	}
	if _, err := os.Stat(defaultConfigFile); err == nil {
		return defaultConfigFile, false
	}
	return "", false
}

var configCheckCmd = &cobra.Command{
	Use:   "check [FILE]",
	Short: "Validate a config file; every problem is listed with file, line and field",
	Long: "Validate a config file (default: --config, else $SYNDEX_CONFIG, else ./syndex.yaml, the file\n" +
		"every command reads). Exit 0 when it is valid, 2 with one line per problem\n" +
		"(file:line: field: problem) when it is not.",
	Args: cobra.MaximumNArgs(1),
	RunE: func(cmd *cobra.Command, args []string) error {
		path, _ := configPath(cmd)
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

// withoutConfig lists the commands that read no configuration: they work
// the same anywhere, whatever ./syndex.yaml says (the demo builds its own
// archive; config check reads the file it is given).
var withoutConfig = map[string]bool{
	"syndex demo": true, "syndex version": true, "syndex config": true,
	"syndex help": true, "syndex completion": true, "syndex man": true,
}

// resolveConfig applies the discovered configuration's archive directory
// to every command that reads configuration (flags and $SYNDEX_DATA still
// win), and stops a command whose configuration is broken before it
// starts. It runs before every command.
func resolveConfig(cmd *cobra.Command) error {
	for c := cmd; c != nil; c = c.Parent() {
		if withoutConfig[c.CommandPath()] {
			return nil
		}
	}
	if cmd.Flags().Lookup("data") == nil {
		return nil
	}
	c, err := loadConfig(cmd)
	if err != nil {
		return err
	}
	if c.Data != "" && !cmd.Flags().Changed("data") && os.Getenv("SYNDEX_DATA") == "" {
		return cmd.Flags().Set("data", c.Data)
	}
	return nil
}

// loadConfig returns the configuration configPath finds, or the defaults
// when there is none. A bad file, or a missing one the user named, is a
// usage error (exit 2).
func loadConfig(cmd *cobra.Command) (*config.Config, error) {
	path, named := configPath(cmd)
	if path == "" {
		return config.Default(), nil
	}
	if !named {
		slog.Info("using the configuration in the working directory", "file", path)
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
	ua := c.UserAgentString()
	if c.Contact == "" && c.UserAgent == config.Default().UserAgent {
		ua = "" // the crawler's default names syndex, its version and a contact URL
	}
	cc := crawler.Config{
		UserAgent:       ua,
		Delay:           c.Crawl.Delay.D(),
		MaxPages:        c.Crawl.MaxPages,
		MaxPagesPerHost: c.Crawl.PerHostBudget,
		MaxDepth:        c.Crawl.MaxDepth,
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
