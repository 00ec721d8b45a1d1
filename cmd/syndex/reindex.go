package main

import (
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/syndex/syndex/archive"
	"github.com/syndex/syndex/cmd/syndex/internal/cli"
	"github.com/syndex/syndex/config"
	"github.com/syndex/syndex/internal/memlimit"
	"github.com/syndex/syndex/internal/plural"
	"github.com/syndex/syndex/internal/progress"
)

// newReindexCommand builds `syndex reindex`.
func newReindexCommand(g *cli.Globals) *cobra.Command {
	return &cobra.Command{
		Use:     "reindex",
		Short:   "Rebuild the Bleve search index from the store",
		Long:    "Rebuild the Bleve search index from the store in one pass (a bulk build: large segments,\nmerged once at the end, one segment per shard). On a terminal a progress bar shows it.",
		Example: `  syndex reindex --data ./syndex-data`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			// The build's heap is held under the soft limit the
			// imports use (internal/memlimit, floor importMemoryLimit);
			// GOMEMLIMIT, when set, wins. Without it a rebuild of the
			// 27k-article archive of a 1 GiB WARC peaked at 646,748 kB,
			// with it at 497,308.
			floor, _ := config.ParseByteSize(importMemoryLimit)
			defer memlimit.Start(int64(floor))()
			ctx, cancel := cli.SignalContext(cmd.Context())
			defer cancel()
			bar := progress.NewBars()
			defer bar.Finish()
			a, err := g.OpenArchive(ctx, archive.Options{Existing: true, Progress: bar.Update})
			if err != nil {
				return err
			}
			start := time.Now()
			if err := a.Reindex(ctx); err != nil {
				a.Close()
				return fmt.Errorf("reindex %s: %w", a.Dir, err)
			}
			bar.Finish()
			n, _ := a.Index.Count()
			fmt.Fprintf(os.Stderr, "reindexed %s from %s in %s\n", plural.N(int(n), "story", "stories"), plural.S(a.Store.Count(), "article"), time.Since(start).Round(time.Millisecond))
			return a.Close()
		},
	}
}
