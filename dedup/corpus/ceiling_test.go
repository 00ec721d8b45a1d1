package corpus

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/syndex/syndex/dedup"
)

// TestCounterCeiling is a diagnostic, not a check: for each way of
// scoring a pair of texts worth trying on rewrites (shorter shingles,
// IDF weighting, containment on content words, sentence alignment), the
// most wholly-derived COUNTER pairs it can accept while merging at most
// 3 (2 %) or 5 of the 177 non-derived pairs, with the best thresholds
// for that budget. It bounds what a pair rule can reach on this corpus
// before clustering adds its own errors. Run it with
//
//	SYNDEX_COUNTER_CEILING=1 go test ./dedup/corpus -run CounterCeiling -v
func TestCounterCeiling(t *testing.T) {
	if os.Getenv("SYNDEX_COUNTER_CEILING") == "" {
		t.Skip("set SYNDEX_COUNTER_CEILING=1 to run")
	}
	dir := filepath.Join(corporaRoot(), "counter-urdu")
	ps, err := ReadCounter(context.Background(), dir)
	if err != nil {
		t.Skipf("corpus not present: %v", err)
	}
	var wd, nd []CounterPair
	for _, p := range ps {
		switch p.Label {
		case "WD":
			wd = append(wd, p)
		case "ND":
			nd = append(nd, p)
		}
	}
	// Document frequencies over all 1,200 texts, for IDF and stopwords.
	df := map[uint32]int{}
	wordDF := map[string]int{}
	for _, p := range ps {
		for _, body := range []string{p.Source.Body, p.Derived.Body} {
			for _, k := range []int{1, 2} {
				for _, f := range dedup.Shingles(body, k, 1) {
					df[f<<1|uint32(k-1)]++
				}
			}
			seen := map[string]bool{}
			for _, w := range strings.Fields(body) {
				if !seen[w] {
					seen[w] = true
					wordDF[w]++
				}
			}
		}
	}
	type wc struct {
		w string
		n int
	}
	var common []wc
	for w, n := range wordDF {
		common = append(common, wc{w, n})
	}
	slices.SortFunc(common, func(a, b wc) int { return b.n - a.n })
	stop := map[string]bool{}
	for _, x := range common[:min(60, len(common))] {
		stop[x.w] = true
	}
	contentWords := func(s string) string {
		var out []string
		for _, w := range strings.Fields(s) {
			if !stop[w] {
				out = append(out, w)
			}
		}
		return strings.Join(out, " ")
	}

	// Each method scores a pair with two numbers (containment-like,
	// Jaccard-like); a pair is accepted when both reach their thresholds.
	type method struct {
		name  string
		score func(src, der string) (float64, float64)
	}
	sets := func(a, b []uint32) (float64, float64) {
		n := float64(dedup.Shared(a, b))
		small, union := float64(min(len(a), len(b))), float64(len(a)+len(b))-n
		if small == 0 || n < 3 {
			return 0, 0
		}
		return n / small, n / union
	}
	shingled := func(k, sample int, prep func(string) string) func(string, string) (float64, float64) {
		return func(a, b string) (float64, float64) {
			return sets(dedup.Shingles(prep(a), k, sample), dedup.Shingles(prep(b), k, sample))
		}
	}
	same := func(s string) string { return s }
	idf := func(k int) func(string, string) (float64, float64) {
		w := func(f uint32) float64 { return math.Log(1200 / float64(max(1, df[f<<1|uint32(k-1)]))) }
		return func(a, b string) (float64, float64) {
			fa, fb := dedup.Shingles(a, k, 1), dedup.Shingles(b, k, 1)
			var sa, sb, shared float64
			for _, f := range fa {
				sa += w(f)
			}
			for _, f := range fb {
				sb += w(f)
				if _, ok := slices.BinarySearch(fa, f); ok {
					shared += w(f)
				}
			}
			if sa == 0 || sb == 0 {
				return 0, 0
			}
			return shared / min(sa, sb), shared / (sa + sb - shared)
		}
	}
	align := func(a, b string) (float64, float64) {
		x := max(alignedShare(a, b), alignedShare(b, a))
		return x, x
	}
	methods := []method{
		{"word 3-grams, one in four (the index's features)", shingled(3, 4, same)},
		{"word 3-grams, all", shingled(3, 1, same)},
		{"word 2-grams, one in four", shingled(2, 4, same)},
		{"word 2-grams, all", shingled(2, 1, same)},
		{"words", shingled(1, 1, same)},
		{"content-word 2-grams (60 commonest words dropped)", shingled(2, 1, contentWords)},
		{"content words", shingled(1, 1, contentWords)},
		{"IDF-weighted words", idf(1)},
		{"IDF-weighted word 2-grams", idf(2)},
		{"sentence alignment (sentences with 60% of words in one sentence of the other)", align},
	}
	for _, m := range methods {
		score := func(ps []CounterPair) [][2]float64 {
			out := make([][2]float64, len(ps))
			for i, p := range ps {
				c, j := m.score(p.Source.Body, p.Derived.Body)
				out[i] = [2]float64{c, j}
			}
			return out
		}
		ws, ns := score(wd), score(nd)
		var line strings.Builder
		for _, budget := range []int{3, 5} {
			best, bc, bj := 0, 0.0, 0.0
			for c := 0.0; c <= 1; c += 0.02 {
				for j := 0.0; j <= 0.5; j += 0.02 {
					accept := func(x [2]float64) bool { return x[0] >= c && x[1] >= j && x[0] > 0 }
					merged := 0
					for _, x := range ns {
						if accept(x) {
							merged++
						}
					}
					if merged > budget {
						continue
					}
					found := 0
					for _, x := range ws {
						if accept(x) {
							found++
						}
					}
					if found > best {
						best, bc, bj = found, c, j
					}
				}
			}
			fmt.Fprintf(&line, "≤%d ND merged: WD recall %.3f (containment ≥ %.2f, Jaccard ≥ %.2f); ", budget, float64(best)/float64(len(ws)), bc, bj)
		}
		t.Logf("%-80s %s", m.name, line.String())
	}
}

// alignedShare is the share of a's words in sentences that have at least
// 60 % of their words in one sentence of b.
func alignedShare(a, b string) float64 {
	split := func(s string) [][]uint32 {
		var out [][]uint32
		for _, sent := range strings.FieldsFunc(s, func(r rune) bool {
			return strings.ContainsRune("۔.?!؟\n،,", r)
		}) {
			if ws := dedup.Shingles(sent, 1, 1); len(ws) >= 3 {
				out = append(out, ws)
			}
		}
		return out
	}
	sa, sb := split(a), split(b)
	total, hit := 0, 0
	for _, x := range sa {
		best := 0.0
		for _, y := range sb {
			best = max(best, dedup.ContainedIn(x, y))
		}
		total += len(x)
		if best >= 0.6 {
			hit += len(x)
		}
	}
	if total == 0 {
		return 0
	}
	return float64(hit) / float64(total)
}
