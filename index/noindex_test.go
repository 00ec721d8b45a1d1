package index

import (
	"context"
	"maps"
	"path/filepath"
	"slices"
	"testing"

	"github.com/syndex/syndex/article"
)

// TestSearchNoIndex: stories whose pages are marked noindex are found or
// left out as the query asks, in the hits, their copies, their copy-text
// matches, the total and the deep export, on a real index on disk.
func TestSearchNoIndex(t *testing.T) {
	ctx := context.Background()
	ix, err := Open(filepath.Join(t.TempDir(), "bleve"))
	must(t, err)
	t.Cleanup(func() { _ = ix.Close() })

	body := func(s string) string {
		return "The harbour authority said " + s + " would reopen the ferry terminal after the storm.\n\nRepairs cost more than expected."
	}
	// plain: no page marked. mixed: a partner's copy marked, another not.
	// hidden: the only page, marked. partnered: original and its one
	// copy, the copy marked.
	plain := art("plain", "origin.example", "en", "Plain story", body("the plain crew"), "2024-03-01")
	plainCopy := cp("plain-c", "mirror.example", "2024-03-02", 1)
	mixed := art("mixed", "origin.example", "en", "Mixed story", body("the mixed crew"), "2024-03-03")
	mixedPartner := cp("mixed-p", "partner.example", "2024-03-04", 1)
	mixedPartner.NoIndex = true
	mixedPartner.Text = "Partner zanzibarish intro.\n\n" + mixed.Text
	mixedMirror := cp("mixed-m", "mirror.example", "2024-03-05", 1)
	hidden := art("hidden", "partner.example", "en", "Hidden story", body("the hidden crew"), "2024-03-06")
	hidden.NoIndex = true
	must(t, ix.Upsert(ctx, []Doc{
		{Cluster: "plain", Original: plain, Copies: []*article.Article{plainCopy}},
		{Cluster: "mixed", Original: mixed, Copies: []*article.Article{mixedPartner, mixedMirror}},
		{Cluster: "hidden", Original: hidden},
	}))

	copiesOf := func(h Hit) []string {
		var out []string
		for _, c := range h.Copies {
			out = append(out, c.ID)
		}
		return out
	}
	for _, tc := range []struct {
		mode   article.NoIndexMode
		want   []string            // clusters, by date
		copies map[string][]string // cluster → copies listed
		days   map[string]int      // copy day → copies the histogram counts
	}{
		{article.NoIndexKeep, []string{"plain", "mixed", "hidden"},
			map[string][]string{"plain": {"plain-c"}, "mixed": {"mixed-p", "mixed-m"}, "hidden": nil},
			map[string]int{"2024-03-02": 1, "2024-03-04": 1, "2024-03-05": 1}},
		{article.NoIndexExclude, []string{"plain", "mixed"},
			map[string][]string{"plain": {"plain-c"}, "mixed": {"mixed-m"}},
			map[string]int{"2024-03-02": 1, "2024-03-05": 1}},
		{article.NoIndexOnly, []string{"mixed", "hidden"},
			map[string][]string{"mixed": {"mixed-p"}, "hidden": nil},
			map[string]int{"2024-03-04": 1}},
	} {
		t.Run(string(cmpOr(tc.mode, "include")), func(t *testing.T) {
			res, err := ix.Search(ctx, Query{Text: "harbour", Sort: "date", Limit: 10, NoIndex: tc.mode, Facets: true, Interval: IntervalDay})
			must(t, err)
			days := map[string]int{}
			for _, b := range res.Histogram.Buckets {
				if b.Copies > 0 {
					days[b.Start] = b.Copies
				}
			}
			if !maps.Equal(days, tc.days) || res.Histogram.UndatedCopies != 0 {
				t.Errorf("histogram copies %v (undated %d), want %v", days, res.Histogram.UndatedCopies, tc.days)
			}
			if got := clusters(res); !slices.Equal(got, tc.want) || res.Total != uint64(len(tc.want)) {
				t.Fatalf("hits %v (total %d), want %v", got, res.Total, tc.want)
			}
			for _, h := range res.Hits {
				if got := copiesOf(h); !slices.Equal(got, tc.copies[h.Cluster]) {
					t.Errorf("%s: copies %v, want %v", h.Cluster, got, tc.copies[h.Cluster])
				}
				if h.Cluster == "hidden" && !h.Original.NoIndex {
					t.Errorf("hidden: original not marked noindex")
				}
			}
			// The deep export pages with the same filter.
			var scanned []string
			must(t, Scan(ctx, ix, Query{Text: "harbour", Sort: "date", Limit: 1, NoIndex: tc.mode}, func(r *Result) error {
				scanned = append(scanned, clusters(r)...)
				return nil
			}))
			if !slices.Equal(scanned, tc.want) {
				t.Errorf("scan %v, want %v", scanned, tc.want)
			}
		})
	}

	// A word only the noindex partner's copy adds finds its story; the
	// copy match names that copy unless noindex copies are left out.
	for mode, want := range map[article.NoIndexMode]int{article.NoIndexKeep: 1, article.NoIndexOnly: 1, article.NoIndexExclude: 0} {
		res, err := ix.Search(ctx, Query{Text: "zanzibarish", Limit: 10, NoIndex: mode})
		must(t, err)
		if len(res.Hits) != 1 || res.Hits[0].Cluster != "mixed" {
			t.Fatalf("%q: hits %v, want [mixed]", mode, clusters(res))
		}
		if got := len(res.Hits[0].CopyMatches); got != want {
			t.Errorf("%q: %d copy matches %+v, want %d", mode, got, res.Hits[0].CopyMatches, want)
		}
	}

	if _, err := ix.Search(ctx, Query{Text: "harbour", NoIndex: "sometimes"}); err == nil {
		t.Error("an unknown noindex mode was accepted")
	}
}

func cmpOr(m article.NoIndexMode, def string) string {
	if m == "" {
		return def
	}
	return string(m)
}
