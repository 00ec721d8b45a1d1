package evaluate

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"golang.org/x/net/html"

	"github.com/syndex/syndex/extract"
	"github.com/syndex/syndex/extract/internal/outlets"

	"github.com/syndex/syndex/article"
)

// This file reads the two corpus layouts whose truth is not one whole
// body per page: trafilatura's evaluation set (segments that must and
// must not appear, plus title/author/date) and Mozilla Readability's test
// pages (the expected article as HTML, plus metadata).

// isTrafilaturaCorpus reports whether dir has trafilatura's evaldata.json.
func isTrafilaturaCorpus(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, "evaldata.json"))
	return err == nil
}

// isReadabilityCorpus reports whether dir has Readability's layout:
// pages/<case>/{source.html[.gz], expected.html[.gz], expected-metadata.json}.
func isReadabilityCorpus(dir string) bool {
	m, _ := filepath.Glob(filepath.Join(dir, "pages", "*", "expected-metadata.json"))
	return len(m) > 0
}

// loadTrafilatura reads evaldata.json: {url: {file, with[], without[],
// title?, author?, date?}} with the pages under html/<file>[.gz].
func loadTrafilatura(dir string) ([]Page, error) {
	path := filepath.Join(dir, "evaldata.json")
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("eval extract: %w", err)
	}
	var data map[string]struct {
		File    string       `json:"file"`
		With    []string     `json:"with"`
		Without []string     `json:"without"`
		Title   string       `json:"title"`
		Author  truthAuthors `json:"author"`
		Date    string       `json:"date"`
	}
	if err := json.Unmarshal(b, &data); err != nil {
		return nil, fmt.Errorf("eval extract: %s: %w", path, err)
	}
	pages := make([]Page, 0, len(data))
	for u, d := range data {
		if d.File == "" {
			return nil, fmt.Errorf("eval extract: %s: entry %s has no file", path, u)
		}
		file := filepath.Join(dir, "html", d.File)
		if _, err := os.Stat(file + ".gz"); err == nil {
			file += ".gz"
		}
		p := Page{File: file, URL: u, Title: d.Title, With: d.With, Without: d.Without}
		p.Authors = d.Author
		p.Published = parseTruthDate(d.Date)
		pages = append(pages, p)
	}
	sort.Slice(pages, func(i, j int) bool { return pages[i].File < pages[j].File })
	return pages, nil
}

// loadReadability reads Readability's test pages; the body truth is the
// text of expected.html.
func loadReadability(dir string) ([]Page, error) {
	metas, err := filepath.Glob(filepath.Join(dir, "pages", "*", "expected-metadata.json"))
	if err != nil {
		return nil, fmt.Errorf("eval extract: %w", err)
	}
	sort.Strings(metas)
	pages := make([]Page, 0, len(metas))
	for _, mp := range metas {
		caseDir := filepath.Dir(mp)
		b, err := os.ReadFile(mp)
		if err != nil {
			return nil, fmt.Errorf("eval extract: %w", err)
		}
		var m struct {
			Title         string `json:"title"`
			Byline        string `json:"byline"`
			PublishedTime string `json:"publishedTime"`
			Lang          string `json:"lang"`
		}
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, fmt.Errorf("eval extract: %s: %w", mp, err)
		}
		src := firstExisting(filepath.Join(caseDir, "source.html.gz"), filepath.Join(caseDir, "source.html"))
		exp := firstExisting(filepath.Join(caseDir, "expected.html.gz"), filepath.Join(caseDir, "expected.html"))
		if src == "" || exp == "" {
			return nil, fmt.Errorf("eval extract: %s: missing source.html or expected.html", caseDir)
		}
		eb, err := ReadFile(exp)
		if err != nil {
			return nil, fmt.Errorf("eval extract: %w", err)
		}
		doc, err := html.Parse(bytes.NewReader(eb))
		if err != nil {
			return nil, fmt.Errorf("eval extract: %s: %w", exp, err)
		}
		p := Page{File: src, Title: m.Title, Body: truthText(doc), Published: parseTruthDate(m.PublishedTime), Lang: m.Lang}
		if by := strings.TrimSpace(m.Byline); by != "" {
			p.Authors = splitTruthAuthors(by)
		}
		pages = append(pages, p)
	}
	return pages, nil
}

func firstExisting(paths ...string) string {
	for _, p := range paths {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return ""
}

// parseTruthDate reads the date formats the corpora use: RFC 3339, a bare
// date, Python's str(datetime); zero when s is empty or none fits.
func parseTruthDate(s string) time.Time {
	s = strings.TrimSpace(s)
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05.999999Z07:00", "2006-01-02 15:04:05.999999", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t
		}
	}
	return time.Time{}
}

// truthAuthors is an author truth given as a JSON string or array.
type truthAuthors []string

func (a *truthAuthors) UnmarshalJSON(b []byte) error {
	var list []string
	if err := json.Unmarshal(b, &list); err == nil {
		*a = list
		return nil
	}
	var s *string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("author: want a string or a list of strings: %w", err)
	}
	if s != nil {
		*a = splitTruthAuthors(*s)
	}
	return nil
}

// splitTruthAuthors reads an author truth: a Python list literal
// ("['A', 'B']", Fundus) or one string naming one or more people.
func splitTruthAuthors(s string) []string {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "[") && strings.HasSuffix(s, "]") {
		var out []string
		for _, part := range strings.Split(s[1:len(s)-1], ",") {
			part = strings.Trim(strings.TrimSpace(part), `'"`)
			if part != "" {
				out = append(out, part)
			}
		}
		return out
	}
	if s == "" || s == "None" {
		return nil
	}
	return []string{s}
}

// authorConnectors are words that join or introduce names in a byline
// and say nothing about who wrote the piece.
var authorConnectors = map[string]bool{"and": true, "und": true, "et": true, "y": true, "e": true, "i": true, "by": true, "von": true, "par": true, "por": true, "de": true, "og": true, "och": true, "en": true, "ve": true, "и": true}

// sameAuthors reports whether got names the same people as truth: the sets
// of lower-cased words are equal once connectors ("and", "by") are dropped,
// so order, commas and "A and B" vs "A, B" do not count.
func sameAuthors(truth []string, got string) bool {
	set := func(s string) map[string]bool {
		m := map[string]bool{}
		for _, t := range tokens(strings.ToLower(invisibleRE.ReplaceAllString(s, ""))) {
			if !authorConnectors[t] {
				m[t] = true
			}
		}
		return m
	}
	a, b := set(strings.Join(truth, " ")), set(got)
	if len(a) == 0 || len(a) != len(b) {
		return false
	}
	for t := range a {
		if !b[t] {
			return false
		}
	}
	return true
}

// sameLang reports whether got has truth's primary language subtag
// ("en-US" and "en" agree).
func sameLang(truth, got string) bool {
	primary := func(s string) string {
		s = strings.ToLower(strings.TrimSpace(s))
		if i := strings.IndexAny(s, "-_"); i >= 0 {
			s = s[:i]
		}
		return s
	}
	return got != "" && primary(truth) == primary(got)
}

// segmentCounts scores one page the trafilatura way: a with-segment found
// in the whitespace-normalised text is a true positive (else a false
// negative); a without-segment found is a false positive (else a true
// negative).
func segmentCounts(with, without []string, text string) (tp, fn, fp, tn int) {
	norm := collapse(text)
	for _, s := range with {
		if strings.Contains(norm, collapse(s)) {
			tp++
		} else {
			fn++
		}
	}
	for _, s := range without {
		if strings.Contains(norm, collapse(s)) {
			fp++
		} else {
			tn++
		}
	}
	return
}

// isAttributionCorpus reports whether dir has labelled credit lines
// (attribution-lines.tsv: source_file, line_as_seen, label, credited_source).
func isAttributionCorpus(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, "attribution-lines.tsv"))
	return err == nil
}

// attrCase is one labelled line: a page, the line as seen on it, and
// whether it credits another outlet (want) or must not be read as a
// credit (!want).
type attrCase struct {
	file, line, label, credited string
	want                        bool
}

// loadAttribution reads attribution-lines.tsv; source_file is relative to
// the corpora root (dir's parent). Lines where the page credits itself
// are skipped: either reading is acceptable.
func loadAttribution(dir string) ([]attrCase, error) {
	path := filepath.Join(dir, "attribution-lines.tsv")
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("eval extract: %w", err)
	}
	var out []attrCase
	for i, row := range strings.Split(strings.TrimRight(string(b), "\n"), "\n") {
		if i == 0 {
			continue
		}
		c := strings.Split(row, "\t")
		if len(c) < 4 {
			return nil, fmt.Errorf("eval extract: %s:%d: want 4 tab-separated columns, got %d", path, i+1, len(c))
		}
		label := c[2]
		if strings.HasPrefix(label, "self") {
			continue
		}
		out = append(out, attrCase{
			file: filepath.Join(filepath.Dir(dir), c[0]), line: c[1], label: label, credited: c[3],
			want: !strings.HasPrefix(label, "not attribution") && !strings.HasPrefix(label, "original-points-to-copy"),
		})
	}
	return out, nil
}

// AttributionScore is the evaluation of credit-line detection on
// labelled real lines.
type AttributionScore struct {
	Name string
	// Credits counts lines that credit another outlet; Found those whose
	// page's Source names that outlet.
	Credits, Found int
	// NonCredits counts lines that must not be read as a credit (image
	// and figure sources, "first appeared in 2014", "reprinted on X" on
	// the original); Misread those recorded as the page's credit line.
	NonCredits, Misread int
}

// evalAttribution extracts every labelled page and scores its Source.
func evalAttribution(ctx context.Context, name string, cases []attrCase, opt extract.Options) (AttributionScore, error) {
	s := AttributionScore{Name: name}
	ex := extract.New(opt)
	for _, c := range cases {
		if err := ctx.Err(); err != nil {
			return s, err
		}
		raw, err := ReadFile(c.file)
		if err != nil {
			return s, fmt.Errorf("eval extract: %w", err)
		}
		res, err := ex.Extract(ctx, extract.Input{HTML: raw})
		var a article.Article
		if err == nil {
			a = *res.Article
		}
		if c.want {
			s.Credits++
			if creditMatches(c.credited, a.Source) {
				s.Found++
			}
			continue
		}
		s.NonCredits++
		key := strings.ToLower(strings.TrimSpace(strings.FieldsFunc(c.line, func(r rune) bool { return r == '…' || r == '(' })[0]))
		for _, bp := range a.Boilerplate {
			if strings.Contains(strings.ToLower(collapse(bp)), key) {
				s.Misread++
				break
			}
		}
	}
	return s, nil
}

// creditMatches reports whether source (a site, URL or outlet name) names
// the credited outlet: one of its distinctive words, or all of them run
// together ("Live Science" in livescience.com).
func creditMatches(credited, source string) bool {
	if source == "" {
		return false
	}
	if i := strings.IndexByte(credited, '('); i > 0 {
		credited = credited[:i]
	}
	src := strings.ToLower(source)
	// A known outlet resolved to its site ("The Associated Press" read
	// as apnews.com) is the credit read right.
	name := strings.ToLower(strings.TrimSpace(credited))
	if site, ok := outlets.Sites[name]; ok && strings.Contains(src, site) {
		return true
	}
	var words []string
	for _, w := range tokens(strings.ToLower(credited)) {
		switch w {
		case "the", "of", "and", "news", "blog", "com", "www":
			continue
		}
		words = append(words, w)
	}
	if len(words) == 0 {
		return false
	}
	if strings.Contains(src, strings.Join(words, "")) {
		return true
	}
	for _, w := range words {
		if len(w) >= 3 && strings.Contains(src, w) {
			return true
		}
	}
	return false
}
