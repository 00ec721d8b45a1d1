package evaluate

import (
	"regexp"
	"slices"
)

// wordRE matches the benchmark's tokens: Python's Unicode \w+ runs. Go's \w
// is ASCII-only, so the Unicode classes are spelled out.
var wordRE = regexp.MustCompile(`[\p{L}\p{N}_]+`)

// Tokens splits text into the benchmark's word tokens.
func tokens(text string) []string {
	return wordRE.FindAllString(text, -1)
}

// shingles counts the word 4-grams of tokens as a multiset. Texts shorter
// than four words yield one shingle made of all their tokens, so short
// bodies still score.
func shingles(tokens []string) map[string]int {
	const n = 4
	m := make(map[string]int)
	if len(tokens) == 0 {
		return m
	}
	if len(tokens) < n {
		m[joinTokens(tokens)]++
		return m
	}
	for i := 0; i+n <= len(tokens); i++ {
		m[joinTokens(tokens[i:i+n])]++
	}
	return m
}

func joinTokens(t []string) string {
	n := 0
	for _, s := range t {
		n += len(s) + 1
	}
	b := make([]byte, 0, n)
	for i, s := range t {
		if i > 0 {
			b = append(b, 0)
		}
		b = append(b, s...)
	}
	return string(b)
}

// PageScore is one page's shingle overlap, normalised so that
// TP+FP+FN = 1 (or all zero when both texts are empty).
type PageScore struct {
	TP, FP, FN float64
	// Exact reports whether the token lists are identical.
	Exact bool
}

// ScorePage compares a predicted body with the true body the way the
// ScrapingHub article-extraction benchmark does.
func ScorePage(truth, predicted string) PageScore {
	tt, pt := tokens(truth), tokens(predicted)
	ts, ps := shingles(tt), shingles(pt)
	var tp, fp, fn float64
	for k, c := range ps {
		t := ts[k]
		tp += float64(min(c, t))
		if c > t {
			fp += float64(c - t)
		}
	}
	for k, t := range ts {
		if c := ps[k]; t > c {
			fn += float64(t - c)
		}
	}
	s := PageScore{Exact: slices.Equal(tt, pt)}
	if total := tp + fp + fn; total > 0 {
		s.TP, s.FP, s.FN = tp/total, fp/total, fn/total
	}
	return s
}

// Totals aggregates page scores into precision, recall and F1 the way the
// benchmark does: precision and recall are averaged over pages (a page with
// nothing predicted is left out of precision, one with an empty truth out of
// recall, an exact match scores 1 for both) and F1 is their harmonic mean.
// Accuracy is the share of pages whose token lists match exactly.
func Totals(pages []PageScore) (p, r, f1, accuracy float64) {
	var sp, sr float64
	var np, nr, exact int
	for _, s := range pages {
		if s.Exact {
			exact++
		}
		if s.FP == 0 && s.FN == 0 {
			sp, sr, np, nr = sp+1, sr+1, np+1, nr+1
			continue
		}
		if s.TP+s.FP > 0 {
			sp += s.TP / (s.TP + s.FP)
			np++
		}
		if s.TP+s.FN > 0 {
			sr += s.TP / (s.TP + s.FN)
			nr++
		}
	}
	if np > 0 {
		p = sp / float64(np)
	}
	if nr > 0 {
		r = sr / float64(nr)
	}
	if p+r > 0 {
		f1 = 2 * p * r / (p + r)
	}
	if len(pages) > 0 {
		accuracy = float64(exact) / float64(len(pages))
	}
	return p, r, f1, accuracy
}
