package evaluate

import (
	"math"
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
