package eval

import (
	"errors"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/syndex/syndex/cmd/syndex/internal/cli"
	"github.com/syndex/syndex/extract"
	"github.com/syndex/syndex/extract/evaluate"
)

// newEvalExtractCommand builds `syndex eval extract`.
func newEvalExtractCommand() *cobra.Command {
	var dir string
	var asJSON, lazy bool
	cmd := &cobra.Command{
		Use:   "extract --corpus DIR",
		Short: "Score extraction against a corpus with ground truth (precision / recall / F1 over word 4-grams, time per page)",
		Long: `Runs extraction over a corpus with ground-truth bodies and prints, per corpus,
precision, recall and F1 over word 4-gram shingles (the ScrapingHub benchmark's
metric), exact-match accuracy, milliseconds per page and, where the corpus has
them, title and date accuracy. DIR is a corpus (ground-truth.json + html/, or a
manifest.jsonl with body_text; the Fundus evaluation set's ground_truth.json +
html/ is scored with ROUGE-LSum, mean ± standard deviation over articles) or a
directory of corpora.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if dir == "" {
				return cli.Usagef("eval extract: --corpus DIR is required")
			}
			if _, err := os.Stat(dir); err != nil {
				return cli.Usagef("eval extract: corpus %s: %v", dir, err)
			}
			out := cmd.OutOrStdout()
			if asJSON {
				out = io.Discard
			}
			scores, err := evaluate.CorpusWith(cmd.Context(), dir, out, extract.Options{LazyFallback: lazy})
			if errors.Is(err, evaluate.ErrNoCorpus) {
				return cli.AsUsage(err)
			}
			if err != nil {
				return err
			}
			if asJSON {
				return cli.PrintJSON(cmd.OutOrStdout(), scores)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&dir, "corpus", "", "corpus directory (or a directory of corpora)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the scores as JSON")
	cmd.Flags().BoolVar(&lazy, "lazy-fallback", false, "score with the extract.lazy_fallback setting on (Readability only on doubtful pages)")
	return cmd
}
