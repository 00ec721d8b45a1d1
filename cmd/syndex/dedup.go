package main

import (
	"fmt"
	"io"
	"os"
	"slices"
	"time"

	"github.com/spf13/cobra"

	"github.com/syndex/syndex/archive"
	"github.com/syndex/syndex/cmd/syndex/internal/cli"
	"github.com/syndex/syndex/dedup"
	"github.com/syndex/syndex/internal/memlimit"
	"github.com/syndex/syndex/internal/plural"
)

// newDedupCommand builds `syndex dedup`.
// dedupMemoryLimit is the floor of the soft heap limit syndex dedup keeps.
const dedupMemoryLimit = 256 << 20

// dedupOptions are the dedup command's flags.
type dedupOptions struct {
	In, Out string
}

// newDedupCommand builds `syndex dedup`.
func newDedupCommand(g *cli.Globals) *cobra.Command {
	var o dedupOptions
	cmd := &cobra.Command{
		Use:     "dedup --in FILE.jsonl [--out FILE.jsonl]",
		Short:   "Cluster a JSONL corpus of Articles offline; one Assignment per input line, in input order",
		Example: `  syndex dedup --in articles.jsonl --out assignments.jsonl`,
		Args:    cobra.NoArgs,
		RunE:    func(cmd *cobra.Command, args []string) error { return runDedup(cmd, g, o) },
	}
	cmd.Flags().StringVar(&o.In, "in", "", "input Articles, JSONL (- for stdin)")
	cmd.Flags().StringVar(&o.Out, "out", "", "output Assignments, JSONL (default stdout)")
	return cmd
}

// runDedup clusters the Articles of --in (dedup.Run) and writes their
// Assignments to --out; the summary goes to stderr.
func runDedup(cmd *cobra.Command, g *cli.Globals, o dedupOptions) error {
	in := o.In
	if in == "" {
		return cli.Usagef("dedup: --in FILE.jsonl is required")
	}
	r, closeIn, err := dedupInput(in)
	if err != nil {
		return err
	}
	defer closeIn()
	w, closeOut, err := cli.Output(o.Out)
	if err != nil {
		return err
	}
	c, err := g.LoadConfig()
	if err != nil {
		return err
	}
	// The run's heap is held under the soft limit the imports
	// use (internal/memlimit: 1.5x the live heap, floor
	// dedupMemoryLimit); GOMEMLIMIT, when set, wins. Without it
	// the collector's headroom took 1M generated articles past
	// 2 GiB (2,030-2,111 MiB) where the live heap peaks near
	// 0.8 GiB.
	defer memlimit.Start(dedupMemoryLimit)()
	st, runErr := dedup.Run(cmd.Context(), r, w, c.ForDedup())
	if err := closeOut(); err != nil && runErr == nil {
		runErr = err
	}
	if len(st.Replaced) > 0 {
		cli.WarnDuplicates("dedup "+in, duplicatesOf(st.Replaced))
	}
	if runErr != nil {
		return fmt.Errorf("dedup %s: %w", in, runErr)
	}
	printDedupSummary(st, o)
	return nil
}

// printDedupSummary prints what a run found, and warns of the articles
// its verifying stage could not read again.
func printDedupSummary(st dedup.Stats, o dedupOptions) {
	if st.Unread > 0 {
		fmt.Fprintf(os.Stderr, "syndex: warning: dedup %s: %s not verified on whole texts (read again: %v)\n",
			o.In, plural.S(st.Unread, "article"), st.UnreadErr)
	}
	dest := o.Out
	if dest == "" || dest == "-" {
		dest = "stdout"
	}
	fmt.Fprintf(os.Stderr, "dedup: %s → %s with %s, %d unique; %s skipped; %s; assignments on %s\n",
		plural.S(st.Articles, "article"), plural.N(st.Clusters, "syndicated story", "syndicated stories"),
		plural.N(st.Copies, "copy", "copies"), st.Unique, plural.S(st.Bad, "bad line"),
		st.Elapsed.Round(time.Millisecond), dest)
}

// dedupInput opens --in. A file is handed to dedup as it is, so that its
// verifying stage can read texts again at their offsets (dedup skips a
// byte order mark itself); standard input goes through input, and dedup
// spools it to a temporary file for that stage.
func dedupInput(path string) (io.Reader, func() error, error) {
	if path == "-" {
		return cli.Input(path)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, cli.Usagef("open input: %v", err)
	}
	if fi, err := f.Stat(); err != nil || !fi.Mode().IsRegular() {
		f.Close()
		return cli.Input(path) // a directory (refused there), a named pipe
	}
	return f, f.Close, nil
}

// duplicatesOf lists each line that repeats an earlier line's id, as
// import reports them: every occurrence of an id after its first, with
// the occurrence before it.
func duplicatesOf(rs []dedup.Replaced) *archive.DuplicateIDsError {
	lines := map[string][]int{}
	for _, r := range rs {
		if len(lines[r.ID]) == 0 {
			lines[r.ID] = append(lines[r.ID], r.By)
		}
		lines[r.ID] = append(lines[r.ID], r.Line)
	}
	dup := &archive.DuplicateIDsError{}
	for id, ls := range lines {
		slices.Sort(ls)
		for i := 1; i < len(ls); i++ {
			dup.Dups = append(dup.Dups, archive.Duplicate{ID: id, Line: ls[i], First: ls[i-1]})
		}
	}
	slices.SortFunc(dup.Dups, func(a, b archive.Duplicate) int { return a.Line - b.Line })
	return dup
}
