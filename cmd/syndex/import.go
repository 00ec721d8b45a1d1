package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/syndex/syndex/archive"
	"github.com/syndex/syndex/article"
	"github.com/syndex/syndex/internal/plural"
)

func init() {
	cmd := &cobra.Command{
		Use:   "import --in FILE.jsonl | --warc PATH...",
		Short: "Add existing Articles (JSONL) or web archives (WARC, ARC, WACZ) to the archive: extract, dedup and index them",
		Example: `  syndex import --in articles.jsonl --data ./syndex-data
  syndex import --warc crawl.warc.gz more/ 'CC-NEWS-2024*.warc.gz' --sites outlets.txt --from 2024-01`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			in, _ := cmd.Flags().GetString("in")
			if warcs, _ := cmd.Flags().GetStringArray("warc"); len(warcs) > 0 {
				if in != "" {
					return usagef("import: --in and --warc cannot be used together")
				}
				return runImportWARC(cmd, append(warcs, args...))
			}
			if len(args) > 0 {
				return usagef("import: unexpected argument %q (web archives are given with --warc PATH...)", args[0])
			}
			if in == "" {
				return usagef("import: --in FILE.jsonl or --warc PATH... is required")
			}
			r, closeIn, err := input(in)
			if err != nil {
				return err
			}
			defer closeIn()
			ctx, cancel := signalContext(cmd.Context())
			defer cancel()
			a, err := openArchive(ctx, cmd)
			if err != nil {
				return err
			}
			n, readErr := archive.ReadJSONL(r, 500, func(batch []*article.Article) error {
				return a.Ingest(ctx, batch)
			})
			if err := a.Close(); err != nil && readErr == nil {
				readErr = err
			}
			fmt.Fprintf(os.Stderr, "imported %s into %s\n", plural.S(n, "article"), a.Dir)
			readErr = warnDuplicates("import "+in, readErr)
			if readErr != nil {
				return fmt.Errorf("import %s: %w", in, readErr)
			}
			return nil
		},
	}
	cmd.Flags().String("in", "", "Articles to import, JSONL (- for stdin)")
	addImportWARCFlags(cmd)
	rootCmd.AddCommand(cmd)
}
