package dedup_test

import (
	"strings"
	"testing"

	"github.com/syndex/syndex/article"
	"github.com/syndex/syndex/dedup"
	"github.com/syndex/syndex/dedup/internal/deduptest"
	"github.com/syndex/syndex/dedup/shingle"
)

// TestEmbeddedStory: a later report that prints an earlier short story
// whole at its top and then three times as much reporting of its own
// holds the story (the containment of the smaller text passes, and its
// lead aligns with the story) but takes less than cfg.Rewrite of itself
// from it: it is not a copy (COUNTER's newspapers that print the agency
// text inside their own reporting; at best partially derived). A
// truncated copy (the story's first part, the next day) stays a copy, so
// does a fuller copy of a story that an earlier truncated copy credits,
// and, without dates or with the rule off, the pair is judged as before.
func TestEmbeddedStory(t *testing.T) {
	g := newTextGen(92)
	names := []string{"Quetta", "Naveed", "Sibi", "2014"}
	story := g.paras(3, names...)
	long := join(story, g.paras(6, names...))
	report := join(story, g.paras(11, names...))
	cfg := dedup.DefaultConfig()
	fs := shingle.Of(strings.Join(story, "\n\n"), cfg.Shingle, cfg.Sample)
	fr := shingle.Of(strings.Join(report, "\n\n"), cfg.Shingle, cfg.Sample)
	if in, from := dedup.ContainedIn(fs, fr), dedup.ContainedIn(fr, fs); in < 0.9 || from >= cfg.Rewrite-0.03 {
		t.Fatalf("premise: the story's share in the report %.2f (want ≥ 0.90), the report's share from the story %.2f (want < %.2f)", in, from, cfg.Rewrite-0.03)
	}
	off := cfg
	off.Rewrite = 0
	const day = 24
	credited := art("agency", "app.example", 0, story...)
	credited.Source = "ppi.example"
	tests := []struct {
		name          string
		cfg           dedup.Config
		agency, paper *article.Article
		same          bool
	}{
		{"the story printed inside a longer report the next day", cfg, art("agency", "app.example", 0, story...), art("paper", "dunya.example", day, report...), false},
		{"the same, the report with a time that day", cfg, art("agency", "app.example", 0, story...), art("paper", "dunya.example", 9, report...), false},
		{"a truncated copy the next day", cfg, art("agency", "app.example", 0, long...), art("paper", "dunya.example", day, story...), true},
		{"an earlier truncated copy that credits another site", cfg, credited, art("paper", "dunya.example", day, report...), true},
		{"no dates", cfg, art("agency", "app.example", -1, story...), art("paper", "dunya.example", -1, report...), true},
		{"the rewrite rule off", off, art("agency", "app.example", 0, story...), art("paper", "dunya.example", day, report...), true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			order := []*article.Article{tc.agency, tc.paper}
			ix := dedup.NewClusterer(tc.cfg)
			for _, a := range order {
				ix.Add(a)
			}
			x, _ := ix.Assignment("agency")
			y, _ := ix.Assignment("paper")
			if same := x.Cluster == y.Cluster; same != tc.same {
				t.Errorf("Add: agency in %s, paper in %s: same cluster %v, want %v", x.Cluster, y.Cluster, same, tc.same)
			}
			got := deduptest.Offline(t, tc.cfg, order...)
			if same := got["agency"].Cluster == got["paper"].Cluster; same != tc.same {
				t.Errorf("Run: agency in %s, paper in %s: same cluster %v, want %v", got["agency"].Cluster, got["paper"].Cluster, same, tc.same)
			}
		})
	}
}
