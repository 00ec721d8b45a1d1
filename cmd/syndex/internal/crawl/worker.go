package crawl

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/syndex/syndex/cmd/syndex/internal/cli"
	"github.com/syndex/syndex/config"
	"github.com/syndex/syndex/crawler"
	"github.com/syndex/syndex/extract"
	"github.com/syndex/syndex/stream"
)

// frontierEnv names the environment variable --frontier falls back to.
const frontierEnv = "SYNDEX_FRONTIER"

// sharedTarget returns the Redis frontier URL (see frontierURL) and the
// --namespace that worker and index share, both checked.
func (s sharedOptions) target(g *cli.Globals) (furl, ns string, err error) {
	if furl, err = s.frontierURL(g); err != nil {
		return "", "", err
	}
	ns = s.Namespace
	if ns == "" || strings.ContainsAny(ns, "{}") {
		return "", "", cli.Usagef("--namespace %q: must be non-empty and without braces", ns)
	}
	return furl, ns, nil
}

// frontierURL returns --frontier, else $SYNDEX_FRONTIER, else the config
// file's frontier; it is required.
func (s sharedOptions) frontierURL(g *cli.Globals) (string, error) {
	u := s.Frontier
	if u == "" {
		u = os.Getenv(frontierEnv)
	}
	if u == "" {
		c, err := g.LoadConfig()
		if err != nil {
			return "", err
		}
		u = c.Frontier
	}
	if u == "" {
		return "", cli.Usagef("--frontier redis://HOST:PORT is required (or $%s)", frontierEnv)
	}
	if _, err := crawler.ParseRedisURL(u); err != nil {
		return "", cli.AsUsage(err)
	}
	return u, nil
}

// sharedOptions are the flags worker and index share: the Redis frontier
// and the namespace.
type sharedOptions struct {
	Frontier  string
	Namespace string
}

// workerOptions are the worker command's flags.
type workerOptions struct {
	sharedOptions
	crawlOptions
	Name  string
	Lease time.Duration
	Reset bool
}

// WorkerCommand builds `syndex worker`.
func WorkerCommand(g *cli.Globals) *cobra.Command {
	opts := workerOptions{crawlOptions: crawlOptions{keys: workerKeys}}
	cmd := &cobra.Command{
		Use:   "worker --frontier redis://HOST:PORT [--namespace NAME] [--seed URL]... [--config FILE] [--concurrency N] [--lease DUR]",
		Short: "Crawl as one of several workers sharing a Redis frontier; articles go to the indexer's stream",
		Long: "Crawl as one of several workers (on one or many machines) that share a frontier, seen set,\n" +
			"robots.txt cache and per-host politeness in Redis. The worker's --data directory holds only its\n" +
			"own WARC files and fetch log; extracted articles are published to the namespace's Redis Stream\n" +
			"for `syndex index`. The worker exits when no URL is queued or being fetched by any worker.\n" +
			"Page budgets (--max-pages, the config's per-host budget), host parking after repeated failures\n" +
			"and the robots.txt cache are kept in Redis and hold for all workers together. Starting workers\n" +
			"again after a finished crawl begins a new pass: seeds, feeds and sitemaps are fetched again\n" +
			"with conditional GET (a 304 is archived as a WARC revisit); --reset starts from scratch instead.",
		Example: `  syndex worker --frontier redis://10.0.0.5:6379/0 --data /var/syndex/w1 --config syndex.yaml
  syndex worker --frontier redis://127.0.0.1:6379 --namespace news --seed https://example.org/ --data w2`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return runWorker(cmd, g, opts) },
	}
	f := cmd.Flags()
	f.StringVar(&opts.Frontier, "frontier", "", "Redis holding the shared frontier: redis://HOST:PORT[/DB] (default $"+frontierEnv+")")
	f.StringVar(&opts.Namespace, "namespace", "default", "separates crawls sharing one Redis")
	f.StringVar(&opts.Name, "name", "", "this worker's name in host leases (default host-pid-random)")
	f.DurationVar(&opts.Lease, "lease", 30*time.Second, "host lease lifetime; a dead worker's hosts return to the others after it")
	f.BoolVar(&opts.Reset, "reset", false, "clear the namespace's frontier first (start a new crawl; only when no worker runs)")
	f.StringArrayVar(&opts.Seeds, "seed", nil, "start URL (repeatable); its host is in scope")
	config.AddFlags(f, workerKeys...)
	cli.IntVarGiven(f, &opts.Concurrency, &opts.concurrencySet, "concurrency", 0, fmt.Sprintf("hosts this worker fetches from at once (default %d)", crawler.DefaultConcurrency))
	return cmd
}

// runWorker crawls as one of the workers sharing a Redis frontier.
func runWorker(cmd *cobra.Command, g *cli.Globals, o workerOptions) error {
	furl, ns, err := o.target(g)
	if err != nil {
		return err
	}
	c, opt, err := g.ConfigArchive()
	if err != nil {
		return err
	}
	cc, err := o.crawlSettings(cmd.Flags(), c)
	if err != nil {
		return err
	}
	defer followHeap()()
	if err := o.checkScope(cc); err != nil {
		return err
	}
	ctx, cancel := cli.SignalContext(cmd.Context())
	defer cancel()
	if err := crawler.CheckSeeds(ctx, cc); err != nil {
		return cli.AsUsage(fmt.Errorf("worker: %w", err))
	}
	fr, err := o.openFrontier(ctx, furl, ns)
	if err != nil {
		return err
	}
	defer fr.Close()
	w, err := stream.NewWorker(fr, g.DataDir(), cc, extract.New(opt.Extract))
	var ce *stream.ConfigError
	if errors.As(err, &ce) {
		return cli.AsUsage(ce.Err)
	}
	if err != nil {
		return err
	}
	return work(ctx, w, fr)
}

// work runs the worker w on the shared frontier fr until the crawl ends
// or ctx is cancelled, and prints what it did.
func work(ctx context.Context, w *stream.Worker, fr *crawler.SharedFrontier) error {
	start := time.Now()
	stats, crawlErr := w.Run(ctx)
	fmt.Fprintf(os.Stderr, "worker %s: crawled %d pages (%d requests, %d errors, %d robots-denied) → %d articles published to %s in %s\n",
		fr.Worker(), stats.Pages, stats.Requests, stats.Errors, stats.RobotsDenied, stats.Published, stream.Key(fr.Namespace()), time.Since(start).Round(time.Millisecond))
	if crawlErr != nil && ctx.Err() == nil {
		return fmt.Errorf("worker: %w", crawlErr)
	}
	return nil
}

// checkScope refuses a worker without seeds, feeds or sitemaps (every
// worker needs the same scope) or with a lease that is not positive.
func (o workerOptions) checkScope(cc crawler.Config) error {
	if len(cc.Seeds)+len(cc.Feeds)+len(cc.Sitemaps) == 0 {
		return cli.Usagef("no seeds: give --seed URL or sources in --config (every worker needs the same scope)")
	}
	if o.Lease <= 0 {
		return cli.Usagef("--lease must be positive")
	}
	return nil
}

// openFrontier opens the shared frontier of namespace ns at furl as this
// worker, cleared first with --reset. An unreachable Redis is a runtime
// failure, not a usage error.
func (o workerOptions) openFrontier(ctx context.Context, furl, ns string) (*crawler.SharedFrontier, error) {
	fr, err := crawler.OpenShared(ctx, furl, crawler.SharedOptions{Namespace: ns, Worker: o.Name, LeaseTTL: o.Lease})
	if err != nil {
		return nil, err
	}
	if o.Reset {
		if err := fr.Reset(ctx); err != nil {
			fr.Close()
			return nil, err
		}
	}
	return fr, nil
}
