package crawl

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/syndex/syndex/alert"
	"github.com/syndex/syndex/archive"
	"github.com/syndex/syndex/cmd/syndex/internal/cli"
	"github.com/syndex/syndex/config"
	"github.com/syndex/syndex/crawler"
	"github.com/syndex/syndex/schedule"
	"github.com/syndex/syndex/web"
)

// shutdownGrace bounds a clean shutdown after SIGINT/SIGTERM; past it the
// process exits 1 (the store and frontier are crash-safe, so the next
// start resumes as after kill -9).
const shutdownGrace = 9 * time.Second

// RunCommand builds `syndex run`.
func RunCommand(g *cli.Globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "run --config FILE [--addr HOST:PORT]",
		Short: "Scheduled mode: crawl each source on its schedule until SIGINT/SIGTERM",
		Long: `Crawl each configured source on its schedule until SIGINT or SIGTERM: feeds, sitemaps
and seeds are polled on "schedule", known pages are re-checked with conditional GET on an
adaptive interval, and the whole source is re-crawled on "recrawl". New and changed articles
are extracted, deduplicated and indexed as they arrive.

While it runs, the process serves the web UI, the archive's read API, /metrics (Prometheus)
and /healthz on serve.addr (or --addr), and writes that address to api.addr in the archive,
so that search, report, export and serve on the same archive go through it.`,
		Example: `  syndex run --config syndex.yaml
  syndex run --config syndex.yaml --addr 127.0.0.1:9100 --log-level info`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runScheduled(cmd, g) },
	}
	config.AddFlags(cmd.Flags(), "serve.addr")
	return cmd
}

// runScheduled runs the configured sources on their schedules, serving
// the UI, the read API and /metrics, until SIGINT/SIGTERM; then it flushes
// the archive.
func runScheduled(cmd *cobra.Command, g *cli.Globals) error {
	c, opt, err := scheduledConfig(cmd, g)
	if err != nil {
		return err
	}
	defer followHeap()()
	logInfo(g)
	dir := g.DataDir()
	ctx, cancel := cli.SignalContext(cmd.Context())
	defer cancel()
	defer boundShutdown(ctx)()
	if err := checkScheduledSeeds(ctx, c, dir); err != nil {
		return err
	}
	a, err := archive.Open(ctx, dir, opt)
	if err != nil {
		return fmt.Errorf("run: %w", err)
	}
	closed := false
	defer func() {
		if !closed {
			a.Close()
		}
	}()
	runner := schedule.NewRunner(a, c.ForSchedule(dir), slog.Default())
	alerts, err := startAlerts(ctx, a, c)
	if err != nil {
		return err
	}
	api, err := serveScheduled(a, c, runner)
	if err != nil {
		return err
	}
	base, apiBase := api.Base, api.API
	slog.Info("syndex run started", "archive", a.Dir, "sources", len(c.Sources), "addr", base, "api", apiBase, "pid", os.Getpid())
	fmt.Fprintf(os.Stderr, "syndex run: %d sources into %s; UI, API and /metrics on %s (SIGINT/SIGTERM to stop)\n", len(c.Sources), a.Dir, base)

	if err := runUntilStopped(ctx, cancel, runner, api, alerts); err != nil {
		return err
	}
	closed = true
	if err := a.Close(); err != nil {
		return fmt.Errorf("run: close archive %s: %w", a.Dir, err)
	}
	fmt.Fprintln(os.Stderr, "syndex run: stopped; archive flushed")
	return nil
}

// logInfo logs at level info on stderr, as a long-running `syndex run`
// does, unless --log-level was given.
func logInfo(g *cli.Globals) {
	if !g.LogLevelSet {
		slog.SetDefault(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo})))
	}
}

// scheduledConfig is the configuration `syndex run` needs: a file (run
// has no flags for sources) with sources, --addr applied.
func scheduledConfig(cmd *cobra.Command, g *cli.Globals) (*config.Config, archive.Options, error) {
	path, _ := g.ConfigPath()
	if path == "" {
		return nil, archive.Options{}, cli.Usagef("run: no configuration: give --config FILE, set $%s or put %s in the working directory (see `syndex config example`)", cli.ConfigEnv, cli.DefaultConfigFile)
	}
	c, opt, err := g.ConfigArchive()
	if err != nil {
		return nil, opt, err
	}
	if len(c.Sources) == 0 {
		return nil, opt, cli.Usagef("run: %s has no sources", path)
	}
	if err := c.ApplyFlags(cmd.Flags(), "serve.addr"); err != nil {
		return nil, opt, cli.AsUsage(fmt.Errorf("run: %w", err))
	}
	return c, opt, nil
}

// boundShutdown makes a shutdown that hangs exit the process
// shutdownGrace after ctx ends; the returned function disarms it.
func boundShutdown(ctx context.Context) (disarm func() bool) {
	return context.AfterFunc(ctx, func() {
		time.AfterFunc(shutdownGrace, func() {
			fmt.Fprintf(os.Stderr, "syndex: run: shutdown took longer than %s; exiting (the next start resumes)\n", shutdownGrace)
			os.Exit(1)
		})
	})
}

// checkScheduledSeeds checks every source's seeds before anything is
// opened (crawler.CheckSeeds); a bad one is a usage error naming its
// source.
func checkScheduledSeeds(ctx context.Context, c *config.Config, dir string) error {
	for _, src := range c.ForSchedule(dir) {
		if err := crawler.CheckSeeds(ctx, src.Crawl); err != nil {
			return cli.AsUsage(fmt.Errorf("run: source %s: %w", src.Name, err))
		}
	}
	return nil
}

// serveScheduled listens on serve.addr and serves the UI and the read API
// with the runner's /metrics and /healthz.
func serveScheduled(a *archive.Archive, c *config.Config, runner *schedule.Runner) (*web.ReadAPI, error) {
	addr := c.Serve.Addr
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, cli.Usagef("run: listen on %s: %v (set serve.addr or --addr; port 0 picks a free port)", addr, err)
	}
	api, err := web.ServeReadAPI(a.Dir, ln, web.ArchiveHandler(a, c.Collections, map[string]http.Handler{
		"/metrics": runner.Handler(), "/healthz": runner.Handler()}))
	if err != nil {
		return nil, fmt.Errorf("run: %w", err)
	}
	return api, nil
}

// runUntilStopped runs the sources until ctx ends (SIGINT/SIGTERM) or the
// server fails, then stops taking work, serving and alerting.
func runUntilStopped(ctx context.Context, cancel context.CancelFunc, runner *schedule.Runner, api *web.ReadAPI, alerts *alert.Background) error {
	runErr := make(chan error, 1)
	go func() { runErr <- runner.Run(ctx) }()
	select {
	case err := <-api.Failed():
		cancel()
		<-runErr
		alerts.Stop()
		api.Close()
		return fmt.Errorf("run: serve %s: %w", api.Base, err)
	case <-runErr:
	}
	// Stop taking work (done: ctx is cancelled and every run returned),
	// then stop serving; the caller flushes the archive.
	api.Close()
	// ctx is cancelled: evaluation and deliveries stop
	if err := alerts.Stop(); err != nil {
		slog.Warn("close alert files", "err", err)
	}
	return nil
}

// startAlerts starts evaluating the config's alert rules in the
// background of `syndex run`, until ctx ends; without rules it does
// nothing.
func startAlerts(ctx context.Context, a *archive.Archive, c *config.Config) (*alert.Background, error) {
	bg, err := alert.Start(ctx, a, c.Alerts, c.Collections)
	if err != nil {
		return nil, cli.AsUsage(fmt.Errorf("run: %w", err))
	}
	if ev := bg.Evaluator(); ev != nil {
		slog.Info("alerts on", "rules", ev.Describe(), "file", ev.Path())
	}
	return bg, nil
}
