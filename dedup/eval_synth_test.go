package dedup_test

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"

	"github.com/syndex/syndex/article"
	"github.com/syndex/syndex/dedup"
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

func TestSyntheticQuality(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3} {
		arts := synth.Generate(synth.Default(), seed)
		as := runArticles(t, arts, dedup.DefaultConfig())
		r := dedup.Evaluate(arts, as)
		t.Logf("seed %d: %d articles P=%.4f R=%.4f F1=%.4f ARI=%.4f orig=%.4f (%d)", seed, r.Articles, r.Precision, r.Recall, r.F1, r.ARI, r.OriginalAccuracy, r.OriginalsJudged)
		if r.F1 < 0.98 || r.OriginalAccuracy < 0.95 {
			t.Errorf("seed %d: F1 %.4f (want ≥ 0.98), original accuracy %.4f (want ≥ 0.95)", seed, r.F1, r.OriginalAccuracy)
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
	for _, seed := range []uint64{1, 2} {
		arts := synth.Generate(synth.Default(), seed)
		ix := dedup.NewIndex(dedup.DefaultConfig())
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
		r := dedup.Evaluate(arts, as)
		t.Logf("seed %d incremental: P=%.4f R=%.4f F1=%.4f ARI=%.4f orig=%.4f", seed, r.Precision, r.Recall, r.F1, r.ARI, r.OriginalAccuracy)
		if r.F1 < 0.97 || r.OriginalAccuracy < 0.95 {
			t.Errorf("seed %d: F1 %.4f (want ≥ 0.97), original accuracy %.4f (want ≥ 0.95)", seed, r.F1, r.OriginalAccuracy)
		}
	}
}
