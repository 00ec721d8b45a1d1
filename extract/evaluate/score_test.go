package evaluate

import (
	"fmt"
	"math"
	"os"
	"strings"
	"testing"
)

func TestScorePage(t *testing.T) {
	tests := []struct {
		name, truth, pred string
		p, r              float64
		exact             bool
	}{
		{"identical", "one two three four five", "one two three four five", 1, 1, true},
		{"punctuation ignored", "One, two; three four five!", "One two three four five", 1, 1, true},
		{"extra text", "a b c d e", "a b c d e f g", 2.0 / 4, 1, false},
		{"missing text", "a b c d e f g", "a b c d e", 1, 2.0 / 4, false},
		{"unicode words", "Привет мир как дела друзья", "Привет мир как дела друзья", 1, 1, true},
		{"disjoint", "a b c d", "w x y z", 0, 0, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := ScorePage(tc.truth, tc.pred)
			p, r, _, acc := Totals([]PageScore{s})
			if math.Abs(p-tc.p) > 1e-9 || math.Abs(r-tc.r) > 1e-9 || (acc == 1) != tc.exact {
				t.Errorf("P=%.3f R=%.3f exact=%v, want %.3f %.3f %v", p, r, acc == 1, tc.p, tc.r, tc.exact)
			}
		})
	}
}

// TestMetricConformance scores the benchmark's published extractor outputs
// with ScorePage/Totals; the figures must match the published ones.
func TestMetricConformance(t *testing.T) {
	dir := corpusDir + "/scrapinghub-aeb-outputs/output/"
	if _, err := os.Stat(dir); err != nil {
		t.Skip("corpus not present")
	}
	gt, err := LoadPages(corpusDir + "/scrapinghub-aeb")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		system   string
		p, r, f1 float64
	}{
		{"go_trafilatura", 0.940, 0.980, 0.960},
		{"AutoExtract", 0.984, 0.956, 0.970},
		{"justext", 0.858, 0.756, 0.804},
	}
	for _, tc := range tests {
		out, err := loadOutputs(dir + tc.system + ".json.gz")
		if err != nil {
			t.Fatal(err)
		}
		var scores []PageScore
		for _, p := range gt {
			id := strings.TrimSuffix(p.File[strings.LastIndex(p.File, "/")+1:], ".html.gz")
			scores = append(scores, ScorePage(p.Body, out[id]))
		}
		p, r, f1, _ := Totals(scores)
		if got, want := fmt.Sprintf("%.3f %.3f %.3f", p, r, f1), fmt.Sprintf("%.3f %.3f %.3f", tc.p, tc.r, tc.f1); got != want {
			t.Errorf("%s: P R F1 = %s, published %s", tc.system, got, want)
		}
	}
}
