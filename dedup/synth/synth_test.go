package synth

import (
	"reflect"
	"strings"
	"testing"
)

func TestGenerate(t *testing.T) {
	tests := []struct {
		name string
		opt  Options
		seed uint64
	}{
		{"defaults", Options{Stories: 60}, 1},
		{"no hard negatives", Options{Stories: 40, HardNegRate: -1}, 2},
		{"shared sites", Options{Stories: 40, SiteSeed: 9}, 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a, b := Generate(tc.opt, tc.seed), Generate(tc.opt, tc.seed)
			if !reflect.DeepEqual(a, b) {
				t.Fatal("same seed gave different sets")
			}
			if reflect.DeepEqual(a, Generate(tc.opt, tc.seed+1)) {
				t.Fatal("different seeds gave the same set")
			}
			originals := map[string]int{}
			ids := map[string]bool{}
			var copies, siblings int
			for _, x := range a {
				if ids[x.ID] {
					t.Fatalf("duplicate id %s", x.ID)
				}
				ids[x.ID] = true
				if x.TruthOriginal {
					originals[x.TruthCluster]++
				} else {
					copies++
				}
				if strings.HasSuffix(x.ID, "n") {
					siblings++
				}
				if x.Text == "" || x.Site == "" || x.URL == "" {
					t.Fatalf("%s: missing text, site or url", x.ID)
				}
			}
			for _, x := range a {
				if originals[x.TruthCluster] != 1 {
					t.Fatalf("%s: truth cluster %s has %d originals, want 1", x.ID, x.TruthCluster, originals[x.TruthCluster])
				}
			}
			if copies == 0 {
				t.Error("no copies generated")
			}
			if (siblings > 0) != (tc.opt.HardNegRate >= 0) {
				t.Errorf("%d hard-negative siblings with HardNegRate %v", siblings, tc.opt.HardNegRate)
			}
		})
	}
}
