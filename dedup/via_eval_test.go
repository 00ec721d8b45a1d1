package dedup_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/syndex/syndex/article"
	"github.com/syndex/syndex/dedup"
	"github.com/syndex/syndex/dedup/shingle"
	"github.com/syndex/syndex/dedup/synth"
)

// chainSet generates a labelled set and adds laundering chains to it: for
// about a third of the copies B, a launderer C on one of eight sites of
// its own takes B's story paragraphs (with whatever B changed: words,
// dropped or swapped paragraphs, OCR noise) into its own header and
// appeal, a few hours to two days after B, crediting B half of the time
// and nobody otherwise. truth maps each C to its B.
func chainSet(seed uint64, stories int) (arts []*article.Article, truth map[string]string) {
	opt := synth.Default()
	opt.Stories = stories
	arts = synth.Generate(opt, seed)
	r := rand.New(rand.NewPCG(seed, 77))
	g := newTextGen(seed)
	type launderer struct{ site, header, appeal string }
	var ls []launderer
	for i := range 8 {
		ls = append(ls, launderer{fmt.Sprintf("launder%d.example", i), g.sentence(), g.para()})
	}
	truth = map[string]string{}
	var out []*article.Article
	for _, b := range arts {
		out = append(out, b)
		if b.TruthOriginal || b.TruthCluster == "" || !strings.Contains(b.ID, "-c") || r.IntN(3) != 0 {
			continue
		}
		paras := strings.Split(b.Text, "\n\n")
		var story []string
		for _, p := range paras[1 : len(paras)-2] { // B's header, appeal and disclaimer stay behind
			if !strings.HasPrefix(p, "This article first appeared") {
				story = append(story, p)
			}
		}
		l := ls[r.IntN(len(ls))]
		c := &article.Article{ID: b.ID + "-via", Site: l.site, URL: "https://" + l.site + "/" + b.ID, Title: b.Title,
			Text: strings.Join(append(append([]string{l.header}, story...), l.appeal), "\n\n"), TruthCluster: b.TruthCluster}
		if pub := b.Published; !pub.IsZero() {
			if article.DateOnly(pub) {
				pub = pub.Add(24 * time.Hour) // B's day is over before C takes it up
			}
			c.Published = pub.Add(time.Duration(3+r.IntN(45)) * time.Hour)
		}
		if !b.Fetched.IsZero() {
			c.Fetched = b.Fetched.Add(time.Duration(3+r.IntN(45)) * time.Hour)
		}
		if r.IntN(2) == 0 {
			c.Source = b.Site
		}
		truth[c.ID] = b.ID
		out = append(out, c)
	}
	return out, truth
}

// TestViaOnGeneratedChains measures via on generated laundering chains:
// every via reported must be right; a copy that credits the copy it took
// is found; one that credits nobody is found when the copy it took had
// changed the original's text.
func TestViaOnGeneratedChains(t *testing.T) {
	arts, truth := chainSet(5, 400)
	ix := dedup.NewClusterer(dedup.DefaultConfig())
	for _, a := range arts {
		ix.Add(a)
	}
	byID := map[string]*article.Article{}
	for _, a := range arts {
		byID[a.ID] = a
	}
	var reported, right, credited, creditedFound, silent, silentFound, silentEdited, silentEditedFound int
	for _, a := range arts {
		as, _ := ix.Assignment(a.ID)
		if as.Via != "" {
			reported++
			if truth[a.ID] == as.Via {
				right++
			} else {
				t.Logf("wrong via: %s via %s (truth %q)", a.ID, as.Via, truth[a.ID])
			}
		}
		b, chained := truth[a.ID]
		if !chained {
			continue
		}
		found := as.Via == b
		if a.Source != "" {
			credited++
			if found {
				creditedFound++
			}
			continue
		}
		silent++
		if found {
			silentFound++
		}
		// Did B change the original's text enough to leave a trace? C's
		// story is B's, between C's header and appeal.
		orig := ""
		for _, x := range arts {
			if x.TruthCluster == a.TruthCluster && x.TruthOriginal {
				orig = x.Text
			}
		}
		paras := strings.Split(a.Text, "\n\n")
		if changed(orig, strings.Join(paras[1:len(paras)-1], "\n\n")) >= 32 {
			silentEdited++
			if found {
				silentEditedFound++
			}
		}
	}
	precision := float64(right) / float64(max(1, reported))
	t.Logf("via on %d articles with %d chains: %d reported, precision %.3f; credited chains found %d/%d; uncredited found %d/%d (%d/%d where B's text has ≥ 32 shingles the original has not)",
		len(arts), len(truth), reported, precision, creditedFound, credited, silentFound, silent, silentEditedFound, silentEdited)
	if precision < 0.95 || float64(creditedFound) < 0.9*float64(credited) || float64(silentEditedFound) < 0.5*float64(silentEdited) {
		t.Errorf("via below its floors (precision 0.95, credited recall 0.9, uncredited-after-edits recall 0.5)")
	}
}

// changed counts the 3-word shingles of b that a does not have: about
// three per word changed, more for a passage added.
func changed(a, b string) int {
	in := shingle.Of(a, 3, 1)
	n := 0
	for _, f := range shingle.Of(b, 3, 1) {
		if _, ok := slices.BinarySearch(in, f); !ok {
			n++
		}
	}
	return n
}
