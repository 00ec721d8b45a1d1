package extract

import (
	"context"
	"os"
	"testing"
)

// corpusDir is the shared evaluation corpora; tests that need them skip
// when they are absent.
const corpusDir = "../../shared/corpora"

// TestEvalCorpus runs the benchmark when the shared corpora are present
// and guards against regressions below the measured figures.
func TestEvalCorpus(t *testing.T) {
	if testing.Short() || os.Getenv("SYNDEX_EVAL") == "" {
		t.Skip("slow: runs the extraction benchmark; set SYNDEX_EVAL=1 (.ci/run does)")
	}
	dir := corpusDir + "/scrapinghub-aeb"
	if _, err := os.Stat(dir); err != nil {
		t.Skip("corpus not present:", dir)
	}
	s, err := EvalCorpus(context.Background(), dir, os.Stdout)
	if err != nil {
		t.Fatal(err)
	}
	cs := s.Corpora[0]
	if cs.Pages != 181 || cs.F1 < 0.968 {
		t.Errorf("scrapinghub-aeb: pages=%d F1=%.3f, want 181 pages and F1 >= 0.968", cs.Pages, cs.F1)
	}
}
