package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"regexp"
	"runtime"
	"runtime/debug"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/syndex/syndex/archive"
	"github.com/syndex/syndex/cmd/syndex/internal/cli"
	"github.com/syndex/syndex/config"
	"github.com/syndex/syndex/internal/memlimit"
	"github.com/syndex/syndex/internal/progress"
)

// importMemoryLimit is the default floor of the soft limit on the Go heap
// during an import (--memory-limit; see internal/memlimit).
const importMemoryLimit = "320MiB"

// importGCPercent is the collector's pace during an import of web
// archives (see runtime/debug.SetGCPercent).
const importGCPercent = 200

// warcOptions are the flags of `syndex import --warc`.
type warcOptions struct {
	WARC       []string
	URLInclude []string
	URLExclude []string
	From, To   string
	Sites      string
	Workers    int
	Again      bool
	MemLimit   string
}

// AddFlags defines the options' flags on f.
func (o *warcOptions) AddFlags(f *pflag.FlagSet) {
	f.StringArrayVar(&o.WARC, "warc", nil, "web archives to import: WARC, ARC or WACZ files, directories, globs (the arguments after it too)")
	f.StringArrayVar(&o.URLInclude, "url-include", nil, "import only captures whose URL matches this regular expression (repeatable: any)")
	f.StringArrayVar(&o.URLExclude, "url-exclude", nil, "skip captures whose URL matches this regular expression (repeatable)")
	f.StringVar(&o.From, "from", "", "import only captures made on or after this date (2024-05-31, 2024-05 or RFC 3339)")
	f.StringVar(&o.To, "to", "", "import only captures made up to this date (a date or month includes all of it)")
	f.StringVar(&o.Sites, "sites", "", "file of hosts to keep, one per line (subdomains included, # comments)")
	f.IntVar(&o.Workers, "workers", 0, "extractions at once (default: one per CPU)")
	f.BoolVar(&o.Again, "again", false, "read files already imported completely again")
	f.StringVar(&o.MemLimit, "memory-limit", importMemoryLimit, "soft limit on the Go heap (the collector works harder near it), a floor: raised to 1.5× the live heap as it grows (0: none; with --in 288MiB unless given); GOMEMLIMIT in the environment wins")
}

// importWARC checks the options and returns what they ask of
// archive.ImportWARC, but for where problems and progress go.
func (o importOptions) importWARC() (archive.WARCImport, error) {
	var opt archive.WARCImport
	var err error
	if opt.Include, err = compileAll("url-include", o.URLInclude); err != nil {
		return opt, err
	}
	if opt.Exclude, err = compileAll("url-exclude", o.URLExclude); err != nil {
		return opt, err
	}
	if opt.From, opt.To, err = cli.ParseRange(o.From, o.To); err != nil {
		return opt, err
	}
	if o.Sites != "" {
		if opt.Sites, err = readSites(o.Sites); err != nil {
			return opt, cli.AsUsage(err)
		}
	}
	if opt.Workers = o.Workers; opt.Workers < 0 {
		return opt, cli.Usagef("--workers %d: want a positive number", opt.Workers)
	}
	opt.Again = o.Again
	opt.Last = true // the command closes the archive after the import
	if opt.Batch = o.Batch; opt.Batch < 1 {
		return opt, cli.Usagef("import: --batch must be at least 1")
	}
	return opt, nil
}

// importOutput sends an import's bad input to stderr, and on a terminal
// its progress too (bad input then clears the progress line first).
func importOutput(opt *archive.WARCImport) {
	if !cli.IsTerminal(os.Stderr) {
		opt.Bad = func(err error) { fmt.Fprintf(os.Stderr, "syndex: bad input: %v\n", err) }
		return
	}
	opt.Bad = func(err error) { fmt.Fprintf(os.Stderr, "\r\033[Ksyndex: bad input: %v\n", err) }
	opt.Progress = progress.Import
}

// compileAll compiles the regular expressions of --flag.
func compileAll(flag string, exprs []string) ([]*regexp.Regexp, error) {
	var out []*regexp.Regexp
	for _, e := range exprs {
		re, err := regexp.Compile(e)
		if err != nil {
			return nil, cli.Usagef("--%s %q: %v", flag, e, err)
		}
		out = append(out, re)
	}
	return out, nil
}

// runImportWARC imports web archives into the archive named by --data.
func runImportWARC(cmd *cobra.Command, g *cli.Globals, o importOptions, paths []string) error {
	opt, err := o.importWARC()
	if err != nil {
		return err
	}
	memLimit, err := parseMemoryLimit(o.MemLimit)
	if err != nil {
		return err
	}
	importOutput(&opt)

	// A soft limit on the Go heap keeps a long import's memory flat: the
	// garbage of extraction is collected before the heap doubles. It
	// follows the live heap (the dedup index grows with the archive) as
	// the JSONL import's does, --memory-limit its floor, so that a large
	// archive's import does not spend its CPU collecting without pause.
	// GOMEMLIMIT, when set, wins.
	defer memlimit.Start(memLimit)()
	defer paceWARCImport(&opt)()
	cpu0 := processCPU()
	ctx, cancel := cli.SignalContext(cmd.Context())
	defer cancel()
	_, aopt, err := g.ConfigArchive()
	if err != nil {
		return err
	}
	bar := progress.NewBars() // the search index build at the end
	defer bar.Finish()
	aopt.Progress = bar.Update
	a, err := g.OpenArchive(ctx, aopt)
	if err != nil {
		return err
	}
	st, ierr := a.ImportWARC(ctx, paths, opt)
	if err := a.Close(); err != nil && ierr == nil {
		ierr = err
	}
	bar.Finish()
	if opt.Progress != nil {
		fmt.Fprint(os.Stderr, "\r\033[K")
	}
	fmt.Fprintln(os.Stderr, importSummary(st, a.Dir, processCPU()-cpu0))
	return warcImportError(ctx, ierr)
}

// parseMemoryLimit reads --memory-limit: a size, 0 for none.
func parseMemoryLimit(s string) (int64, error) {
	n, err := config.ParseByteSize(s)
	if err != nil || n < 0 {
		return 0, cli.Usagef("--memory-limit %q: want a size such as 320MiB, or 0 for none", s)
	}
	return int64(n), nil
}

// paceWARCImport sets the collector's pace for an import of web archives
// and returns the function that restores it. GOGC in the environment
// wins: nothing is changed then.
//
// Extraction makes garbage fast while the live heap is small: with the
// default pace (GOGC=100) the collector ran at twice the live heap,
// well below the limit, and took about a tenth of the CPU. While
// records are read and extracted, the soft limit alone paces it
// (GOGC off: a collection when the heap reaches the limit, which
// follows the live heap), when there is one; the index build at the
// end (opt.IndexStart) runs at GOGC=200, whose peak memory was measured
// on the 1 GiB WARC.
func paceWARCImport(opt *archive.WARCImport) (restore func()) {
	if os.Getenv("GOGC") != "" {
		return func() {}
	}
	read := importGCPercent
	if limited := debug.SetMemoryLimit(-1) < math.MaxInt64; limited {
		read = -1
	}
	opt.IndexStart = func() { debug.SetGCPercent(importGCPercent) }
	prev := debug.SetGCPercent(read)
	return func() { debug.SetGCPercent(prev) }
}

// warcImportError is what a web archive import that failed tells the
// user: how to resume an interrupted one, how many inputs were bad.
func warcImportError(ctx context.Context, err error) error {
	if err == nil {
		return nil
	}
	if ctx.Err() != nil {
		return fmt.Errorf("import interrupted; run the same command again to continue where it stopped (what was stored becomes searchable then, or after syndex reindex)")
	}
	var bad *archive.BadInputError
	if errors.As(err, &bad) {
		return fmt.Errorf("import: %d problem(s) in the input, listed above, were skipped; everything else was imported", len(bad.Errs))
	}
	return fmt.Errorf("import: %w", err)
}

// readSites reads a --sites file: one host per line, # comments.
func readSites(path string) ([]string, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("--sites: %w", err)
	}
	defer fh.Close()
	var out []string
	sc := bufio.NewScanner(fh)
	line := 0
	for sc.Scan() {
		line++
		s, err := sitesLine(sc.Text())
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, line, err)
		}
		if s != "" {
			out = append(out, s)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no hosts in the file", path)
	}
	return out, nil
}

// sitesLine reads one line of a --sites file: its host in lower case
// (of a URL, its host), or "" for a blank or comment line.
func sitesLine(text string) (string, error) {
	s, _, _ := strings.Cut(text, "#")
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	if strings.ContainsAny(s, " /\t") && !strings.Contains(s, "://") {
		return "", fmt.Errorf("%q is not a host name", s)
	}
	if strings.Contains(s, "://") {
		if h := hostOf(s); h != "" {
			s = h
		}
	}
	return strings.ToLower(s), nil
}

func hostOf(u string) string {
	_, rest, _ := strings.Cut(u, "://")
	h, _, _ := strings.Cut(rest, "/")
	return h
}

// importSummary is the line printed at the end of an import; cpu is the
// CPU time the import used (0: unknown), the measure of its cost that a
// busy machine does not inflate as it does wall-clock times.
func importSummary(st archive.ImportStats, dir string, cpu time.Duration) string {
	var b strings.Builder
	fmt.Fprintf(&b, "imported %d new and %d updated articles into %s from %d file(s)", st.Articles, st.Updated, dir, st.Files)
	if st.AlreadyDone > 0 {
		fmt.Fprintf(&b, " (%d already imported, skipped)", st.AlreadyDone)
	}
	fmt.Fprintf(&b, ": %d records, %d HTML pages (%d unchanged, %d not articles)", st.Records, st.HTML, st.Unchanged, st.NotArticles)
	if st.Revisits > 0 || st.Unresolved > 0 {
		fmt.Fprintf(&b, ", %d revisits (%d resolved, %d waiting for their original)", st.Revisits, st.Resolved, st.Unresolved)
	}
	if st.BadRecords > 0 || st.NotArchives > 0 {
		fmt.Fprintf(&b, ", %d bad records, %d files not archives", st.BadRecords, st.NotArchives)
	}
	secs := st.Elapsed.Seconds()
	if secs > 0 {
		fmt.Fprintf(&b, "; %.1fs, %.0f HTML/s (read %.1fs, extract %.1fs over workers, store %.1fs, index %.1fs)", secs, float64(st.HTML)/secs,
			st.ReadTime.Seconds(), st.ExtractTime.Seconds(), st.IngestTime.Seconds(), st.IndexTime.Seconds())
		fmt.Fprintf(&b, "; waits: workers idle %.1fs over workers, reader held back %.1fs, writer waiting for extraction %.1fs",
			st.WorkersIdle.Seconds(), st.ReaderBlocked.Seconds(), st.WriterWait.Seconds())
		if st.IndexTime > 0 {
			fmt.Fprintf(&b, ", index build idle %.1fs of its %.1fs processor time", st.IndexIdle.Seconds(),
				st.IndexTime.Seconds()*float64(runtime.GOMAXPROCS(0)))
		}
	}
	if cpu > 0 {
		fmt.Fprintf(&b, "; CPU %.1fs (%.1f HTML per CPU-second)", cpu.Seconds(), float64(st.HTML)/cpu.Seconds())
	}
	return b.String()
}
