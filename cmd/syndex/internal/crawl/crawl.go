package crawl

import (
	"context"
	"fmt"
	"net"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/syndex/syndex/alert"
	"github.com/syndex/syndex/archive"
	"github.com/syndex/syndex/cmd/syndex/internal/cli"
	"github.com/syndex/syndex/config"
	"github.com/syndex/syndex/crawler"
	"github.com/syndex/syndex/internal/progress"
	"github.com/syndex/syndex/web"
)

// serveDuringCrawl serves the archive's web UI and read API on addr
// while the crawl runs (nil for "off", or when it cannot listen: readers
// then wait for the crawl).
func serveDuringCrawl(a *archive.Archive, addr string, collections map[string][]string) *web.ReadAPI {
	if addr == "off" {
		return nil
	}
	ln, err := net.Listen("tcp", addr)
	var api *web.ReadAPI
	if err != nil {
		err = fmt.Errorf("listen on %s: %w", addr, err)
	} else {
		api, err = web.ServeReadAPI(a.Dir, ln, web.ArchiveHandler(a, collections, nil))
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "syndex: crawl: warning: no read API (%v); readers of %s must wait for the crawl\n", err, a.Dir)
		return nil
	}
	fmt.Fprintf(os.Stderr, "crawling into %s; web UI and read API on %s while it runs\n", a.Dir, api.Base)
	return api
}

// crawlCmdOptions are the crawl command's flags.
type crawlCmdOptions struct {
	crawlOptions
	Addr string
}

// Command builds `syndex crawl`.
func Command(g *cli.Globals) *cobra.Command {
	opts := crawlCmdOptions{crawlOptions: crawlOptions{keys: crawlKeys}}
	cmd := &cobra.Command{
		Use:   "crawl [--seed URL]... [--config FILE] [--max-pages N] [--delay DUR] [--allow-private]",
		Short: "One polite, resumable crawl pass; new articles are extracted, deduplicated and indexed",
		Example: `  syndex crawl --seed https://example.org/ --max-pages 500
  syndex crawl --config syndex.yaml
  syndex crawl --seed https://example.org/news/ --delay 2s`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return runCrawl(cmd, g, opts) },
	}
	f := cmd.Flags()
	f.StringArrayVar(&opts.Seeds, "seed", nil, "start URL (repeatable); its host is in scope")
	f.StringArrayVar(&opts.SeedFiles, "seed-file", nil, "file of start URLs, one per line (# comments); repeatable")
	config.AddFlags(f, crawlKeys...)
	f.StringVar(&opts.Addr, "addr", "127.0.0.1:0", "loopback address of the web UI and read API served while the crawl runs (port 0: a free one; written to api.addr); off: none")
	return cmd
}

// runCrawl runs one crawl pass with the settings of the flags and the
// config.
func runCrawl(cmd *cobra.Command, g *cli.Globals, opts crawlCmdOptions) error {
	c, opt, err := g.ConfigArchive()
	if err != nil {
		return err
	}
	cc, err := opts.crawlSettings(cmd.Flags(), c)
	if err != nil {
		return err
	}
	defer followHeap()()
	ctx, cancel := cli.SignalContext(cmd.Context())
	defer cancel()
	// A seed the crawl would refuse is a configuration error,
	// reported before anything is created.
	if err := crawler.CheckSeeds(ctx, cc); err != nil {
		return cli.AsUsage(fmt.Errorf("crawl: %w", err))
	}
	a, err := g.OpenArchive(ctx, opt)
	if err != nil {
		return err
	}
	return crawlPass(ctx, a, cc, c, opts.Addr)
}

// crawlPass crawls into a once with cc, serving the web UI and read API
// at addr meanwhile and firing the config's alerts, then closes a and
// prints what the pass did.
func crawlPass(ctx context.Context, a *archive.Archive, cc crawler.Config, c *config.Config, addr string) error {
	api := serveDuringCrawl(a, addr, c.Collections)
	alerts, err := alert.StartPass(ctx, a, c.Alerts, c.Collections)
	if err != nil {
		err = cli.AsUsage(fmt.Errorf("crawl: %w", err))
		a.Close()
		return err
	}
	start := time.Now()
	counts := &archive.PageCounts{}
	prog := progress.StartCrawl(os.Stderr, counts)
	stats, crawlErr := a.Crawl(ctx, cc, counts, prog.Attach)
	prog.Done()
	alerts.FinishPass(ctx, a)
	if api != nil {
		api.Close() // before the archive it reads
	}
	if err := a.Close(); err != nil && crawlErr == nil {
		crawlErr = err
	}
	fmt.Fprintf(os.Stderr, "crawled %d pages (%d requests, %d errors, %d robots-denied, %d queued for next run) → %d new or changed articles in %s; archive %s\n",
		stats.Pages, stats.Requests, stats.Errors, stats.RobotsDenied, stats.Queue, counts.Articles.Load(), time.Since(start).Round(time.Millisecond), a.Dir)
	if crawlErr != nil && ctx.Err() == nil {
		return fmt.Errorf("crawl: %w", crawlErr)
	}
	return nil
}
