package corpus_test

import (
	"context"
	"encoding/csv"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"

	"github.com/syndex/syndex/article"
	"github.com/syndex/syndex/dedup"
	"github.com/syndex/syndex/dedup/corpus"
	"github.com/syndex/syndex/dedup/shingle"
)

// exactShares returns the shares of copy text c against original text o
// on every 3-word shingle (dedup samples one in four).
func exactShares(o, c string) (orig, cp float64) {
	oSet, cSet := shingle.Of(o, 3, 1), shingle.Of(c, 3, 1)
	n := 0
	for _, f := range cSet {
		if _, ok := slices.BinarySearch(oSet, f); ok {
			n++
		}
	}
	return float64(n) / float64(max(1, len(oSet))), float64(n) / float64(max(1, len(cSet)))
}

// TestSharesCrossposts measures original_share and copy_share on the real
// cross-posts of crossposts-real, extracted from their raw HTML: against
// the exact shares of the same extracted texts (what sampling costs) and
// against shares from the corpus's human-annotated texts (pairs.tsv: word
// 5-gram containment and word counts; what extraction and sampling cost
// together). Run with SYNDEX_SHARES_CORPUS=/path/to/crossposts-real.
func TestSharesCrossposts(t *testing.T) {
	dir := os.Getenv("SYNDEX_SHARES_CORPUS")
	if dir == "" {
		t.Skip("SYNDEX_SHARES_CORPUS names the crossposts-real directory")
	}
	set, err := corpus.LoadCrossposts(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	human := humanShares(t, filepath.Join(dir, "pairs.tsv"))
	ix := dedup.NewClusterer(dedup.DefaultConfig())
	byID := map[string]*article.Article{}
	for _, a := range set.Articles {
		ix.Add(a)
		byID[a.ID] = a
	}
	var exO, exC, huO, huC []float64
	for _, a := range set.Articles {
		as, _ := ix.Assignment(a.ID)
		if as.Role != article.RoleCopy {
			continue
		}
		o := byID[as.Original]
		eo, ec := exactShares(o.Text, a.Text)
		exO, exC = append(exO, math.Abs(as.OriginalShare-eo)), append(exC, math.Abs(as.CopyShare-ec))
		if h, ok := human[[2]string{o.URL, a.URL}]; ok {
			huO, huC = append(huO, math.Abs(as.OriginalShare-h[0])), append(huC, math.Abs(as.CopyShare-h[1]))
		}
		t.Logf("%-28s → %-28s original_share %.2f (exact %.2f) copy_share %.2f (exact %.2f)", o.Site, a.Site, as.OriginalShare, eo, as.CopyShare, ec)
	}
	t.Logf("%d copies: sampled vs exact shares of the same texts: original_share MAE %.3f (max %.3f), copy_share MAE %.3f (max %.3f)",
		len(exO), mean(exO), slices.Max(exO), mean(exC), slices.Max(exC))
	t.Logf("%d copies with a human-annotated pair: original_share MAE %.3f (max %.3f), copy_share MAE %.3f (max %.3f)",
		len(huO), mean(huO), slices.Max(huO), mean(huC), slices.Max(huC))
	if mean(exO) > 0.05 || mean(exC) > 0.05 || mean(huO) > 0.1 || mean(huC) > 0.1 {
		t.Errorf("shares off the floors: MAE ≤ 0.05 against the exact shares, ≤ 0.10 against the human texts")
	}
}

// humanShares reads pairs.tsv into shares by (original URL, copy URL):
// the shared 5-grams are containment × the smaller text's 5-gram count.
func humanShares(t *testing.T, path string) map[[2]string][2]float64 {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Comma = '\t'
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	out := map[[2]string][2]float64{}
	for _, row := range rows[1:] {
		c, err1 := strconv.ParseFloat(row[col["containment5_human"]], 64)
		wa, err2 := strconv.Atoi(row[col["words_a"]])
		wb, err3 := strconv.Atoi(row[col["words_b"]])
		if err1 != nil || err2 != nil || err3 != nil {
			continue // no human text for this pair
		}
		na, nb := float64(max(1, wa-4)), float64(max(1, wb-4))
		shared := c * min(na, nb)
		a, b := row[col["url_a"]], row[col["url_b"]]
		out[[2]string{a, b}] = [2]float64{min(1, shared/na), min(1, shared/nb)}
		out[[2]string{b, a}] = [2]float64{min(1, shared/nb), min(1, shared/na)}
	}
	return out
}

func mean(xs []float64) float64 {
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s / float64(max(1, len(xs)))
}
