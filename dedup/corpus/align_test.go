package corpus

import (
	"fmt"
	"testing"
	"unicode"

	"github.com/syndex/syndex/dedup"
	"github.com/syndex/syndex/dedup/shingle"
)

// splitSentences cuts text at sentence ends (Urdu full stop, question
// marks, exclamation, a full stop not between digits, line breaks).
func splitSentences(s string) []string {
	var out []string
	rs := []rune(s)
	start := 0
	for i, r := range rs {
		end := false
		switch r {
		case '۔', '؟', '?', '!', '\n':
			end = true
		case '.':
			end = !(i > 0 && i+1 < len(rs) && unicode.IsDigit(rs[i-1]) && unicode.IsDigit(rs[i+1]))
		}
		if end {
			out = append(out, string(rs[start:i]))
			start = i + 1
		}
	}
	out = append(out, string(rs[start:]))
	return out
}

type sent struct {
	words []uint32 // distinct content words, sorted
	n     int
}

func (f *features) sentences(s string, feat func(string) []uint32) []sent {
	var out []sent
	for _, x := range splitSentences(s) {
		ws := feat(x)
		if len(ws) >= 2 {
			out = append(out, sent{ws, len(ws)})
		}
	}
	return out
}

// alignment aligns each sentence of der to its best sentence of src.
type alignment struct {
	derShare float64 // share of der's words in sentences aligned at ≥ t
	mono     float64 // LIS of aligned src positions / aligned sentences
	srcCover float64 // share of src's words in sentences some der sentence aligns to
	nAligned int
}

func align(src, der []sent, t float64) alignment {
	var pos []int
	total, hit := 0, 0
	covered := make([]bool, len(src))
	for _, d := range der {
		best, bi := 0.0, -1
		for j, s := range src {
			if c := dedup.ContainedIn(d.words, s.words); c > best {
				best, bi = c, j
			}
		}
		total += d.n
		if best >= t && bi >= 0 {
			hit += d.n
			pos = append(pos, bi)
			covered[bi] = true
		}
	}
	a := alignment{nAligned: len(pos)}
	if total > 0 {
		a.derShare = float64(hit) / float64(total)
	}
	if len(pos) > 0 {
		a.mono = float64(lis(pos)) / float64(len(pos))
	}
	st, sc := 0, 0
	for j, s := range src {
		st += s.n
		if covered[j] {
			sc += s.n
		}
	}
	if st > 0 {
		a.srcCover = float64(sc) / float64(st)
	}
	return a
}

// lis is the length of the longest non-decreasing subsequence.
func lis(xs []int) int {
	var tails []int
	for _, x := range xs {
		lo, hi := 0, len(tails)
		for lo < hi {
			m := (lo + hi) / 2
			if tails[m] <= x {
				lo = m + 1
			} else {
				hi = m
			}
		}
		if lo == len(tails) {
			tails = append(tails, x)
		} else {
			tails[lo] = x
		}
	}
	return len(tails)
}

// TestCounterAlign is a diagnostic, as TestCounterCeiling: sentence
// alignment scores of the COUNTER pairs, each newspaper sentence aligned
// to its best agency sentence (content words, words or character 4-grams
// of the sentence found in it, at least t), with the ceilings at 3 and 5
// non-derived pairs and the half-fitted thresholds measured on the other
// half. Scores: derShare, the share of the newspaper's text in aligned
// sentences; mono, how much of the alignment keeps the agency's sentence
// order (longest increasing run of aligned positions over aligned
// sentences); srcCover, the share of the agency text whose sentences some
// newspaper sentence aligns to; and the rule the index applies (the
// product's sketch: one character 4-gram in 8 of the first 640 letters,
// t = 0.3), alone and beside the rewrite rule's score. Run it with
//
//	SYNDEX_COUNTER_CEILING=1 go test ./dedup/corpus -run CounterAlign -v
func TestCounterAlign(t *testing.T) {
	diagnostic(t)
	ps, wd, nd := counterPairs(t)
	f := newFeatures(ps)
	idx := func(s string) []uint32 { return shingle.Of(s, 3, 4) }
	product := func(p CounterPair) [2]float64 {
		x := dedup.AlignedShare(p.Derived.Body, p.Source.Body)
		return [2]float64{x, x}
	}
	ws, ns := scoreAll(wd, product), scoreAll(nd, product)
	t.Logf("%-50s %s", "the align rule's score (index sketch)", ceilingLine(wd, nd, ws, ns))
	withRewrite := func(p CounterPair) [2]float64 {
		return [2]float64{directional(idx(p.Source.Body), idx(p.Derived.Body))[0], dedup.AlignedShare(p.Derived.Body, p.Source.Body)}
	}
	ws, ns = scoreAll(wd, withRewrite), scoreAll(nd, withRewrite)
	t.Logf("%-50s %s", "either: rewrite score | align score", orLine(wd, nd, ws, ns))
	allWords := func(s string) []uint32 { return shingle.Of(s, 1, 1) }
	type fs struct {
		name string
		feat func(string) []uint32
	}
	for _, ft := range []fs{{"content words", f.content(1)}, {"words", allWords}, {"char4", chars(4, false)}} {
		for _, th := range []float64{0.3, 0.4, 0.5, 0.6} {
			cache := map[string][]sent{}
			get := func(s string) []sent {
				if x, ok := cache[s]; ok {
					return x
				}
				x := f.sentences(s, ft.feat)
				cache[s] = x
				return x
			}
			al := func(p CounterPair) alignment { return align(get(p.Source.Body), get(p.Derived.Body), th) }
			name := func(s string) string { return fmt.Sprintf("%s, sentence t=%.2f: %s", ft.name, th, s) }
			for _, m := range []struct {
				n string
				s func(alignment) [2]float64
			}{
				{"derShare, mono", func(a alignment) [2]float64 { return [2]float64{a.derShare, a.mono} }},
				{"derShare, srcCover", func(a alignment) [2]float64 { return [2]float64{a.derShare, a.srcCover} }},
				{"derShare*mono, srcCover", func(a alignment) [2]float64 { return [2]float64{a.derShare * a.mono, a.srcCover} }},
			} {
				score := func(p CounterPair) [2]float64 {
					a := al(p)
					if a.nAligned < 1 {
						return [2]float64{}
					}
					return m.s(a)
				}
				ws, ns := scoreAll(wd, score), scoreAll(nd, score)
				t.Logf("%-50s %s", name(m.n), ceilingLine(wd, nd, ws, ns))
			}
			// either: the index's rewrite score or the alignment share
			score := func(p CounterPair) [2]float64 {
				a := al(p)
				return [2]float64{directional(idx(p.Source.Body), idx(p.Derived.Body))[0], a.derShare * a.mono}
			}
			ws, ns := scoreAll(wd, score), scoreAll(nd, score)
			t.Logf("%-50s %s", name("either idx3 | derShare*mono"), orLine(wd, nd, ws, ns))
		}
	}
}
