package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/syndex/syndex/archive"
	"github.com/syndex/syndex/cmd/syndex/internal/cli"
	"github.com/syndex/syndex/internal/memlimit"
	"github.com/syndex/syndex/internal/plural"
	"github.com/syndex/syndex/internal/progress"
)

// jsonlMemoryLimit is the floor of the heap limit of import --in when
// --memory-limit is not given: below importMemoryLimit because the JSONL
// import runs the collector at importGCPercent, which lets the heap reach
// the limit (a 20k-article import peaked at 392 MiB with 320MiB, 364–373
// MiB with 288MiB).
const jsonlMemoryLimit = "288MiB"

// importOptions are the import command's flags.
type importOptions struct {
	In    string
	Batch int
	warcOptions
}

// AddFlags defines the options' flags on f.
func (o *importOptions) AddFlags(f *pflag.FlagSet) {
	f.StringVar(&o.In, "in", "", "Articles to import, JSONL (- for stdin)")
	o.warcOptions.AddFlags(f)
	f.IntVar(&o.Batch, "batch", archive.DefaultImportBatch, "articles stored per transaction")
}

// newImportCommand builds `syndex import`.
func newImportCommand(g *cli.Globals) *cobra.Command {
	var opts importOptions
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
			if len(opts.WARC) > 0 {
				if opts.In != "" {
					return cli.Usagef("import: --in and --warc cannot be used together")
				}
				return runImportWARC(cmd, g, opts, append(opts.WARC, args...))
			}
			if len(args) > 0 {
				return cli.Usagef("import: unexpected argument %q (web archives are given with --warc PATH...)", args[0])
			}
			return runImport(cmd, g, opts)
		},
	}
	opts.AddFlags(cmd.Flags())
	return cmd
}

// runImport adds the Articles of --in to the archive as a bulk load.
func runImport(cmd *cobra.Command, g *cli.Globals, o importOptions) error {
	in, batch := o.In, o.Batch
	memLimit, err := o.checkJSONL(cmd)
	if err != nil {
		return err
	}
	r, closeIn, err := cli.Input(in)
	if err != nil {
		return err
	}
	defer closeIn()
	// The soft limit on the Go heap follows the dedup index as it grows
	// (internal/memlimit): --memory-limit is its floor. GOMEMLIMIT, when
	// set, wins.
	defer memlimit.Start(memLimit)()
	// The collector's pace is that of the web archive import (GOGC in the
	// environment wins): at the default (100) it ran at twice a live heap
	// far below the limit while the index was built from Bleve's
	// short-lived analysis garbage, about an eighth of the import's CPU.
	// At 200 the limit bounds the heap instead, hence its lower floor.
	if os.Getenv("GOGC") == "" {
		defer debug.SetGCPercent(debug.SetGCPercent(importGCPercent))
	}
	ctx, cancel := cli.SignalContext(cmd.Context())
	defer cancel()
	bar := progress.NewBars()
	defer bar.Finish()
	a, err := g.OpenArchive(ctx, archive.Options{Progress: bar.Update})
	if err != nil {
		return err
	}
	start := time.Now()
	st, importErr := a.ImportJSONL(ctx, bar.Reader(r, inputSize(r), "reading"), batch)
	if err := a.Close(); err != nil {
		importErr = errors.Join(importErr, err)
	}
	bar.Finish()
	printJSONLImport(st, a.Dir, time.Since(start))
	importErr = cli.WarnDuplicates("import "+in, importErr)
	if importErr != nil {
		return fmt.Errorf("import %s: %w", in, importErr)
	}
	return nil
}

// checkJSONL checks the options of an import of JSONL and returns its
// memory limit (--memory-limit, or the JSONL import's default).
func (o importOptions) checkJSONL(cmd *cobra.Command) (int64, error) {
	if o.In == "" {
		return 0, cli.Usagef("import: --in FILE.jsonl or --warc PATH... is required")
	}
	if o.Batch < 1 {
		return 0, cli.Usagef("import: --batch must be at least 1")
	}
	lim := o.MemLimit
	if !cmd.Flags().Changed("memory-limit") {
		lim = jsonlMemoryLimit
	}
	return parseMemoryLimit(lim)
}

// printJSONLImport prints the line that ends an import of JSONL: what was
// stored and skipped, in how long.
func printJSONLImport(st archive.JSONLStats, dir string, took time.Duration) {
	fmt.Fprintf(os.Stderr, "imported %s into %s in %s (%.0f articles/s)", plural.S(st.Stored, "article"), dir, took.Round(time.Millisecond), float64(st.Stored)/took.Seconds())
	if st.Bad > 0 {
		fmt.Fprintf(os.Stderr, "; %s skipped", plural.S(st.Bad, "bad line"))
	}
	fmt.Fprintln(os.Stderr)
}

// inputSize is the size of a regular file input, else -1 (unknown).
func inputSize(r io.Reader) int64 {
	if f, ok := r.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() {
			return fi.Size()
		}
	}
	return -1
}
