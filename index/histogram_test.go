package index

import (
	"context"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"strconv"
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
		{"", []Bucket{{"2024-03-03", 2, 0}, {"2024-03-04", 0, 2}, {"2024-03-05", 0, 0}, {"2024-03-06", 0, 0}, {"2024-03-07", 0, 0},
			{"2024-03-08", 0, 0}, {"2024-03-09", 0, 0}, {"2024-03-10", 1, 0}, {"2024-03-11", 0, 1}}},
		{IntervalWeek, []Bucket{{"2024-02-26", 2, 0}, {"2024-03-04", 1, 2}, {"2024-03-11", 0, 1}}},
		{IntervalMonth, []Bucket{{"2024-03-01", 3, 3}}},
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

func TestChooseInterval(t *testing.T) {
	d := func(s string) time.Time { return day(s) }
	for _, tc := range []struct{ from, to, want string }{
		{"2024-01-01", "2024-01-01", IntervalDay},
		{"2024-01-01", "2024-04-01", IntervalDay},
		{"2024-01-01", "2024-04-03", IntervalWeek},
		{"2024-01-01", "2025-12-31", IntervalWeek},
		{"2024-01-01", "2026-02-01", IntervalMonth},
	} {
		if got := ChooseInterval(d(tc.from), d(tc.to)); got != tc.want {
			t.Errorf("%s–%s: %s, want %s", tc.from, tc.to, got, tc.want)
		}
	}
	if got := BucketStart(d("2024-03-10"), IntervalWeek); !got.Equal(d("2024-03-04")) {
		t.Errorf("week of Sunday 2024-03-10 starts %s", got)
	}
}

func TestParseDay(t *testing.T) {
	for at := time.Date(1899, 12, 25, 0, 0, 0, 0, time.UTC); at.Year() < 2101; at = at.AddDate(0, 0, 1) {
		s := at.Format(time.DateOnly)
		d, ok := parseDay(s)
		if !ok || int64(d) != at.Unix()/86400 || !dayTime(d).Equal(at) {
			t.Fatalf("parseDay(%s) = %d %v, want %d", s, d, ok, at.Unix()/86400)
		}
		if y, m, dd := civil(d); y != at.Year() || m != int(at.Month()) || dd != at.Day() {
			t.Fatalf("civil(%d) = %d-%d-%d, want %s", d, y, m, dd, s)
		}
		if mon := dayTime(monday(d)); !mon.Equal(BucketStart(at, IntervalWeek)) {
			t.Fatalf("monday(%s) = %s", s, mon.Format(time.DateOnly))
		}
	}
	for _, bad := range []string{"2024-02-30", "2023-02-29", "2024-13-01", "2024-00-10", "2024-01-00", "abcd-ef-gh", "2024-1-01", "2024-01-01#2", ""} {
		if _, ok := parseDay(bad); ok {
			t.Errorf("parseDay(%q) accepted", bad)
		}
	}
}

// TestHistogramBuckets checks buildHistogram against a plain count of
// random days into each interval's buckets, a day given more than once
// (as from several segments).
func TestHistogramBuckets(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, span := range []int{1, 40, 300, 2000} {
		base := time.Date(2019, 12, 30, 0, 0, 0, 0, time.UTC).AddDate(0, 0, r.IntN(400))
		var orig, copies []termCount
		want := map[string]map[string][2]int{} // interval → bucket start → counts
		for _, iv := range []string{IntervalDay, IntervalWeek, IntervalMonth} {
			want[iv] = map[string][2]int{}
		}
		add := func(day time.Time, o, c int) {
			for iv := range want {
				k := BucketStart(day, iv).Format(time.DateOnly)
				v := want[iv][k]
				want[iv][k] = [2]int{v[0] + o, v[1] + c}
			}
		}
		for range 50 {
			day := base.AddDate(0, 0, r.IntN(span))
			n := 1 + r.IntN(3)
			orig = append(orig, termCount{day.Format(time.DateOnly), n})
			add(day, n, 0)
			k := 1 + r.IntN(2)
			copies = append(copies, termCount{day.Format(time.DateOnly) + "#" + strconv.Itoa(k), n})
			add(day, 0, k*n)
		}
		for iv, buckets := range want {
			h, err := buildHistogram(orig, copies, iv, article.NoIndexKeep)
			must(t, err)
			got := map[string][2]int{}
			for i, b := range h.Buckets {
				if i > 0 {
					prev, _ := time.Parse(time.DateOnly, h.Buckets[i-1].Start)
					if b.Start != nextBucket(prev, iv).Format(time.DateOnly) {
						t.Fatalf("span %d %s: bucket %d starts %s after %s", span, iv, i, b.Start, h.Buckets[i-1].Start)
					}
				}
				if b.Originals+b.Copies > 0 {
					got[b.Start] = [2]int{b.Originals, b.Copies}
				}
			}
			if !reflect.DeepEqual(got, buckets) {
				t.Errorf("span %d %s: %v, want %v", span, iv, got, buckets)
			}
		}
	}
}
