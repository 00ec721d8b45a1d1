package main

import (
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/syndex/syndex/archive"
	"github.com/syndex/syndex/internal/plural"
)

func init() {
	cmd := &cobra.Command{
		Use:   "import --in FILE.jsonl | --warc PATH...",
		Short: "Add existing Articles (JSONL) or web archives (WARC, ARC, WACZ) to the archive: extract, dedup and index them",
		Long: `Add existing Articles (JSONL) to the archive as a bulk load: each batch of lines is
deduplicated and stored at once, and the search index is brought up to date at the end (built
in one pass when the archive had none). A bad line is reported with its number and skipped;
every good line is stored. On a terminal a progress bar shows the input read and the indexing.
With --warc, the HTML captures of web archives are extracted, deduplicated and indexed like a crawl.`,
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
			batch, _ := cmd.Flags().GetInt("batch")
			if batch < 1 {
				return usagef("import: --batch must be at least 1")
			}
			r, closeIn, err := input(in)
			if err != nil {
				return err
			}
			defer closeIn()
			ctx, cancel := signalContext(cmd.Context())
			defer cancel()
			bar := newBars()
			defer bar.finish()
			a, err := openArchive(ctx, cmd, archive.Options{Progress: bar.update})
			if err != nil {
				return err
			}
			size := int64(-1)
			if f, ok := r.(*os.File); ok {
				if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() {
					size = fi.Size()
				}
			}
			start := time.Now()
			st, importErr := a.ImportJSONL(ctx, bar.reader(r, size, "reading"), batch)
			if err := a.Close(); err != nil {
				importErr = errors.Join(importErr, err)
			}
			bar.finish()
			took := time.Since(start)
			fmt.Fprintf(os.Stderr, "imported %s into %s in %s (%.0f articles/s)", plural.S(st.Stored, "article"), a.Dir, took.Round(time.Millisecond), float64(st.Stored)/took.Seconds())
			if st.Bad > 0 {
				fmt.Fprintf(os.Stderr, "; %s skipped", plural.S(st.Bad, "bad line"))
			}
			fmt.Fprintln(os.Stderr)
			importErr = warnDuplicates("import "+in, importErr)
			if importErr != nil {
				return fmt.Errorf("import %s: %w", in, importErr)
			}
			return nil
		},
	}
	cmd.Flags().String("in", "", "Articles to import, JSONL (- for stdin)")
	addImportWARCFlags(cmd)
	cmd.Flags().Int("batch", archive.DefaultImportBatch, "articles stored per transaction")
	rootCmd.AddCommand(cmd)
}
