package evaluate

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// TestEvalFundusLayout runs Corpus over a tiny corpus in the Fundus
// evaluation layout, found from a directory of corpora beside another
// layout, and checks the ROUGE-LSum figures.
func TestEvalFundusLayout(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "fundus-eval")
	writeGz(t, filepath.Join(dir, "html", "Courier_0.html.gz"), articlePage)
	writeGz(t, filepath.Join(dir, "html", "Courier_1.html.gz"), articlePage)
	// Page 0: the article's three paragraphs plus an optional one the page
	// lacks (scored without it: F1 1). Page 1: a truth of the first
	// paragraph only (20 tokens of the 20+18+17 extracted: P 20/55, R 1).
	writeFile(t, filepath.Join(dir, "ground_truth.json"), `{
 "Courier_0.html.gz": {"url": "https://courier.example/harbour", "crawl_date": "2024-03-05 09:00:00", "body": [
  "The harbour reopened on Tuesday after three days of closure, the port authority said in a statement issued at dawn.",
  "Fishing boats queued at the entrance while divers checked the quay walls for damage left by the waves.",
  "Repairs to the northern breakwater will take until the summer, according to engineers working for the council.",
  "[Photo: a ferry at the quay.]"]},
 "Courier_1.html.gz": {"url": "https://courier.example/harbour", "crawl_date": "2024-03-05 09:00:00", "body": [
  "The harbour reopened on Tuesday after three days of closure, the port authority said in a statement issued at dawn."]}}`)
	other := filepath.Join(root, "readability", "pages", "harbour")
	writeGz(t, filepath.Join(other, "source.html.gz"), articlePage)
	writeGz(t, filepath.Join(other, "expected.html.gz"), `<p>The harbour reopened on Tuesday.</p>`)
	writeFile(t, filepath.Join(other, "expected-metadata.json"), `{"title": "Harbour reopens after storm"}`)

	var out strings.Builder
	s, err := Corpus(context.Background(), root, &out)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Corpora) != 2 {
		t.Fatalf("got %d corpora, want 2:\n%s", len(s.Corpora), out.String())
	}
	cs := s.Corpora[0]
	if cs.Name != "fundus-eval" || cs.Metric != "rouge-lsum" || cs.Pages != 2 {
		t.Fatalf("got %s metric %q pages %d, want fundus-eval rouge-lsum 2", cs.Name, cs.Metric, cs.Pages)
	}
	p1 := 20.0 / 55
	wantP, wantF1 := (1+p1)/2, (1+harmonic(p1, 1))/2
	if !near(cs.Precision, wantP) || !near(cs.Recall, 1) || !near(cs.F1, wantF1) {
		t.Errorf("P/R/F1 = %.4f/%.4f/%.4f, want %.4f/1/%.4f", cs.Precision, cs.Recall, cs.F1, wantP, wantF1)
	}
	if _, std := meanStd([]float64{1, harmonic(p1, 1)}); !near(cs.F1Std, std) || cs.ShingleF1 <= 0 {
		t.Errorf("F1 std %.4f (want %.4f), shingle F1 %.3f (want > 0)", cs.F1Std, std, cs.ShingleF1)
	}
	if line := strings.SplitN(out.String(), "\n", 2)[0]; !strings.Contains(line, "fundus-eval\tpages=2\tROUGE-LSum P=") || !strings.Contains(line, "±") {
		t.Errorf("line %q lacks the ROUGE-LSum figures", line)
	}
	if s.Corpora[1].Metric != "shingles" {
		t.Errorf("second corpus metric %q, want shingles", s.Corpora[1].Metric)
	}
}
