// Diagnostics over the evaluation corpora: they skip unless an environment
// variable names the corpora, and print what they find (run with -v).

package extract

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	readability "github.com/go-shiori/go-readability"
	"github.com/markusmobius/go-htmldate"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"
)

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
	pages, err := loadCorpus(dir)
	if err != nil {
		t.Fatal(err)
	}
	ex := New(Options{})
	miss := 0
	for _, p := range pages {
		if p.title == "" {
			continue
		}
		raw, err := readMaybeGzip(p.file)
		if err != nil {
			t.Fatal(err)
		}
		res, err := ex.Extract(context.Background(), Input{URL: p.url, HTML: raw})
		if err != nil {
			t.Log(err)
			continue
		}
		ok := sameTitle(p.title, res.Article.Title)
		if ok && os.Getenv("SYNDEX_TITLES_ALL") == "" {
			continue
		}
		if !ok {
			miss++
		}
		src := titleSourcesOf(raw, p.url)
		og, tt, full := src.og, src.doc, src.meta
		h := full.Headings
		if len(h) > 4 && os.Getenv("SYNDEX_TITLES_ALL") == "" {
			h = h[:4]
		}
		fmt.Printf("== %v %s\n truth: %q\n head:  %q\n ours:  %q\n og:    %q\n ld:    %q\n title: %q\n site:  %q\n heads: %s\n", ok, p.file, p.title, p.head, res.Article.Title, og, src.ld, tt, full.SiteName, mustJSON(h))
	}
	fmt.Printf("misses: %d\n", miss)
}

// titleSources are a page's own title candidates, read apart.
type titleSources struct {
	og, ld, doc string   // og:title, the JSON-LD headline, <title>
	meta        pageMeta // everything metaDoc reads (headings, site name)
	utf         []byte   // the page decoded
	base        *url.URL
}

// titleSourcesOf decodes and parses a page and reads its title sources.
func titleSourcesOf(raw []byte, pageURL string) titleSources {
	utf, _, _ := Decode(raw, "")
	doc, _ := html.Parse(bytes.NewReader(utf))
	base, _ := url.Parse(pageURL)
	src := titleSources{utf: utf, base: base}
	var m pageMeta
	for _, s := range ldScripts(doc) {
		if v, ok := parseLD(s); ok {
			m.readLD(v, base)
		}
	}
	src.ld = m.Title
	walkElements(doc, func(n *html.Node) bool {
		if n.Data == "meta" && (attr(n, "property") == "og:title" || attr(n, "name") == "og:title") && src.og == "" {
			src.og = attr(n, "content")
		}
		if n.Data == "title" && src.doc == "" {
			src.doc = nodeText(n)
		}
		return true
	})
	src.meta = metaDoc(doc, base)
	return src
}

func ldScripts(doc *html.Node) []string {
	var out []string
	walkElements(doc, func(n *html.Node) bool {
		if n.Data == "script" && n.FirstChild != nil && bytes.Contains([]byte(attr(n, "type")), []byte("ld+json")) {
			out = append(out, n.FirstChild.Data)
		}
		return true
	})
	return out
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
		pages, err := loadCorpus(filepath.Join(corpusDir, name))
		if err != nil {
			t.Fatal(err)
		}
		ex := New(Options{})
		n, ours, ceiling, ogOK, ldOK, ttOK, h1OK, ogOrLd, rdOK := 0, 0, 0, 0, 0, 0, 0, 0, 0
		for _, p := range pages {
			if p.title == "" {
				continue
			}
			n++
			raw, _ := readMaybeGzip(p.file)
			res, err := ex.Extract(context.Background(), Input{URL: p.url, HTML: raw})
			if err == nil && sameTitle(p.title, res.Article.Title) {
				ours++
			}
			src := titleSourcesOf(raw, p.url)
			og, ld, tt, full := src.og, src.ld, src.doc, src.meta
			cands := []string{og, ld, tt}
			// the <title>'s first and last segments
			for _, sep := range []string{" | ", " - ", " – ", " — ", " :: ", " · "} {
				if i := strings.Index(tt, sep); i > 0 {
					cands = append(cands, tt[:i], tt[strings.LastIndex(tt, sep)+len(sep):])
				}
			}
			h := full.Headings
			if len(h) > 3 {
				h = h[:3]
			}
			cands = append(cands, h...)
			any := false
			for _, c := range cands {
				if c != "" && sameTitle(p.title, c) {
					any = true
				}
			}
			if err == nil && sameTitle(p.title, res.Article.Title) {
				any = true
			}
			if any {
				ceiling++
			}
			if sameTitle(p.title, og) {
				ogOK++
			}
			if sameTitle(p.title, ld) {
				ldOK++
			}
			if sameTitle(p.title, og) || sameTitle(p.title, ld) {
				ogOrLd++
			}
			if sameTitle(p.title, tt) {
				ttOK++
			}
			// Readability.js's own title rule, as go-readability ports it
			// (it parses its own copy: it changes the tree).
			if rdoc, err := html.Parse(bytes.NewReader(src.utf)); err == nil {
				if ra, err := readability.FromDocument(rdoc, src.base); err == nil && sameTitle(p.title, ra.Title) {
					rdOK++
				}
			}
			if len(full.Headings) > 0 && sameTitle(p.title, full.Headings[0]) {
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
		pages, err := loadCorpus(filepath.Join(corpusDir, name))
		if err != nil {
			t.Fatal(err)
		}
		ex := New(Options{})
		n, ours, ceiling := 0, 0, 0
		for _, p := range pages {
			if p.published.IsZero() {
				continue
			}
			n++
			raw, err := readMaybeGzip(p.file)
			if err != nil {
				t.Fatal(err)
			}
			res, err := ex.Extract(context.Background(), Input{URL: p.url, HTML: raw})
			var cands []time.Time
			if err == nil {
				cands = append(cands, res.Article.Published, res.Article.Modified)
			}
			utf, _, _ := Decode(raw, "")
			doc, _ := html.Parse(bytes.NewReader(utf))
			base, _ := url.Parse(p.url)
			m := metaDoc(doc, base)
			cands = append(cands, m.Published, m.Modified, m.Dateline)
			for _, v := range m.DateValues {
				if d, ok := parseDate(v); ok {
					cands = append(cands, d)
				}
			}
			cands = append(cands, headlineDate(doc, m.Title)...)
			for _, orig := range []bool{true, false} {
				if r, err := htmldate.FromDocument(doc, htmldate.Options{UseOriginalDate: orig, URL: p.url}); err == nil {
					cands = append(cands, r.DateTime)
				}
			}
			if d, ok := urlDate(p.url); ok {
				cands = append(cands, d)
			}
			if err == nil && sameDay(p.published, res.Article.Published) {
				ours++
			}
			for _, c := range cands {
				if sameDay(p.published, c) {
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
		pages, err := loadCorpus(filepath.Join(corpusDir, name))
		if err != nil {
			t.Fatal(err)
		}
		ex := New(Options{})
		bad := 0
		for _, p := range pages {
			raw, err := readMaybeGzip(p.file)
			if err != nil {
				t.Fatal(err)
			}
			res, err := ex.Extract(context.Background(), Input{URL: p.url, HTML: raw})
			if err != nil {
				continue
			}
			if m := re.FindAllString(res.Article.Title+" "+res.Article.Text, 3); len(m) > 0 {
				bad++
				fmt.Printf("%s %s %q\n", name, filepath.Base(p.file), m)
			}
		}
		fmt.Printf("%s: %d of %d pages with mojibake\n", name, bad, len(pages))
	}
}
