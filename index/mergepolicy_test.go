package index

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2/index/scorch/mergeplan"
)

// policyOptions reads mergePolicy as Scorch does: JSON over Bleve's
// defaults, then Bleve's own validation.
func policyOptions(t *testing.T) mergeplan.MergePlanOptions {
	t.Helper()
	o := mergeplan.DefaultMergePlanOptions
	raw, err := json.Marshal(mergePolicy)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &o); err != nil {
		t.Fatal(err)
	}
	if err := mergeplan.ValidateMergePlannerOptions(&o); err != nil {
		t.Fatalf("Bleve refuses the merge policy: %v", err)
	}
	// Every key must name one of Bleve's options (a misspelt key would be
	// ignored silently).
	fields := map[string]bool{}
	for f := range reflect.TypeFor[mergeplan.MergePlanOptions]().Fields() {
		fields[strings.ToLower(f.Name)] = true
	}
	for k := range mergePolicy {
		if !fields[strings.ToLower(k)] {
			t.Errorf("merge policy key %q is not a Bleve merge plan option", k)
		}
	}
	return o
}

type simSegment struct {
	id   uint64
	size int64
}

func (s *simSegment) Id() uint64          { return s.id }
func (s *simSegment) FullSize() int64     { return s.size }
func (s *simSegment) LiveSize() int64     { return s.size }
func (s *simSegment) HasVector() bool     { return false }
func (s *simSegment) FileSize() int64     { return s.size << 10 }
func (s *simSegment) LiveFileSize() int64 { return s.size << 10 }

// simulateMerges adds one segment of batch documents at a time, up to
// total, carrying out each merge Bleve's planner asks for at once. It
// returns how many times a document was rewritten by merges on average
// and the most segments a search had to visit.
func simulateMerges(o *mergeplan.MergePlanOptions, total, batch int) (rewrites float64, maxSegments int) {
	var segs []mergeplan.Segment
	var id uint64
	var merged int64
	for added := 0; added < total; added += batch {
		id++
		segs = append(segs, &simSegment{id, int64(batch)})
		plan, _ := mergeplan.Plan(segs, o)
		if plan != nil {
			for _, task := range plan.Tasks {
				var sum int64
				for _, s := range task.Segments {
					sum += s.LiveSize()
					segs = slices.DeleteFunc(segs, func(x mergeplan.Segment) bool { return x == s })
				}
				merged += sum
				id++
				segs = append(segs, &simSegment{id, sum})
			}
		}
		maxSegments = max(maxSegments, len(segs))
	}
	return float64(merged) / float64(total), maxSegments
}

// TestMergePolicyWriteAmplification checks, on Bleve's own merge planner,
// that the live index's merge policy rewrites a document a bounded number
// of times as a shard grows from batches the size a crawl writes (a few
// dozen to a few hundred clusters per shard every couple of seconds),
// while keeping the segments a search visits bounded. Bleve's default
// policy rewrites each document 7 to 26 times at 5,000 documents.
func TestMergePolicyWriteAmplification(t *testing.T) {
	ours := policyOptions(t)
	for _, c := range []struct {
		batch, total int
		maxRewrites  float64
		maxSegments  int
	}{
		{32, 500, 2, 10},
		{32, 5_000, 2, 20},
		{128, 5_000, 1, 20},
		{32, 50_000, 3, 30},
		{128, 200_000, 3, 35},
	} {
		t.Run(fmt.Sprintf("batch%d/docs%d", c.batch, c.total), func(t *testing.T) {
			rw, segs := simulateMerges(&ours, c.total, c.batch)
			def, defSegs := simulateMerges(&mergeplan.DefaultMergePlanOptions, c.total, c.batch)
			t.Logf("rewrites per document %.2f (Bleve's default %.2f), at most %d segments (default %d)", rw, def, segs, defSegs)
			if rw > c.maxRewrites {
				t.Errorf("a document is rewritten %.2f times on average, want at most %.0f", rw, c.maxRewrites)
			}
			if segs > c.maxSegments {
				t.Errorf("up to %d segments, want at most %d", segs, c.maxSegments)
			}
		})
	}
}

// TestMergePolicySameResults indexes the same documents in the same small
// batches, updates included, into an index under Bleve's default merge
// policy and one under ours: every search gives the same hits, scores,
// totals and facets, whatever segments each holds.
func TestMergePolicySameResults(t *testing.T) {
	words := strings.Fields("council budget river flood minister election school hospital storm court " +
		"police market strike vote tax harbour bridge museum festival drought fire train airport")
	rng := rand.New(rand.NewPCG(1, 2))
	text := func(n int) string {
		var b strings.Builder
		for i := range n {
			if i > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(words[rng.IntN(len(words))])
		}
		return b.String()
	}
	const clusters, batch = 400, 12
	var batches [][]Doc
	for i := 0; i < clusters; i += batch {
		var docs []Doc
		for j := i; j < min(i+batch, clusters); j++ {
			id := fmt.Sprintf("c%04d", j)
			d := Doc{Cluster: id, Original: art(id, fmt.Sprintf("site%d.example", j%7), "en", text(6), text(80),
				fmt.Sprintf("2025-%02d-%02d", 1+j%12, 1+j%28))}
			if j%3 == 0 {
				d.Copies = append(d.Copies, cp(id+"-copy", fmt.Sprintf("copier%d.example", j%4), "2025-12-01", 0.9))
			}
			docs = append(docs, d)
		}
		// An update of earlier clusters: a new version in a new
		// segment, the old one deleted.
		if i >= 4*batch {
			for k := range 3 {
				id := fmt.Sprintf("c%04d", rng.IntN(i))
				docs = append(docs, Doc{Cluster: id, Original: art(id, "site9.example", "en", text(6), text(60), "2025-06-0"+fmt.Sprint(k+1))})
			}
		}
		batches = append(batches, docs)
	}
	build := func(policy map[string]any) *Index {
		saved := mergePolicy
		mergePolicy = policy
		defer func() { mergePolicy = saved }()
		ix, err := OpenWith(t.TempDir(), Options{Shards: 2})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { ix.Close() })
		for i, docs := range batches {
			if err := ix.Apply(context.Background(), docs, nil, uint64(i+1)); err != nil {
				t.Fatal(err)
			}
		}
		return ix
	}
	def, ours := build(nil), build(mergePolicy)
	for _, q := range []Query{
		{Text: "council"}, {Text: "river flood"}, {Text: `"school hospital"`}, {Text: "storm -fire"},
		{Text: "+vote tax"}, {Text: "title:budget"}, {Text: ""}, {Text: "harbour", Sort: "date"},
		{Text: "bridge", Sites: []string{"copier1.example"}}, {Text: "museum", Facets: true},
	} {
		q.Cursor, q.Limit = true, 500
		var got [2]string
		for i, ix := range []*Index{def, ours} {
			r, err := ix.Search(context.Background(), q)
			if err != nil {
				t.Fatalf("%q: %v", q.Text, err)
			}
			var b strings.Builder
			fmt.Fprintf(&b, "total %d\n", r.Total)
			for _, h := range r.Hits {
				fmt.Fprintf(&b, "%s %v %s %d\n", h.Cluster, h.Score, h.Title, len(h.Copies))
			}
			if r.Facets != nil {
				fmt.Fprintf(&b, "%v\n", *r.Facets)
			}
			got[i] = b.String()
		}
		if got[0] != got[1] {
			t.Errorf("%q: Bleve's default policy gave\n%s\nours gave\n%s", q.Text, got[0], got[1])
		}
		if strings.HasPrefix(got[1], "total 0\n") {
			t.Errorf("%q: no hits: the comparison shows nothing", q.Text)
		}
	}
}

// TestSettle checks that Settle leaves a shard that grew by small batches
// in the segments Bleve's default policy would keep (one, at this size),
// and every document still found.
func TestSettle(t *testing.T) {
	ix, err := OpenWith(t.TempDir(), Options{Shards: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	for b := range 40 {
		var docs []Doc
		for j := range 10 {
			id := fmt.Sprintf("c%02d-%d", b, j)
			docs = append(docs, Doc{Cluster: id, Original: art(id, "settle.example", "en", "Harbour story", "The harbour bridge opened again.", "2025-03-01")})
		}
		if err := ix.Apply(context.Background(), docs, nil, uint64(b+1)); err != nil {
			t.Fatal(err)
		}
	}
	before, err := ix.Segments()
	if err != nil {
		t.Fatal(err)
	}
	if err := ix.Settle(context.Background()); err != nil {
		t.Fatal(err)
	}
	after, err := ix.Segments()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("segments: %d before Settle, %d after", before, after)
	if after != 1 {
		t.Errorf("%d segments after Settle, want 1 (400 documents, under Bleve's floor of 2,000)", after)
	}
	r, err := ix.Search(context.Background(), Query{Text: "harbour"})
	if err != nil {
		t.Fatal(err)
	}
	if r.Total != 400 {
		t.Errorf("%d hits after Settle, want 400", r.Total)
	}
}
