package main

import (
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/syndex/syndex/archive"
	"github.com/syndex/syndex/config"
)

// defaultEvery is how often a source without a schedule is crawled.
const defaultEvery = time.Hour

func init() {
	cmd := &cobra.Command{
		Use:   "run [--config FILE]",
		Short: "Scheduled mode: crawl each source on its schedule until SIGINT/SIGTERM",
		Example: `  syndex run --config syndex.yaml
  syndex config example > syndex.yaml && syndex run --config syndex.yaml`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			path, _ := cmd.Flags().GetString("config")
			if path == "" {
				return usagef("run: --config FILE is required (see `syndex config example`)")
			}
			c, opt, err := configArchive(cmd)
			if err != nil {
				return err
			}
			if len(c.Sources) == 0 {
				return usagef("run: %s has no sources", path)
			}
			ctx, cancel := signalContext(cmd.Context())
			defer cancel()
			a, err := archive.Open(ctx, dataDir(cmd), opt)
			if err != nil {
				return err
			}
			defer a.Close()
			next := make([]time.Time, len(c.Sources)) // zero: due now
			for ctx.Err() == nil {
				now := time.Now()
				due, wait := -1, time.Duration(-1)
				for i, t := range next {
					if d := t.Sub(now); due < 0 || d < wait {
						due, wait = i, d
					}
				}
				if wait > 0 {
					select {
					case <-ctx.Done():
						continue
					case <-time.After(wait):
					}
				}
				src := &c.Sources[due]
				start := time.Now()
				counts := &archive.PageCounts{}
				st, err := a.Crawl(ctx, fileCrawlerConfig(c, src), counts, nil)
				if err != nil && ctx.Err() == nil {
					slog.Error("source run failed", "source", src.Name, "err", err)
				} else {
					slog.Info("source run done", "source", src.Name, "pages", st.Pages, "articles", counts.Articles.Load(), "took", time.Since(start).Round(time.Millisecond))
				}
				// A slow run delays the next one; runs never stack.
				next[due] = nextRun(src, time.Now())
			}
			fmt.Fprintln(os.Stderr, "syndex run: stopping; archive flushed")
			return nil
		},
	}
	rootCmd.AddCommand(cmd)
}

// nextRun is when a source should run again after a run that ended at t.
func nextRun(src *config.Source, t time.Time) time.Time {
	if !src.Schedule.IsZero() {
		return src.Schedule.Next(t)
	}
	if !src.Recrawl.IsZero() {
		return src.Recrawl.Next(t)
	}
	return t.Add(defaultEvery)
}
