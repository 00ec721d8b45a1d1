package report_test

import (
	"bytes"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/syndex/syndex/article"
	"github.com/syndex/syndex/report"
	"github.com/syndex/syndex/report/render"
)

// TestNoIndexFilter: copies marked noindex are reported (marked) by
// default and left out, or kept alone, as the filter asks: in clusters,
// edges, site rows and totals.
func TestNoIndexFilter(t *testing.T) {
	h := time.Hour
	o, c := article.RoleOriginal, article.RoleCopy
	arts := []*article.Article{
		art("w1", "wire.example", o, "w1", "w1", base, 1),
		art("p1", "partner.example", c, "w1", "w1", base.Add(h), 1),
		art("m1", "mirror.example", c, "w1", "w1", base.Add(2*h), 1),
		art("w2", "wire.example", o, "w2", "w2", base.Add(24*h), 1),
		art("p2", "partner.example", c, "w2", "w2", base.Add(25*h), 1),
	}
	arts[1].NoIndex, arts[4].NoIndex = true, true

	type want struct {
		edges  []string // source→republisher:count
		copies int
		sites  map[string][3]int // site → articles, originals, copies
	}
	for _, tc := range []struct {
		mode article.NoIndexMode
		want want
	}{
		{article.NoIndexKeep, want{[]string{"wire.example→partner.example:2", "wire.example→mirror.example:1"}, 3,
			map[string][3]int{"wire.example": {2, 2, 0}, "partner.example": {2, 0, 2}, "mirror.example": {1, 0, 1}}}},
		{article.NoIndexExclude, want{[]string{"wire.example→mirror.example:1"}, 1,
			map[string][3]int{"wire.example": {2, 1, 0}, "mirror.example": {1, 0, 1}}}},
		{article.NoIndexOnly, want{[]string{"wire.example→partner.example:2"}, 2,
			map[string][3]int{"partner.example": {2, 0, 2}}}},
	} {
		t.Run(cmpOr(string(tc.mode), "include"), func(t *testing.T) {
			r := report.Build(arts, report.Filter{NoIndex: tc.mode})
			var edges []string
			for _, e := range r.Edges {
				edges = append(edges, e.Source+"→"+e.Republisher+":"+strconv.Itoa(e.Count))
			}
			slices.Sort(edges)
			w := slices.Sorted(slices.Values(tc.want.edges))
			if !slices.Equal(edges, w) {
				t.Errorf("edges %v, want %v", edges, w)
			}
			if r.Totals.Copies != tc.want.copies {
				t.Errorf("copies %d, want %d", r.Totals.Copies, tc.want.copies)
			}
			got := map[string][3]int{}
			for _, s := range r.Sites {
				got[s.Site] = [3]int{s.Articles, s.Originals, s.Copies}
			}
			if len(got) != len(tc.want.sites) {
				t.Errorf("sites %v, want %v", got, tc.want.sites)
			}
			for s, n := range tc.want.sites {
				if got[s] != n {
					t.Errorf("site %s: articles/originals/copies %v, want %v", s, got[s], n)
				}
			}
			for _, cl := range r.Clusters {
				for _, cp := range cl.Copies {
					if cp.NoIndex != (cp.Site == "partner.example") {
						t.Errorf("copy %s: noindex %v", cp.ID, cp.NoIndex)
					}
				}
			}
			var buf bytes.Buffer
			if err := render.Write(&buf, r, "json"); err != nil {
				t.Fatal(err)
			}
			var doc struct {
				Filter struct {
					NoIndex string `json:"noindex"`
				} `json:"filter"`
			}
			if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
				t.Fatal(err)
			}
			if doc.Filter.NoIndex != string(tc.mode) {
				t.Errorf("filter.noindex %q, want %q", doc.Filter.NoIndex, tc.mode)
			}
			if hasNoIndex := strings.Contains(buf.String(), `"noindex": true`) || strings.Contains(buf.String(), `"noindex":true`); hasNoIndex == (tc.mode == article.NoIndexExclude) {
				t.Errorf("mode %q: a copy marked noindex in the JSON: %v", tc.mode, hasNoIndex)
			}
		})
	}
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
