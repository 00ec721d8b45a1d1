package dedup_test

import (
	"strings"
	"testing"

	"github.com/syndex/syndex/article"
	"github.com/syndex/syndex/dedup"
	"github.com/syndex/syndex/dedup/internal/deduptest"
	"github.com/syndex/syndex/dedup/shingle"
)

// rewriteOf condenses and rephrases source the way a newspaper rewrites
// agency copy: one sentence in three is kept, cut to its first two thirds and
// finished in the newspaper's own words.
func rewriteOf(g *textGen, source []string) []string {
	var out []string
	for _, p := range source {
		var kept []string
		for i, s := range strings.SplitAfter(p, ". ") {
			if i%3 != 0 {
				continue
			}
			ws := strings.Fields(s)
			own := strings.Fields(g.sentence())
			kept = append(kept, strings.Join(ws[:len(ws)*2/3], " ")+" "+strings.Join(own[len(own)/2:], " "))
		}
		out = append(out, strings.Join(kept, " "))
	}
	return out
}

// TestRewrite: a newspaper's rewrite of an agency story, published the
// next day, keeps too little of it for the containment rule (most of
// the rewrite's phrases are the agency's, but the rewrite is short and
// adds its own) and is still its copy, with the agency text as original.
// Order matters: the agency text is not a rewrite of an earlier brief,
// nor is anything without dates, and an independent report of the same
// event, sharing names and the odd phrase, stays apart.
func TestRewrite(t *testing.T) {
	g := newTextGen(77)
	names := []string{"Karachi", "Mansoor", "Lahore", "2014"}
	agency := g.paras(12, names...)
	rewrite := rewriteOf(g, agency)
	independent := g.paras(5, names...)
	// The premise: measured as the clusterer measures (word 3-grams, one in
	// four), the rewrite falls below the containment rule and well above
	// the rewrite share.
	cfg := dedup.DefaultConfig()
	fa := shingle.Of(strings.Join(agency, "\n\n"), cfg.Shingle, cfg.Sample)
	fr := shingle.Of(strings.Join(rewrite, "\n\n"), cfg.Shingle, cfg.Sample)
	if share := dedup.ContainedIn(fr, fa); share >= cfg.Containment || share < cfg.Rewrite+0.08 {
		t.Fatalf("premise: the rewrite's share in the agency text is %.2f, want in [%.2f, %.2f)", share, cfg.Rewrite+0.08, cfg.Containment)
	}
	const day = 24
	off := cfg
	off.Rewrite = 0
	off.Verify = 0 // the verifying stage would find the rewrite on the whole texts
	tests := []struct {
		name       string
		cfg        dedup.Config
		agency     *article.Article
		other      *article.Article
		same       bool
		agencyOrig bool
	}{
		{"rewrite the next day", cfg, art("agency", "app.example", 0, agency...), art("paper", "dawn.example", day, rewrite...), true, true},
		{"rewrite the same day, later, with times", cfg, art("agency", "app.example", 0, agency...), art("paper", "dawn.example", 5, rewrite...), true, true},
		{"rewrite arriving before its source", cfg, art("agency", "app.example", 0, agency...), art("paper", "dawn.example", day, rewrite...), true, true},
		{"the rule off", off, art("agency", "app.example", 0, agency...), art("paper", "dawn.example", day, rewrite...), false, false},
		{"the source published after the brief", cfg, art("agency", "app.example", day, agency...), art("paper", "dawn.example", 0, rewrite...), false, false},
		{"no dates", cfg, art("agency", "app.example", -1, agency...), art("paper", "dawn.example", -1, rewrite...), false, false},
		{"one without a date", cfg, art("agency", "app.example", 0, agency...), art("paper", "dawn.example", -1, rewrite...), false, false},
		{"independent report of the event", cfg, art("agency", "app.example", 0, agency...), art("paper", "dawn.example", day, independent...), false, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			order := []*article.Article{tc.agency, tc.other}
			if strings.Contains(tc.name, "arriving before") {
				order = []*article.Article{tc.other, tc.agency}
			}
			// Incrementally, as a crawl adds them.
			ix := dedup.NewClusterer(tc.cfg)
			for _, a := range order {
				ix.Add(a)
			}
			x, _ := ix.Assignment("agency")
			y, _ := ix.Assignment("paper")
			check := func(how string, x, y article.Assignment) {
				t.Helper()
				if same := x.Cluster == y.Cluster; same != tc.same {
					t.Errorf("%s: agency in %s, paper in %s: same cluster %v, want %v", how, x.Cluster, y.Cluster, same, tc.same)
				}
				if tc.agencyOrig && (y.Original != "agency" || y.Role != article.RoleCopy) {
					t.Errorf("%s: paper is %s of %s, want a copy of agency", how, y.Role, y.Original)
				}
			}
			check("Add", x, y)
			// Offline, as `syndex dedup` reads a file.
			got := deduptest.Offline(t, tc.cfg, order...)
			check("Run", got["agency"], got["paper"])
		})
	}
}

// TestRewriteQuotes: a later report that shares with an earlier one
// mostly what both quote (a speech, a press conference) is not a rewrite
// of it, however much of it is quoted.
func TestRewriteQuotes(t *testing.T) {
	g := newTextGen(78)
	names := []string{"Peer", "Sania", "Auckland"}
	quotes := make([]string, 3)
	for i := range quotes {
		quotes[i] = "\"" + g.sentence(names...) + " " + g.sentence(names...) + "\""
	}
	first := join(g.paras(6, names...), []string{quotes[0] + " she said.", quotes[1], quotes[2]})
	later := join([]string{g.para(names...)}, []string{quotes[1] + " Peer told reporters.", quotes[0], quotes[2]}, g.paras(2, names...))
	cfg := dedup.DefaultConfig()
	fl := shingle.Of(strings.Join(later, "\n\n"), cfg.Shingle, cfg.Sample)
	ff := shingle.Of(strings.Join(first, "\n\n"), cfg.Shingle, cfg.Sample)
	if share := dedup.ContainedIn(fl, ff); share < cfg.Rewrite+0.05 || share >= cfg.Containment {
		t.Fatalf("premise: the later report's share in the first is %.2f, want in [%.2f, %.2f)", share, cfg.Rewrite+0.05, cfg.Containment)
	}
	ix := dedup.NewClusterer(cfg)
	ix.Add(art("first", "reuters.example", 0, first...))
	ix.Add(art("later", "times.example", 30, later...))
	x, _ := ix.Assignment("first")
	y, _ := ix.Assignment("later")
	if x.Cluster == y.Cluster {
		t.Errorf("reports sharing only quotations were clustered together (%s)", x.Cluster)
	}
}
