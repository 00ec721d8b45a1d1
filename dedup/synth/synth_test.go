package synth

import (
	"reflect"
	"strings"
	"testing"

	"github.com/syndex/syndex/article"
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
		{"network", Options{Stories: 60, Network: 40}, 4},
		{"no site", Options{Stories: 40, NoSite: true}, 5},
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
				if x.Text == "" {
					t.Fatalf("%s: no text", x.ID)
				}
				bare := article.Article{ID: x.ID, Text: x.Text, TruthCluster: x.TruthCluster, TruthOriginal: x.TruthOriginal}
				if tc.opt.NoSite != reflect.DeepEqual(*x, bare) {
					t.Fatalf("%s: NoSite %v but article %+v", x.ID, tc.opt.NoSite, *x)
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

// TestNetworkSharesTemplate checks that the copies are spread over the
// network's sites and that each republisher's appeal and disclaimer shows
// on many of them.
func TestNetworkSharesTemplate(t *testing.T) {
	arts := Generate(Options{Stories: 400, Network: 40}, 7)
	sites := map[string]bool{}
	sitesOf := map[string]map[string]bool{} // appeal and disclaimer -> sites
	for _, a := range arts {
		if a.TruthOriginal || strings.HasSuffix(a.ID, "n") {
			continue
		}
		sites[a.Site] = true
		paras := strings.Split(a.Text, "\n\n")
		tail := strings.Join(paras[len(paras)-2:], "\n\n")
		if sitesOf[tail] == nil {
			sitesOf[tail] = map[string]bool{}
		}
		sitesOf[tail][a.Site] = true
		if !strings.HasPrefix(paras[0], "From the "+a.Site+" newsroom: ") {
			t.Fatalf("%s: header %q does not name its site %s", a.ID, paras[0], a.Site)
		}
	}
	if len(sites) != 40 {
		t.Errorf("copies on %d sites, want 40", len(sites))
	}
	if len(sitesOf) != Default().Republishers {
		t.Errorf("%d templates, want %d", len(sitesOf), Default().Republishers)
	}
	for tail, ss := range sitesOf {
		if len(ss) < 10 {
			t.Errorf("template %.40q… on %d sites, want at least 10", tail, len(ss))
		}
	}
}
