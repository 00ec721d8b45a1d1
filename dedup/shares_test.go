package dedup_test

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/syndex/syndex/article"
	"github.com/syndex/syndex/dedup"
	"github.com/syndex/syndex/dedup/shingle"
	"github.com/syndex/syndex/dedup/synth"
)

// assignments runs arts through an incremental clusterer and returns the
// final assignment of each, by id.
func assignments(t *testing.T, arts ...*article.Article) map[string]article.Assignment {
	t.Helper()
	ix := dedup.NewClusterer(dedup.DefaultConfig())
	for _, a := range arts {
		ix.Add(a)
	}
	out := map[string]article.Assignment{}
	for _, a := range arts {
		as, ok := ix.Assignment(a.ID)
		if !ok {
			t.Fatalf("no assignment for %s", a.ID)
		}
		out[a.ID] = as
	}
	return out
}

func words(ps []string) int { return len(strings.Fields(strings.Join(ps, " "))) }

// TestSharesTruncatedAndWrapped: a copy of the first 56 % of a story
// carries ~0.56 of the original (its similarity stays 1: all of it is in
// the original); a full copy inside a republisher's own blocks carries all
// of the original, and only part of its text comes from it.
func TestSharesTruncatedAndWrapped(t *testing.T) {
	for seed := uint64(1); seed <= 6; seed++ {
		g := newTextGen(seed)
		story := g.paras(16, "Harwick", "Lomax") // about 780 words
		cut := 9                                 // 9 of 16 paragraphs
		wrapper := g.paras(4)                    // the republisher's header, appeal, disclaimer
		orig := art("orig", "origin.example", 0, story...)
		trunc := art("trunc", "digest.example", 5, append(slices.Clone(story[:cut]), "Read more at origin.example")...)
		wrapped := art("wrapped", "mirror.example", 7, join(wrapper[:1], story, wrapper[1:])...)
		as := assignments(t, orig, trunc, wrapped)

		wantOrig := float64(words(story[:cut])) / float64(words(story))
		tr := as["trunc"]
		if tr.Role != article.RoleCopy || tr.Original != "orig" {
			t.Fatalf("seed %d: truncated copy not a copy of orig: %+v", seed, tr)
		}
		if math.Abs(tr.OriginalShare-wantOrig) > 0.07 {
			t.Errorf("seed %d: truncated copy original_share %.3f, want %.3f ± 0.07", seed, tr.OriginalShare, wantOrig)
		}
		if tr.CopyShare < 0.93 || tr.Similarity < 0.93 {
			t.Errorf("seed %d: truncated copy copy_share %.3f similarity %.3f, want ~1", seed, tr.CopyShare, tr.Similarity)
		}

		w := as["wrapped"]
		wantCopy := float64(words(story)) / float64(words(story)+words(wrapper))
		if w.OriginalShare < 0.95 {
			t.Errorf("seed %d: wrapped copy original_share %.3f, want ~1", seed, w.OriginalShare)
		}
		if math.Abs(w.CopyShare-wantCopy) > 0.07 {
			t.Errorf("seed %d: wrapped copy copy_share %.3f, want %.3f ± 0.07", seed, w.CopyShare, wantCopy)
		}
		if o := as["orig"]; o.OriginalShare != 1 || o.CopyShare != 1 {
			t.Errorf("seed %d: original shares %v %v, want 1 1", seed, o.OriginalShare, o.CopyShare)
		}
	}
}

// TestViaByCredit: C credits B, B credits A. A is the original (the vote
// of C follows the chain to A even though no dates and ids favour B),
// and C was taken via B.
func TestViaByCredit(t *testing.T) {
	g := newTextGen(11)
	story := g.paras(8, "Orsk")
	a := art("z-orig", "agency.example", -1, story...)
	b := art("b-relay", "relay.example", -1, story...)
	b.Source = "agency.example"
	c := art("c-launder", "launder.example", -1, story...)
	c.Source = "https://relay.example/b-relay"
	d := art("d-direct", "direct.example", -1, story...) // credits nobody
	for _, order := range [][]*article.Article{{a, b, c, d}, {c, d, b, a}, {b, c, a, d}} {
		as := assignments(t, order...)
		if got := as["c-launder"]; got.Original != "z-orig" || got.Via != "b-relay" {
			t.Errorf("order %s: C = %+v, want original z-orig via b-relay", ids(order), got)
		}
		if got := as["b-relay"]; got.Via != "" || got.Role != article.RoleCopy {
			t.Errorf("order %s: B = %+v, want a direct copy", ids(order), got)
		}
		if got := as["d-direct"]; got.Via != "" {
			t.Errorf("order %s: D credits nobody and changed nothing, got via %q", ids(order), got.Via)
		}
		if got := as["z-orig"]; got.Role != article.RoleOriginal || !slices.Contains(got.Evidence, article.EvidenceAttribution) {
			t.Errorf("order %s: A = %+v, want original by attribution", ids(order), got)
		}
	}
}

func ids(arts []*article.Article) string {
	var out []string
	for _, a := range arts {
		out = append(out, a.ID)
	}
	return strings.Join(out, ",")
}

// TestViaByEdits: B rewrote parts of A's story; C, published later,
// carries B's changes without crediting anyone; D copied A itself; E
// carries B's changes but credits A (the wire's own earlier version), so
// it is not laundered.
func TestViaByEdits(t *testing.T) {
	g := newTextGen(21)
	story := g.paras(10, "Valdt", "Kerr")
	edited := slices.Clone(story)
	edited[2] = edit(edited[2], 4)
	edited[6] = edit(edited[6], 4)
	edited = append(edited, g.para("Valdt")) // B adds a paragraph of its own
	a := art("a", "origin.example", 0, story...)
	b := art("b", "relay.example", 3, edited...)
	c := art("c", "launder.example", 9, edited...)
	d := art("d", "direct.example", 10, story...)
	e := art("e", "wire.example", 12, edited...)
	e.Source = "origin.example"
	as := assignments(t, a, b, c, d, e)
	for id, want := range map[string]string{"a": "", "b": "", "c": "b", "d": "", "e": ""} {
		got := as[id]
		if got.Original != "a" || got.Via != want {
			t.Errorf("%s: original %q via %q, want original a via %q", id, got.Original, got.Via, want)
		}
	}
	// Without B, C has nobody to have taken the changes from.
	as = assignments(t, a, c, d)
	if got := as["c"]; got.Via != "" {
		t.Errorf("without B: C via %q", got.Via)
	}
	// A copy published before B cannot carry B's edits.
	early := art("early", "early.example", 1, edited...)
	as = assignments(t, a, b, early)
	if got := as["early"]; got.Via != "" {
		t.Errorf("copy earlier than B: via %q", got.Via)
	}
}

// TestViaCreditLoop: two copies crediting each other are both direct copies.
func TestViaCreditLoop(t *testing.T) {
	g := newTextGen(31)
	story := g.paras(8)
	a := art("a", "origin.example", 0, story...)
	b := art("b", "one.example", 2, story...)
	b.Source = "two.example"
	c := art("c", "two.example", 3, story...)
	c.Source = "one.example"
	as := assignments(t, a, b, c)
	if as["b"].Via == "c" && as["c"].Via == "b" {
		t.Errorf("via loop: %+v %+v", as["b"], as["c"])
	}
}

// TestViaReported: the copy C arrives first, crediting B that is not yet
// archived; when B arrives, C's changed via is among the Assignments Add
// returns.
func TestViaReported(t *testing.T) {
	g := newTextGen(41)
	story := g.paras(8)
	a := art("a", "origin.example", 0, story...)
	c := art("c", "launder.example", 6, story...)
	c.Source = "relay.example"
	b := art("b", "relay.example", 2, story...)
	b.Source = "origin.example"
	ix := dedup.NewClusterer(dedup.DefaultConfig())
	ix.Add(a)
	ix.Add(c)
	if as, _ := ix.Assignment("c"); as.Via != "" {
		t.Fatalf("via before B exists: %q", as.Via)
	}
	var got *article.Assignment
	for _, as := range ix.Add(b) {
		if as.ID == "c" {
			got = &as
		}
	}
	if got == nil || got.Via != "b" {
		t.Errorf("Add(B) did not report C via b: %+v", got)
	}
}

// TestNoIndexIsEvidence: of two identical undated texts, the one marked
// noindex is the copy, even though the tie rule (smallest id) favours it.
func TestNoIndexIsEvidence(t *testing.T) {
	g := newTextGen(51)
	story := g.paras(6)
	partner := art("a-partner", "partner.example", -1, story...)
	partner.NoIndex = true
	orig := art("b-orig", "origin.example", -1, story...)
	as := assignments(t, partner, orig)
	if got := as["a-partner"]; got.Role != article.RoleCopy || got.Original != "b-orig" || !slices.Contains(got.Evidence, article.EvidenceNoIndex) {
		t.Errorf("noindex page: %+v, want a copy of b-orig with noindex evidence", got)
	}
	// When a stronger rule already chose the unmarked member, the mark is
	// listed as agreeing evidence.
	credited := *partner
	credited.Source = "origin.example"
	as = assignments(t, &credited, orig)
	if got := as["b-orig"]; got.Role != article.RoleOriginal || !slices.Contains(got.Evidence, article.EvidenceAttribution) || !slices.Contains(got.Evidence, article.EvidenceNoIndex) {
		t.Errorf("credited original: %+v, want attribution and noindex evidence", got)
	}
	// Attribution still outweighs it.
	orig2 := *orig
	orig2.Source = "partner.example"
	as = assignments(t, partner, &orig2)
	if got := as["a-partner"]; got.Role != article.RoleOriginal {
		t.Errorf("credited noindex page: %+v, want the original", got)
	}
}

// TestRunWritesSharesAndVia: the offline runner writes the same shares
// and via as the incremental clusterer, and reads the noindex flag.
func TestRunWritesSharesAndVia(t *testing.T) {
	g := newTextGen(61)
	story := g.paras(12)
	arts := []*article.Article{
		art("a", "origin.example", 0, story...),
		art("b", "relay.example", 2, story[:7]...),
		art("c", "launder.example", 5, story[:7]...),
		art("p", "partner.example", -1, g.paras(6)...),
		art("q", "home.example", -1, g.paras(1)...),
	}
	arts[1].Source = "origin.example"
	arts[2].Source = "relay.example"
	arts[3].NoIndex = true
	arts[4].Text = arts[3].Text
	var in bytes.Buffer
	for _, a := range arts {
		b, _ := json.Marshal(a)
		in.Write(append(b, '\n'))
	}
	var out bytes.Buffer
	if _, err := dedup.Run(context.Background(), &in, &out, dedup.DefaultConfig()); err != nil {
		t.Fatal(err)
	}
	want := assignments(t, arts...)
	dec := json.NewDecoder(&out)
	for range arts {
		var got article.Assignment
		if err := dec.Decode(&got); err != nil {
			t.Fatal(err)
		}
		w := want[got.ID]
		if got.OriginalShare != w.OriginalShare || got.CopyShare != w.CopyShare || got.Via != w.Via || got.Original != w.Original {
			t.Errorf("%s: Run %+v, Add %+v", got.ID, got, w)
		}
	}
	if w := want["c"]; w.Via != "b" || w.OriginalShare > 0.75 {
		t.Errorf("c: %+v, want via b and about 7/12 of the original", w)
	}
	if w := want["p"]; w.Original != "q" {
		t.Errorf("p (noindex): %+v, want a copy of q", w)
	}
}

// TestCheckpointKeepsViaAndNoIndex: a checkpoint read back gives the same
// via links, and the noindex flag still counts when a cluster is decided
// again after the restart.
func TestCheckpointKeepsViaAndNoIndex(t *testing.T) {
	g := newTextGen(71)
	story, other := g.paras(8), g.paras(8)
	a := art("a", "origin.example", -1, story...)
	b := art("b", "relay.example", -1, story...)
	b.Source = "origin.example"
	c := art("c", "launder.example", -1, story...)
	c.Source = "relay.example"
	p := art("b-partner", "partner.example", -1, other...)
	p.NoIndex = true
	q := art("c-orig", "home.example", -1, other...)
	ix := dedup.NewClusterer(dedup.DefaultConfig())
	for _, x := range []*article.Article{a, b, c, p, q} {
		ix.Add(x)
	}
	var buf bytes.Buffer
	if _, err := ix.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	back, err := dedup.ReadClusterer(&buf, dedup.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	if as, _ := back.Assignment("c"); as.Via != "b" {
		t.Errorf("after the checkpoint, c via %q, want b", as.Via)
	}
	// A third member makes the cluster decide again.
	back.Add(art("z-third", "third.example", -1, other...))
	if as, _ := back.Assignment("b-partner"); as.Role != article.RoleCopy {
		t.Errorf("after the checkpoint, the noindex page is %s", as.Role)
	}
}

// TestSharesOnGenerated compares the sampled shares with the exact shares
// (every 3-word shingle of the two texts) on a generated set: wrapped,
// truncated, retitled and edited copies.
func TestSharesOnGenerated(t *testing.T) {
	opt := synth.Default()
	opt.Stories = 300
	arts := synth.Generate(opt, 9)
	ix := dedup.NewClusterer(dedup.DefaultConfig())
	byID := map[string]*article.Article{}
	for _, a := range arts {
		ix.Add(a)
		byID[a.ID] = a
	}
	var eo, ec []float64
	for _, a := range arts {
		as, _ := ix.Assignment(a.ID)
		if as.Role != article.RoleCopy {
			continue
		}
		oSet, cSet := shingle.Of(byID[as.Original].Text, 3, 1), shingle.Of(a.Text, 3, 1)
		n := 0
		for _, f := range cSet {
			if _, ok := slices.BinarySearch(oSet, f); ok {
				n++
			}
		}
		eo = append(eo, math.Abs(as.OriginalShare-float64(n)/float64(len(oSet))))
		ec = append(ec, math.Abs(as.CopyShare-float64(n)/float64(len(cSet))))
	}
	mean := func(xs []float64) float64 {
		s := 0.0
		for _, x := range xs {
			s += x
		}
		return s / float64(len(xs))
	}
	t.Logf("%d copies: original_share MAE %.3f, copy_share MAE %.3f against the exact shares", len(eo), mean(eo), mean(ec))
	if mean(eo) > 0.04 || mean(ec) > 0.06 {
		t.Errorf("shares off: MAE %.3f / %.3f, want ≤ 0.04 / 0.06", mean(eo), mean(ec))
	}
}
