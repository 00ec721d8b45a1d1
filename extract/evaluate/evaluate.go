// Package evaluate scores package extract against corpora with ground
// truth: main text (word 4-gram shingles as the ScrapingHub benchmark,
// must/must-not segments as trafilatura's, ROUGE-LSum as Fundus's),
// titles, dates, authors, language, and credit lines. It reads the
// corpora's layouts and runs the extractor as `syndex extract` does. It is
// what `syndex eval extract` runs and what the corpus floors assert on; the
// product never calls it.
package evaluate

import (
	"bufio"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/syndex/syndex/article"
	"github.com/syndex/syndex/internal/gzfile"

	"github.com/syndex/syndex/extract"
)

// CorpusScore is the evaluation of extraction on one corpus.
type CorpusScore struct {
	Name      string
	Pages     int
	Precision float64 // mean per-page shingle precision
	Recall    float64 // mean per-page shingle recall
	F1        float64 // harmonic mean of Precision and Recall
	Accuracy  float64 // share of pages whose tokens match the truth exactly
	// TitlePages and DatePages count pages with title / date truth;
	// TitleAccuracy and DateAccuracy are the shares extracted correctly.
	TitlePages, DatePages       int
	TitleAccuracy, DateAccuracy float64
	// HeadAccuracy is the share of titles equal to the headline without
	// its deck, where the truth labels both as headline (L3S-GN1's
	// annotated pages); a title equal to the whole truth counts too.
	HeadPages    int
	HeadAccuracy float64
	// AuthorPages counts pages with author truth; AuthorAccuracy is the
	// share whose extracted author names the same people (word sets equal,
	// order and "and"/commas aside).
	AuthorPages    int
	AuthorAccuracy float64
	// LangPages counts pages with language truth; LangAccuracy is the
	// share whose detected language has the truth's primary subtag.
	LangPages    int
	LangAccuracy float64
	// Metric names how Precision, Recall and F1 were computed: "shingles"
	// (word 4-grams against a whole true body, mean over pages) or
	// "segments" (text snippets that must / must not appear, summed over
	// pages, the trafilatura benchmark's way) or "rouge-lsum" (the Fundus
	// evaluation's ROUGE-LSum, mean over pages; the shingle F1 is then in
	// ShingleF1).
	Metric string
	// PrecisionStd, RecallStd and F1Std are the standard deviations over
	// pages, reported with ROUGE-LSum.
	PrecisionStd, RecallStd, F1Std float64 `json:",omitempty"`
	ShingleF1                      float64 `json:",omitempty"` // word 4-gram F1 beside ROUGE-LSum

	MsPerPage   float64 // mean wall time of Extract
	ArticleRate float64 // share of pages classified as articles
	Failed      int     // pages Extract returned an error for
}

// Scores is the result of Corpus, one entry per corpus found.
type Scores struct {
	Corpora []CorpusScore
	// Attribution holds corpora of labelled credit lines.
	Attribution []AttributionScore `json:",omitempty"`
}

// Page is one corpus page with its ground truth.
type Page struct {
	File, URL, Body, Title string    // the page's file (read with ReadFile), its URL, the true body and title
	Head                   string    // the headline's first block, when the truth has blocks
	Published              time.Time // zero when unknown
	Authors                []string  // nil when the truth has no author
	Lang                   string    // BCP 47 tag, "" when unknown
	// With and Without are segment truth (trafilatura's benchmark): text
	// that must appear in the extraction and boilerplate that must not.
	// When either is set, Body is unused.
	With, Without []string
	// Paragraphs is paragraph truth (the Fundus evaluation set), some
	// marked optional by "[" … "]"; when set, pages are scored with
	// ROUGE-LSum.
	Paragraphs []string
}

// ErrNoCorpus is returned when a directory holds no corpus Corpus reads.
var ErrNoCorpus = errors.New("no known corpus layout")

// Corpus scores extraction against a corpus with ground truth and
// writes one line per corpus to w. dir is either a corpus (the ScrapingHub
// layout: ground-truth.json + html/<id>.html.gz; or the Fundus layout:
// manifest.jsonl with body_text) or a directory of such corpora.
func Corpus(ctx context.Context, dir string, w io.Writer) (*Scores, error) {
	return CorpusWith(ctx, dir, w, extract.Options{})
}

// CorpusWith is Corpus with the extractor's options (an option's effect on
// the scores, such as extract.Options.LazyFallback's).
func CorpusWith(ctx context.Context, dir string, w io.Writer, opt extract.Options) (*Scores, error) {
	dirs, err := corpusDirs(dir)
	if err != nil {
		return nil, err
	}
	out := &Scores{}
	for _, d := range dirs {
		if isAttributionCorpus(d) {
			cases, err := loadAttribution(d)
			if err != nil {
				return out, err
			}
			as, err := evalAttribution(ctx, filepath.Base(d), cases, opt)
			if err != nil {
				return out, err
			}
			out.Attribution = append(out.Attribution, as)
			fmt.Fprintf(w, "%s\tcredit lines read as the credit: %d/%d (%.3f)\tnon-credit lines misread: %d/%d\n", as.Name, as.Found, as.Credits, ratio(as.Found, as.Credits), as.Misread, as.NonCredits)
			continue
		}
		pages, err := LoadPages(d)
		if err != nil {
			return out, err
		}
		cs, err := scorePages(ctx, filepath.Base(d), d, pages, opt)
		if err != nil {
			return out, err
		}
		out.Corpora = append(out.Corpora, cs)
		writeCorpusScore(w, cs)
	}
	return out, nil
}

// corpusDirs returns dir when it is a corpus, else the corpora in it.
func corpusDirs(dir string) ([]string, error) {
	if isCorpus(dir) {
		return []string{dir}, nil
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("eval extract: read %s: %w", dir, err)
	}
	var dirs []string
	for _, e := range entries {
		if p := filepath.Join(dir, e.Name()); e.IsDir() && isCorpus(p) {
			dirs = append(dirs, p)
		}
	}
	if len(dirs) == 0 {
		return nil, fmt.Errorf("eval extract: %s: %w", dir, ErrNoCorpus)
	}
	return dirs, nil
}

// writeCorpusScore writes a corpus's score as one line: ROUGE-LSum, or
// the text's scores and those of the fields its truth has.
func writeCorpusScore(w io.Writer, cs CorpusScore) {
	if cs.Metric == "rouge-lsum" {
		fmt.Fprintf(w, "%s\tpages=%d\tROUGE-LSum P=%.4f±%.4f\tR=%.4f±%.4f\tF1=%.4f±%.4f\tshingle-F1=%.3f\tms/page=%.1f\tarticles=%.3f\n", cs.Name, cs.Pages, cs.Precision, cs.PrecisionStd, cs.Recall, cs.RecallStd, cs.F1, cs.F1Std, cs.ShingleF1, cs.MsPerPage, cs.ArticleRate)
		return
	}
	acc := "exact"
	if cs.Metric == "segments" {
		acc = "segments-accuracy"
	}
	fmt.Fprintf(w, "%s\tpages=%d\tP=%.3f\tR=%.3f\tF1=%.3f\t%s=%.3f\tms/page=%.1f\tarticles=%.3f", cs.Name, cs.Pages, cs.Precision, cs.Recall, cs.F1, acc, cs.Accuracy, cs.MsPerPage, cs.ArticleRate)
	for _, f := range []struct {
		name     string
		accuracy float64
		pages    int
	}{
		{"title", cs.TitleAccuracy, cs.TitlePages},
		{"title-head", cs.HeadAccuracy, cs.HeadPages},
		{"date", cs.DateAccuracy, cs.DatePages},
		{"author", cs.AuthorAccuracy, cs.AuthorPages},
		{"lang", cs.LangAccuracy, cs.LangPages},
	} {
		if f.pages > 0 {
			fmt.Fprintf(w, "\t%s=%.3f(%d)", f.name, f.accuracy, f.pages)
		}
	}
	if cs.Failed > 0 {
		fmt.Fprintf(w, "\tfailed=%d", cs.Failed)
	}
	fmt.Fprintln(w)
}

func isCorpus(dir string) bool {
	if isTrafilaturaCorpus(dir) || isReadabilityCorpus(dir) || isAttributionCorpus(dir) || isFundusEvalCorpus(dir) {
		return true
	}
	if _, err := os.Stat(filepath.Join(dir, "ground-truth.json")); err == nil {
		return true
	}
	b, err := os.ReadFile(filepath.Join(dir, "manifest.jsonl"))
	head := string(b[:min(len(b), 4096)])
	return err == nil && (strings.Contains(head, `"body_text"`) || strings.Contains(head, `"fulltext"`))
}

// LoadPages reads the pages and truth of the corpus in dir, in any layout
// Corpus reads but the labelled credit lines.
func LoadPages(dir string) ([]Page, error) {
	switch {
	case isTrafilaturaCorpus(dir):
		return loadTrafilatura(dir)
	case isReadabilityCorpus(dir):
		return loadReadability(dir)
	case isFundusEvalCorpus(dir):
		return loadFundusEval(dir)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "ground-truth.json")); err == nil {
		return loadGroundTruth(dir, b)
	}
	return loadManifest(dir)
}

// loadGroundTruth reads the ScrapingHub layout: ground-truth.json (b) and
// html/<id>.html.gz.
func loadGroundTruth(dir string, b []byte) ([]Page, error) {
	var gt map[string]struct {
		URL         string `json:"url"`
		ArticleBody string `json:"articleBody"`
	}
	if err := json.Unmarshal(b, &gt); err != nil {
		return nil, fmt.Errorf("eval extract: %s: %w", filepath.Join(dir, "ground-truth.json"), err)
	}
	pages := make([]Page, 0, len(gt))
	for id, g := range gt {
		pages = append(pages, Page{File: filepath.Join(dir, "html", id+".html.gz"), URL: g.URL, Body: g.ArticleBody})
	}
	sort.Slice(pages, func(i, j int) bool { return pages[i].File < pages[j].File })
	return pages, nil
}

// loadManifest reads the Fundus (and L3S-GN1) layout: manifest.jsonl,
// one page a line.
func loadManifest(dir string) ([]Page, error) {
	mPath := filepath.Join(dir, "manifest.jsonl")
	f, err := os.Open(mPath)
	if err != nil {
		return nil, fmt.Errorf("eval extract: %w", err)
	}
	defer f.Close()
	var pages []Page
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	line := 0
	for sc.Scan() {
		line++
		p, err := manifestPage(dir, sc.Bytes())
		if err != nil {
			return nil, fmt.Errorf("eval extract: %s:%d: %w", mPath, line, err)
		}
		pages = append(pages, p)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("eval extract: %s: %w", mPath, err)
	}
	return pages, nil
}

// manifestPage reads one manifest line: Fundus fields, with the L3S-GN1
// names as alternatives; an annotated page gives the headline as marked.
func manifestPage(dir string, b []byte) (Page, error) {
	var m struct {
		HTML      string       `json:"html"`
		Original  string       `json:"original"`
		Annotated string       `json:"annotated"`
		URL       string       `json:"url"`
		Title     string       `json:"title"`
		Headline  string       `json:"headline"`
		Published string       `json:"publishing_date"`
		Authors   truthAuthors `json:"authors"`
		Body      string       `json:"body_text"`
		FullText  string       `json:"fulltext"`
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return Page{}, err
	}
	p := Page{
		File:  filepath.Join(dir, cmp.Or(m.HTML, m.Original)),
		URL:   m.URL,
		Body:  cmp.Or(m.Body, m.FullText),
		Title: cmp.Or(m.Title, m.Headline),
	}
	p.Authors = m.Authors
	if m.Annotated != "" && p.Title != "" {
		ann, err := ReadFile(filepath.Join(dir, m.Annotated))
		if err != nil {
			return Page{}, err
		}
		if blocks := headlineBlocks(ann); len(blocks) > 0 {
			p.Head = blocks[0]
		}
	}
	p.Published = parseTruthDate(m.Published)
	return p, nil
}

func scorePages(ctx context.Context, name, dir string, pages []Page, opt extract.Options) (CorpusScore, error) {
	t := &tally{cs: CorpusScore{Name: name, Pages: len(pages)}, scores: make([]PageScore, 0, len(pages))}
	ex := extract.New(opt)
	for _, p := range pages {
		if err := ctx.Err(); err != nil {
			return t.cs, err
		}
		raw, err := ReadFile(p.File)
		if err != nil {
			return t.cs, fmt.Errorf("eval extract: %w", err)
		}
		start := time.Now()
		res, err := ex.Extract(ctx, extract.Input{URL: p.URL, HTML: raw})
		t.elapsed += time.Since(start)
		var a *article.Article // nil when extraction failed
		if err != nil {
			t.cs.Failed++
		} else {
			a = res.Article
			if res.IsArticle {
				t.articles++
			}
		}
		t.text(p, a)
		t.fields(p, a)
	}
	return t.totals(), nil
}

// tally accumulates one corpus's scores page by page.
type tally struct {
	cs                                        CorpusScore
	scores                                    []PageScore // shingle scores
	rouge                                     []RougeScore
	segTP, segFN, segFP, segTN                int // segment counts, summed over pages
	titleOK, headOK, dateOK, authorOK, langOK int
	articles                                  int
	elapsed                                   time.Duration
}

// text scores the main text of a (nil when extraction failed) against
// p's truth: segments, or shingles, and ROUGE-LSum where the truth has
// paragraphs.
func (t *tally) text(p Page, a *article.Article) {
	predicted := ""
	if a != nil {
		predicted = a.Text
	}
	if p.With != nil || p.Without != nil {
		tp, fn, fp, tn := segmentCounts(p.With, p.Without, predicted)
		t.segTP, t.segFN, t.segFP, t.segTN = t.segTP+tp, t.segFN+fn, t.segFP+fp, t.segTN+tn
	} else {
		t.scores = append(t.scores, ScorePage(p.Body, predicted))
	}
	if p.Paragraphs != nil {
		t.rouge = append(t.rouge, bestRougeLSum(p.Paragraphs, paragraphBody(predicted)))
	}
}

// fields counts the pages whose truth has a language, authors, a title, a
// headline and a date, and those a (nil when extraction failed) got right.
func (t *tally) fields(p Page, a *article.Article) {
	cs := &t.cs
	t.count(p.Lang != "", &cs.LangPages, &t.langOK, a, func(a *article.Article) bool { return sameLang(p.Lang, a.Lang) })
	t.count(len(p.Authors) > 0, &cs.AuthorPages, &t.authorOK, a, func(a *article.Article) bool { return sameAuthors(p.Authors, a.Author) })
	t.count(p.Title != "", &cs.TitlePages, &t.titleOK, a, func(a *article.Article) bool { return SameTitle(p.Title, a.Title) })
	t.count(p.Head != "", &cs.HeadPages, &t.headOK, a, func(a *article.Article) bool {
		return SameTitle(p.Head, a.Title) || SameTitle(p.Title, a.Title)
	})
	t.count(!p.Published.IsZero(), &cs.DatePages, &t.dateOK, a, func(a *article.Article) bool { return SameDay(p.Published, a.Published) })
}

// count counts a page whose truth has a field (has) in pages, and in ok
// when a (nil when extraction failed) got it right.
func (t *tally) count(has bool, pages, ok *int, a *article.Article, right func(*article.Article) bool) {
	if !has {
		return
	}
	*pages++
	if a != nil && right(a) {
		*ok++
	}
}

// totals turns the tally into the corpus's score.
func (t *tally) totals() CorpusScore {
	cs := t.cs
	cs.Metric = "shingles"
	cs.Precision, cs.Recall, cs.F1, cs.Accuracy = Totals(t.scores)
	if len(t.scores) == 0 && t.segTP+t.segFN+t.segFP+t.segTN > 0 {
		// Summed over pages (micro-average), as trafilatura's benchmark does.
		cs.Metric = "segments"
		cs.Precision = ratio(t.segTP, t.segTP+t.segFP)
		cs.Recall = ratio(t.segTP, t.segTP+t.segFN)
		cs.F1 = ratio(2*t.segTP, 2*t.segTP+t.segFP+t.segFN)
		cs.Accuracy = ratio(t.segTP+t.segTN, t.segTP+t.segFN+t.segFP+t.segTN)
	}
	if len(t.rouge) > 0 {
		rougeTotals(&cs, t.rouge)
	}
	if cs.Pages > 0 {
		cs.MsPerPage = float64(t.elapsed.Microseconds()) / 1000 / float64(cs.Pages)
		cs.ArticleRate = float64(t.articles) / float64(cs.Pages)
	}
	cs.AuthorAccuracy = ratio(t.authorOK, cs.AuthorPages)
	cs.LangAccuracy = ratio(t.langOK, cs.LangPages)
	cs.TitleAccuracy = ratio(t.titleOK, cs.TitlePages)
	cs.HeadAccuracy = ratio(t.headOK, cs.HeadPages)
	cs.DateAccuracy = ratio(t.dateOK, cs.DatePages)
	return cs
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// ReadFile reads a corpus file (at most 64 MiB), gunzipping it when its
// name ends in .gz.
func ReadFile(path string) ([]byte, error) { return gzfile.ReadFile(path, 64<<20) }

// SameTitle compares titles by their lower-cased word tokens, so case,
// spacing, punctuation and quote style (and the "?" that mis-encoded
// apostrophes became in some truth files) do not count, nor do invisible
// characters such as soft hyphens, which would split a word in two.
func SameTitle(a, b string) bool {
	norm := func(s string) []string { return tokens(strings.ToLower(invisibleRE.ReplaceAllString(s, ""))) }
	return slices.Equal(norm(a), norm(b))
}

// SameDay reports whether got falls on truth's calendar day, either in
// truth's zone or in UTC (date-only extractions carry no zone).
func SameDay(truth, got time.Time) bool {
	if got.IsZero() {
		return false
	}
	d := func(t time.Time) string { return t.Format("2006-01-02") }
	return d(got.In(truth.Location())) == d(truth) || d(got.UTC()) == d(truth.UTC()) || d(got) == d(truth)
}

// loadOutputs reads a benchmark output file ({id: {articleBody}} or
// {"output": {id: {articleBody}}}, gzip or plain) into id → body.
func loadOutputs(path string) (map[string]string, error) {
	b, err := ReadFile(path)
	if err != nil {
		return nil, err
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if o, ok := raw["output"]; ok {
		if err := json.Unmarshal(o, &raw); err != nil {
			return nil, fmt.Errorf("%s: output: %w", path, err)
		}
	}
	out := make(map[string]string, len(raw))
	for id, v := range raw {
		var x struct {
			ArticleBody string `json:"articleBody"`
		}
		if json.Unmarshal(v, &x) == nil {
			out[id] = x.ArticleBody
		}
	}
	return out, nil
}
