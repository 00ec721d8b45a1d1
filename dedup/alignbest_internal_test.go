package dedup

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// TestBestSentence: the indexed look-up gives the sentence comparing with
// every sentence gives (the most shared grams, the first of equals), on
// texts that share sentences, parts of them and nothing.
func TestBestSentence(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 5))
	words := strings.Fields("the of and Quetta Rashid Multan police said minister court two thousand votes election party report")
	sentence := func() string {
		ws := make([]string, 4+r.IntN(14))
		for i := range ws {
			ws[i] = words[r.IntN(len(words))]
		}
		return strings.Join(ws, " ") + "."
	}
	for trial := range 200 {
		var src, der []string
		for range 1 + r.IntN(30) {
			src = append(src, sentence())
		}
		for range 1 + r.IntN(30) {
			if r.IntN(2) == 0 {
				s := strings.Fields(src[r.IntN(len(src))])
				der = append(der, strings.Join(s[:1+r.IntN(len(s))], " ")+" "+sentence())
			} else {
				der = append(der, sentence())
			}
		}
		var a, b sentenceGrams
		a.of(strings.Join(der, " "))
		b.of(strings.Join(src, " "))
		bs := newBestSentence(&b)
		for i := range a.ends {
			s := a.sentence(i)
			for _, need := range []int{1, max(1, len(s)*3/10), len(s)} {
				want, most := -1, 0
				for j := range b.ends {
					tt := b.sentence(j)
					if len(tt) < need {
						continue
					}
					if k := Shared(s, tt); k >= need && k > most {
						most, want = k, j
					}
				}
				if got := bs.best(s, need); got != want {
					t.Fatalf("trial %d, sentence %d, need %d: best %d, want %d", trial, i, need, got, want)
				}
			}
		}
	}
}

// TestMayCover: the size bound never refuses a pair whose aligned
// sentences hold verifyCover of the source, and it refuses a short text
// against a long one.
func TestMayCover(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 1))
	words := strings.Fields("the of and Quetta Rashid Multan police said minister court two thousand votes election party report")
	text := func(n int) string {
		var ss []string
		for range n {
			ws := make([]string, 3+r.IntN(12))
			for i := range ws {
				ws[i] = words[r.IntN(len(words))]
			}
			ss = append(ss, strings.Join(ws, " ")+".")
		}
		return strings.Join(ss, " ")
	}
	refused := 0
	for range 300 {
		var a, b sentenceGrams
		a.of(text(1 + r.IntN(8)))
		b.of(text(1 + r.IntN(40)))
		if !mayCover(&a, &b) {
			refused++
			if _, cover := alignWhole(&a, &b); cover >= verifyCover {
				t.Fatalf("refused a pair whose cover is %.2f", cover)
			}
		}
	}
	if refused == 0 {
		t.Fatal("the bound refused nothing, short texts against long ones included")
	}
}
