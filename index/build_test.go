package index

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
)

// TestBuilderMatchesApply builds the same documents once through Apply
// and once through a Builder and checks both answer every query alike,
// with one segment per shard, the checkpoint and the layout of an index
// Open created.
func TestBuilderMatchesApply(t *testing.T) {
	ctx := context.Background()
	docs := fixture()
	// Several segments per shard builder, merged in more than one round.
	defer func(b, m int) { builderBatch, builderMerge = b, m }(builderBatch, builderMerge)
	builderBatch, builderMerge = 40, 3
	for i := range 600 {
		docs = append(docs, genDoc(i))
	}
	live, err := OpenWith(filepath.Join(t.TempDir(), "live"), Options{Shards: 2})
	must(t, err)
	defer live.Close()
	must(t, live.Apply(ctx, docs, nil, 99))

	dir := filepath.Join(t.TempDir(), "built")
	b, err := NewBuilder(dir, Options{Shards: 2})
	must(t, err)
	for _, d := range docs {
		must(t, b.Add(ctx, d))
	}
	built, err := b.Close(99)
	must(t, err)
	defer built.Close()

	for _, ix := range []*Index{live, built} {
		if n, _ := ix.Count(); n != uint64(len(docs)) {
			t.Errorf("%s: %d documents, want %d", ix.Dir(), n, len(docs))
		}
		if cp, _ := ix.Checkpoint(); cp != 99 {
			t.Errorf("%s: checkpoint %d, want 99", ix.Dir(), cp)
		}
	}
	for i, s := range built.shards {
		adv, err := s.Advanced()
		must(t, err)
		r, err := adv.Reader()
		must(t, err)
		if n := len(r.(*scorch.IndexSnapshot).Segments()); n != 1 {
			t.Errorf("built shard %d has %d segments, want 1", i, n)
		}
		must(t, r.Close())
	}
	en := vocab["en"]
	queries := []Query{
		{Text: "bank"}, {Text: "banque"}, {Text: "بنك"}, {Text: `"interest rates"`}, {Text: "title:cup"},
		{Text: en[20]}, {Text: en[300] + " " + en[301]}, {Text: en[50], Lang: "en", Sort: "-date"},
		{Text: en[40], Facets: true, Highlight: true, Limit: 5},
	}
	for _, q := range queries {
		a, err := live.Search(ctx, q)
		must(t, err)
		b, err := built.Search(ctx, q)
		must(t, err)
		// Equal scores are ordered by position in the segments, which
		// differs: compare the whole result when it fits in the page.
		if a.Total != b.Total || (a.Total <= 10 && !slices.Equal(sorted(clusters(a)), sorted(clusters(b)))) {
			t.Errorf("%+v: live %d %v, built %d %v", q, a.Total, clusters(a), b.Total, clusters(b))
		}
		// Site facets over shards are each shard's top terms merged, so
		// ties may differ; languages and years are complete.
		if q.Facets && (fmt.Sprint(a.Facets.Langs) != fmt.Sprint(b.Facets.Langs) || fmt.Sprint(a.Facets.Years) != fmt.Sprint(b.Facets.Years)) {
			t.Errorf("facets differ: live %v, built %v", a.Facets, b.Facets)
		}
	}
	// The built index is an ordinary one: it takes updates and reopens.
	must(t, built.Apply(ctx, docs[:1], []string{"c-sw"}, 100))
	must(t, built.Close())
	re, err := Open(dir)
	must(t, err)
	defer re.Close()
	if n, _ := re.Count(); n != uint64(len(docs)-1) {
		t.Errorf("after update and reopen: %d documents, want %d", n, len(docs)-1)
	}
}

// TestBuilderUnfinished checks a build that never closed is not taken for
// an index, and that Remove clears it with its temporary segments.
func TestBuilderUnfinished(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "built")
	b, err := NewBuilder(dir, Options{Shards: 2})
	must(t, err)
	defer func(b int) { builderBatch = b }(builderBatch)
	builderBatch = 10
	for i := range 50 {
		must(t, b.Add(context.Background(), genDoc(i)))
	}
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if !slices.ContainsFunc(names, func(n string) bool { return strings.HasPrefix(n, buildPrefix) }) {
		t.Errorf("no temporary build directory under %s: %v", dir, names)
	}
	if _, err := Open(dir); err == nil {
		t.Fatal("an unfinished build opened as an index")
	}
	b.Abort()
	must(t, Remove(dir))
	if _, err := NewBuilder(filepath.Join(t.TempDir(), "x"), Options{Shards: 99}); err == nil {
		t.Error("99 shards accepted")
	}
}

// TestApplyWritesOnlyShardsWithDocuments: an Apply touching one shard
// leaves the other alone (no batch, no segment), and the checkpoint still
// covers it.
func TestApplyWritesOnlyShardsWithDocuments(t *testing.T) {
	ix, err := OpenWith(filepath.Join(t.TempDir(), "ix"), Options{Shards: 2})
	must(t, err)
	defer ix.Close()
	batches := func() []uint64 {
		var out []uint64
		for _, s := range ix.shards {
			st := s.StatsMap()["index"].(map[string]any)
			out = append(out, st["TotBatches"].(uint64))
		}
		return out
	}
	before := batches()
	d := fixture()[0]
	must(t, ix.Apply(context.Background(), []Doc{d}, nil, 7))
	after := batches()
	target := ix.shardOf(d.Cluster)
	for i := range after {
		want := before[i]
		if i == target {
			want++
		}
		if after[i] != want {
			t.Errorf("shard %d: %d batches after one document, want %d (before: %v, after: %v)", i, after[i], want, before, after)
		}
	}
	if cp, _ := ix.Checkpoint(); cp != 7 {
		t.Errorf("checkpoint %d, want 7", cp)
	}
}

// TestBuildOrderDeterministic builds the same documents twice and checks
// that every shard holds them in the same order: equal scores keep that
// order in results, and Bleve's offline builder hands a segment its batch
// in map order, which changes from run to run.
func TestBuildOrderDeterministic(t *testing.T) {
	ctx := context.Background()
	defer func(b int) { builderBatch = b }(builderBatch)
	builderBatch = 40
	var docs []Doc
	for i := range 300 {
		docs = append(docs, genDoc(i))
	}
	order := func() [][]string {
		b, err := NewBuilder(filepath.Join(t.TempDir(), "ix"), Options{Shards: 2})
		must(t, err)
		for _, d := range docs {
			must(t, b.Add(ctx, d))
		}
		ix, err := b.Close(1)
		must(t, err)
		defer ix.Close()
		var out [][]string
		for _, s := range ix.shards {
			out = append(out, docOrder(t, s, len(docs)))
		}
		return out
	}
	a, b := order(), order()
	if n := len(a[0]) + len(a[1]); n != len(docs) {
		t.Fatalf("%d documents in the shards, want %d", n, len(docs))
	}
	for i := range a {
		if !slices.Equal(a[i], b[i]) {
			t.Errorf("shard %d: two builds of the same documents hold them in different orders:\n%v\n%v", i, a[i], b[i])
		}
	}
}

// TestBuilderSegmentBytes builds the same documents with segments cut by
// count only and, far more often, by the size of their text: the same
// documents (no placeholder among them) answer every query alike.
func TestBuilderSegmentBytes(t *testing.T) {
	ctx := context.Background()
	docs := fixture()
	for i := range 300 {
		docs = append(docs, genDoc(i))
	}
	defer func(b, s int) { builderBatch, builderSegmentBytes = b, s }(builderBatch, builderSegmentBytes)
	build := func(segmentBytes int) (*Index, int64) {
		builderBatch, builderSegmentBytes = 40, segmentBytes
		before := placeholdersDropped.Load()
		b, err := NewBuilder(filepath.Join(t.TempDir(), "built"), Options{Shards: 2})
		must(t, err)
		for _, d := range docs {
			must(t, b.Add(ctx, d))
		}
		ix, err := b.Close(0)
		must(t, err)
		return ix, placeholdersDropped.Load() - before
	}
	byCount, n := build(1 << 40)
	defer byCount.Close()
	if n != 0 {
		t.Errorf("%d placeholders without a size limit", n)
	}
	bySize, n := build(2000) // a few documents a segment
	defer bySize.Close()
	if n == 0 {
		t.Error("no segment was cut by size")
	}
	for _, ix := range []*Index{byCount, bySize} {
		if c, _ := ix.Count(); c != uint64(len(docs)) {
			t.Errorf("%s: %d documents, want %d", ix.Dir(), c, len(docs))
		}
	}
	en := vocab["en"]
	for _, q := range []Query{{Text: "bank"}, {Text: `"interest rates"`}, {Text: en[20]}, {Text: en[300] + " " + en[301]},
		{Text: `"` + en[30] + " " + en[31] + `"`}, {Text: en[50], Sort: "-date", Limit: 100}} {
		a, err := byCount.Search(ctx, q)
		must(t, err)
		b, err := bySize.Search(ctx, q)
		must(t, err)
		if a.Total != b.Total || fmt.Sprint(sorted(clusters(a))) != fmt.Sprint(sorted(clusters(b))) {
			t.Errorf("%+v: by count %d %v, by size %d %v", q, a.Total, clusters(a), b.Total, clusters(b))
		}
	}
}

// TestBuilderMergePasses builds the same documents with a shard's final
// merge in one pass (its segments under builderMergeBytes), in passes of
// builderMerge (over it) and as Bleve's builder merged them itself (a
// width of builderMerge handed to it): in every shard a segment of the
// same size holding the documents in the same order, and the same answers
// in the same order, ties included. (Segment files are not compared byte
// for byte: zap writes the sections of a field in map order.)
func TestBuilderMergePasses(t *testing.T) {
	ctx := context.Background()
	docs := fixture()
	for i := range 500 {
		docs = append(docs, genDoc(i))
	}
	defer func(b, m, mb, mo int) {
		builderBatch, builderMerge, builderMergeBytes, builderMergeOpen = b, m, mb, mo
	}(builderBatch, builderMerge, builderMergeBytes, builderMergeOpen)
	builderBatch, builderMerge = 20, 4 // about 14 segments a shard
	const shards = 2
	type build struct {
		name        string
		bytes, open int
		merges      func(n int64) bool
	}
	builds := []build{
		{"one pass", 1 << 40, 1024, func(n int64) bool { return n == shards }},
		{"passes", 1, 1024, func(n int64) bool { return n >= 3*shards }},
		{"Bleve's passes", 1 << 40, 4, func(n int64) bool { return n >= 3*shards }},
	}
	var first *Index
	var firstSizes []int64
	var firstOrder [][]string
	for _, c := range builds {
		builderMergeBytes, builderMergeOpen = c.bytes, c.open
		before := releasingMerges.Load()
		dir := filepath.Join(t.TempDir(), "built")
		b, err := NewBuilder(dir, Options{Shards: shards})
		must(t, err)
		for _, d := range docs {
			must(t, b.Add(ctx, d))
		}
		ix, err := b.Close(1)
		must(t, err)
		defer ix.Close()
		if n := releasingMerges.Load() - before; !c.merges(n) {
			t.Errorf("%s: %d merges", c.name, n)
		}
		var sizes []int64
		var order [][]string
		for i, s := range ix.shards {
			zaps, _ := filepath.Glob(filepath.Join(shardDir(dir, i), "store", "*.zap"))
			if len(zaps) != 1 {
				t.Fatalf("%s: shard %d: %v, want one segment", c.name, i, zaps)
			}
			fi, err := os.Stat(zaps[0])
			must(t, err)
			sizes = append(sizes, fi.Size())
			order = append(order, docOrder(t, s, len(docs)))
		}
		if leftover, _ := filepath.Glob(filepath.Join(dir, "*", "*.pass*")); len(leftover) > 0 {
			t.Errorf("%s: left behind %v", c.name, leftover)
		}
		if first == nil {
			first, firstSizes, firstOrder = ix, sizes, order
			continue
		}
		for i := range sizes {
			if sizes[i] != firstSizes[i] {
				t.Errorf("%s: shard %d's segment has %d bytes, %d by %s", c.name, i, sizes[i], firstSizes[i], builds[0].name)
			}
			if !slices.Equal(order[i], firstOrder[i]) {
				t.Errorf("%s: shard %d holds its documents in another order than by %s:\n%v\n%v", c.name, i, builds[0].name, order[i], firstOrder[i])
			}
		}
		en := vocab["en"]
		for _, q := range []Query{{Text: "bank"}, {Text: en[20], Limit: 200}, {Text: en[300] + " " + en[301]},
			{Text: `"` + en[30] + " " + en[31] + `"`}, {Text: en[50], Sort: "-date", Limit: 100}} {
			a, err := first.Search(ctx, q)
			must(t, err)
			b, err := ix.Search(ctx, q)
			must(t, err)
			if a.Total != b.Total || !slices.Equal(clusters(a), clusters(b)) {
				t.Errorf("%+v: %s %d %v, %s %d %v", q, builds[0].name, a.Total, clusters(a), c.name, b.Total, clusters(b))
			}
		}
	}
}

// TestMergeOrder: the order merges of width segments at a time leave.
func TestMergeOrder(t *testing.T) {
	for _, c := range []struct {
		n, width int
		want     []int
	}{
		{0, 4, nil},
		{1, 4, []int{0}},
		{4, 4, []int{0, 1, 2, 3}},
		{5, 4, []int{4, 0, 1, 2, 3}},
		{7, 3, []int{6, 0, 1, 2, 3, 4, 5}},
		{10, 4, []int{8, 9, 0, 1, 2, 3, 4, 5, 6, 7}},
		{11, 4, []int{4, 5, 6, 7, 8, 9, 10, 0, 1, 2, 3}},
		{14, 4, []int{8, 9, 10, 11, 12, 13, 0, 1, 2, 3, 4, 5, 6, 7}},
	} {
		if got := mergeOrder(c.n, c.width); !slices.Equal(got, c.want) {
			t.Errorf("mergeOrder(%d, %d) = %v, want %v", c.n, c.width, got, c.want)
		}
	}
}

// docOrder is the ids of the first n documents of shard s in the order the
// shard holds them (a match-all query scores every one 1).
func docOrder(t *testing.T, s bleve.Index, n int) []string {
	t.Helper()
	res, err := s.Search(bleve.NewSearchRequestOptions(bleve.NewMatchAllQuery(), n, 0, false))
	must(t, err)
	ids := make([]string, 0, len(res.Hits))
	for _, h := range res.Hits {
		ids = append(ids, h.ID)
	}
	return ids
}
