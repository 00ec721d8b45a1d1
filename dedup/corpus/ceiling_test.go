package corpus

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"github.com/cespare/xxhash/v2"

	"github.com/syndex/syndex/article"
	"github.com/syndex/syndex/dedup"
	"github.com/syndex/syndex/dedup/evaluate"
	"github.com/syndex/syndex/dedup/shingle"
)

// TestCounterCeiling is a diagnostic, not a check: for each way of
// scoring a pair of texts worth trying on rewrites, the most
// wholly-derived (WD) COUNTER pairs it can accept while merging at most 3
// (2 %) or 5 of the 177 non-derived (ND) pairs, with the best thresholds
// for that budget. It bounds what a pair rule can reach on this corpus
// before clustering adds its own errors. Thresholds chosen on the whole
// corpus flatter a score, so each is also fitted on one half of the pairs
// (odd pair ids, then even) at 2 % of that half's ND pairs and measured
// on the other half.
//
// Scores are symmetric (the share of the smaller set found in the other,
// and Jaccard) or directional (the share of the newspaper text found in
// the agency text, which is what the rewrite rule measures, by date, and
// Jaccard). The signals: word n-grams (the index's sampled 3-grams, all
// 3-grams, 2-grams), words, content words (the 60 commonest dropped),
// IDF-weighted words, sentence alignment, character n-grams over the
// folded text (spaces dropped: joined and split words meet), numbers and
// rare words (names, figures: at most 2 of the 1,200 texts hold them),
// and rules of two scores (either, or both, above its threshold). Last,
// the WD pairs the index's rule misses and the ND pairs it accepts are
// listed by id with their figures (no corpus text). Run it with
//
//	SYNDEX_COUNTER_CEILING=1 go test ./dedup/corpus -run CounterCeiling -v
func TestCounterCeiling(t *testing.T) {
	diagnostic(t)
	ps, wd, nd := counterPairs(t)
	f := newFeatures(ps)
	cfg := dedup.DefaultConfig()

	type method struct {
		name  string
		score func(p CounterPair) [2]float64 // accepted when both reach their thresholds
	}
	sym := func(feat func(string) []uint32) func(CounterPair) [2]float64 {
		return func(p CounterPair) [2]float64 {
			return symmetric(feat(p.Source.Body), feat(p.Derived.Body))
		}
	}
	dir1 := func(feat func(string) []uint32) func(CounterPair) [2]float64 {
		return func(p CounterPair) [2]float64 {
			return directional(feat(p.Source.Body), feat(p.Derived.Body))
		}
	}
	words := func(k, sample int) func(string) []uint32 {
		return func(s string) []uint32 { return shingle.Of(s, k, sample) }
	}
	align := func(p CounterPair) [2]float64 {
		x := max(alignedShare(p.Source.Body, p.Derived.Body), alignedShare(p.Derived.Body, p.Source.Body))
		return [2]float64{x, x}
	}
	methods := []method{
		{"word 3-grams, one in four (the index's features)", sym(words(cfg.Shingle, cfg.Sample))},
		{"word 3-grams, all", sym(words(3, 1))},
		{"word 2-grams, one in four", sym(words(2, 4))},
		{"word 2-grams, all", sym(words(2, 1))},
		{"words", sym(words(1, 1))},
		{"content-word 2-grams (60 commonest words dropped)", sym(f.content(2))},
		{"content words", sym(f.content(1))},
		{"IDF-weighted words", f.idf(1)},
		{"IDF-weighted word 2-grams", f.idf(2)},
		{"sentence alignment (sentences with 60% of words in one sentence of the other)", align},
		{"character 4-grams, spaces dropped", sym(chars(4, false))},
		{"character 5-grams, spaces dropped", sym(chars(5, false))},
		{"character 6-grams, spaces dropped", sym(chars(6, false))},
		{"character 5-grams, spaces kept", sym(chars(5, true))},
		{"numbers", sym(f.numbers)},
		{"rare words (in at most 2 texts)", sym(f.rare)},
		{"directional: word 3-grams, one in four (the rewrite rule's score)", dir1(words(cfg.Shingle, cfg.Sample))},
		{"directional: word 3-grams, all", dir1(words(3, 1))},
		{"directional: word 2-grams, all", dir1(words(2, 1))},
		{"directional: word 2-grams, one in four", dir1(words(2, 4))},
		{"directional: words", dir1(words(1, 1))},
		{"directional: content words", dir1(f.content(1))},
		{"directional: character 5-grams, spaces dropped", dir1(chars(5, false))},
		{"directional: numbers", dir1(f.numbers)},
		{"directional: rare words", dir1(f.rare)},
	}
	for _, m := range methods {
		ws, ns := scoreAll(wd, m.score), scoreAll(nd, m.score)
		t.Logf("%-70s %s", m.name, ceilingLine(wd, nd, ws, ns))
	}

	// Rules of two directional scores, x ≥ a or (and) y ≥ b.
	type two struct {
		name string
		x, y func(string) []uint32
	}
	for _, c := range []two{
		{"index 3-grams | words", words(cfg.Shingle, cfg.Sample), words(1, 1)},
		{"index 3-grams | character 5-grams", words(cfg.Shingle, cfg.Sample), chars(5, false)},
		{"index 3-grams | rare words", words(cfg.Shingle, cfg.Sample), f.rare},
		{"word 2-grams | numbers", words(2, 1), f.numbers},
		{"words | rare words", words(1, 1), f.rare},
	} {
		score := func(p CounterPair) [2]float64 {
			return [2]float64{directional(c.x(p.Source.Body), c.x(p.Derived.Body))[0], directional(c.y(p.Source.Body), c.y(p.Derived.Body))[0]}
		}
		ws, ns := scoreAll(wd, score), scoreAll(nd, score)
		t.Logf("%-70s %s", "directional, either: "+c.name, orLine(wd, nd, ws, ns))
		t.Logf("%-70s %s", "directional, both: "+c.name, ceilingLine(wd, nd, ws, ns))
	}

	// The index's rule on each pair: containment and Jaccard on the
	// sampled 3-grams, or the rewrite rule when the newspaper is dated a
	// day or more after the agency text. Clustering adds its own errors
	// (a cluster's original, repeated texts); this is the pair view.
	rule := func(p CounterPair) (bool, [2]float64) {
		a, b := words(cfg.Shingle, cfg.Sample)(p.Source.Body), words(cfg.Shingle, cfg.Sample)(p.Derived.Body)
		s := symmetric(a, b)
		d := directional(a, b)
		later := !p.SourceDate.IsZero() && p.DerivedDate.After(p.SourceDate)
		n := dedup.Shared(a, b)
		return n >= cfg.MinShared && ((s[0] >= cfg.Containment && s[1] >= cfg.Jaccard) || (later && d[0] >= cfg.Rewrite)), d
	}
	found, merged := 0, 0
	var missed, accepted []string
	for _, p := range wd {
		if ok, _ := rule(p); ok {
			found++
		} else {
			missed = append(missed, f.describe(p))
		}
	}
	for _, p := range nd {
		if ok, _ := rule(p); ok {
			merged++
			accepted = append(accepted, f.describe(p))
		}
	}
	t.Logf("the index's rule (containment %.2f and Jaccard %.2f, or rewrite %.2f when dated later): WD recall %.3f (%d of %d), ND merged %d of %d",
		cfg.Containment, cfg.Jaccard, cfg.Rewrite, float64(found)/float64(len(wd)), found, len(wd), merged, len(nd))
	t.Logf("ND pairs it accepts (the newspaper's share of the agency text, and the agency text's share of the newspaper's):\n\t%s", strings.Join(accepted, "\n\t"))
	t.Logf("WD pairs it misses:\n\t%s", strings.Join(missed, "\n\t"))
}

// scoreAll scores every pair.
func scoreAll(ps []CounterPair, score func(CounterPair) [2]float64) [][2]float64 {
	out := make([][2]float64, len(ps))
	for i, p := range ps {
		out[i] = score(p)
	}
	return out
}

// symmetric returns the share of the smaller set found in the other and
// the Jaccard similarity (0, 0 below 3 shared members).
func symmetric(a, b []uint32) [2]float64 {
	n := float64(dedup.Shared(a, b))
	small, union := float64(min(len(a), len(b))), float64(len(a)+len(b))-n
	if small == 0 || n < 3 {
		return [2]float64{}
	}
	return [2]float64{n / small, n / union}
}

// directional returns the share of the derived set found in the source
// set and the Jaccard similarity (0, 0 below 3 shared members).
func directional(src, der []uint32) [2]float64 {
	n := float64(dedup.Shared(src, der))
	if len(der) == 0 || n < 3 {
		return [2]float64{}
	}
	return [2]float64{n / float64(len(der)), n / (float64(len(src)+len(der)) - n)}
}

// grid are the thresholds tried for each score.
var grid = func() []float64 {
	var out []float64
	for i := 0; i <= 50; i++ {
		out = append(out, float64(i)/50)
	}
	return out
}()

// fit returns the thresholds (a, b) under which accept takes the most of
// ws while taking at most budget of ns, and how many of ws it takes.
func fit(ws, ns [][2]float64, budget int, accept func(x [2]float64, a, b float64) bool) (int, float64, float64) {
	best, ba, bb := -1, 0.0, 0.0
	for _, a := range grid {
		for _, b := range grid {
			merged := 0
			for _, x := range ns {
				if accept(x, a, b) {
					merged++
				}
			}
			if merged > budget {
				continue
			}
			found := 0
			for _, x := range ws {
				if accept(x, a, b) {
					found++
				}
			}
			if found > best {
				best, ba, bb = found, a, b
			}
		}
	}
	return best, ba, bb
}

func both(x [2]float64, a, b float64) bool { return x[0] > 0 && x[0] >= a && x[1] >= b }
func either(x [2]float64, a, b float64) bool {
	return (x[0] > 0 && x[0] >= a) || (x[1] > 0 && x[1] >= b)
}

func ceilingLine(wd, nd []CounterPair, ws, ns [][2]float64) string {
	return fitLine(wd, nd, ws, ns, both, "x ≥ %.2f, y ≥ %.2f")
}

func orLine(wd, nd []CounterPair, ws, ns [][2]float64) string {
	return fitLine(wd, nd, ws, ns, either, "x ≥ %.2f or y ≥ %.2f")
}

// fitLine reports the ceilings at 3 and 5 ND pairs on the whole corpus,
// then each half's fit measured on the other half.
func fitLine(wd, nd []CounterPair, ws, ns [][2]float64, accept func([2]float64, float64, float64) bool, form string) string {
	var line strings.Builder
	for _, budget := range []int{3, 5} {
		n, a, b := fit(ws, ns, budget, accept)
		fmt.Fprintf(&line, "≤%d ND: WD %.3f ("+form+"); ", budget, float64(n)/float64(len(ws)), a, b)
	}
	for _, odd := range []bool{true, false} {
		in := func(id string) bool { n, _ := strconv.Atoi(id); return (n%2 == 1) == odd }
		var wf, nf, wt, nt [][2]float64
		for i, p := range wd {
			if in(p.ID) {
				wf = append(wf, ws[i])
			} else {
				wt = append(wt, ws[i])
			}
		}
		for i, p := range nd {
			if in(p.ID) {
				nf = append(nf, ns[i])
			} else {
				nt = append(nt, ns[i])
			}
		}
		n, a, b := fit(wf, nf, max(1, len(nf)*2/100), accept)
		found, merged := 0, 0
		for _, x := range wt {
			if accept(x, a, b) {
				found++
			}
		}
		for _, x := range nt {
			if accept(x, a, b) {
				merged++
			}
		}
		name := map[bool]string{true: "odd", false: "even"}
		fmt.Fprintf(&line, "fit on %s ids ("+form+", WD %.3f): other half WD %.3f, ND %d of %d; ", name[odd], a, b, float64(n)/float64(max(1, len(wf))),
			float64(found)/float64(max(1, len(wt))), merged, len(nt))
	}
	return line.String()
}

// chars returns the character n-grams of the folded text (spaces dropped
// or kept), hashed, sorted and distinct.
func chars(n int, spaces bool) func(string) []uint32 {
	return func(s string) []uint32 {
		s = shingle.Fold(s)
		if !spaces {
			s = strings.ReplaceAll(s, " ", "")
		}
		rs := []rune(s)
		var out []uint32
		for i := 0; i+n <= len(rs); i++ {
			out = append(out, uint32(xxhash.Sum64String(string(rs[i:i+n]))))
		}
		slices.Sort(out)
		return slices.Compact(out)
	}
}

// features holds corpus-wide word statistics for the scores that need them.
type features struct {
	df     map[uint32]int // word or 2-gram (hash<<1|k-1) -> texts holding it
	wordDF map[string]int // folded word -> texts holding it
	stop   map[string]bool
	texts  float64
}

func newFeatures(ps []CounterPair) *features {
	f := &features{df: map[uint32]int{}, wordDF: map[string]int{}, stop: map[string]bool{}}
	for _, p := range ps {
		for _, body := range []string{p.Source.Body, p.Derived.Body} {
			f.texts++
			for _, k := range []int{1, 2} {
				for _, h := range shingle.Of(body, k, 1) {
					f.df[h<<1|uint32(k-1)]++
				}
			}
			seen := map[string]bool{}
			for _, w := range strings.Fields(shingle.Fold(body)) {
				if !seen[w] {
					seen[w] = true
					f.wordDF[w]++
				}
			}
		}
	}
	type wc struct {
		w string
		n int
	}
	var common []wc
	for w, n := range f.wordDF {
		common = append(common, wc{w, n})
	}
	slices.SortFunc(common, func(a, b wc) int { return b.n - a.n })
	for _, x := range common[:min(60, len(common))] {
		f.stop[x.w] = true
	}
	return f
}

// content returns the k-word shingles of the text without its 60
// commonest words.
func (f *features) content(k int) func(string) []uint32 {
	return func(s string) []uint32 {
		var out []string
		for _, w := range strings.Fields(shingle.Fold(s)) {
			if !f.stop[w] {
				out = append(out, w)
			}
		}
		return shingle.Of(strings.Join(out, " "), k, 1)
	}
}

// wordsWhere returns the hashed words of s that keep says to keep.
func wordsWhere(s string, keep func(w string) bool) []uint32 {
	var out []uint32
	for _, w := range strings.Fields(shingle.Fold(s)) {
		if keep(w) {
			out = append(out, uint32(xxhash.Sum64String(w)))
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// numbers returns the words of s that hold a digit (figures, dates, scores).
func (f *features) numbers(s string) []uint32 {
	return wordsWhere(s, func(w string) bool { return strings.IndexFunc(w, unicode.IsDigit) >= 0 })
}

// rare returns the words of s that at most 2 of the corpus's texts hold
// (names, figures, the odd term).
func (f *features) rare(s string) []uint32 {
	return wordsWhere(s, func(w string) bool { return f.wordDF[w] <= 2 })
}

func (f *features) idf(k int) func(CounterPair) [2]float64 {
	w := func(h uint32) float64 { return math.Log(f.texts / float64(max(1, f.df[h<<1|uint32(k-1)]))) }
	return func(p CounterPair) [2]float64 {
		fa, fb := shingle.Of(p.Source.Body, k, 1), shingle.Of(p.Derived.Body, k, 1)
		var sa, sb, shared float64
		for _, h := range fa {
			sa += w(h)
		}
		for _, h := range fb {
			sb += w(h)
			if _, ok := slices.BinarySearch(fa, h); ok {
				shared += w(h)
			}
		}
		if sa == 0 || sb == 0 {
			return [2]float64{}
		}
		return [2]float64{shared / min(sa, sb), shared / (sa + sb - shared)}
	}
}

// describe gives a pair's figures, by id: lengths, the newspaper's share
// of the agency text's and the agency text's share of the newspaper's
// word 2-grams and sampled 3-grams, words and rare words, and the longest
// run of words the two share.
func (f *features) describe(p CounterPair) string {
	s, d := p.Source.Body, p.Derived.Body
	cfg := dedup.DefaultConfig()
	share := func(feat func(string) []uint32) string {
		a, b := feat(s), feat(d)
		return fmt.Sprintf("%.2f/%.2f", dedup.ContainedIn(b, a), dedup.ContainedIn(a, b))
	}
	words := func(k, sample int) func(string) []uint32 {
		return func(x string) []uint32 { return shingle.Of(x, k, sample) }
	}
	days := "?"
	if !p.SourceDate.IsZero() && !p.DerivedDate.IsZero() {
		days = fmt.Sprintf("%+d", int(p.DerivedDate.Sub(p.SourceDate).Hours()/24))
	}
	return fmt.Sprintf("pair %s (%s, %s → %s, days %s): words %d → %d; paper-in-agency/agency-in-paper: index 3-grams %s, 2-grams %s, words %s, rare words %s; longest shared run %d words",
		p.ID, p.Domain, p.SourceAgency, p.DerivedNewspaper, days, len(strings.Fields(s)), len(strings.Fields(d)),
		share(words(cfg.Shingle, cfg.Sample)), share(words(2, 1)), share(words(1, 1)), share(f.rare), longestRun(s, d))
}

// longestRun is the length of the longest run of consecutive folded
// words a and b share.
func longestRun(a, b string) int {
	wa, wb := strings.Fields(shingle.Fold(a)), strings.Fields(shingle.Fold(b))
	best := 0
	prev, cur := make([]int, len(wb)+1), make([]int, len(wb)+1)
	for i := range wa {
		for j := range wb {
			cur[j+1] = 0
			if wa[i] == wb[j] {
				cur[j+1] = prev[j] + 1
				best = max(best, cur[j+1])
			}
		}
		prev, cur = cur, prev
	}
	return best
}

// alignedShare is the share of a's words in sentences that have at least
// 60 % of their words in one sentence of b.
func alignedShare(a, b string) float64 {
	split := func(s string) [][]uint32 {
		var out [][]uint32
		for _, sent := range strings.FieldsFunc(s, func(r rune) bool {
			return strings.ContainsRune("۔.?!؟\n،,", r)
		}) {
			if ws := shingle.Of(sent, 1, 1); len(ws) >= 3 {
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

// TestCounterIncremental is a diagnostic: COUNTER clustered one article
// at a time (as `syndex import` and a crawl add them: the frequency
// tables learn as they go, where `syndex dedup` counts the whole file
// first), without the rewrite and alignment rules, with the first, and
// with both. Run it with
//
//	SYNDEX_COUNTER_CEILING=1 go test ./dedup/corpus -run CounterIncremental -v
func TestCounterIncremental(t *testing.T) {
	diagnostic(t)
	set := loadOrSkip(t, "counter-urdu")
	def := dedup.DefaultConfig()
	texts := map[string]string{}
	for _, a := range set.Articles {
		texts[a.ID] = a.Text
	}
	for _, rules := range [][3]float64{{0, 0, -1}, {def.Rewrite, 0, -1}, {def.Rewrite, def.Align, -1}, {def.Rewrite, def.Align, def.Verify}} {
		cfg := dedup.DefaultConfig()
		cfg.Rewrite, cfg.Align, cfg.Verify = rules[0], rules[1], rules[2]
		ix := dedup.NewClusterer(cfg)
		// The verifying stage reads earlier texts as the archive's store
		// gives them back.
		ix.SetTexts(func(id string) (string, error) { return texts[id], nil })
		for _, a := range set.Articles {
			ix.Add(a)
		}
		as := make([]article.Assignment, len(set.Articles))
		for i, a := range set.Articles {
			as[i], _ = ix.Assignment(a.ID)
		}
		r := evaluate.Clusters(set.Articles, as)
		t.Logf("rewrite %.2f, align %.2f, verify %.2f: F1 %.3f (P %.3f, R %.3f), agency original in %.3f of %d clusters found, ND merged %d of %d",
			cfg.Rewrite, cfg.Align, cfg.Verify, r.F1, r.Precision, r.Recall, r.OriginalOfFound, r.FoundClusters, Merged(set.Apart, as), len(set.Apart))
	}
}
