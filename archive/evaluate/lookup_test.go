package evaluate

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/syndex/syndex/archive"
	"github.com/syndex/syndex/article"
	"github.com/syndex/syndex/dedup/synth"
)

// TestLookup imports a generated labelled set, looks a quarter of its
// copies up again (lightly edited) and checks the counts against the
// labels: every query has its original archived, most find it first.
func TestLookup(t *testing.T) {
	ctx := context.Background()
	so := synth.Default()
	so.Stories = 40
	arts := synth.Generate(so, 5)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	var queries []*article.Article
	for i, a := range arts {
		if err := enc.Encode(a); err != nil {
			t.Fatal(err)
		}
		if !a.TruthOriginal && a.TruthCluster != "" && i%4 == 0 {
			queries = append(queries, a)
		}
	}
	// One query whose cluster is not archived, and one original: both
	// are left out.
	queries = append(queries, &article.Article{ID: "stray", Text: "nothing archived", TruthCluster: "no-such-cluster"})
	for _, a := range arts {
		if a.TruthOriginal {
			queries = append(queries, a)
			break
		}
	}
	dir := filepath.Join(t.TempDir(), "archive")
	a, err := archive.Open(ctx, dir, archive.Options{NoIndex: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.ImportJSONL(ctx, &buf, 100); err != nil {
		t.Fatal(err)
	}
	lt, err := Lookup(ctx, a, queries, 3, false)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	want := len(queries) - 2
	if want < 5 || lt.N != want || len(lt.Times) != want-1 {
		t.Fatalf("%d looked up (%d timed), want %d", lt.N, len(lt.Times), want)
	}
	if lt.Top1 < want*3/4 || lt.Copies < want*3/4 || lt.Top1 > lt.N || lt.Copies > lt.N {
		t.Errorf("original first %d, called a copy %d, of %d", lt.Top1, lt.Copies, lt.N)
	}
	if p50, p99 := lt.Quantile(0.5), lt.Quantile(0.99); p50 < 0 || p99 < p50 {
		t.Errorf("p50 %v ms, p99 %v ms", p50, p99)
	}
	if q := (&Lookups{}).Quantile(0.5); q != 0 {
		t.Errorf("quantile of no lookups %v", q)
	}
}
