// Diagnostics over the evaluation corpora: they skip unless an environment
// variable names the corpora, and print what they find (run with -v).

package extract_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	readability "github.com/go-shiori/go-readability"
	"golang.org/x/net/html"

	"github.com/syndex/syndex/extract"
	"github.com/syndex/syndex/extract/evaluate"
)

// corpusDir is the shared evaluation corpora.
const corpusDir = "../../shared/corpora"

// TestTitleMisses is a diagnostic: for each page of the corpus named by
// SYNDEX_TITLES whose title we get wrong (every page with
// SYNDEX_TITLES_ALL=1) it prints the truth, our title and every candidate
// (og:title, JSON-LD headline, <title>, site name, headings). Run with -v.
func TestTitleMisses(t *testing.T) {
	name := os.Getenv("SYNDEX_TITLES")
	if name == "" {
		t.Skip("diagnostic: set SYNDEX_TITLES=<corpus name>")
	}
	dir := filepath.Join(corpusDir, name)
	pages, err := evaluate.LoadPages(dir)
	if err != nil {
		t.Fatal(err)
	}
	ex := extract.New(extract.Options{})
	miss := 0
	for _, p := range pages {
		if p.Title == "" {
			continue
		}
		raw, err := evaluate.ReadFile(p.File)
		if err != nil {
			t.Fatal(err)
		}
		res, err := ex.Extract(context.Background(), extract.Input{URL: p.URL, HTML: raw})
		if err != nil {
			t.Log(err)
			continue
		}
		ok := evaluate.SameTitle(p.Title, res.Article.Title)
		if ok && os.Getenv("SYNDEX_TITLES_ALL") == "" {
			continue
		}
		if !ok {
			miss++
		}
		src := extract.TitleSourcesOf(raw, p.URL)
		og, tt := src.OG, src.Doc
		h := src.Headings
		if len(h) > 4 && os.Getenv("SYNDEX_TITLES_ALL") == "" {
			h = h[:4]
		}
		fmt.Printf("== %v %s\n truth: %q\n head:  %q\n ours:  %q\n og:    %q\n ld:    %q\n title: %q\n site:  %q\n heads: %s\n", ok, p.File, p.Title, p.Head, res.Article.Title, og, src.LD, tt, src.SiteName, mustJSON(h))
	}
	fmt.Printf("misses: %d\n", miss)
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// TestTitleCeiling is a diagnostic that measures how far title accuracy
// can go by choosing among the page's own title sources: for each corpus
// named in SYNDEX_TITLE_CEILING (space-separated), it prints our accuracy,
// the share of pages whose truth equals any candidate (og:title, JSON-LD
// headline, <title> and its first and last segments, the first three
// headings, our title), the share each single source gets, and the share
// Readability.js's title rule gets. Run with -v.
func TestTitleCeiling(t *testing.T) {
	names := os.Getenv("SYNDEX_TITLE_CEILING")
	if names == "" {
		t.Skip()
	}
	for _, name := range strings.Fields(names) {
		pages, err := evaluate.LoadPages(filepath.Join(corpusDir, name))
		if err != nil {
			t.Fatal(err)
		}
		ex := extract.New(extract.Options{})
		n, ours, ceiling, ogOK, ldOK, ttOK, h1OK, ogOrLd, rdOK := 0, 0, 0, 0, 0, 0, 0, 0, 0
		for _, p := range pages {
			if p.Title == "" {
				continue
			}
			n++
			raw, _ := evaluate.ReadFile(p.File)
			res, err := ex.Extract(context.Background(), extract.Input{URL: p.URL, HTML: raw})
			if err == nil && evaluate.SameTitle(p.Title, res.Article.Title) {
				ours++
			}
			src := extract.TitleSourcesOf(raw, p.URL)
			og, ld, tt := src.OG, src.LD, src.Doc
			cands := []string{og, ld, tt}
			// the <title>'s first and last segments
			for _, sep := range []string{" | ", " - ", " – ", " — ", " :: ", " · "} {
				if i := strings.Index(tt, sep); i > 0 {
					cands = append(cands, tt[:i], tt[strings.LastIndex(tt, sep)+len(sep):])
				}
			}
			h := src.Headings
			if len(h) > 3 {
				h = h[:3]
			}
			cands = append(cands, h...)
			any := false
			for _, c := range cands {
				if c != "" && evaluate.SameTitle(p.Title, c) {
					any = true
				}
			}
			if err == nil && evaluate.SameTitle(p.Title, res.Article.Title) {
				any = true
			}
			if any {
				ceiling++
			}
			if evaluate.SameTitle(p.Title, og) {
				ogOK++
			}
			if evaluate.SameTitle(p.Title, ld) {
				ldOK++
			}
			if evaluate.SameTitle(p.Title, og) || evaluate.SameTitle(p.Title, ld) {
				ogOrLd++
			}
			if evaluate.SameTitle(p.Title, tt) {
				ttOK++
			}
			// Readability.js's own title rule, as go-readability ports it
			// (it parses its own copy: it changes the tree).
			if rdoc, err := html.Parse(bytes.NewReader(src.UTF)); err == nil {
				if ra, err := readability.FromDocument(rdoc, src.Base); err == nil && evaluate.SameTitle(p.Title, ra.Title) {
					rdOK++
				}
			}
			if len(src.Headings) > 0 && evaluate.SameTitle(p.Title, src.Headings[0]) {
				h1OK++
			}
		}
		f := func(k int) string { return fmt.Sprintf("%.3f", float64(k)/float64(n)) }
		fmt.Printf("%s n=%d ours=%s any-candidate=%s og=%s ld=%s og-or-ld=%s title=%s firstheading=%s readability-rule=%s\n", name, n, f(ours), f(ceiling), f(ogOK), f(ldOK), f(ogOrLd), f(ttOK), f(h1OK), f(rdOK))
	}
}

// TestDateCeiling is TestTitleCeiling for publication dates: for each
// corpus named in SYNDEX_DATE_CEILING it prints our accuracy and the share
// of pages whose truth day is the day of any date the page states in its
// markup or prints (JSON-LD and meta dates, <time> elements, the date under
// the headline, the first labelled dateline, go-htmldate's earliest and
// latest finds, the URL's date). Run with -v.
func TestDateCeiling(t *testing.T) {
	names := os.Getenv("SYNDEX_DATE_CEILING")
	if names == "" {
		t.Skip("diagnostic: set SYNDEX_DATE_CEILING=<corpus names>")
	}
	for _, name := range strings.Fields(names) {
		pages, err := evaluate.LoadPages(filepath.Join(corpusDir, name))
		if err != nil {
			t.Fatal(err)
		}
		ex := extract.New(extract.Options{})
		n, ours, ceiling := 0, 0, 0
		for _, p := range pages {
			if p.Published.IsZero() {
				continue
			}
			n++
			raw, err := evaluate.ReadFile(p.File)
			if err != nil {
				t.Fatal(err)
			}
			res, err := ex.Extract(context.Background(), extract.Input{URL: p.URL, HTML: raw})
			var cands []time.Time
			if err == nil {
				cands = append(cands, res.Article.Published, res.Article.Modified)
			}
			cands = append(cands, extract.DateCandidates(raw, p.URL)...)
			if err == nil && evaluate.SameDay(p.Published, res.Article.Published) {
				ours++
			}
			for _, c := range cands {
				if evaluate.SameDay(p.Published, c) {
					ceiling++
					break
				}
			}
		}
		fmt.Printf("%s n=%d ours=%.3f any-candidate=%.3f\n", name, n, float64(ours)/float64(n), float64(ceiling)/float64(n))
	}
}

// TestMojibakeCount is a diagnostic: for each corpus named in
// SYNDEX_MOJIBAKE it counts the pages whose extracted title or text still
// holds typical mojibake ("â€", "Ã©", "Â "), and lists them. Run with -v.
func TestMojibakeCount(t *testing.T) {
	names := os.Getenv("SYNDEX_MOJIBAKE")
	if names == "" {
		t.Skip("diagnostic: set SYNDEX_MOJIBAKE=<corpus names>")
	}
	re := regexp.MustCompile(`Ã[\x{80}-\x{BF}¤¶¼©¨§ ]|â€|Â[´ ©®°·»«£]`)
	for _, name := range strings.Fields(names) {
		pages, err := evaluate.LoadPages(filepath.Join(corpusDir, name))
		if err != nil {
			t.Fatal(err)
		}
		ex := extract.New(extract.Options{})
		bad := 0
		for _, p := range pages {
			raw, err := evaluate.ReadFile(p.File)
			if err != nil {
				t.Fatal(err)
			}
			res, err := ex.Extract(context.Background(), extract.Input{URL: p.URL, HTML: raw})
			if err != nil {
				continue
			}
			if m := re.FindAllString(res.Article.Title+" "+res.Article.Text, 3); len(m) > 0 {
				bad++
				fmt.Printf("%s %s %q\n", name, filepath.Base(p.File), m)
			}
		}
		fmt.Printf("%s: %d of %d pages with mojibake\n", name, bad, len(pages))
	}
}
