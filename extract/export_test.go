package extract

import (
	"bytes"
	"net/url"
	"time"

	"github.com/markusmobius/go-htmldate"
	"golang.org/x/net/html"

	"github.com/syndex/syndex/extract/charset"
	"github.com/syndex/syndex/extract/dates"
	"github.com/syndex/syndex/extract/internal/dom"
	"github.com/syndex/syndex/extract/meta"
)

// This file lends the diagnostics over the evaluation corpora (package
// extract_test, which reads the corpora with package evaluate) what they
// need of the package's inner steps.

// ProfileFor is profileFor, the site profile lookup.
var ProfileFor = profileFor

// TitleSources are a page's own title candidates, read apart.
type TitleSources struct {
	OG, LD, Doc string   // og:title, the JSON-LD headline, <title>
	Headings    []string // the page's headings, as meta.Read reads them
	SiteName    string
	UTF         []byte // the page decoded
	Base        *url.URL
}

// TitleSourcesOf decodes and parses a page and reads its title sources.
func TitleSourcesOf(raw []byte, pageURL string) TitleSources {
	utf, _, _ := charset.Decode(raw, "")
	doc, _ := html.Parse(bytes.NewReader(utf))
	base, _ := url.Parse(pageURL)
	src := TitleSources{UTF: utf, Base: base}
	var m meta.Page
	dom.WalkElements(doc, func(n *html.Node) bool {
		if n.Data == "script" && n.FirstChild != nil && bytes.Contains([]byte(dom.Attr(n, "type")), []byte("ld+json")) {
			m.ReadLD(n.FirstChild.Data, base)
		}
		if n.Data == "meta" && (dom.Attr(n, "property") == "og:title" || dom.Attr(n, "name") == "og:title") && src.OG == "" {
			src.OG = dom.Attr(n, "content")
		}
		if n.Data == "title" && src.Doc == "" {
			src.Doc = dom.NodeText(n)
		}
		return true
	})
	src.LD = m.Title
	full := meta.Read(doc, base)
	src.Headings, src.SiteName = full.Headings, full.SiteName
	return src
}

// DateCandidates returns every date a page states in its markup or prints
// (JSON-LD and meta dates, <time> elements, the date under the headline,
// the first labelled dateline, go-htmldate's earliest and latest finds,
// the URL's date), whether extraction chose it or not.
func DateCandidates(raw []byte, pageURL string) []time.Time {
	utf, _, _ := charset.Decode(raw, "")
	doc, _ := html.Parse(bytes.NewReader(utf))
	base, _ := url.Parse(pageURL)
	m := meta.Read(doc, base)
	cands := []time.Time{m.Published, m.Modified, m.Dateline}
	for _, v := range m.DateValues {
		if d, ok := dates.Parse(v); ok {
			cands = append(cands, d)
		}
	}
	cands = append(cands, dates.HeadlineDate(doc, m.Title)...)
	for _, orig := range []bool{true, false} {
		if r, err := htmldate.FromDocument(doc, htmldate.Options{UseOriginalDate: orig, URL: pageURL}); err == nil {
			cands = append(cands, r.DateTime)
		}
	}
	if d, ok := dates.URLDate(pageURL); ok {
		cands = append(cands, d)
	}
	return cands
}
