package dedup_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/syndex/syndex/article"
	"github.com/syndex/syndex/dedup"
	"github.com/syndex/syndex/dedup/internal/deduptest"
	"github.com/syndex/syndex/dedup/shingle"
)

// paraphraseOf rewrites source sentence by sentence the way a newspaper
// condenses and rephrases agency copy: every other sentence is dropped;
// of those kept, one in three stays as it was, the others get new
// endings on every third word and their first words in a new order; each
// gets a word of the newspaper's own. Few runs of three words survive,
// while each sentence still spells its words like one of the source's.
func paraphraseOf(g *textGen, source []string) []string {
	var out []string
	k := 0
	for _, p := range source {
		var kept []string
		for _, s := range strings.SplitAfter(p, ". ") {
			if k++; k%2 == 0 {
				continue // condensed: every other sentence dropped
			}
			kept = append(kept, rephraseSentence(g, s, k%6 != 1))
		}
		out = append(out, strings.Join(kept, " "))
	}
	return out
}

// rephraseSentence returns sentence s with a word of the writer's own at
// its end and, when reword, new endings on every third word and its
// first words in a new order.
func rephraseSentence(g *textGen, s string, reword bool) string {
	ws := strings.Fields(strings.TrimSuffix(strings.TrimSpace(s), "."))
	if reword {
		for j := 1; j < len(ws); j += 3 {
			ws[j] += "i" // a new ending, as an inflected language inflects
		}
		if len(ws) > 3 {
			ws[0], ws[1], ws[2] = ws[2], ws[0], ws[1]
		}
	}
	ws = append(ws, g.vocab[g.r.IntN(len(g.vocab))])
	return strings.Join(ws, " ") + "."
}

// TestAlign: a newspaper's paraphrase of an agency story, published the
// next day on another site, shares too few word 3-grams for the
// containment and rewrite rules, yet each of its sentences aligns to one
// sentence of the agency text: it is a copy, with the agency text as
// original. The rule needs the order of publication, another site and
// at most a week between the two; an independent report of the same
// event (the same names) stays apart.
func TestAlign(t *testing.T) {
	g := newTextGen(94)
	names := []string{"Quetta", "Rashid", "Multan", "2015"}
	agency := g.paras(2, names...) // a short wire story: it fits its sketch whole
	paper := paraphraseOf(g, agency)
	independent := g.paras(2, names...)
	// The premise, measured as the clusterer measures: the paraphrase is
	// below the rewrite rule's share (so below containment too) and well
	// above the alignment rule's; the independent report well below it.
	cfg := dedup.DefaultConfig()
	fa := shingle.Of(strings.Join(agency, "\n\n"), cfg.Shingle, cfg.Sample)
	fp := shingle.Of(strings.Join(paper, "\n\n"), cfg.Shingle, cfg.Sample)
	if share := dedup.ContainedIn(fp, fa); share >= cfg.Rewrite {
		t.Fatalf("premise: the paraphrase's share of word 3-grams in the agency text is %.2f, want below %.2f", share, cfg.Rewrite)
	}
	if a := dedup.AlignedShare(strings.Join(paper, "\n\n"), strings.Join(agency, "\n\n")); a < cfg.Align+0.1 {
		t.Fatalf("premise: the paraphrase's aligned share is %.2f, want at least %.2f", a, cfg.Align+0.1)
	}
	if a := dedup.AlignedShare(strings.Join(independent, "\n\n"), strings.Join(agency, "\n\n")); a > cfg.Align-0.2 {
		t.Fatalf("premise: the independent report's aligned share is %.2f, want at most %.2f", a, cfg.Align-0.2)
	}
	const day = 24
	off := cfg
	off.Align = 0
	off.Verify = 0 // the verifying stage would find the paraphrase on the whole texts
	tests := []struct {
		name          string
		cfg           dedup.Config
		agency, other *article.Article
		before        bool // the paper arrives first
		same          bool
	}{
		{"paraphrase the next day", cfg, art("agency", "app.example", 0, agency...), art("paper", "dawn.example", day, paper...), false, true},
		{"paraphrase the same day, later, with times", cfg, art("agency", "app.example", 0, agency...), art("paper", "dawn.example", 3, paper...), false, true},
		{"paraphrase arriving before its source", cfg, art("agency", "app.example", 0, agency...), art("paper", "dawn.example", day, paper...), true, true},
		{"a week later", cfg, art("agency", "app.example", 0, agency...), art("paper", "dawn.example", 7*day, paper...), false, true},
		{"the rule off", off, art("agency", "app.example", 0, agency...), art("paper", "dawn.example", day, paper...), false, false},
		{"eight days later", cfg, art("agency", "app.example", 0, agency...), art("paper", "dawn.example", 8*day, paper...), false, false},
		{"the same site", cfg, art("agency", "app.example", 0, agency...), art("paper", "app.example", day, paper...), false, false},
		{"the source published after the paraphrase", cfg, art("agency", "app.example", day, agency...), art("paper", "dawn.example", 0, paper...), false, false},
		{"no dates", cfg, art("agency", "app.example", -1, agency...), art("paper", "dawn.example", -1, paper...), false, false},
		{"independent report of the event", cfg, art("agency", "app.example", 0, agency...), art("paper", "dawn.example", day, independent...), false, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			order := []*article.Article{tc.agency, tc.other}
			if tc.before {
				order = []*article.Article{tc.other, tc.agency}
			}
			check := func(how string, x, y article.Assignment) {
				t.Helper()
				if same := x.Cluster == y.Cluster; same != tc.same {
					t.Errorf("%s: agency in %s, paper in %s: same cluster %v, want %v", how, x.Cluster, y.Cluster, same, tc.same)
				}
				if tc.same && (y.Original != "agency" || y.Role != article.RoleCopy) {
					t.Errorf("%s: paper is %s of %s, want a copy of agency", how, y.Role, y.Original)
				}
			}
			ix := dedup.NewClusterer(tc.cfg) // as a crawl adds them
			for _, a := range order {
				ix.Add(a)
			}
			x, _ := ix.Assignment("agency")
			y, _ := ix.Assignment("paper")
			check("Add", x, y)
			// Through a checkpoint: the restored clusterer keeps the sketches,
			// so the cluster holds when it is settled again.
			var ck bytes.Buffer
			if _, err := ix.WriteTo(&ck); err != nil {
				t.Fatal(err)
			}
			rx, err := dedup.ReadClusterer(&ck, tc.cfg)
			if err != nil {
				t.Fatal(err)
			}
			moved := *tc.agency // a changed article is decided again
			moved.Canonical = "https://app.example/moved"
			rx.Add(&moved)
			x, _ = rx.Assignment("agency")
			y, _ = rx.Assignment("paper")
			check("checkpoint", x, y)
			got := deduptest.Offline(t, tc.cfg, order...) // as `syndex dedup` reads a file
			check("Run", got["agency"], got["paper"])
		})
	}
}

// TestAlignKeepsCopies: a paraphrase that others copied verbatim is the
// original of its own copies; its agency source arriving later does not
// take it from them (the copies hold the paraphrase's text, not the
// agency's, and would be cast out of a cluster the agency text heads).
func TestAlignKeepsCopies(t *testing.T) {
	g := newTextGen(94)
	names := []string{"Quetta", "Rashid", "Multan", "2015"}
	agency := g.paras(2, names...)
	paper := paraphraseOf(g, agency)
	cfg := dedup.DefaultConfig()
	ix := dedup.NewClusterer(cfg)
	ix.Add(art("paper", "dawn.example", 24, paper...))
	ix.Add(art("reprint", "jang.example", 30, paper...))
	ix.Add(art("agency", "app.example", 0, agency...))
	p, r := mustAssign(t, ix, "paper"), mustAssign(t, ix, "reprint")
	if p.Cluster != r.Cluster || r.Original != "paper" {
		t.Errorf("the reprint is %s of %s in %s, the paper in %s: want a copy of the paper, together", r.Role, r.Original, r.Cluster, p.Cluster)
	}
}

// TestAlignYieldsToCopies: the alignment rule is the weakest link, so
// articles held in a cluster by it alone leave for the article they are
// verbatim copies of, whenever that one arrives. The agency's own rewrite
// of its story (same site: not aligned to it) is copied verbatim by two
// papers, whose copies also align to the agency story. In every arrival
// order, offline and one by one, both papers end with the rewrite they
// copied, and re-adding all four unchanged changes nothing.
func TestAlignYieldsToCopies(t *testing.T) {
	g := newTextGen(94)
	names := []string{"Quetta", "Rashid", "Multan", "2015"}
	agency := g.paras(2, names...)
	rewrite := paraphraseOf(g, agency)
	arts := map[string]*article.Article{
		"agency":  art("agency", "app.example", 0, agency...),
		"rewrite": art("rewrite", "app.example", 2, rewrite...),
		"paper":   art("paper", "dawn.example", 24, rewrite...),
		"reprint": art("reprint", "jang.example", 26, rewrite...),
	}
	cfg := dedup.DefaultConfig()
	if a := dedup.AlignedShare(strings.Join(rewrite, "\n\n"), strings.Join(agency, "\n\n")); a < cfg.Align+0.1 {
		t.Fatalf("premise: the paper's aligned share in the agency text is %.2f, want at least %.2f", a, cfg.Align+0.1)
	}
	var orders [][]string
	var permute func(done, left []string)
	permute = func(done, left []string) {
		if len(left) == 0 {
			orders = append(orders, done)
			return
		}
		for i := range left {
			rest := append(append([]string(nil), left[:i]...), left[i+1:]...)
			permute(append(append([]string(nil), done...), left[i]), rest)
		}
	}
	permute(nil, []string{"agency", "paper", "reprint", "rewrite"})
	check := func(t *testing.T, how string, got map[string]article.Assignment) {
		t.Helper()
		r := got["rewrite"]
		for _, id := range []string{"paper", "reprint"} {
			if p := got[id]; p.Cluster != r.Cluster || p.Role != article.RoleCopy || p.Original != "rewrite" {
				t.Errorf("%s: %s is %s of %s in %s, rewrite in %s: want a copy of the rewrite, together", how, id, p.Role, p.Original, p.Cluster, r.Cluster)
			}
		}
		if a := got["agency"]; a.Cluster == r.Cluster {
			t.Errorf("%s: the agency story is in the rewrite's cluster %s (same-site rewrite: not aligned)", how, a.Cluster)
		}
	}
	for _, order := range orders {
		t.Run(strings.Join(order, ","), func(t *testing.T) {
			ix := dedup.NewClusterer(cfg)
			for _, id := range order {
				ix.Add(arts[id])
			}
			got := map[string]article.Assignment{}
			for id := range arts {
				got[id] = mustAssign(t, ix, id)
			}
			check(t, "Add", got)
			for _, id := range order { // a second import of the same articles
				if changed := ix.Add(arts[id]); len(changed) != 1 {
					t.Errorf("re-adding %s unchanged changed %d other assignments", id, len(changed)-1)
				}
			}
			for id, was := range got {
				if now := mustAssign(t, ix, id); now.Cluster != was.Cluster || now.Original != was.Original || now.Role != was.Role {
					t.Errorf("re-adding everything moved %s: %+v, was %+v", id, now, was)
				}
			}
			in := make([]*article.Article, len(order))
			for i, id := range order {
				in[i] = arts[id]
			}
			check(t, "Run", deduptest.Offline(t, cfg, in...))
		})
	}
}
