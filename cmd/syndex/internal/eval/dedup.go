package eval

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/syndex/syndex/article"
	"github.com/syndex/syndex/cmd/syndex/internal/cli"
	"github.com/syndex/syndex/dedup"
	"github.com/syndex/syndex/dedup/corpus"
	"github.com/syndex/syndex/dedup/evaluate"
	"github.com/syndex/syndex/dedup/synth"
)

// evalDedupOptions are the flags of `syndex eval dedup`.
type evalDedupOptions struct {
	In          string
	Generate    int
	Seed        uint64
	Network     int
	Furniture   int
	Corpus      string
	NoSite      bool
	Write       string
	JSON        bool
	MinF1       float64
	MinOriginal float64
	MaxMerged   int
	thresholds

	furnitureSet bool
}

// AddFlags defines the options' flags on f.
func (o *evalDedupOptions) AddFlags(f *pflag.FlagSet) {
	f.StringVar(&o.In, "in", "", "labelled Articles (JSONL)")
	f.IntVar(&o.Generate, "generate", 0, "generate a synthetic labelled set with about N original stories instead of --in")
	f.Uint64Var(&o.Seed, "seed", 1, "seed for --generate")
	f.IntVar(&o.Network, "network", 0, "with --generate: the copies come from a network of this many sites sharing one template")
	cli.IntVarGiven(f, &o.Furniture, &o.furnitureSet, "furniture", 4, "with --generate --network: template pages (mission, tip line, corrections, …) on every site of the network, undated, under unusual slugs; each its own truth cluster (0: none; default 0 with --no-site)")
	f.StringVar(&o.Corpus, "corpus", "", "a real labelled corpus directory (COUNTER or crossposts-real layout) instead of --in")
	f.BoolVar(&o.NoSite, "no-site", false, "strip every field but id, text and the truth labels before clustering")
	f.StringVar(&o.Write, "write", "", "also write the labelled set that was clustered to this JSONL file")
	f.BoolVar(&o.JSON, "json", false, "print the scores as JSON")
	f.Float64Var(&o.MinF1, "min-f1", 0, "exit 1 when the pairwise F1 is below this (a CI floor)")
	f.Float64Var(&o.MinOriginal, "min-original", 0, "exit 1 when the original accuracy is below this")
	f.IntVar(&o.MaxMerged, "max-merged", -1, "with --corpus: exit 1 when more labelled-independent groups than this were merged")
	o.thresholds.AddFlags(f)
}

// newEvalDedupCommand builds `syndex eval dedup`.
func newEvalDedupCommand(g *cli.Globals) *cobra.Command {
	var opts evalDedupOptions
	cmd := &cobra.Command{
		Use:   "dedup (--in LABELED.jsonl | --generate N [--seed S] [--network SITES] | --corpus DIR) [--no-site] [--write FILE]",
		Short: "Score dedup against Articles labelled with truth_cluster / truth_original",
		Example: `  syndex eval dedup --generate 2000 --seed 1
  syndex eval dedup --generate 2000 --no-site
  syndex eval dedup --generate 2000 --network 40
  syndex eval dedup --corpus ../shared/corpora/counter-urdu
  syndex eval dedup --corpus ../shared/corpora/crossposts-real`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runEvalDedup(cmd, g, opts) },
	}
	opts.AddFlags(cmd.Flags())
	return cmd
}

// evalPairsOptions are the flags of `syndex eval pairs`.
type evalPairsOptions struct {
	Corpus    string
	Threshold float64
	JSON      bool
}

// newEvalPairsCommand builds `syndex eval pairs`.
func newEvalPairsCommand() *cobra.Command {
	var opts evalPairsOptions
	cmd := &cobra.Command{
		Use:   "pairs --corpus DIR",
		Short: "Score reuse detection on a labelled pair corpus (COUNTER layout: pairs.tsv + XML)",
		Args:  cobra.NoArgs,
		RunE:  func(cmd *cobra.Command, _ []string) error { return runEvalPairs(cmd, opts) },
	}
	p := cmd.Flags()
	p.StringVar(&opts.Corpus, "corpus", "", "corpus directory with pairs.tsv")
	p.Float64Var(&opts.Threshold, "threshold", evaluate.DefaultPairThreshold, "score at which a pair counts as wholly derived")
	p.BoolVar(&opts.JSON, "json", false, "print the scores as JSON")
	return cmd
}

// thresholds are the main dedup thresholds as flags (eval dedup, eval
// lookup); a flag given overrides the configuration.
type thresholds struct {
	Containment, Jaccard       float64
	containmentSet, jaccardSet bool
}

// AddFlags defines the thresholds' flags on f.
func (t *thresholds) AddFlags(f *pflag.FlagSet) {
	d := dedup.DefaultConfig()
	cli.Float64VarGiven(f, &t.Containment, &t.containmentSet, "containment", d.Containment, "minimum containment of the smaller text in the larger")
	cli.Float64VarGiven(f, &t.Jaccard, &t.jaccardSet, "jaccard", d.Jaccard, "minimum Jaccard similarity of the cleaned feature sets")
}

// dedupConfig is dedup's tuned defaults, then the --config file's dedup
// section, then the flags.
func (t thresholds) dedupConfig(g *cli.Globals) (dedup.Config, error) {
	c, err := g.LoadConfig()
	if err != nil {
		return dedup.Config{}, err
	}
	cfg := c.ForDedup()
	if t.containmentSet {
		cfg.Containment = t.Containment
	}
	if t.jaccardSet {
		cfg.Jaccard = t.Jaccard
	}
	return cfg, cli.AsUsage(cfg.Validate())
}

// runEvalDedup clusters a labelled set with the configured dedup and
// prints its scores; a score below its floor (--min-*) is the error.
func runEvalDedup(cmd *cobra.Command, g *cli.Globals, o evalDedupOptions) error {
	if err := o.checkSource(); err != nil {
		return err
	}
	cfg, err := o.dedupConfig(g)
	if err != nil {
		return err
	}
	ls, err := o.labelledSet(cmd.Context())
	if err != nil {
		return err
	}
	if out := o.Write; out != "" {
		if err := os.WriteFile(out, ls.raw, 0o644); err != nil {
			return fmt.Errorf("eval dedup: %w", err)
		}
	}
	run, err := evaluate.Cluster(cmd.Context(), ls.raw, cfg)
	if err != nil {
		return fmt.Errorf("eval dedup %s: %w", ls.name, err)
	}
	return o.print(cmd, ls, run)
}

// print writes the scores of the run over the set ls (JSON with --json;
// else aligned lines, and the input's bad lines on stderr); a score below
// its floor is the error.
func (o evalDedupOptions) print(cmd *cobra.Command, ls labelled, run evaluate.ClusterRun) error {
	sc := ls.score(run)
	floors := o.floors(sc.res, ls.set != nil, sc.merged)
	if o.JSON {
		if err := sc.writeJSON(cmd.OutOrStdout()); err != nil {
			return err
		}
		return floors
	}
	sc.write(cmd.OutOrStdout())
	if run.Bad != nil {
		fmt.Fprintf(cmd.ErrOrStderr(), "syndex: eval dedup %s: %v\n", ls.name, run.Bad)
	}
	return floors
}

// checkSource checks that one labelled set is named, and --network only
// with --generate.
func (o evalDedupOptions) checkSource() error {
	if given := btoi(o.In != "") + btoi(o.Generate > 0) + btoi(o.Corpus != ""); given != 1 {
		return cli.Usagef("eval dedup: give exactly one of --in FILE, --generate N or --corpus DIR")
	}
	if net := o.Network; net != 0 && (o.Generate <= 0 || net < 0) {
		return cli.Usagef("eval dedup: --network SITES (positive) goes with --generate N")
	}
	return nil
}

// labelled is a labelled set to cluster: its JSONL (what --write saves),
// its good articles, the corpus it came from (nil for --in and
// --generate) and its name in messages.
type labelled struct {
	raw  []byte
	arts []*article.Article
	set  *corpus.Set
	name string
}

// labelledSet reads --in, loads --corpus or generates the set, without
// fields but id, text and labels with --no-site.
func (o evalDedupOptions) labelledSet(ctx context.Context) (labelled, error) {
	ls := labelled{name: o.In}
	var err error
	switch {
	case o.In != "":
		if ls.raw, err = os.ReadFile(o.In); err != nil {
			return ls, fmt.Errorf("eval dedup: %w", err)
		}
	case o.Corpus != "":
		ls.name = o.Corpus
		if ls.set, err = corpus.Load(ctx, o.Corpus); err != nil {
			return ls, fmt.Errorf("eval dedup: %w", err)
		}
		ls.raw, err = encodeArticles(ls.set.Articles, o.NoSite)
	default:
		ls.raw, err = encodeArticles(synth.Generate(o.synthOptions(), o.Seed), false)
	}
	if err != nil {
		return ls, err
	}
	if ls.arts, err = readLabelled(ls.raw, ls.name); err != nil {
		return ls, err
	}
	if o.NoSite && o.In != "" {
		ls.raw, err = encodeArticles(ls.arts, true)
	}
	return ls, err
}

// synthOptions are the generator's options for --generate.
func (o evalDedupOptions) synthOptions() synth.Options {
	opt := synth.Default()
	opt.Stories = o.Generate
	opt.Network = o.Network
	opt.Furniture = o.Furniture
	if o.NoSite && !o.furnitureSet {
		opt.Furniture = 0 // without addresses and dates a template page is a story copied to every site
	}
	opt.NoSite = o.NoSite
	return opt
}

// score scores a run's clusters against the set's labels (and, for a
// corpus, its pairs labelled apart).
func (ls labelled) score(run evaluate.ClusterRun) dedupScores {
	sc := dedupScores{res: evaluate.Clusters(ls.arts, run.Assignments), st: run.Stats, set: ls.set, elapsed: run.Took}
	if ls.set != nil {
		sc.apart, sc.merged = len(ls.set.Apart), corpus.Merged(ls.set.Apart, run.Assignments)
	}
	return sc
}

// dedupScores are what eval dedup prints.
type dedupScores struct {
	res           evaluate.ClusterResult
	st            dedup.Stats
	set           *corpus.Set
	apart, merged int
	elapsed       time.Duration
}

// writeJSON prints the scores as one JSON object (eval dedup --json).
func (sc dedupScores) writeJSON(w io.Writer) error {
	return json.NewEncoder(w).Encode(struct {
		evaluate.ClusterResult
		Stats       dedup.Stats
		ApartGroups int `json:",omitempty"`
		ApartMerged int `json:",omitempty"`
	}{sc.res, sc.st, sc.apart, sc.merged})
}

// write prints the scores as aligned lines.
func (sc dedupScores) write(w io.Writer) {
	res, st := sc.res, sc.st
	fmt.Fprintf(w, "articles           %d (%d corrupt lines skipped)\n", res.Articles, st.Bad)
	if sc.set != nil {
		fmt.Fprintf(w, "corpus             %s (left out: %s)\n", sc.set.Name, sc.set.SkippedString())
	}
	fmt.Fprintf(w, "pairwise precision %.4f\npairwise recall    %.4f\npairwise F1        %.4f\n", res.Precision, res.Recall, res.F1)
	fmt.Fprintf(w, "adjusted Rand      %.4f\noriginal accuracy  %.4f (%d labelled originals)\n", res.ARI, res.OriginalAccuracy, res.OriginalsJudged)
	fmt.Fprintf(w, "original if found  %.4f (%d true clusters found together)\n", res.OriginalOfFound, res.FoundClusters)
	if sc.set != nil {
		fmt.Fprintf(w, "independent merged %d of %d groups (%.1f%%)\n", sc.merged, sc.apart, 100*float64(sc.merged)/float64(max(sc.apart, 1)))
	}
	fmt.Fprintf(w, "clusters           %d (%d copies, %d unique)\ntime               %s (%.0f docs/s)\n",
		st.Clusters, st.Copies, st.Unique, sc.elapsed.Round(time.Millisecond), float64(res.Articles)/sc.elapsed.Seconds())
}

// evalFloors returns an error naming every score below its --min-* flag
// (or above --max-merged).
func (o evalDedupOptions) floors(res evaluate.ClusterResult, corpus bool, merged int) error {
	var below []string
	if v := o.MinF1; res.F1 < v {
		below = append(below, fmt.Sprintf("pairwise F1 %.4f < %.4f", res.F1, v))
	}
	if v := o.MinOriginal; res.OriginalAccuracy < v {
		below = append(below, fmt.Sprintf("original accuracy %.4f < %.4f", res.OriginalAccuracy, v))
	}
	if v := o.MaxMerged; corpus && v >= 0 && merged > v {
		below = append(below, fmt.Sprintf("%d labelled-independent groups merged > %d", merged, v))
	}
	if len(below) > 0 {
		return fmt.Errorf("eval dedup: below the floor: %s", strings.Join(below, "; "))
	}
	return nil
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// encodeArticles writes arts as JSONL (evaluate.EncodeLabelled).
func encodeArticles(arts []*article.Article, bare bool) ([]byte, error) {
	raw, err := evaluate.EncodeLabelled(arts, bare)
	if err != nil {
		return nil, fmt.Errorf("eval dedup: %w", err)
	}
	return raw, nil
}

// readLabelled decodes the good lines of a labelled JSONL set
// (evaluate.ReadLabelled); a set without any is a usage error.
func readLabelled(raw []byte, name string) ([]*article.Article, error) {
	arts := evaluate.ReadLabelled(raw)
	if len(arts) == 0 {
		return nil, cli.Usagef("eval dedup %s: no labelled articles", name)
	}
	return arts, nil
}

func runEvalPairs(cmd *cobra.Command, o evalPairsOptions) error {
	dir := o.Corpus
	if dir == "" {
		return cli.Usagef("eval pairs: --corpus DIR is required")
	}
	th := o.Threshold
	cps, err := corpus.ReadCounter(cmd.Context(), dir)
	if err != nil {
		return fmt.Errorf("eval pairs: %w", err)
	}
	res := evaluate.Pairs(corpus.Pairs(cps), th, dedup.DefaultConfig(), nil)
	if o.JSON {
		return json.NewEncoder(cmd.OutOrStdout()).Encode(res)
	}
	w := cmd.OutOrStdout()
	fmt.Fprintf(w, "pairs              %d (%d wholly derived)\n", res.Pairs, res.Positives)
	fmt.Fprintf(w, "AUC                %.4f (word 2-gram containment of the derived text in the source)\n", res.AUC)
	fmt.Fprintf(w, "AUC index features %.4f (same, on the dedup index's sampled 3-gram features)\n", res.IndexAUC)
	fmt.Fprintf(w, "AUC baseline       %.4f (word 1-gram Jaccard)\n", res.BaselineAUC)
	fmt.Fprintf(w, "at threshold %.2f   precision %.4f recall %.4f\n", res.Threshold, res.Precision, res.Recall)
	return nil
}
