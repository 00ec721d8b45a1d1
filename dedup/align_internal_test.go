package dedup

import (
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/syndex/syndex/article"
)

// TestSentenceSketch: sentences end at full stops (not decimal points),
// question marks of both scripts and line breaks; each keeps its count
// and sorted grams; the sketch reads at most alignRunes letters, and a
// damaged sketch is recognised.
func TestSentenceSketch(t *testing.T) {
	sents := func(sk []uint16) int {
		n := 0
		for len(sk) > 0 {
			if !validSketch(sk) {
				t.Fatalf("malformed sketch %v", sk)
			}
			sk = sk[1+int(sk[0]):]
			n++
		}
		return n
	}
	long := strings.Repeat("abcdefghijklmnopqrstuvwxyz ", 40)
	for _, tc := range []struct {
		text string
		want int
	}{
		{long + ". " + long, 1}, // the second sentence is past alignRunes
		{strings.Repeat("The budget of 4.25 million was approved by the council members. ", 3), 3},
		{"کیپ ٹاؤن میں کھیلے گئے میچ میں پاکستان نے ٹاس جیت کر۔ بنگلہ دیش کی ٹیم نے پہلے کھیلتے ہوئے مقررہ اوورز میں رنز سکور کئے؟ جواب میں پاکستانی ٹیم نے مطلوبہ ہدف پورا کرلیا", 3},
		{"", 0},
	} {
		if got := sents(sentenceSketch(tc.text)); got != tc.want {
			t.Errorf("%.40q: %d sentences, want %d", tc.text, got, tc.want)
		}
	}
	if g := len(sentenceSketch(long + long)); g > alignRunes/alignSample*2 {
		t.Errorf("sketch of a long text holds %d values, want at most about %d", g, alignRunes/alignSample)
	}
	for _, bad := range [][]uint16{{3, 1, 2}, {0}, {1, 5, 0}} {
		if validSketch(bad) {
			t.Errorf("validSketch(%v) = true", bad)
		}
	}
	a := sentenceSketch("The city council approved the budget for the new bridge on Tuesday evening. Rain fell over the valley all week long.")
	b := sentenceSketch("On Tuesday evening the council of the city approved a budget for a new bridge. Markets closed higher in Asia today.")
	if s := alignedShare(b, a, nil); s <= 0.4 || s >= 0.9 {
		t.Errorf("aligned share %.2f, want the first sentence aligned, not the second", s)
	}
	if s := alignedShare(sentenceSketch("Markets closed higher in Asia today."), a, nil); s != 0 {
		t.Errorf("an unrelated sentence's aligned share is %.2f", s)
	}
	if s := alignedShare(a, a, nil); s != 1 {
		t.Errorf("a text's aligned share with itself is %.2f", s)
	}
}

// TestAlignCommonGrams: independent reports of one event spell the
// event's names in every sentence; grams that a fifth of the articles
// hold are left out of the alignment, so two such reports do not align,
// while a rewrite of one still does.
func TestAlignCommonGrams(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	event := strings.Fields("president summit helsinki putin trump")
	word := func() string {
		const letters = "bcdfghklmnprstvz"
		var b strings.Builder
		for range 4 + r.IntN(4) {
			b.WriteByte(letters[r.IntN(len(letters))])
			b.WriteByte("aeiou"[r.IntN(5)])
		}
		return b.String()
	}
	report := func() string {
		var ss []string
		for range 6 {
			var ws []string
			for range 12 {
				if r.IntN(5) != 0 {
					ws = append(ws, event[r.IntN(len(event))])
				} else {
					ws = append(ws, word())
				}
			}
			ss = append(ss, strings.Join(ws, " ")+".")
		}
		return strings.Join(ss, " ")
	}
	var g gramTable
	var texts []string
	for range 40 {
		texts = append(texts, report())
		g.add(sentenceSketch(texts[len(texts)-1]), 1)
	}
	a, b := sentenceSketch(texts[0]), sentenceSketch(texts[1])
	if s := alignedShare(b, a, nil); s < 0.58 {
		t.Fatalf("premise: two reports of the event align at %.2f counting every gram, want at least 0.58", s)
	}
	if s := alignedShare(b, a, &g); s >= 0.3 {
		t.Errorf("two independent reports of the event align at %.2f without the common grams, want below 0.3", s)
	}
	if s := alignedShare(a, a, &g); s < 0.9 {
		t.Errorf("a report aligns with itself at %.2f without the common grams, want at least 0.9", s)
	}
}

// TestAlignedOriginalLeaves: when the member a cluster's decision makes
// its original (the earliest, a digest carrying a story's lead in other
// words) holds the members it keeps by the alignment rule alone, while a
// member it would cast out is a copy of one of them, the digest leaves
// and the story keeps its copies. The cluster is formed by hand, as a
// re-decision after the noise tables changed would leave it.
func TestAlignedOriginalLeaves(t *testing.T) {
	r := rand.New(rand.NewPCG(16, 6))
	syl := strings.Fields("ka lo mi ne ra tu be si do va zen tor ul an ri po gha mer")
	sentence := func() string {
		ws := make([]string, 12+r.IntN(6))
		for j := range ws {
			ws[j] = syl[r.IntN(len(syl))] + syl[r.IntN(len(syl))] + syl[r.IntN(len(syl))]
		}
		return strings.Join(ws, " ") + "."
	}
	para := func() string { return sentence() + " " + sentence() + " " + sentence() }
	var story []string
	for range 6 {
		story = append(story, para())
	}
	// The digest says the story's lead in other words: every fourth word
	// changed, the spelling of the rest kept.
	var digest []string
	for _, p := range story[:2] {
		ws := strings.Fields(p)
		for i := 1; i < len(ws); i += 4 {
			ws[i] = "zzq" + ws[i]
		}
		digest = append(digest, strings.Join(ws, " "))
	}
	// A copy with a long note of its own before the story: its sketch
	// (the first letters) does not reach the lead.
	noted := append([]string{para(), para(), para()}, story...)
	at := func(id, site string, hours int, paras []string) *article.Article {
		return &article.Article{ID: id, Site: site, URL: "https://" + site + "/" + id, Text: strings.Join(paras, "\n\n"),
			Published: time.Date(2024, 5, 1, 8+hours, 0, 0, 0, time.UTC)}
	}
	for _, on := range []bool{true, false} {
		cfg := DefaultConfig()
		if !on {
			cfg.Align = 0
		}
		ix := NewClusterer(cfg)
		for _, a := range []*article.Article{
			at("story", "a.example", 2, story), at("copy", "b.example", 3, story), at("noted", "c.example", 4, noted),
			at("digest", "wire.example", 0, digest)} {
			ix.Add(a)
		}
		s, c, n, d := ix.byID["story"], ix.byID["copy"], ix.byID["noted"], ix.byID["digest"]
		if cl := ix.docs[s].cluster; cl == noCluster || ix.docs[c].cluster != cl || ix.docs[n].cluster != cl || ix.docs[d].cluster == cl {
			t.Fatalf("premise: story, copy and noted copy together, the digest apart: clusters %d %d %d %d", ix.docs[s].cluster, ix.docs[c].cluster, ix.docs[n].cluster, ix.docs[d].cluster)
		}
		if on {
			v := ix.verify(s, d)
			as := alignedShare(ix.docs[s].sents, ix.docs[d].sents, ix.grams())
			an := alignedShare(ix.docs[n].sents, ix.docs[d].sents, ix.grams())
			if ix.isCopy(v) || ix.isRewrite(v, s, d) || v.inter == 0 || as < cfg.Align || an >= cfg.Align {
				t.Fatalf("premise: the story aligned to the digest and only that (copy %v, rewrite %v, shared %d, aligned share %.2f), the noted copy not (%.2f)",
					ix.isCopy(v), ix.isRewrite(v, s, d), v.inter, as, an)
			}
		}
		cl := ix.docs[s].cluster
		ix.attach(d, s) // the digest in, as an earlier state of the tables let it
		ix.settle(cl)
		cl = ix.docs[s].cluster
		if cl == noCluster || ix.docs[c].cluster != cl || ix.docs[n].cluster != cl || ix.clusters[cl].original != s {
			t.Errorf("align %v: story, copy, noted copy in clusters %d %d %d, want together under the story", on, cl, ix.docs[c].cluster, ix.docs[n].cluster)
		}
		if cl != noCluster && ix.docs[d].cluster == cl {
			t.Errorf("align %v: the digest stayed in the story's cluster", on)
		}
	}
}

// TestStolenFollow: an article that is a copy of a cluster's original
// joins that cluster, and brings along the articles held elsewhere by the
// alignment rule alone that are verbatim copies of it, even when its
// link to one of them scores higher than its link to the cluster: the
// versions of one story end in one cluster, not two. The aligned copy is put in
// the agency story's cluster by hand, as an earlier state of the noise
// tables would have left it.
func TestStolenFollow(t *testing.T) {
	r := rand.New(rand.NewPCG(19, 6))
	syl := strings.Fields("ka lo mi ne ra tu be si do va zen tor ul an ri po gha mer")
	sentence := func() []string {
		ws := make([]string, 12+r.IntN(6))
		for j := range ws {
			ws[j] = syl[r.IntN(len(syl))] + syl[r.IntN(len(syl))] + syl[r.IntN(len(syl))]
		}
		return ws
	}
	var agency, rewrite []string // two paragraphs of three sentences
	for p := range 2 {
		var ap, rp []string
		for k := range 3 {
			ws := sentence()
			ap = append(ap, strings.Join(ws, " ")+".")
			if p == 0 || k > 0 { // the rewrite changes every third word but in one sentence, in its second paragraph
				for i := 1; i < len(ws); i += 3 {
					ws[i] = "zzq" + ws[i]
				}
			}
			rp = append(rp, strings.Join(ws, " ")+".")
		}
		agency, rewrite = append(agency, strings.Join(ap, " ")), append(rewrite, strings.Join(rp, " "))
	}
	at := func(id, site string, hours int, paras ...string) *article.Article {
		return &article.Article{ID: id, Site: site, URL: "https://" + site + "/" + id, Text: strings.Join(paras, "\n\n"),
			Published: time.Date(2024, 5, 1, 8+hours, 0, 0, 0, time.UTC)}
	}
	ix := NewClusterer(DefaultConfig())
	ix.Add(at("short", "o.example", 1, rewrite[0])) // the rewrite's first paragraph, published first
	ix.Add(at("agency", "app.example", 0, agency...))
	ix.Add(at("paper", "dawn.example", 24, rewrite...))
	o, a, p := ix.byID["short"], ix.byID["agency"], ix.byID["paper"]
	x := ix.docs[o].cluster
	if x == noCluster || ix.docs[p].cluster != x || ix.docs[a].cluster != noCluster {
		t.Fatalf("premise: the paper joins the short version's cluster, the agency story apart (clusters %d, %d, %d)", x, ix.docs[p].cluster, ix.docs[a].cluster)
	}
	ix.detach(p)
	ix.attach(p, a)
	ix.settle(ix.docs[a].cluster)
	if y := ix.docs[a].cluster; y == noCluster || ix.docs[p].cluster != y || !ix.alignedOnly(p, a) {
		t.Fatalf("premise: the paper held in the agency story's cluster by alignment alone (clusters %d, %d)", y, ix.docs[p].cluster)
	}
	ix.Add(at("rewrite", "app.example", 2, rewrite...))
	rw := ix.byID["rewrite"]
	if c := ix.docs[rw].cluster; c == noCluster || ix.docs[o].cluster != c || ix.docs[p].cluster != c {
		t.Errorf("rewrite, short version and the paper in clusters %d %d %d, want one", c, ix.docs[o].cluster, ix.docs[p].cluster)
	}
	if ix.docs[a].cluster != noCluster && ix.docs[a].cluster == ix.docs[rw].cluster {
		t.Errorf("the agency story is in the rewrite's cluster")
	}
}
