package evaluate

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// This file reads the Fundus evaluation set (ACL 2024 system
// demonstration): ground_truth.json with paragraph lists per page, some
// paragraphs marked optional, and html/<file>; pages are scored with
// ROUGE-LSum as upstream does.

// fundusEvalArticle is one entry of ground_truth.json or of a published
// extractions/<scraper>.json.
type fundusEvalArticle struct {
	URL  string   `json:"url"`
	Body []string `json:"body"`
}

// isFundusEvalCorpus reports whether dir has the Fundus evaluation
// layout: ground_truth.json beside html/.
func isFundusEvalCorpus(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, "ground_truth.json"))
	if err != nil {
		return false
	}
	fi, err := os.Stat(filepath.Join(dir, "html"))
	return err == nil && fi.IsDir()
}

// loadFundusArticles reads a ground_truth.json-shaped file:
// {file: {url, body: [paragraph…], crawl_date}}.
func loadFundusArticles(path string) (map[string]fundusEvalArticle, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("eval extract: %w", err)
	}
	var m map[string]fundusEvalArticle
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("eval extract: %s: %w", path, err)
	}
	return m, nil
}

// loadFundusEval reads the pages of the Fundus evaluation set.
func loadFundusEval(dir string) ([]Page, error) {
	gt, err := loadFundusArticles(filepath.Join(dir, "ground_truth.json"))
	if err != nil {
		return nil, err
	}
	pages := make([]Page, 0, len(gt))
	for file, a := range gt {
		if len(a.Body) == 0 {
			return nil, fmt.Errorf("eval extract: %s: %s has no body paragraphs", filepath.Join(dir, "ground_truth.json"), file)
		}
		plain := make([]string, len(a.Body))
		for i, p := range a.Body {
			if isOptionalParagraph(p) {
				p = p[1 : len(p)-1]
			}
			plain[i] = p
		}
		pages = append(pages, Page{
			File:       filepath.Join(dir, "html", file),
			URL:        a.URL,
			Body:       strings.Join(plain, "\n\n"),
			Paragraphs: a.Body,
		})
	}
	sort.Slice(pages, func(i, j int) bool { return pages[i].File < pages[j].File })
	return pages, nil
}

// paragraphBody joins text's paragraphs (blocks between blank lines) with
// a blank line, the shape the Fundus evaluation gives every extraction.
func paragraphBody(text string) string {
	var paras []string
	for _, p := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			paras = append(paras, p)
		}
	}
	return strings.Join(paras, "\n\n")
}

// rougeTotals sets cs's ROUGE-LSum figures (mean and standard deviation
// over pages) from per-page scores, and keeps the shingle F1 aside.
func rougeTotals(cs *CorpusScore, scores []RougeScore) {
	ps, rs, fs := make([]float64, len(scores)), make([]float64, len(scores)), make([]float64, len(scores))
	for i, s := range scores {
		ps[i], rs[i], fs[i] = s.Precision, s.Recall, s.F1
	}
	cs.ShingleF1 = cs.F1
	cs.Metric = "rouge-lsum"
	cs.Precision, cs.PrecisionStd = meanStd(ps)
	cs.Recall, cs.RecallStd = meanStd(rs)
	cs.F1, cs.F1Std = meanStd(fs)
}
