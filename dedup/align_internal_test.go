package dedup

import (
	"math/rand/v2"
	"strings"
	"testing"
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
