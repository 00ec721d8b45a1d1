package evaluate

import (
	"slices"

	"github.com/syndex/syndex/dedup"
	"github.com/syndex/syndex/dedup/shingle"
)

// Pair is one labelled text pair for `syndex eval pairs`: a source text,
// a text that may be derived from it, and whether it wholly is.
type Pair struct {
	ID      string
	Source  string
	Derived string
	Label   string // corpus label, e.g. WD, PD, ND
	Wholly  bool   // the positive class: wholly derived
}

// DefaultPairThreshold is the score at which `syndex eval pairs` calls a
// pair wholly derived (PairResult.Precision and Recall).
const DefaultPairThreshold = 0.6

// PairScore rates how much of derived is reused from source, in [0, 1]:
// the share of derived's word 2-grams that occur in source. It is
// directional on purpose: a text wholly derived from a source consists of
// the source's phrases, while an independent report on the same event
// shares names and a quote but little else.
func PairScore(source, derived string) float64 {
	return dedup.ContainedIn(shingle.Of(derived, 2, 1), shingle.Of(source, 2, 1))
}

// PairResult scores a ranking of pairs: how well the positives
// (wholly derived) are separated from the rest.
type PairResult struct {
	Pairs, Positives int
	AUC              float64 // of the score, positives vs the rest
	BaselineAUC      float64 // of plain word 1-gram Jaccard, for comparison
	IndexAUC         float64 // of the same containment on the Clusterer's own sampled features
	Threshold        float64
	Precision        float64 // at Threshold
	Recall           float64 // at Threshold
}

// Pairs scores every pair with score (nil means PairScore) and
// reports AUC, and precision and recall at threshold. cfg gives the
// Clusterer's shingle size and sampling for IndexAUC.
func Pairs(ps []Pair, threshold float64, cfg dedup.Config, score func(source, derived string) float64) PairResult {
	if score == nil {
		score = PairScore
	}
	res := PairResult{Pairs: len(ps), Threshold: threshold}
	s := make([]float64, len(ps))
	base := make([]float64, len(ps))
	own := make([]float64, len(ps))
	pos := make([]bool, len(ps))
	var tp, fp int
	for i, p := range ps {
		s[i] = score(p.Source, p.Derived)
		base[i] = dedup.Jaccard(shingle.Of(p.Source, 1, 1), shingle.Of(p.Derived, 1, 1))
		own[i] = dedup.ContainedIn(shingle.Of(p.Derived, cfg.Shingle, cfg.Sample), shingle.Of(p.Source, cfg.Shingle, cfg.Sample))
		pos[i] = p.Wholly
		if p.Wholly {
			res.Positives++
		}
		if s[i] >= threshold {
			if p.Wholly {
				tp++
			} else {
				fp++
			}
		}
	}
	res.AUC, res.BaselineAUC, res.IndexAUC = auc(s, pos), auc(base, pos), auc(own, pos)
	res.Precision = ratio(int64(tp), int64(tp+fp))
	res.Recall = ratio(int64(tp), int64(res.Positives))
	return res
}

// auc is the probability that a random positive outscores a random
// negative (ties count half).
func auc(score []float64, pos []bool) float64 {
	idx := make([]int, len(score))
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(a, b int) int {
		switch {
		case score[a] < score[b]:
			return -1
		case score[a] > score[b]:
			return 1
		}
		return 0
	})
	// Mann–Whitney U with average ranks for ties.
	rankSum := positiveRanks(score, pos, idx)
	np := countTrue(pos)
	nn := len(pos) - np
	if np == 0 || nn == 0 {
		return 0
	}
	return (rankSum - float64(np*(np+1))/2) / float64(np*nn)
}

// positiveRanks sums the ranks of the positive items in idx (sorted by
// score), ties given their average rank.
func positiveRanks(score []float64, pos []bool, idx []int) float64 {
	var rankSum float64
	for i := 0; i < len(idx); {
		j := i
		for j < len(idx) && score[idx[j]] == score[idx[i]] {
			j++
		}
		avg := float64(i+j+1) / 2 // ranks i+1..j
		for k := i; k < j; k++ {
			if pos[idx[k]] {
				rankSum += avg
			}
		}
		i = j
	}
	return rankSum
}

// countTrue counts the true values of bs.
func countTrue(bs []bool) int {
	n := 0
	for _, b := range bs {
		if b {
			n++
		}
	}
	return n
}
