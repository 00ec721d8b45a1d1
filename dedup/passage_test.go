package dedup_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/syndex/syndex/article"
	"github.com/syndex/syndex/dedup"
)

// passageCase is a set of articles with the groups that must end in one
// cluster and the pairs that must not, checked both when the set is
// added one article at a time (the crawler's way) and through Run.
type passageCase struct {
	name     string
	arts     []*article.Article
	same     [][]string
	apart    [][2]string
	original map[string]string // member -> expected original
}

func bare(id string, paras ...string) *article.Article {
	return &article.Article{ID: id, Text: strings.Join(paras, "\n\n")}
}

func passageCases() []passageCase {
	g := newTextGen(21)
	tpl := newRepub(g)
	var cases []passageCase

	// A network's template (header, attribution, appeal, a long
	// disclaimer) around short, unrelated stories, with no site to learn
	// it from: only its recurrence across unrelated articles gives it
	// away. One story has a real copy, which must still be found. The
	// template is on fewer than a fifth of the articles, as one network's
	// would be in a larger archive.
	arts := plain(g, 80)
	var apart [][2]string
	for i := range 14 {
		arts = append(arts, bare(fmt.Sprintf("net%02d", i), tpl.wrap("wire.example", g.paras(2))...))
		if i > 0 {
			apart = append(apart, [2]string{"net00", fmt.Sprintf("net%02d", i)})
		}
	}
	story := g.paras(2)
	arts = append(arts, bare("story", story...), bare("story-copy", tpl.wrap("story.example", story)...))
	cases = append(cases, passageCase{name: "network template without sites", arts: arts, apart: apart,
		same: [][]string{{"story", "story-copy"}}})

	// A story copied whole by forty sites is a story, not a passage: its
	// features are all as common as each other.
	popular := g.paras(6)
	arts = []*article.Article{art("pop", "origin.example", 0, popular...)}
	grp := []string{"pop"}
	for i := range 40 {
		id := fmt.Sprintf("pop-c%02d", i)
		arts = append(arts, art(id, fmt.Sprintf("site%02d.example", i), 1+i, popular...))
		grp = append(grp, id)
	}
	for i := range 20 {
		arts = append(arts, art(fmt.Sprintf("other%02d", i), "origin.example", 2+i, g.paras(6)...))
	}
	cases = append(cases, passageCase{name: "story copied by forty sites", arts: arts, same: [][]string{grp},
		original: map[string]string{"pop-c07": "pop", "pop-c39": "pop"}})

	// Most copies run only the first half, so the lead is in four times
	// as many articles as the rest; the full original must keep it.
	lead := g.paras(8)
	arts = []*article.Article{art("full", "origin.example", 0, lead...)}
	grp = []string{"full"}
	for i := range 30 {
		id := fmt.Sprintf("trunc%02d", i)
		n := 4
		paras := lead[:n:n]
		if i%4 == 0 {
			paras = lead // some run the whole story
		}
		arts = append(arts, art(id, fmt.Sprintf("digest%02d.example", i), 1+i, append(paras, "Read more at origin.example")...))
		grp = append(grp, id)
	}
	cases = append(cases, passageCase{name: "story most copies truncate", arts: arts, same: [][]string{grp},
		original: map[string]string{"trunc01": "full", "trunc04": "full"}})

	// A copy that adds its own long introduction to a widely copied story
	// is judged by the story, not by its own words.
	wide := g.paras(4)
	arts = nil
	grp = nil
	for i := range 12 {
		id := fmt.Sprintf("wide%02d", i)
		arts = append(arts, art(id, fmt.Sprintf("w%02d.example", i), i, wide...))
		grp = append(grp, id)
	}
	arts = append(arts, art("intro", "local.example", 20, join(g.paras(2), wide)...))
	grp = append(grp, "intro")
	cases = append(cases, passageCase{name: "own introduction to a widely copied story", arts: arts, same: [][]string{grp}})
	return cases
}

// plain returns n unrelated articles without site or template.
func plain(g *textGen, n int) []*article.Article {
	out := make([]*article.Article, n)
	for i := range out {
		out[i] = bare(fmt.Sprintf("plain%02d", i), g.paras(3)...)
	}
	return out
}

func checkGroups(t *testing.T, tc passageCase, get func(string) article.Assignment) {
	t.Helper()
	for _, grp := range tc.same {
		c := get(grp[0]).Cluster
		for _, id := range grp[1:] {
			if got := get(id); got.Cluster != c {
				t.Errorf("%s in cluster %s (%s), want %s with %s", id, got.Cluster, got.Role, c, grp[0])
			}
		}
	}
	for _, p := range tc.apart {
		if a, b := get(p[0]), get(p[1]); a.Cluster == b.Cluster {
			t.Errorf("%s and %s merged into %s", p[0], p[1], a.Cluster)
		}
	}
	for id, want := range tc.original {
		if as := get(id); as.Original != want {
			t.Errorf("%s: original %s, want %s (evidence %v)", id, as.Original, want, as.Evidence)
		}
	}
}

func TestRecurringPassages(t *testing.T) {
	for _, tc := range passageCases() {
		t.Run(tc.name+"/incremental", func(t *testing.T) {
			ix := dedup.NewClusterer(dedup.DefaultConfig())
			for _, a := range tc.arts {
				ix.Add(a)
			}
			checkGroups(t, tc, func(id string) article.Assignment {
				as, ok := ix.Assignment(id)
				if !ok {
					t.Fatalf("no assignment for %s", id)
				}
				return as
			})
		})
		t.Run(tc.name+"/run", func(t *testing.T) {
			as := runArticles(t, tc.arts, dedup.DefaultConfig())
			byID := map[string]article.Assignment{}
			for _, x := range as {
				byID[x.ID] = x
			}
			checkGroups(t, tc, func(id string) article.Assignment { return byID[id] })
		})
	}
}

// TestPassageLearnedLateRedecides adds template-wrapped stories one by
// one: the first ones, before the template has recurred often enough to
// be known, are clustered through it; once it is known those clusters are
// re-decided, and Add reports the members that left.
func TestPassageLearnedLateRedecides(t *testing.T) {
	g := newTextGen(33)
	tpl := newRepub(g)
	ix := dedup.NewClusterer(dedup.DefaultConfig())
	for _, a := range plain(g, 80) {
		ix.Add(a)
	}
	first := map[string]bool{}
	reported := map[string]bool{}
	var ids []string
	for i := range 16 {
		id := fmt.Sprintf("n%02d", i)
		ids = append(ids, id)
		out := ix.Add(bare(id, tpl.wrap("wire.example", g.paras(2))...))
		if i == 1 {
			if out[0].Role == article.RoleUnique {
				t.Fatalf("second template article is unique before the template is known: the test no longer starts from a false cluster")
			}
			first[out[0].ID], first[out[0].Original] = true, true
		}
		for _, as := range out[1:] {
			if first[as.ID] {
				reported[as.ID] = true
			}
		}
	}
	for _, id := range ids {
		if as, _ := ix.Assignment(id); as.Role != article.RoleUnique {
			t.Errorf("%s: %+v, want unique once the template is known", id, as)
		}
	}
	if len(reported) == 0 {
		t.Error("the early false cluster was re-decided without Add reporting it")
	}
}
