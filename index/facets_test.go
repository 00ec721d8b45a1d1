package index

import (
	"context"
	"fmt"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"

	"github.com/syndex/syndex/article"
	"github.com/syndex/syndex/index/facets"
	"github.com/syndex/syndex/index/histogram"
	"github.com/syndex/syndex/index/schema"
)

// bleveFacets computes q's facets and histogram with Bleve's own term
// facets (what Search did before facets.go), for comparison.
func bleveFacets(t *testing.T, ix *Index, q Query) (*Facets, *Histogram) {
	t.Helper()
	ctx := withFields(withVocab(context.Background(), ix.bigrams.vocab), ix.fields.Load())
	req, err := ix.buildRequest(q)
	must(t, err)
	// Every term of every shard: an alias merges the shards' top terms,
	// so with the sizes Search shows a term outside one shard's top 20
	// would lose that shard's count.
	all := 1 << 20
	req.AddFacet("sites", bleve.NewFacetRequest(schema.FieldSites, all))
	req.AddFacet("langs", bleve.NewFacetRequest(schema.FieldLang, all))
	req.AddFacet("years", bleve.NewFacetRequest(schema.FieldYear, all))
	req.AddFacet(schema.FieldDay, bleve.NewFacetRequest(schema.FieldDay, all))
	req.AddFacet(schema.FieldCopyDays, bleve.NewFacetRequest(schema.FieldCopyDays, all))
	sr, err := ix.searcher.SearchInContext(ctx, req)
	must(t, err)
	terms := func(name string) []FacetCount {
		out := []FacetCount{}
		if fr := sr.Facets[name]; fr != nil && fr.Terms != nil {
			for _, tf := range fr.Terms.Terms() {
				out = append(out, FacetCount{Term: tf.Term, Count: tf.Count})
			}
		}
		return out
	}
	asList := func(name string) []facets.TermCount {
		var l []facets.TermCount
		for _, c := range terms(name) {
			l = append(l, facets.TermCount{Term: c.Term, N: c.Count})
		}
		return l
	}
	f := &Facets{Sites: facets.Top(asList("sites"), facetSize), Langs: facets.Top(asList("langs"), facetSize), Years: facets.Top(asList("years"), 100)}
	facets.SortYears(f.Years)
	var hc histogram.Counts
	for _, c := range asList(schema.FieldDay) {
		must(t, hc.AddTerm(c.Term, false, c.N, q.NoIndex))
	}
	for _, c := range asList(schema.FieldCopyDays) {
		must(t, hc.AddTerm(c.Term, true, c.N, q.NoIndex))
	}
	return f, hc.Histogram(q.Interval)
}

// TestFacetOrdinals checks the facets and histogram counted by ordinals,
// and from doc values, against Bleve's term facets, on an index of several
// segments per shard with replaced (deleted) documents, for broad, narrow,
// empty, filtered, date-sorted and cursor queries.
func TestFacetOrdinals(t *testing.T) {
	ix, err := OpenWith(filepath.Join(t.TempDir(), "ix"), Options{Shards: 2})
	must(t, err)
	t.Cleanup(func() { _ = ix.Close() })
	ctx := context.Background()
	const n = 1200
	for from := 0; from < n; from += 300 { // several segments
		var docs []Doc
		for i := from; i < from+300; i++ {
			d := genDoc(i)
			if i%7 == 0 && len(d.Copies) > 0 {
				d.Copies[0].NoIndex = true
			}
			if i%11 == 0 {
				d.Original.Published, d.Original.Fetched = time.Time{}, time.Time{}
			}
			docs = append(docs, d)
		}
		must(t, ix.Apply(ctx, docs, nil, uint64(from+300)))
	}
	// Replace some documents (the old ones stay, deleted, in their
	// segments) with other sites and dates.
	var again []Doc
	for i := 0; i < n; i += 5 {
		d := genDoc(i)
		d.Original.Site = "replaced.example"
		d.Original.Published = d.Original.Published.AddDate(1, 0, 0)
		again = append(again, d)
	}
	must(t, ix.Apply(ctx, again, nil, n+1))
	en := vocab["en"]
	// The first facet query of an Index builds no ordinals (a one-shot
	// search would not use them again); a second broad one does.
	defer func(f func(int) int) { ix.facetOrds.Threshold = f }(ix.facetOrds.Threshold)
	ix.facetOrds.Threshold = func(int) int { return 0 }
	for i, want := range []bool{false, true} {
		ix.facetMemo.Reset() // count again
		_, err := ix.Search(ctx, Query{Text: en[12], Facets: true})
		must(t, err)
		got := ix.facetOrds.Len() > 0
		if got != want {
			t.Errorf("facet query %d: ordinals cached %v, want %v", i+1, got, want)
		}
	}
	queries := []Query{
		{Text: en[12]}, {Text: en[300]}, {Text: en[1500]}, {Text: ""},
		{Text: en[20], Sites: []string{genSite(3), "replaced.example"}},
		{Text: en[15], Lang: "en", From: time.Date(2018, 1, 1, 0, 0, 0, 0, time.UTC)},
		{Text: en[14], Sort: "-date", NoIndex: article.NoIndexExclude},
		{Text: en[16], NoIndex: article.NoIndexOnly, Interval: IntervalMonth},
		{Text: en[13], Cursor: true, Limit: 5},
		{Text: "nothingmatchesthis"},
	}
	for _, mode := range []string{"docvalues", "ordinals", "mixed"} {
		switch mode {
		case "docvalues":
			ix.facetOrds.Threshold = func(int) int { return 1 << 30 }
			ix.facetOrds.Prune(nil)
		case "ordinals":
			ix.facetOrds.Threshold = func(int) int { return 0 }
		case "mixed":
			ix.facetOrds.Threshold = func(n int) int { return n / 8 }
			ix.facetOrds.Prune(nil) // forget what "ordinals" built
		}
		for _, q := range queries {
			q.Facets = true
			name := fmt.Sprintf("%s/%q", mode, q.Text)
			ix.facetMemo.Reset()
			res, err := ix.Search(ctx, q)
			must(t, err)
			if len(q.Text) > 0 && q.Text != "nothingmatchesthis" && res.Total == 0 {
				t.Fatalf("%s: no hits", name)
			}
			wantF, wantH := bleveFacets(t, ix, q)
			if !reflect.DeepEqual(res.Facets, wantF) {
				t.Errorf("%s: facets\n%+v\nwant\n%+v", name, res.Facets, wantF)
			}
			if !reflect.DeepEqual(res.Histogram, wantH) {
				t.Errorf("%s: histogram\n%+v\nwant\n%+v", name, res.Histogram, wantH)
			}
			if q.Cursor && res.Next != nil { // the next page has the same facets
				q.After = res.Next
				next, err := ix.Search(ctx, q)
				must(t, err)
				if !reflect.DeepEqual(next.Facets, res.Facets) || !reflect.DeepEqual(next.Histogram, res.Histogram) {
					t.Errorf("%s: next page's facets differ", name)
				}
			}
		}
	}
	cached := ix.facetOrds.Len()
	if cached == 0 {
		t.Error("no segment's ordinals were cached")
	}
}

// TestFacetMemo checks that the next page of a query reuses its facet
// counts, and that a batch written since is counted.
func TestFacetMemo(t *testing.T) {
	ix, err := OpenWith(filepath.Join(t.TempDir(), "ix"), Options{Shards: 2})
	must(t, err)
	t.Cleanup(func() { _ = ix.Close() })
	ctx := context.Background()
	var docs []Doc
	for i := range 200 {
		docs = append(docs, genDoc(i))
	}
	must(t, ix.Apply(ctx, docs, nil, 200))
	q := Query{Text: vocab["en"][12], Facets: true, Limit: 5}
	first, err := ix.Search(ctx, q)
	must(t, err)
	q.Offset, q.Sort, q.Interval = 5, "-date", IntervalMonth
	next, err := ix.Search(ctx, q)
	must(t, err)
	if n := ix.facetQueries.Load(); n != 1 {
		t.Errorf("%d facet counts for two pages of one query, want 1", n)
	}
	if !reflect.DeepEqual(first.Facets, next.Facets) || len(next.Histogram.Buckets) == 0 || next.Histogram.Interval != IntervalMonth {
		t.Errorf("next page: facets %+v histogram %+v, first page %+v", next.Facets, next.Histogram, first.Facets)
	}
	d := genDoc(1000)
	d.Original.Lang, d.Original.Site, d.Original.Text = "en", "new.example", vocab["en"][12]
	must(t, ix.Apply(ctx, []Doc{d}, nil, 201))
	after, err := ix.Search(ctx, q)
	must(t, err)
	en := func(r *Result) int {
		i := slices.IndexFunc(r.Facets.Langs, func(c FacetCount) bool { return c.Term == "en" })
		if i < 0 {
			return 0
		}
		return r.Facets.Langs[i].Count
	}
	if after.Total != first.Total+1 || en(after) != en(first)+1 {
		t.Errorf("after a batch: %d hits (was %d), langs %+v (was %+v)", after.Total, first.Total, after.Facets.Langs, first.Facets.Langs)
	}
}
