// Package meta reads what a page's markup says about itself, by source:
// JSON-LD (ld.go), OpenGraph, article:* and name= meta tags, the canonical
// link, <title> and headings, <time> elements, labelled datelines and
// bylines, in one walk over the document; then weighs the sources in order
// of trust, field by field, into a Page. Choosing the author among the
// bylines is package authors', settling the date package dates', the title
// package extract's.
package meta

import (
	"maps"
	"net/url"
	"slices"
	"strings"
	"time"

	"golang.org/x/net/html"

	"github.com/syndex/syndex/extract/authors"
	"github.com/syndex/syndex/extract/dates"
	"github.com/syndex/syndex/extract/internal/dom"
	"github.com/syndex/syndex/extract/internal/scan"
	"github.com/syndex/syndex/internal/robotsmeta"
)

// Page is what the page's markup says about itself, each field taken
// from the most trusted source that has it: JSON-LD, then OpenGraph and
// article:* / name= meta, then <time> and bylines.
type Page struct {
	Title, Author, SiteName, Lang, Canonical string
	Modified                                 time.Time
	OGType                                   string
	LDTypes                                  []string // @type values of JSON-LD objects
	LDArticle                                bool     // a JSON-LD object is an Article or subtype
	Source                                   string   // syndication-source / original-source / isBasedOn
	Description                              string
	// NoIndex: <meta name="robots" content="noindex"> (or "none").
	NoIndex bool
	// TitleFromLD reports that Title is the JSON-LD headline.
	TitleFromLD bool
	// Headings are the texts of the page's first <h1>–<h3> elements.
	Headings []string
	// OGTitle is the social-card title (og:, twitter:, dc.title), DocTitle
	// the text of the document's <title>.
	OGTitle, DocTitle string
	// MicroHeadline is a microdata headline (<meta itemprop="headline">).
	MicroHeadline string
	// LDHeadlines are the values of the headline attributes ("headline",
	// "alternativeHeadline", …) of the JSON-LD objects whose name is
	// empty or one word, in document order, each object's "headline"
	// first and its others by attribute name: go-trafilatura takes one of
	// them in map order, which title.Choose undoes.
	LDHeadlines []string
	// Lead is the opening of the extracted text (set by Extract, not read
	// from the markup), which a headline's words are checked against when
	// the page has no headline metadata.
	Lead string
	// Opening is the text of the first two paragraphs of the extracted
	// text (set by Extract), where a wire or press-release dateline
	// stands.
	Opening []string
	// AuthorWeak is an author value that names the publication (its site
	// name, host or a JSON-LD Organization), used only when no person is
	// named anywhere.
	AuthorWeak string
	// ldIDs maps JSON-LD @id values to their objects, so that references
	// ({"@id": …}) into an @graph can be followed.
	ldIDs map[string]map[string]any
	// ldNames are the names in the Article's JSON-LD author, ldOrgs
	// those of them that are organisations.
	ldNames []string
	ldOrgs  map[string]bool
	// Published (here its source and whether it named its zone, every
	// date string on the page and the labelled printed date) is the
	// evidence dates.Settle weighs.
	dates.Evidence
}

// Read gathers Page from a parsed document; base resolves relative
// URLs. One walk collects what each source says; the sources are then
// weighed in order of trust, field by field.
func Read(doc *html.Node, base *url.URL) Page {
	var m Page
	src := scanMeta(doc, base, &m)
	m.readLDScripts(src.ld, base)
	m.DateValues = src.dateValues()
	m.readTitles(src.meta)
	m.NoIndex = robotsmeta.NoIndex(src.meta["robots"]) || robotsmeta.NoIndex(src.meta["googlebot"])
	if m.SiteName == "" {
		m.SiteName = scan.FirstNonEmpty(src.meta["og:site_name"], src.meta["application-name"], src.meta["publisher"])
	}
	m.Author, m.AuthorWeak = authors.Choose(authors.Sources{
		LD: m.ldNames, LDOrgs: m.ldOrgs, Meta: src.metaAuthors, Bylines: src.bylines,
		Sites: []string{m.SiteName, src.meta["og:site_name"], src.meta["application-name"], src.meta["publisher"], src.meta["twitter:site"]},
		Base:  base,
	})
	m.choosePublished(src)
	m.chooseModified(src.meta)
	m.readLinks(src.meta, base)
	return m
}

// metaSources is what one walk over a page collects from each source
// before they are weighed against one another.
type metaSources struct {
	meta            map[string]string   // first value per lower-cased name/property
	metaAuthors     map[string][]string // every value of the author keys
	times, ownTimes []string            // <time> values; ownTimes those outside the comments
	bylines         authors.Bylines     // elements marked up or written as bylines
	itemPub         string              // a microdata datePublished outside <meta>
	ld              []string            // JSON-LD scripts
}

// scanMeta walks doc once, collecting its sources and setting the fields
// of m that one element decides (canonical link, <title>, headings,
// dateline).
func scanMeta(doc *html.Node, base *url.URL, m *Page) *metaSources {
	src := &metaSources{meta: map[string]string{}, metaAuthors: map[string][]string{}}
	dom.WalkElements(doc, func(n *html.Node) bool {
		if !src.element(n, base, m) {
			return false
		}
		src.anyElement(n, m)
		return true
	})
	return src
}

// element reads what n's tag says; false skips n's subtree.
func (src *metaSources) element(n *html.Node, base *url.URL, m *Page) bool {
	switch n.Data {
	case "html":
		if l := dom.Attr(n, "lang"); l != "" {
			src.meta["html:lang"] = l
		}
	case "meta":
		src.metaTag(n)
	case "link":
		canonicalLink(n, base, m)
	case "script":
		src.scriptTag(n)
		return false
	case "style", "noscript", "template", "svg", "math":
		return false
	case "title":
		if m.DocTitle == "" {
			m.DocTitle = dom.NodeText(n)
		}
		return false
	case "h1", "h2", "h3":
		heading(n, m)
	case "time":
		src.timeTag(n)
	}
	return true
}

// canonicalLink reads the first <link rel="canonical"> into m.
func canonicalLink(n *html.Node, base *url.URL, m *Page) {
	rel := strings.ToLower(dom.Attr(n, "rel"))
	if hasToken(rel, "canonical") && m.Canonical == "" {
		m.Canonical = dom.Resolve(base, dom.Attr(n, "href"))
	}
}

// scriptTag keeps the text of a JSON-LD <script>.
func (src *metaSources) scriptTag(n *html.Node) {
	if strings.Contains(strings.ToLower(dom.Attr(n, "type")), "ld+json") && n.FirstChild != nil {
		src.ld = append(src.ld, n.FirstChild.Data)
	}
}

// heading keeps the text of one of the page's first 30 <h1>–<h3>, when
// it is not empty and not too long for a headline.
func heading(n *html.Node, m *Page) {
	if len(m.Headings) < 30 {
		if t := dom.NodeText(n); t != "" && len(t) < 400 {
			m.Headings = append(m.Headings, t)
		}
	}
}

// metaTag reads a <meta>: its first value per name, and every value of the
// author keys.
func (src *metaSources) metaTag(n *html.Node) {
	// RDFa lets one property attribute name several
	// properties ("og:title twitter:title").
	keys := strings.Fields(strings.ToLower(scan.FirstNonEmpty(dom.Attr(n, "property"), dom.Attr(n, "name"), dom.Attr(n, "itemprop"), dom.Attr(n, "http-equiv"))))
	v := strings.TrimSpace(dom.Attr(n, "content"))
	for _, k := range keys {
		if _, ok := src.meta[k]; !ok && v != "" {
			src.meta[k] = v
		}
		for _, f := range strings.Fields(k) { // property="dc:creator og:…"
			if authors.IsMetaKey(f) && len(src.metaAuthors[f]) < 10 {
				src.metaAuthors[f] = append(src.metaAuthors[f], v)
			}
		}
	}
}

// timeTag reads a <time>: its datetime, else the date its text shows.
func (src *metaSources) timeTag(n *html.Node) {
	v := dom.Attr(n, "datetime")
	if t, ok := dates.Visible(dom.NodeText(n)); v == "" && ok {
		v = t.Format("2006-01-02T15:04:05")
	}
	if v != "" {
		// Every <time> shows the site's zone; only those outside
		// the comment thread may date the article.
		src.times = append(src.times, v)
		if !dom.InComments(n) {
			src.ownTimes = append(src.ownTimes, v)
		}
	}
}

// anyElement reads what an element may carry whatever its tag: a labelled
// dateline, a microdata datePublished, a byline.
func (src *metaSources) anyElement(n *html.Node, m *Page) {
	if m.Dateline.IsZero() {
		if t, ok := dates.Dateline(n); ok {
			m.Dateline = t
		}
	}
	if n.Data != "meta" && src.itemPub == "" && strings.EqualFold(dom.Attr(n, "itemprop"), "datePublished") {
		src.itemPub = scan.FirstNonEmpty(dom.Attr(n, "datetime"), dom.Attr(n, "content"))
		if t, ok := dates.Visible(dom.NodeText(n)); src.itemPub == "" && ok {
			src.itemPub = t.Format("2006-01-02T15:04:05")
		}
	}
	src.bylines.Read(n)
}

// dateValues returns the raw strings of every machine date: date-like
// meta values (by name) and <time> values.
func (src *metaSources) dateValues() []string {
	var out []string
	for _, k := range slices.Sorted(maps.Keys(src.meta)) {
		if strings.Contains(k, "date") || strings.Contains(k, "time") || strings.Contains(k, "publish") {
			out = append(out, src.meta[k])
		}
	}
	return append(out, src.times...)
}

// readTitles reads the social-card and microdata titles; the social title
// stands in when JSON-LD named none.
func (m *Page) readTitles(meta map[string]string) {
	m.OGType = strings.ToLower(meta["og:type"])
	m.MicroHeadline = scan.CollapseSpace(meta["headline"])
	m.OGTitle = scan.CollapseSpace(scan.FirstNonEmpty(meta["og:title"], meta["twitter:title"], meta["dc.title"], meta["dc:title"], meta["dcterms.title"], meta["dcterms:title"], meta["citation_title"]))
	if m.Title == "" {
		m.Title = m.OGTitle
	}
}

// publishedKeys are the meta names of a publication date, most trusted
// first.
var publishedKeys = []string{"article:published_time", "og:article:published_time", "datepublished", "pubdate", "publishdate", "publish-date", "publish_date", "dcterms.created", "sailthru.date", "parsely-pub-date", "citation_publication_date", "article.published", "originalpublicationdate"}

// choosePublished weighs the meta publication date against JSON-LD's, and
// falls back on <time> elements and a bare "date" meta.
func (m *Page) choosePublished(src *metaSources) {
	meta := src.meta
	if src.itemPub != "" {
		if _, ok := meta["datepublished"]; !ok {
			meta["datepublished"] = src.itemPub
		}
	}
	// JSON-LD is trusted over meta, except when the two name days far
	// apart and the date the page prints sides with the meta one.
	if t, zoned, ok := firstDate(meta, publishedKeys); ok {
		if m.Published.IsZero() || m.PublishedFrom == dates.FromLD && dates.FarApart(m.Published, t) && dates.PrintedOn(t, m.Dateline, src.ownTimes) {
			m.Published, m.PublishedFrom, m.PublishedZoned = t, dates.FromMeta, zoned
		}
	}
	if m.Published.IsZero() {
		if t, zoned, ok := firstTime(src.ownTimes); ok {
			m.Published, m.PublishedFrom, m.PublishedZoned = t, dates.FromTime, zoned
		}
		m.bareDateMeta(meta)
	}
}

// firstDate returns the date of the first of keys whose meta value is a
// date.
func firstDate(meta map[string]string, keys []string) (t time.Time, zoned, ok bool) {
	for _, k := range keys {
		if t, zoned, ok := dates.ParseZone(meta[k]); ok {
			return t, zoned, true
		}
	}
	return time.Time{}, false, false
}

// firstTime returns the first of the page's <time> values that is a date.
func firstTime(times []string) (t time.Time, zoned, ok bool) {
	for _, s := range times {
		if t, zoned, ok := dates.ParseZone(s); ok {
			return t, zoned, true
		}
	}
	return time.Time{}, false, false
}

// bareDateMeta weighs a bare "date" meta, often the CMS's last change: a
// <time> (or else a printed dateline) a few days or weeks before it is the
// publication, otherwise the meta date is trusted over both.
func (m *Page) bareDateMeta(meta map[string]string) {
	for _, k := range []string{"date", "dc.date", "dc.date.issued"} {
		t, zoned, ok := dates.ParseZone(meta[k])
		if !ok {
			continue
		}
		earlier, from := m.Published, dates.FromTime
		if earlier.IsZero() {
			earlier, from = m.Dateline, dates.FromText
		}
		if gap := t.Sub(earlier); earlier.IsZero() || gap < 24*time.Hour || gap > 31*24*time.Hour {
			m.Published, m.PublishedFrom, m.PublishedZoned = t, dates.FromMeta, zoned
		} else {
			m.Published, m.PublishedFrom, m.PublishedZoned = earlier, from, false
		}
		return
	}
}

// chooseModified takes the meta modification date when JSON-LD named none.
func (m *Page) chooseModified(meta map[string]string) {
	if !m.Modified.IsZero() {
		return
	}
	for _, k := range []string{"article:modified_time", "og:updated_time", "datemodified", "last-modified", "dcterms.modified"} {
		if t, ok := dates.Parse(meta[k]); ok {
			m.Modified = t
			return
		}
	}
}

// readLinks reads the language, the syndication source, the canonical URL
// and the description where the sources read before left them unset.
func (m *Page) readLinks(meta map[string]string, base *url.URL) {
	m.Lang = scan.FirstNonEmpty(m.Lang, meta["html:lang"], meta["content-language"], meta["og:locale"], meta["dc.language"])
	if m.Source == "" {
		for _, k := range []string{"syndication-source", "original-source", "dc.source", "citation_original"} {
			if v := meta[k]; v != "" {
				m.Source = dom.Resolve(base, v)
				break
			}
		}
	}
	if m.Canonical == "" {
		m.Canonical = dom.Resolve(base, meta["og:url"])
	}
	m.Description = scan.FirstNonEmpty(meta["description"], meta["og:description"])
}

func hasToken(list, tok string) bool {
	for _, f := range strings.Fields(list) {
		if f == tok {
			return true
		}
	}
	return false
}
