package index

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/syndex/syndex/article"
)

func TestHistogram(t *testing.T) {
	ix, err := OpenWith(filepath.Join(t.TempDir(), "bleve"), Options{Shards: 2})
	must(t, err)
	t.Cleanup(func() { _ = ix.Close() })
	// Three stories on "flood": originals on 3, 3 and 10 March; copies
	// on 4 March (two of the first story), 11 March and one undated.
	docs := []Doc{
		{Cluster: "a", Original: art("a", "o.example", "en", "Flood one", "The flood reached the town.", "2024-03-03"),
			Copies: []*article.Article{cp("a1", "c.example", "2024-03-04", 0.9), cp("a2", "d.example", "2024-03-04", 0.9)}},
		{Cluster: "b", Original: art("b", "o.example", "en", "Flood two", "Another flood in the valley.", "2024-03-03"),
			Copies: []*article.Article{cp("b1", "c.example", "2024-03-11", 0.9)}},
		{Cluster: "c", Original: art("c", "o.example", "en", "Flood three", "The flood receded.", "2024-03-10"),
			Copies: []*article.Article{cp("c1", "c.example", "", 0.9)}},
		{Cluster: "d", Original: art("d", "o.example", "en", "Drought", "No rain for months.", "2024-03-05")},
	}
	docs[2].Copies[0].Fetched = time.Time{}
	must(t, ix.Upsert(context.Background(), docs))
	for _, tc := range []struct {
		interval string
		want     []Bucket
	}{
		{"", []Bucket{{Start: "2024-03-03", Originals: 2, Copies: 0}, {Start: "2024-03-04", Originals: 0, Copies: 2}, {Start: "2024-03-05", Originals: 0, Copies: 0}, {Start: "2024-03-06", Originals: 0, Copies: 0}, {Start: "2024-03-07", Originals: 0, Copies: 0},
			{Start: "2024-03-08", Originals: 0, Copies: 0}, {Start: "2024-03-09", Originals: 0, Copies: 0}, {Start: "2024-03-10", Originals: 1, Copies: 0}, {Start: "2024-03-11", Originals: 0, Copies: 1}}},
		{IntervalWeek, []Bucket{{Start: "2024-02-26", Originals: 2, Copies: 0}, {Start: "2024-03-04", Originals: 1, Copies: 2}, {Start: "2024-03-11", Originals: 0, Copies: 1}}},
		{IntervalMonth, []Bucket{{Start: "2024-03-01", Originals: 3, Copies: 3}}},
	} {
		res, err := ix.Search(context.Background(), Query{Text: "flood", Facets: true, Interval: tc.interval})
		must(t, err)
		h := res.Histogram
		if h == nil {
			t.Fatal("no histogram")
		}
		want := tc.interval
		if want == "" {
			want = IntervalDay
		}
		if h.Interval != want || !equalBuckets(h.Buckets, tc.want) || h.UndatedCopies != 1 || h.UndatedOriginals != 0 {
			t.Errorf("interval %q: %+v, want %s %v with 1 undated copy", tc.interval, h, want, tc.want)
		}
	}
	if _, err := ix.Search(context.Background(), Query{Text: "flood", Facets: true, Interval: "year"}); err == nil {
		t.Error("interval year accepted")
	}
	res, err := ix.Search(context.Background(), Query{Text: "nothingmatches", Facets: true})
	must(t, err)
	if res.Histogram == nil || len(res.Histogram.Buckets) != 0 {
		t.Errorf("no hits: histogram %+v", res.Histogram)
	}
}

func equalBuckets(a, b []Bucket) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
