package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/syndex/syndex/archive"
	"github.com/syndex/syndex/internal/plural"
)

func init() {
	rootCmd.AddCommand(&cobra.Command{
		Use:     "reindex",
		Short:   "Rebuild the Bleve search index from the store",
		Example: `  syndex reindex --data ./syndex-data`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, cancel := signalContext(cmd.Context())
			defer cancel()
			a, err := archive.Open(ctx, dataDir(cmd), archive.Options{Existing: true})
			if err != nil {
				return err
			}
			if err := a.Reindex(ctx); err != nil {
				a.Close()
				return fmt.Errorf("reindex %s: %w", a.Dir, err)
			}
			n, _ := a.Index.Count()
			fmt.Fprintf(os.Stderr, "reindexed %s from %s\n", plural.N(int(n), "story", "stories"), plural.S(a.Store.Count(), "article"))
			return a.Close()
		},
	})
}
