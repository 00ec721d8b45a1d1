package archive

import (
	"context"
	"testing"

	"github.com/syndex/syndex/article"
	"github.com/syndex/syndex/dedup/synth"
)

// TestIngestTwiceChangesNothing imports the same generated articles twice
// (the second time after a restart, as a re-run of `syndex import` does)
// and then once more in the same process: no stored article may change
// cluster, role or original.
func TestIngestTwiceChangesNothing(t *testing.T) {
	arts := synth.Generate(synth.Options{Stories: 90}, 4242)
	ingest := func(a *Archive) {
		t.Helper()
		for i := 0; i < len(arts); i += 50 {
			batch := make([]*article.Article, 0, 50)
			for _, x := range arts[i:min(i+50, len(arts))] {
				c := *x
				batch = append(batch, &c)
			}
			if err := a.Ingest(context.Background(), batch); err != nil {
				t.Fatal(err)
			}
		}
	}
	state := func(a *Archive) map[string][3]string {
		t.Helper()
		stored, err := a.Articles()
		if err != nil {
			t.Fatal(err)
		}
		out := make(map[string][3]string, len(stored))
		for _, x := range stored {
			out[x.ID] = [3]string{x.Cluster, string(x.Role), x.Original}
		}
		return out
	}
	dir := t.TempDir()
	a := openT(t, dir)
	ingest(a)
	first := state(a)
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	a = openT(t, dir)
	defer a.Close()
	for pass := 1; pass <= 2; pass++ {
		ingest(a)
		now := state(a)
		if len(now) != len(first) {
			t.Fatalf("pass %d: %d articles stored, want %d", pass, len(now), len(first))
		}
		changed := 0
		for id, was := range first {
			if now[id] != was {
				if changed < 5 {
					t.Errorf("pass %d: %s went from %v to %v", pass, id, was, now[id])
				}
				changed++
			}
		}
		if changed > 0 {
			t.Fatalf("pass %d: %d of %d articles changed cluster, role or original", pass, changed, len(first))
		}
	}
}
