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
// changed, each as the index now holds it. It returns the ids of those
// others, sorted.
func addAndCheckReport(t *testing.T, ix *dedup.Index, a *article.Article, ids []string) []string {
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
		changed := b.Cluster != now.Cluster || b.Role != now.Role || b.Original != now.Original
		got, isReported := reported[id]
		switch {
		case changed && !isReported:
			t.Errorf("Add(%s): %s changed from %s/%s/%s to %s/%s/%s but was not reported", a.ID, id,
				b.Cluster, b.Role, b.Original, now.Cluster, now.Role, now.Original)
		case !changed && isReported:
			t.Errorf("Add(%s): %s reported though unchanged (%+v)", a.ID, id, now)
		case isReported && !reflect.DeepEqual(got, now):
			t.Errorf("Add(%s): reported %+v for %s, index holds %+v", a.ID, got, id, now)
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
			ix := dedup.NewIndex(dedup.DefaultConfig())
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
			ix := dedup.NewIndex(dedup.DefaultConfig())
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
