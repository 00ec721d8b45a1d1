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

// TestNetworkFurniture: with Furniture, every network site gets the
// template pages under the same plain slugs, undated, each its own truth
// cluster, one text per template but for the site's name; the stories
// and their order are those of the same seed without furniture.
func TestNetworkFurniture(t *testing.T) {
	plain := Generate(Options{Stories: 200, Network: 12}, 5)
	arts := Generate(Options{Stories: 200, Network: 12, Furniture: 6}, 5)
	var stories []*article.Article
	perSlug := map[string]map[string]string{} // slug → site → text with the site's name taken out
	for _, a := range arts {
		if !strings.HasPrefix(a.ID, "f-") {
			stories = append(stories, a)
			continue
		}
		if !a.Published.IsZero() || a.TruthCluster != a.ID || a.TruthOriginal || a.Fetched.IsZero() {
			t.Errorf("furniture page %s: published %v, truth %q/%v, fetched %v", a.ID, a.Published, a.TruthCluster, a.TruthOriginal, a.Fetched)
		}
		slug := a.URL[strings.LastIndexByte(a.URL, '/')+1:]
		if a.URL != "https://"+a.Site+"/"+slug || !strings.Contains(a.Text, a.Site) {
			t.Errorf("furniture page %s at %s does not name its site %s", a.ID, a.URL, a.Site)
		}
		if perSlug[slug] == nil {
			perSlug[slug] = map[string]string{}
		}
		perSlug[slug][a.Site] = strings.ReplaceAll(a.Text, a.Site, "SITE")
	}
	if len(perSlug) != 6 {
		t.Errorf("%d template slugs, want 6", len(perSlug))
	}
	for slug, bySite := range perSlug {
		texts := map[string]bool{}
		for _, x := range bySite {
			texts[x] = true
		}
		if len(bySite) != 12 || len(texts) != 1 {
			t.Errorf("%s: on %d sites with %d texts, want 12 sites and one template", slug, len(bySite), len(texts))
		}
	}
	if len(stories) != len(plain) {
		t.Fatalf("%d stories with furniture, %d without", len(stories), len(plain))
	}
	for i := range plain {
		if stories[i].ID != plain[i].ID || stories[i].Text != plain[i].Text {
			t.Fatalf("story %d: %s with furniture, %s without", i, stories[i].ID, plain[i].ID)
		}
	}
}
