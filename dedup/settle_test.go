package dedup_test

import (
	"maps"
	"reflect"
	"slices"
	"testing"

	"github.com/syndex/syndex/article"
	"github.com/syndex/syndex/dedup"
)

// want is the expected final assignment of one article.
type want struct {
	role     article.Role
	original string
}

// addAndCheckReport adds a to ix and checks that Add returned a's
// assignment first, then exactly the other articles whose assignment
// changed, each as the clusterer now holds it. It returns the ids of those
// others, sorted.
func addAndCheckReport(t *testing.T, ix *dedup.Clusterer, a *article.Article, ids []string) []string {
	t.Helper()
	before := map[string]article.Assignment{}
	for _, id := range ids {
		if as, ok := ix.Assignment(id); ok {
			before[id] = as
		}
	}
	out := ix.Add(a)
	if len(out) == 0 || out[0].ID != a.ID {
		t.Fatalf("Add(%s) = %+v, want its own assignment first", a.ID, out)
	}
	reported := map[string]article.Assignment{}
	for _, as := range out[1:] {
		if _, dup := reported[as.ID]; dup || as.ID == a.ID {
			t.Errorf("Add(%s) reported %s twice", a.ID, as.ID)
		}
		reported[as.ID] = as
	}
	for _, id := range ids {
		b, had := before[id]
		now, _ := ix.Assignment(id)
		if id == a.ID || !had {
			continue
		}
		changed := b.Cluster != now.Cluster || b.Role != now.Role || b.Original != now.Original || b.Via != now.Via ||
			!slices.Equal(b.Evidence, now.Evidence)
		got, isReported := reported[id]
		switch {
		case changed && !isReported:
			t.Errorf("Add(%s): %s changed from %s/%s/%s to %s/%s/%s but was not reported", a.ID, id,
				b.Cluster, b.Role, b.Original, now.Cluster, now.Role, now.Original)
		case !changed && isReported:
			t.Errorf("Add(%s): %s reported though unchanged (%+v)", a.ID, id, now)
		case isReported && !reflect.DeepEqual(got, now):
			t.Errorf("Add(%s): reported %+v for %s, clusterer holds %+v", a.ID, got, id, now)
		}
	}
	return slices.Sorted(maps.Keys(reported))
}

func TestOriginalChangeReverifiesMembers(t *testing.T) {
	g := newTextGen(21)
	s, q, r, w := g.paras(10), g.paras(10), g.paras(8), g.paras(6)
	attributed := art("c", "c.example", 5, join(s[2:8], w)...)
	attributed.Source = "b.example"
	tests := []struct {
		name        string
		setup       []*article.Article
		last        *article.Article
		wantChanged []string
		want        map[string]want
		together    [][]string // groups that must share one cluster
	}{
		{
			name: "earlier original found later: a member it does not contain joins a better cluster",
			setup: []*article.Article{
				art("x", "x.example", 5, join(s[:4], q[:8])...), // mixed article, first seen
				art("t", "t.example", 6, s[:4]...),              // contained in x: copy of x
				art("u", "u.example", 7, join(s[:4], r)...),     // contains t, not a copy of x
			},
			last:        art("o", "o.example", 0, q...), // the source of x's second part, earlier
			wantChanged: []string{"t", "u", "x"},
			want: map[string]want{
				"o": {article.RoleOriginal, "o"}, "x": {article.RoleCopy, "o"},
				"t": {article.RoleOriginal, "t"}, "u": {article.RoleCopy, "t"},
			},
			together: [][]string{{"o", "x"}, {"t", "u"}},
		},
		{
			name: "earlier original found later: a member it does not contain becomes unique",
			setup: []*article.Article{
				art("x", "x.example", 5, join(s[:4], q[:8])...),
				art("t", "t.example", 6, s[:4]...),
			},
			last:        art("o", "o.example", 0, q...),
			wantChanged: []string{"t", "x"},
			want: map[string]want{
				"o": {article.RoleOriginal, "o"}, "x": {article.RoleCopy, "o"}, "t": {article.RoleUnique, "t"},
			},
			together: [][]string{{"o", "x"}},
		},
		{
			name: "attribution makes a member the original: members it does not contain leave",
			setup: []*article.Article{
				art("a", "a.example", 0, s...),
				art("d", "d.example", 1, join(s[:2], s[8:])...), // the parts of a that b dropped
				art("b", "b.example", 3, join(s[2:8], w)...),
			},
			last:        attributed, // names b.example: b becomes the original
			wantChanged: []string{"a", "b", "d"},
			want: map[string]want{
				"b": {article.RoleOriginal, "b"}, "a": {article.RoleCopy, "b"}, "c": {article.RoleCopy, "b"},
				"d": {article.RoleUnique, "d"},
			},
			together: [][]string{{"a", "b", "c"}},
		},
		{
			name: "original re-added with other text: the copies re-decide and are reported",
			setup: []*article.Article{
				art("c1", "one.example", 5, s...),
				art("c2", "two.example", 7, s...),
				art("orig", "origin.example", 0, s...),
			},
			last:        art("orig", "origin.example", 0, q...),
			wantChanged: []string{"c1", "c2"},
			want: map[string]want{
				"orig": {article.RoleUnique, "orig"}, "c1": {article.RoleOriginal, "c1"}, "c2": {article.RoleCopy, "c1"},
			},
			together: [][]string{{"c1", "c2"}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ix := dedup.NewClusterer(dedup.DefaultConfig())
			var ids []string
			for _, a := range append(slices.Clone(tc.setup), tc.last) {
				if !slices.Contains(ids, a.ID) {
					ids = append(ids, a.ID)
				}
			}
			for _, a := range tc.setup {
				addAndCheckReport(t, ix, a, ids)
			}
			changed := addAndCheckReport(t, ix, tc.last, ids)
			if !slices.Equal(changed, tc.wantChanged) {
				t.Errorf("Add(%s) reported %v, want %v", tc.last.ID, changed, tc.wantChanged)
			}
			for id, w := range tc.want {
				as, _ := ix.Assignment(id)
				if as.Role != w.role || as.Original != w.original {
					t.Errorf("%s: role %s original %s (evidence %v), want %s of %s", id, as.Role, as.Original, as.Evidence, w.role, w.original)
				}
			}
			for _, grp := range tc.together {
				c, _ := ix.Assignment(grp[0])
				if m := ix.Members(c.Cluster); !slices.Equal(slices.Sorted(slices.Values(m)), slices.Sorted(slices.Values(grp))) {
					t.Errorf("cluster of %s has members %v, want %v", grp[0], m, grp)
				}
			}
		})
	}
}

// TestAddReportIsComplete replays every index case and checks, after each
// Add, that exactly the articles whose assignment changed were reported.
func TestAddReportIsComplete(t *testing.T) {
	for _, tc := range indexCases() {
		t.Run(tc.name, func(t *testing.T) {
			ix := dedup.NewClusterer(dedup.DefaultConfig())
			var ids []string
			for _, a := range tc.arts {
				ids = append(ids, a.ID)
			}
			for _, a := range tc.arts {
				addAndCheckReport(t, ix, a, ids)
			}
		})
	}
}

// TestGloballyCommonFeaturesRecheckClusters: articles joined only through
// a passage that later turns out to be globally common (a wire-service
// boilerplate paragraph on many sites) are split when it crosses the
// global threshold; copies that share their own story stay together.
func TestGloballyCommonFeaturesRecheckClusters(t *testing.T) {
	g := newTextGen(41)
	common := g.paras(2) // becomes globally common with the fourth article
	story := g.paras(6)
	own := func() string { return g.sentence() }
	cfg := dedup.DefaultConfig()
	cfg.GlobalMinDocs, cfg.GlobalFrac = 4, 0
	tests := []struct {
		name  string
		arts  []*article.Article
		same  [][2]string
		apart [][2]string
	}{
		{
			name: "joined only through the common passage: split",
			arts: []*article.Article{
				art("a", "a.example", 0, append([]string{own()}, common...)...),
				art("b", "b.example", 1, append([]string{own()}, common...)...),
				art("c", "c.example", 2, append([]string{own()}, common...)...),
				art("d", "d.example", 3, append([]string{own()}, common...)...),
			},
			apart: [][2]string{{"a", "b"}, {"a", "c"}, {"b", "c"}, {"a", "d"}},
		},
		{
			name: "copies of one story that also carry the passage: kept",
			arts: []*article.Article{
				art("s1", "a.example", 0, join(story, common)...),
				art("s2", "b.example", 1, join(story, common)...),
				art("x", "c.example", 2, append([]string{own()}, common...)...),
				art("y", "d.example", 3, append([]string{own()}, common...)...),
			},
			same:  [][2]string{{"s1", "s2"}},
			apart: [][2]string{{"s1", "x"}, {"s1", "y"}, {"x", "y"}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ix := dedup.NewClusterer(cfg)
			var ids []string
			for _, a := range tc.arts {
				ids = append(ids, a.ID)
			}
			for _, a := range tc.arts {
				addAndCheckReport(t, ix, a, ids)
			}
			for _, p := range tc.same {
				if a, b := mustAssign(t, ix, p[0]), mustAssign(t, ix, p[1]); a.Cluster != b.Cluster {
					t.Errorf("%s (%s) and %s (%s) split, want one cluster", p[0], a.Cluster, p[1], b.Cluster)
				}
			}
			for _, p := range tc.apart {
				if a, b := mustAssign(t, ix, p[0]), mustAssign(t, ix, p[1]); a.Cluster == b.Cluster {
					t.Errorf("%s and %s still in cluster %s after the passage became common", p[0], p[1], a.Cluster)
				}
			}
		})
	}
}

func mustAssign(t *testing.T, ix *dedup.Clusterer, id string) article.Assignment {
	t.Helper()
	as, ok := ix.Assignment(id)
	if !ok {
		t.Fatalf("no assignment for %s", id)
	}
	return as
}
