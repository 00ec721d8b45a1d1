package dedup_test

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"

	"github.com/syndex/syndex/article"
	"github.com/syndex/syndex/dedup"
	"github.com/syndex/syndex/dedup/evaluate"
	"github.com/syndex/syndex/dedup/synth"
)

// runArticles pushes arts through Run and returns the assignments.
func runArticles(t testing.TB, arts []*article.Article, cfg dedup.Config) []article.Assignment {
	t.Helper()
	var in bytes.Buffer
	enc := json.NewEncoder(&in)
	for _, a := range arts {
		if err := enc.Encode(a); err != nil {
			t.Fatal(err)
		}
	}
	var out bytes.Buffer
	if _, err := dedup.Run(context.Background(), &in, &out, cfg); err != nil {
		t.Fatalf("Run: %v", err)
	}
	var as []article.Assignment
	dec := json.NewDecoder(&out)
	for dec.More() {
		var x article.Assignment
		if err := dec.Decode(&x); err != nil {
			t.Fatal(err)
		}
		as = append(as, x)
	}
	return as
}

// synthModes are the generator's modes with the floors each must keep:
// the default set, articles with only id and text (the original can then
// only come from containment, so its accuracy floor is lower), and copies
// spread over a network of sites sharing the republishers' templates.
var synthModes = []struct {
	name   string
	opt    synth.Options
	f1     float64
	orig   float64
	stride int // seeds tried: 1..3 for the default, fewer for the others
}{
	{"default", synth.Options{}, 0.98, 0.95, 1},
	{"no site", synth.Options{NoSite: true}, 0.97, 0.85, 2},
	{"network of 40 sites", synth.Options{Network: 40}, 0.98, 0.95, 2},
	{"network of 40 sites with 6 template pages each", synth.Options{Network: 40, Furniture: 6}, 0.98, 0.95, 2},
	{"network of 200 sites, no site", synth.Options{Network: 200, NoSite: true}, 0.97, 0.85, 3},
}

func TestSyntheticQuality(t *testing.T) {
	for _, m := range synthModes {
		for seed := uint64(1); seed <= 3; seed += uint64(m.stride) {
			arts := synth.Generate(m.opt, seed)
			as := runArticles(t, arts, dedup.DefaultConfig())
			r := evaluate.Clusters(arts, as)
			t.Logf("%s, seed %d: %d articles P=%.4f R=%.4f F1=%.4f ARI=%.4f orig=%.4f (%d)", m.name, seed, r.Articles, r.Precision, r.Recall, r.F1, r.ARI, r.OriginalAccuracy, r.OriginalsJudged)
			if r.F1 < m.f1 || r.OriginalAccuracy < m.orig {
				t.Errorf("%s, seed %d: F1 %.4f (want ≥ %.2f), original accuracy %.4f (want ≥ %.2f)", m.name, seed, r.F1, m.f1, r.OriginalAccuracy, m.orig)
			}
		}
	}
}

func TestRunDeterministicAcrossWorkers(t *testing.T) {
	opt := synth.Default()
	opt.Stories = 150
	arts := synth.Generate(opt, 11)
	var want []article.Assignment
	for _, workers := range []int{1, 2, 5} {
		cfg := dedup.DefaultConfig()
		cfg.Workers = workers
		got := runArticles(t, arts, cfg)
		if want == nil {
			want = got
			continue
		}
		if len(got) != len(want) {
			t.Fatalf("workers %d: %d assignments, want %d", workers, len(got), len(want))
		}
		for i := range got {
			if got[i].ID != want[i].ID || got[i].Cluster != want[i].Cluster || got[i].Original != want[i].Original || got[i].Similarity != want[i].Similarity {
				t.Fatalf("workers %d: line %d = %+v, want %+v", workers, i+1, got[i], want[i])
			}
		}
	}
}

// TestSyntheticQualityIncremental adds the articles one at a time, as the
// crawler does, so per-site boilerplate is learned while clustering.
func TestSyntheticQualityIncremental(t *testing.T) {
	for _, m := range synthModes {
		seed := uint64(1)
		arts := synth.Generate(m.opt, seed)
		ix := dedup.NewClusterer(dedup.DefaultConfig())
		for _, a := range arts {
			ix.Add(a)
		}
		as := make([]article.Assignment, 0, len(arts))
		for _, a := range arts {
			x, ok := ix.Assignment(a.ID)
			if !ok {
				t.Fatalf("no assignment for %s", a.ID)
			}
			as = append(as, x)
		}
		r := evaluate.Clusters(arts, as)
		t.Logf("%s, seed %d incremental: P=%.4f R=%.4f F1=%.4f ARI=%.4f orig=%.4f", m.name, seed, r.Precision, r.Recall, r.F1, r.ARI, r.OriginalAccuracy)
		if r.F1 < m.f1-0.01 || r.OriginalAccuracy < m.orig {
			t.Errorf("%s, seed %d: F1 %.4f (want ≥ %.2f), original accuracy %.4f (want ≥ %.2f)", m.name, seed, r.F1, m.f1-0.01, r.OriginalAccuracy, m.orig)
		}
	}
}
