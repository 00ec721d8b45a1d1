package eval

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/syndex/syndex/archive"
	archeval "github.com/syndex/syndex/archive/evaluate"
	"github.com/syndex/syndex/article"
	"github.com/syndex/syndex/cmd/syndex/internal/cli"
	"github.com/syndex/syndex/dedup/corpus"
	"github.com/syndex/syndex/dedup/evaluate"
	"github.com/syndex/syndex/dedup/synth"
)

// evalLookupOptions are the flags of `syndex eval lookup`.
type evalLookupOptions struct {
	In       string
	Generate int
	Seed     uint64
	Network  int
	NoSite   bool
	Corpus   string
	Holdout  float64
	NoEdit   bool
	MinTop1  float64
	JSON     bool
	thresholds
}

// AddFlags defines the options' flags on f.
func (o *evalLookupOptions) AddFlags(f *pflag.FlagSet) {
	f.StringVar(&o.In, "in", "", "labelled Articles (JSONL, truth_cluster and truth_original)")
	f.IntVar(&o.Generate, "generate", 0, "generate a synthetic labelled set with about N original stories")
	f.Uint64Var(&o.Seed, "seed", 1, "seed for --generate, the held-out choice and the edits")
	f.IntVar(&o.Network, "network", 0, "with --generate: spread the copies over a network of this many sites")
	f.BoolVar(&o.NoSite, "no-site", false, "keep only id, text and the labels of each article (no site, date or source)")
	f.StringVar(&o.Corpus, "corpus", "", "a real labelled corpus directory (COUNTER or crossposts-real layout)")
	f.Float64Var(&o.Holdout, "holdout", 0.25, "share of the labelled copies looked up instead of indexed (1: all)")
	f.BoolVar(&o.NoEdit, "no-edit", false, "look the held-out texts up as they are, without light edits")
	f.Float64Var(&o.MinTop1, "min-top1", 0, "exit 1 when the share with the true original first is below this")
	f.BoolVar(&o.JSON, "json", false, "print the scores as JSON")
	o.thresholds.AddFlags(f)
}

// newEvalLookupCommand builds `syndex eval lookup`.
func newEvalLookupCommand(g *cli.Globals) *cobra.Command {
	var opts evalLookupOptions
	cmd := &cobra.Command{
		Use:   "lookup (--in LABELED.jsonl | --generate N [--seed S] [--network SITES] [--no-site] | --corpus DIR)",
		Short: "Score lookup: held-out copies, lightly edited, looked up against the rest; is the true original first?",
		Example: `  syndex eval lookup --generate 2000 --seed 1
  syndex eval lookup --generate 35000 --seed 7          # about 96,000 articles: latency at scale
  syndex eval lookup --corpus ../shared/corpora/counter-urdu --holdout 1 --no-edit
  syndex eval lookup --data ./archive --in held-out.jsonl   # through an archive: store reads included`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runEvalLookup(cmd, g, opts) },
	}
	opts.AddFlags(cmd.Flags())
	return cmd
}

func runEvalLookup(cmd *cobra.Command, g *cli.Globals, o evalLookupOptions) error {
	if err := o.check(g); err != nil {
		return err
	}
	if g.DataSet {
		return evalLookupArchive(cmd, g, o)
	}
	cfg, err := o.dedupConfig(g)
	if err != nil {
		return err
	}
	opt := evaluate.LookupOptions{Holdout: o.Holdout, Seed: o.Seed, NoEdit: o.NoEdit}
	arts, name, err := o.labelledSet(cmd.Context(), &opt)
	if err != nil {
		return err
	}
	start := time.Now()
	res := evaluate.Lookup(arts, cfg, opt)
	elapsed := time.Since(start)
	return o.print(cmd.OutOrStdout(), name, res, elapsed)
}

// check checks that one labelled set is named, --data only with --in,
// and the holdout share when no archive is read.
func (o evalLookupOptions) check(g *cli.Globals) error {
	if btoi(o.In != "")+btoi(o.Generate > 0)+btoi(o.Corpus != "") != 1 {
		return cli.Usagef("eval lookup: give exactly one of --in FILE, --generate N or --corpus DIR")
	}
	if g.DataSet && o.In == "" {
		return cli.Usagef("eval lookup: --data DIR goes with --in QUERIES.jsonl (labelled copies to look up in that archive)")
	}
	if !g.DataSet && (o.Holdout <= 0 || o.Holdout > 1) {
		return cli.Usagef("eval lookup: --holdout must be in (0, 1]")
	}
	return nil
}

// print writes the scores of the set called name to w (JSON with
// --json); the share of true originals ranked first below --min-top1 is
// the error.
func (o evalLookupOptions) print(w io.Writer, name string, res evaluate.LookupResult, elapsed time.Duration) error {
	var below error
	if res.Top1 < o.MinTop1 {
		below = fmt.Errorf("eval lookup: below the floor: true original first %.4f < %.4f", res.Top1, o.MinTop1)
	}
	if o.JSON {
		if err := json.NewEncoder(w).Encode(res); err != nil {
			return err
		}
		return below
	}
	writeLookupScores(w, name, res, o.NoEdit, elapsed)
	return below
}

// labelledSet reads --in, loads --corpus (its independent groups go to
// opt) or generates the set, without fields but id, text and labels with
// --no-site; name describes it.
func (o evalLookupOptions) labelledSet(ctx context.Context, opt *evaluate.LookupOptions) (arts []*article.Article, name string, err error) {
	name = o.In
	switch {
	case o.In != "":
		raw, err := os.ReadFile(o.In)
		if err != nil {
			return nil, "", cli.Usagef("eval lookup: %v", err)
		}
		if arts, err = readLabelled(raw, o.In); err != nil {
			return nil, "", err
		}
	case o.Corpus != "":
		name = o.Corpus
		set, err := corpus.Load(ctx, o.Corpus)
		if err != nil {
			return nil, "", fmt.Errorf("eval lookup: %w", err)
		}
		arts, opt.Apart = set.Articles, set.Apart
	default:
		so := synth.Default()
		so.Stories = o.Generate
		so.Network = o.Network
		so.NoSite = o.NoSite
		arts = synth.Generate(so, o.Seed)
		name = fmt.Sprintf("generated (%d stories, seed %d)", o.Generate, o.Seed)
	}
	if o.NoSite {
		for i, a := range arts {
			arts[i] = evaluate.Bare(a)
		}
	}
	return arts, name, nil
}

// writeLookupScores prints the scores of eval lookup as aligned lines.
func writeLookupScores(w io.Writer, name string, res evaluate.LookupResult, noEdit bool, elapsed time.Duration) {
	fmt.Fprintf(w, "set                %s\n", name)
	fmt.Fprintf(w, "indexed            %d articles\nlooked up          %d held-out copies (%s)\n", res.Indexed, res.Queries, map[bool]string{true: "as they are", false: "lightly edited"}[noEdit])
	fmt.Fprintf(w, "original first     %.4f\nits cluster first  %.4f\noriginal listed    %.4f\ncalled a copy      %.4f\n", res.Top1, res.TopCluster, res.Found, res.CopyVerdict)
	if res.Negatives > 0 {
		fmt.Fprintf(w, "independent texts  %d looked up, %d called a copy of their partner's story\n", res.Negatives, res.FalseCopies)
	}
	fmt.Fprintf(w, "lookup time        p50 %.3f ms, p95 %.3f ms, p99 %.3f ms\n", res.P50MS, res.P95MS, res.P99MS)
	fmt.Fprintf(w, "total              %s (index build included)\n", elapsed.Round(time.Millisecond))
	for _, m := range res.Misses {
		fmt.Fprintf(w, "miss               %s: want %s, got %q\n", m.Query, m.Want, m.Got)
	}
}

// evalLookupArchive looks labelled copies (JSONL with truth_cluster) up
// in the archive named by --data, whose articles carry the truth labels
// too (imported from the same labelled set), through Archive.Lookup as
// `syndex lookup` does, and reports whether the true original comes first
// and how long each lookup takes, the archive's store reads included.
func evalLookupArchive(cmd *cobra.Command, g *cli.Globals, o evalLookupOptions) error {
	in := o.In
	raw, err := os.ReadFile(in)
	if err != nil {
		return cli.Usagef("eval lookup: %v", err)
	}
	queries, err := readLabelled(raw, in)
	if err != nil {
		return err
	}
	c, err := g.LoadConfig()
	if err != nil {
		return err
	}
	dc := c.ForDedup()
	open := time.Now()
	a, err := archive.Open(cmd.Context(), g.DataDir(), archive.Options{ReadOnly: true, NoIndex: true, Dedup: &dc})
	if err != nil {
		return err
	}
	defer a.Close()
	opened := time.Since(open)
	lt, err := archeval.Lookup(cmd.Context(), a, queries, o.Seed, o.NoEdit)
	if err != nil {
		return err
	}
	n, q := lt.N, lt.Quantile
	if n < 2 {
		return cli.Usagef("eval lookup: no query of %s has its true original in the archive", in)
	}
	w := cmd.OutOrStdout()
	fmt.Fprintf(w, "archive            %s (%d articles, opened in %s)\n", g.DataDir(), a.Store.Count(), opened.Round(time.Millisecond))
	fmt.Fprintf(w, "looked up          %d labelled copies\noriginal first     %.4f\ncalled a copy      %.4f\n", n, float64(lt.Top1)/float64(n), float64(lt.Copies)/float64(n))
	fmt.Fprintf(w, "first lookup       %s (loads the dedup index)\n", lt.First.Round(time.Millisecond))
	fmt.Fprintf(w, "lookup time        p50 %.3f ms, p95 %.3f ms, p99 %.3f ms (store reads included)\n", q(0.5), q(0.95), q(0.99))
	return nil
}
