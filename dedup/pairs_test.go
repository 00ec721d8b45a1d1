package dedup

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"testing"
)

func TestAUC(t *testing.T) {
	tests := []struct {
		name  string
		score []float64
		pos   []bool
		want  float64
	}{
		{"perfect", []float64{0.9, 0.8, 0.1, 0.2}, []bool{true, true, false, false}, 1},
		{"inverted", []float64{0.1, 0.2, 0.9, 0.8}, []bool{true, true, false, false}, 0},
		{"all tied", []float64{0.5, 0.5, 0.5, 0.5}, []bool{true, false, true, false}, 0.5},
		{"one swap", []float64{0.9, 0.3, 0.4, 0.1}, []bool{true, true, false, false}, 0.75},
	}
	for _, tc := range tests {
		if got := auc(tc.score, tc.pos); math.Abs(got-tc.want) > 1e-9 {
			t.Errorf("%s: auc = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestPairScoreDirectional(t *testing.T) {
	src := "the agency reported that the minister met the delegation in the capital on monday and discussed trade"
	tests := []struct {
		name      string
		derived   string
		low, high float64
	}{
		{"verbatim", src, 1, 1},
		{"first half of the source", "the agency reported that the minister met the delegation", 1, 1},
		{"source plus own reporting", src + " local traders told our reporter they expect little to change", 0.5, 0.7},
		{"independent report", "trade talks in the capital ended without agreement, officials from both sides said", 0, 0.25},
	}
	for _, tc := range tests {
		if got := PairScore(src, tc.derived); got < tc.low || got > tc.high {
			t.Errorf("%s: PairScore = %.3f, want in [%v, %v]", tc.name, got, tc.low, tc.high)
		}
	}
}

// TestCounterCorpus scores the COUNTER Urdu reuse corpus when it is
// present beside the project (../shared/corpora/counter-urdu, or
// SYNDEX_CORPORA/counter-urdu).
func TestCounterCorpus(t *testing.T) {
	root := os.Getenv("SYNDEX_CORPORA")
	if root == "" {
		root = filepath.Join("..", "..", "shared", "corpora")
	}
	dir := filepath.Join(root, "counter-urdu")
	if _, err := os.Stat(filepath.Join(dir, "pairs.tsv")); err != nil {
		t.Skipf("corpus not present: %v", err)
	}
	ps, err := LoadCounter(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	cfg := DefaultConfig()
	r := EvaluatePairs(ps, cfg.PairThreshold, cfg, nil)
	t.Logf("%+v", r)
	if r.Pairs != 600 || r.Positives != 135 {
		t.Errorf("read %d pairs (%d WD), want 600 (135)", r.Pairs, r.Positives)
	}
	if r.AUC < 0.90 || r.Precision < 0.9 || r.AUC <= r.BaselineAUC {
		t.Errorf("AUC %.4f (baseline %.4f), precision %.4f at %.2f: want AUC ≥ 0.90 above baseline and precision ≥ 0.9", r.AUC, r.BaselineAUC, r.Precision, r.Threshold)
	}
}
