// Package evaluate scores package dedup against labelled data: a
// clustering against truth clusters and originals (Clusters), a similarity
// score against labelled text pairs (Pairs), and Lookup against held-out,
// lightly edited copies (Lookup). It is what `syndex eval dedup` and
// `syndex eval pairs` run and what the quality tests assert on; the
// product (crawl, import, search) never calls it. Reading labelled corpora
// is package corpus's.
package evaluate

import (
	"github.com/syndex/syndex/article"
)

// ClusterResult scores a clustering against truth labels.
type ClusterResult struct {
	Articles  int     // articles scored
	Precision float64 // pairwise: share of predicted same-cluster pairs that are true
	Recall    float64 // pairwise: share of true same-cluster pairs predicted
	F1        float64
	ARI       float64 // Adjusted Rand Index
	// OriginalAccuracy is the share of labelled originals (in true clusters
	// of two or more found articles) that were assigned role original with
	// themselves as original.
	OriginalAccuracy float64
	OriginalsJudged  int
	// FoundClusters counts the true clusters of two or more articles whose
	// labelled original shares its predicted cluster with another of their
	// members; OriginalOfFound is the share of those whose original was
	// named (accuracy of the original decision alone, without recall).
	FoundClusters   int
	OriginalOfFound float64
	TruePairs       int64
	PredictedPairs  int64
}

// pairsAmong counts the unordered pairs among n items.
func pairsAmong(n int64) int64 { return n * (n - 1) / 2 }

// Clusters compares assignments with the articles' TruthCluster and
// TruthOriginal labels. Assignments are matched to articles by id; an
// article without a truth_cluster is its own true cluster, and one without
// an assignment is left out.
func Clusters(arts []*article.Article, as []article.Assignment) ClusterResult {
	byID := make(map[string]article.Assignment, len(as))
	for _, x := range as {
		byID[x.ID] = x
	}
	tab := tabulate(arts, byID)
	res := tab.pairScores()
	tab.scoreOriginals(&res, arts, byID)
	return res
}

// cell is a pair of a true and a predicted cluster.
type cell struct{ truth, pred string }

// contingency counts the scored articles by true cluster, by predicted
// cluster and by both.
type contingency struct {
	joint       map[cell]int64
	truth, pred map[string]int64
	articles    int
}

// tabulate counts each article with an assignment once, under its true
// and its predicted cluster.
func tabulate(arts []*article.Article, byID map[string]article.Assignment) *contingency {
	tab := &contingency{joint: make(map[cell]int64), truth: make(map[string]int64), pred: make(map[string]int64)}
	seen := make(map[string]bool, len(arts))
	for _, a := range arts {
		x, ok := byID[a.ID]
		if !ok || seen[a.ID] {
			continue
		}
		seen[a.ID] = true
		t := a.TruthCluster
		if t == "" {
			t = "\x00" + a.ID
		}
		tab.joint[cell{t, x.Cluster}]++
		tab.truth[t]++
		tab.pred[x.Cluster]++
		tab.articles++
	}
	return tab
}

// pairScores scores the clustering pair by pair: precision, recall, F1
// and the adjusted Rand index.
func (tab *contingency) pairScores() ClusterResult {
	res := ClusterResult{Articles: tab.articles}
	tp, tPairs, pPairs := pairsIn(tab.joint), pairsIn(tab.truth), pairsIn(tab.pred)
	res.TruePairs, res.PredictedPairs = tPairs, pPairs
	res.Precision, res.Recall = ratio(tp, pPairs), ratio(tp, tPairs)
	if res.Precision+res.Recall > 0 {
		res.F1 = 2 * res.Precision * res.Recall / (res.Precision + res.Recall)
	}
	if all := pairsAmong(int64(res.Articles)); all > 0 {
		expected := float64(tPairs) * float64(pPairs) / float64(all)
		maxIndex := (float64(tPairs) + float64(pPairs)) / 2
		if maxIndex == expected {
			res.ARI = 1
		} else {
			res.ARI = (float64(tp) - expected) / (maxIndex - expected)
		}
	}
	return res
}

// pairsIn counts the pairs within each group of counts.
func pairsIn[K comparable](counts map[K]int64) int64 {
	var n int64
	for _, c := range counts {
		n += pairsAmong(c)
	}
	return n
}

// scoreOriginals judges the original decision on each labelled original
// of a true cluster of two or more: named at all (OriginalAccuracy), and
// named when its cluster was found together (OriginalOfFound).
func (tab *contingency) scoreOriginals(res *ClusterResult, arts []*article.Article, byID map[string]article.Assignment) {
	var right, foundRight int
	for _, a := range arts {
		x, ok := byID[a.ID]
		if !a.TruthOriginal || !ok || tab.truth[a.TruthCluster] < 2 {
			continue
		}
		res.OriginalsJudged++
		named := x.Role == article.RoleOriginal && x.Original == a.ID
		if named {
			right++
		}
		if tab.joint[cell{a.TruthCluster, x.Cluster}] >= 2 {
			res.FoundClusters++
			if named {
				foundRight++
			}
		}
	}
	res.OriginalAccuracy = ratio(int64(right), int64(res.OriginalsJudged))
	res.OriginalOfFound = ratio(int64(foundRight), int64(res.FoundClusters))
}

// ratio is a/b, 1 when b is 0 (nothing to get wrong).
func ratio(a, b int64) float64 {
	if b == 0 {
		return 1
	}
	return float64(a) / float64(b)
}
