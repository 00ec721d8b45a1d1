package index

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"testing"
)

// TestTiedScoresStableOrder: many stories whose score for a query is
// the same, over several shards. The same query gives the same hits in
// the same order every time and after a reopen, and its pages cover
// every hit exactly once. Bleve searches the shards concurrently and
// sorts their concatenated hits with an unstable sort, so equal scores
// could come back in the order the shards answered.
func TestTiedScoresStableOrder(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "bleve")
	ix, err := OpenWith(dir, Options{Shards: 4})
	must(t, err)
	const perShard = 60
	const n = 4 * perShard
	// Same title and text, and as many stories in every shard: the
	// shards' statistics are the same, so every hit has the same score.
	var docs []Doc
	count := map[int]int{}
	for i := 0; len(docs) < n; i++ {
		id := fmt.Sprintf("c-%04d", i)
		if s := ix.shardOf(id); count[s] < perShard {
			count[s]++
			docs = append(docs, Doc{Cluster: id, Original: art(fmt.Sprintf("a%04d", i), fmt.Sprintf("s%d.example", i%7), "en",
				"Harbour authority publishes its yearly report",
				"The harbour authority published its yearly report on Monday. Traffic grew again.", "2024-03-05")})
		}
	}
	must(t, ix.Upsert(context.Background(), docs))
	const limit = 25
	pages := func(ix *Index, text string) [][]string {
		var out [][]string
		for off := 0; off < n; off += limit {
			r, err := ix.Search(context.Background(), Query{Text: text, Limit: limit, Offset: off})
			must(t, err)
			out = append(out, clusters(r))
		}
		return out
	}
	check := func(ix *Index, text string, want [][]string, when string) {
		t.Helper()
		for rep := range 20 {
			got := pages(ix, text)
			for p := range want {
				if !slices.Equal(got[p], want[p]) {
					t.Fatalf("%q %s, repetition %d, page %d:\n got %v\nwant %v", text, when, rep, p+1, got[p], want[p])
				}
			}
		}
	}
	for _, text := range []string{"harbour", "yearly report"} {
		want := pages(ix, text)
		seen := map[string]int{}
		for _, p := range want {
			for _, c := range p {
				seen[c]++
			}
		}
		if len(seen) != n {
			t.Errorf("%q: the pages hold %d different stories, want %d", text, len(seen), n)
		}
		for c, k := range seen {
			if k != 1 {
				t.Errorf("%q: %s on %d pages", text, c, k)
			}
		}
		check(ix, text, want, "repeated")
		must(t, ix.Close())
		ix, err = Open(dir)
		must(t, err)
		check(ix, text, want, "after a reopen")
	}
	must(t, ix.Close())
}
