package evaluate

import (
	"math"
	"os"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// TestRougeConformance scores the published outputs of the Fundus
// evaluation's scrapers with bestRougeLSum and compares them with the
// per-article ROUGE-LSum F1 upstream computed (scores/rouge_lsum.tsv):
// the mean F1 per scraper must agree within 0.005 and the per-article F1
// within 0.02 on at least 95% of the articles.
func TestRougeConformance(t *testing.T) {
	dir := corpusDir + "/fundus-eval-80"
	if _, err := os.Stat(dir + "/scores/rouge_lsum.tsv"); err != nil {
		t.Skip("corpus not present:", dir)
	}
	gt, err := loadFundusArticles(dir + "/ground_truth.json")
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(dir + "/scores/rouge_lsum.tsv")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]map[string]float64{} // scraper → article → F1
	for i, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		c := strings.Split(line, "\t")
		if i == 0 || len(c) < 5 {
			continue
		}
		f, err := strconv.ParseFloat(c[4], 64)
		if err != nil {
			t.Fatalf("rouge_lsum.tsv:%d: %v", i+1, err)
		}
		if want[c[0]] == nil {
			want[c[0]] = map[string]float64{}
		}
		want[c[0]][c[1]] = f
	}
	scrapers := make([]string, 0, len(want))
	for s := range want {
		scrapers = append(scrapers, s)
	}
	sort.Strings(scrapers)
	if len(scrapers) != 7 {
		t.Fatalf("got %d scrapers in rouge_lsum.tsv, want 7", len(scrapers))
	}
	for _, scraper := range scrapers {
		t.Run(scraper, func(t *testing.T) {
			out, err := loadFundusArticles(dir + "/extractions/" + scraper + ".json")
			if err != nil {
				t.Fatal(err)
			}
			var sumGot, sumWant float64
			var n, close, exact int
			var maxDiff float64
			for file, a := range gt {
				w, ok := want[scraper][file]
				if !ok {
					t.Fatalf("%s: no upstream score", file)
				}
				got := bestRougeLSum(a.Body, strings.Join(out[file].Body, "\n\n")).F1
				sumGot += got
				sumWant += w
				n++
				maxDiff = max(maxDiff, math.Abs(got-w))
				if math.Abs(got-w) < 1e-9 {
					exact++
				}
				if math.Abs(got-w) <= 0.02 {
					close++
				} else if testing.Verbose() {
					t.Logf("%s: F1 %.4f, upstream %.4f", file, got, w)
				}
			}
			mg, mw := sumGot/float64(n), sumWant/float64(n)
			t.Logf("mean F1 %.5f, upstream %.5f (diff %+.5f); %d/%d articles within 0.02, %d identical, max diff %.4f", mg, mw, mg-mw, close, n, exact, maxDiff)
			if math.Abs(mg-mw) > 0.005 || float64(close) < 0.95*float64(n) {
				t.Errorf("mean F1 %.4f vs upstream %.4f, %d/%d articles within 0.02: want diff <= 0.005 and >= 95%%", mg, mw, close, n)
			}
		})
	}
}
