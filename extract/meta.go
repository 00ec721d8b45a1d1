package extract

import (
	"encoding/json"
	"maps"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"golang.org/x/net/html"
)

// pageMeta is what the page's markup says about itself, each field taken
// from the most trusted source that has it: JSON-LD, then OpenGraph and
// article:* / name= meta, then <time> and bylines.
type pageMeta struct {
	Title, Author, SiteName, Lang, Canonical string
	Published, Modified                      time.Time
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
	// PublishedFrom names the source of Published (dateFromLD, dateFromMeta,
	// dateFromTime); PublishedZoned reports that its string carried a zone.
	PublishedFrom  string
	PublishedZoned bool
	// DateValues are the raw strings of every machine date on the page
	// (JSON-LD dates, date-like meta values, <time datetime>), evidence
	// for the zone of Published.
	DateValues []string
	// Dateline is the first printed date labelled as a date (by its
	// element's class or a "Published"-like label); a zone-less wall
	// clock.
	Dateline time.Time
}

// metaDoc gathers pageMeta from a parsed document; base resolves relative
// URLs.
func metaDoc(doc *html.Node, base *url.URL) pageMeta {
	var m pageMeta
	meta := map[string]string{} // first value per lower-cased name/property
	var times, ownTimes []string
	var bylines, textBylines []string
	metaAuthors := map[string][]string{} // every value of the author keys
	var itemPub string                   // a microdata datePublished outside <meta>
	var ld []string
	walkElements(doc, func(n *html.Node) bool {
		switch n.Data {
		case "html":
			if l := attr(n, "lang"); l != "" {
				meta["html:lang"] = l
			}
		case "meta":
			// RDFa lets one property attribute name several
			// properties ("og:title twitter:title").
			keys := strings.Fields(strings.ToLower(firstNonEmpty(attr(n, "property"), attr(n, "name"), attr(n, "itemprop"), attr(n, "http-equiv"))))
			v := strings.TrimSpace(attr(n, "content"))
			for _, k := range keys {
				if _, ok := meta[k]; !ok && v != "" {
					meta[k] = v
				}
				for _, f := range strings.Fields(k) { // property="dc:creator og:…"
					if isAuthorMetaKey(f) && len(metaAuthors[f]) < 10 {
						metaAuthors[f] = append(metaAuthors[f], v)
					}
				}
			}
		case "link":
			rel := strings.ToLower(attr(n, "rel"))
			if hasToken(rel, "canonical") && m.Canonical == "" {
				m.Canonical = resolve(base, attr(n, "href"))
			}
		case "script":
			if strings.Contains(strings.ToLower(attr(n, "type")), "ld+json") && n.FirstChild != nil {
				ld = append(ld, n.FirstChild.Data)
			}
			return false
		case "style", "noscript", "template":
			return false
		case "title":
			if m.DocTitle == "" {
				m.DocTitle = nodeText(n)
			}
			return false
		case "svg", "math":
			return false
		case "h1", "h2", "h3":
			if len(m.Headings) < 30 {
				if t := nodeText(n); t != "" && len(t) < 400 {
					m.Headings = append(m.Headings, t)
				}
			}
		case "time":
			v := attr(n, "datetime")
			if t, ok := visibleDate(nodeText(n)); v == "" && ok {
				v = t.Format("2006-01-02T15:04:05")
			}
			if v != "" {
				// Every <time> shows the site's zone; only those outside
				// the comment thread may date the article.
				times = append(times, v)
				if !inComments(n) {
					ownTimes = append(ownTimes, v)
				}
			}
		}
		if m.Dateline.IsZero() {
			if t, ok := dateline(n); ok {
				m.Dateline = t
			}
		}
		if n.Data != "meta" && itemPub == "" && strings.EqualFold(attr(n, "itemprop"), "datePublished") {
			itemPub = firstNonEmpty(attr(n, "datetime"), attr(n, "content"))
			if t, ok := visibleDate(nodeText(n)); itemPub == "" && ok {
				itemPub = t.Format("2006-01-02T15:04:05")
			}
		}
		if len(textBylines) < 3 && textBylineTags[n.Data] && startsByline(n) && !inForeignBylineContext(n) {
			if t := nodeText(n); len(t) < 100 {
				if isAuthorLabel(t) {
					t = labelledValue(n)
				}
				if t != "" {
					textBylines = append(textBylines, t)
				}
			}
		}
		if len(bylines) < maxBylineNodes && isByline(n) && !inForeignBylineContext(n) {
			t := attr(n, "content") // <meta itemprop="author" content=…>
			if t == "" {
				t = nodeText(n)
			}
			if t != "" && len(t) < 400 {
				bylines = append(bylines, t)
			}
		}
		return true
	})

	var docs []any
	for _, raw := range ld {
		if v, ok := parseLD(raw); ok {
			docs = append(docs, v)
		}
	}
	m.ldIDs = ldIDIndex(docs)
	for _, v := range docs {
		m.readLD(v, base)
	}
	for _, raw := range ld {
		m.readWrappedLDDates(raw)
	}

	for _, k := range slices.Sorted(maps.Keys(meta)) {
		if strings.Contains(k, "date") || strings.Contains(k, "time") || strings.Contains(k, "publish") {
			m.DateValues = append(m.DateValues, meta[k])
		}
	}
	m.DateValues = append(m.DateValues, times...)

	m.OGType = strings.ToLower(meta["og:type"])
	m.MicroHeadline = collapseSpace(meta["headline"])
	m.OGTitle = collapseSpace(firstNonEmpty(meta["og:title"], meta["twitter:title"], meta["dc.title"], meta["dc:title"], meta["dcterms.title"], meta["dcterms:title"], meta["citation_title"]))
	if m.Title == "" {
		m.Title = m.OGTitle
	}
	m.NoIndex = robotsNoIndex(meta["robots"]) || robotsNoIndex(meta["googlebot"])
	if m.SiteName == "" {
		m.SiteName = firstNonEmpty(meta["og:site_name"], meta["application-name"], meta["publisher"])
	}
	m.chooseAuthor(metaAuthors, bylines, textBylines, []string{m.SiteName, meta["og:site_name"], meta["application-name"], meta["publisher"], meta["twitter:site"]}, base)
	if itemPub != "" {
		if _, ok := meta["datepublished"]; !ok {
			meta["datepublished"] = itemPub
		}
	}
	for _, k := range []string{"article:published_time", "og:article:published_time", "datepublished", "pubdate", "publishdate", "publish-date", "publish_date", "dcterms.created", "sailthru.date", "parsely-pub-date", "citation_publication_date", "article.published", "originalpublicationdate"} {
		t, zoned, ok := parseDateZone(meta[k])
		if !ok {
			continue
		}
		// JSON-LD is trusted over meta, except when the two name days far
		// apart and the date the page prints sides with the meta one.
		if m.Published.IsZero() || m.PublishedFrom == dateFromLD && farApart(m.Published, t) && printedOn(t, m.Dateline, ownTimes) {
			m.Published, m.PublishedFrom, m.PublishedZoned = t, dateFromMeta, zoned
		}
		break
	}
	if m.Published.IsZero() {
		for _, s := range ownTimes {
			if t, zoned, ok := parseDateZone(s); ok {
				m.Published, m.PublishedFrom, m.PublishedZoned = t, dateFromTime, zoned
				break
			}
		}
		// A bare "date" meta is often the CMS's last change: a <time> (or
		// else a printed dateline) a few days or weeks before it is the
		// publication, otherwise the meta date is trusted over both.
		for _, k := range []string{"date", "dc.date", "dc.date.issued"} {
			t, zoned, ok := parseDateZone(meta[k])
			if !ok {
				continue
			}
			earlier, from := m.Published, dateFromTime
			if earlier.IsZero() {
				earlier, from = m.Dateline, dateFromText
			}
			if gap := t.Sub(earlier); earlier.IsZero() || gap < 24*time.Hour || gap > 31*24*time.Hour {
				m.Published, m.PublishedFrom, m.PublishedZoned = t, dateFromMeta, zoned
			} else {
				m.Published, m.PublishedFrom, m.PublishedZoned = earlier, from, false
			}
			break
		}
	}
	if m.Modified.IsZero() {
		for _, k := range []string{"article:modified_time", "og:updated_time", "datemodified", "last-modified", "dcterms.modified"} {
			if t, ok := parseDate(meta[k]); ok {
				m.Modified = t
				break
			}
		}
	}
	m.Lang = firstNonEmpty(m.Lang, meta["html:lang"], meta["content-language"], meta["og:locale"], meta["dc.language"])
	if m.Source == "" {
		for _, k := range []string{"syndication-source", "original-source", "dc.source", "citation_original"} {
			if v := meta[k]; v != "" {
				m.Source = resolve(base, v)
				break
			}
		}
	}
	if m.Canonical == "" {
		m.Canonical = resolve(base, meta["og:url"])
	}
	m.Description = firstNonEmpty(meta["description"], meta["og:description"])
	return m
}

// parseLD decodes one JSON-LD script; false when it is not JSON.
func parseLD(raw string) (any, bool) {
	var v any
	if err := json.Unmarshal([]byte(strings.TrimSpace(raw)), &v); err != nil {
		return nil, false
	}
	return v, true
}

// readLD merges one decoded JSON-LD script into m, looking through @graph
// arrays and nested objects for the Article (or subtype) that describes
// the page.
func (m *pageMeta) readLD(v any, base *url.URL) {
	var objs []map[string]any
	var collect func(v any, depth int)
	collect = func(v any, depth int) {
		if depth > 6 {
			return
		}
		switch x := v.(type) {
		case []any:
			for _, e := range x {
				collect(e, depth+1)
			}
		case map[string]any:
			objs = append(objs, x)
			if g, ok := x["@graph"]; ok {
				collect(g, depth+1)
			}
			if me, ok := x["mainEntity"]; ok {
				collect(me, depth+1)
			}
		}
	}
	collect(v, 0)
	for _, o := range objs {
		types := ldTypes(o["@type"])
		m.LDTypes = append(m.LDTypes, types...)
		art := false
		for _, t := range types {
			if isArticleType(t) {
				art = true
			}
		}
		if !art {
			continue
		}
		m.LDArticle = true
		if m.Title == "" {
			m.Title = collapseSpace(html.UnescapeString(ldHeadline(ldString(o["headline"]), ldString(o["name"]), m.DocTitle)))
			m.TitleFromLD = m.Title != ""
		}
		if len(m.ldNames) == 0 {
			m.ldNames, m.ldOrgs = ldAuthorNames(o["author"], m.ldIDs)
		}
		if m.Published.IsZero() {
			if t, zoned, ok := parseDateZone(ldString(o["datePublished"])); ok {
				m.Published, m.PublishedFrom, m.PublishedZoned = t, dateFromLD, zoned
			}
		}
		m.DateValues = append(m.DateValues, ldString(o["datePublished"]), ldString(o["dateModified"]))
		if m.Modified.IsZero() {
			m.Modified, _ = parseDate(ldString(o["dateModified"]))
		}
		if m.SiteName == "" {
			if p, ok := o["publisher"].(map[string]any); ok {
				m.SiteName = ldString(p["name"])
			}
		}
		if m.Lang == "" {
			m.Lang = ldString(o["inLanguage"])
		}
		if m.Source == "" {
			if s := ldURL(o["isBasedOn"]); s != "" {
				m.Source = resolve(base, s)
			}
		}
	}
}

// readWrappedLDDates reads the publication date of an Article in a
// JSON-LD script wrapped in a CDATA section or HTML comment (an XHTML
// habit, often with "//" hiding the markers from JavaScript), which
// readLD's plain JSON parse refuses. Only the date is taken, after the
// unwrapped scripts have had their say: the other fields of such scripts
// have not been measured against the title and author rules.
func (m *pageMeta) readWrappedLDDates(raw string) {
	s, ok := unwrapScript(raw)
	if !ok || !m.Published.IsZero() && m.PublishedFrom == dateFromLD {
		return
	}
	v, ok := parseLD(s)
	if !ok {
		return
	}
	var w pageMeta
	w.readLD(v, nil)
	m.DateValues = append(m.DateValues, w.DateValues...)
	if w.PublishedFrom == dateFromLD {
		m.Published, m.PublishedFrom, m.PublishedZoned = w.Published, w.PublishedFrom, w.PublishedZoned
	}
}

// unwrapScript strips a CDATA section or HTML comment around a script's
// text; ok is false when there was none.
func unwrapScript(raw string) (string, bool) {
	s := strings.TrimSpace(raw)
	for _, w := range [][2]string{{"<![CDATA[", "]]>"}, {"<!--", "-->"}} {
		t := strings.TrimSpace(strings.TrimPrefix(s, "//"))
		if strings.HasPrefix(t, w[0]) {
			t = strings.TrimSuffix(strings.TrimSpace(strings.TrimPrefix(t, w[0])), w[1])
			return strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(t), "//")), true
		}
	}
	return "", false
}

func ldTypes(v any) []string {
	switch x := v.(type) {
	case string:
		return []string{x}
	case []any:
		var out []string
		for _, e := range x {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// isArticleType reports whether a schema.org type is Article or one of its
// news/blog subtypes.
func isArticleType(t string) bool {
	t = strings.TrimPrefix(strings.TrimPrefix(t, "http://schema.org/"), "https://schema.org/")
	return strings.HasSuffix(t, "Article") || t == "BlogPosting" || t == "Report" || t == "LiveBlogPosting" || t == "SocialMediaPosting"
}

func ldString(v any) string {
	switch x := v.(type) {
	case string:
		return strings.TrimSpace(x)
	case []any:
		for _, e := range x {
			if s := ldString(e); s != "" {
				return s
			}
		}
	case map[string]any:
		return firstNonEmpty(ldString(x["@value"]), ldString(x["name"]))
	}
	return ""
}

func ldURL(v any) string {
	switch x := v.(type) {
	case string:
		return strings.TrimSpace(x)
	case []any:
		for _, e := range x {
			if s := ldURL(e); s != "" {
				return s
			}
		}
	case map[string]any:
		return firstNonEmpty(ldString(x["url"]), ldString(x["@id"]))
	}
	return ""
}

var bylineClassRE = guard(regexp.MustCompile(`(?i)(^|[\s_-])(byline|author|by-line|article-author|contributor)([\s_-]|$)`), "byline", "author", "by-line", "contributor")

// isByline reports whether n is marked up as an author byline.
func isByline(n *html.Node) bool {
	if attr(n, "rel") == "author" || strings.EqualFold(attr(n, "itemprop"), "author") {
		return true
	}
	switch n.Data {
	case "span", "div", "p", "a", "address":
		c := attr(n, "class")
		return bylineClassRE.MatchString(c) && !authorBioClassRE.MatchString(c)
	}
	return false
}

// authorBioClassRE matches the class of an author box's description
// ("author-description", "author-bio"), which holds sentences about the
// writer, not the name.
var authorBioClassRE = regexp.MustCompile(`(?i)author[_-]?(?:description|desc|bio|biography|about)`)

// dateLayouts are tried in order; layouts without a zone give UTC.
var dateLayouts = []string{
	time.RFC3339Nano, time.RFC3339, "2006-01-02T15:04:05Z0700", "2006-01-02T15:04:05-0700",
	"2006-01-02T15:04:05.000Z0700", "2006-01-02T15:04:05", "2006-01-02T15:04Z07:00", "2006-01-02T15:04Z0700", "2006-01-02T15:04",
	"2006-01-02 15:04:05Z07:00", "2006-01-02 15:04:05 -0700", "2006-01-02 15:04:05 -0700 MST", "2006-01-02 15:04:05", "2006-01-02 15:04",
	"2006-01-02", "2006/01/02", "20060102", "20060102T150405Z0700",
	time.RFC1123Z, time.RFC1123, time.RFC850, time.ANSIC, "Mon, 2 Jan 2006 15:04:05 -0700", "Mon, 2 Jan 2006 15:04:05 MST",
	"January 2, 2006", "Jan 2, 2006", "2 January 2006", "02.01.2006", "2.1.2006", "02.01.2006 15:04",
}

// parseDate reads a machine date in any of the common layouts, keeping
// the zone when the string has one. Implausible years are refused.
func parseDate(s string) (time.Time, bool) {
	t, _, ok := parseDateZone(s)
	return t, ok
}

// parseDateZone is parseDate that also reports whether the string named
// its zone (a zone-less wall clock is returned as if it were UTC).
func parseDateZone(s string) (t time.Time, zoned, ok bool) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 64 {
		return time.Time{}, false, false
	}
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, s); err == nil {
			if t.Year() < 1990 || t.Year() > 2100 {
				return time.Time{}, false, false
			}
			return t, strings.Contains(l, "07") || strings.Contains(l, "MST"), true
		}
	}
	return time.Time{}, false, false
}

// resolve makes ref absolute against base; it returns "" for anything but
// http(s) URLs.
func resolve(base *url.URL, ref string) string {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return ""
	}
	u, err := url.Parse(ref)
	if err != nil {
		return ""
	}
	if base != nil {
		u = base.ResolveReference(u)
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return ""
	}
	u.Fragment = ""
	return u.String()
}

func hasToken(list, tok string) bool {
	for _, f := range strings.Fields(list) {
		if f == tok {
			return true
		}
	}
	return false
}

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if v = strings.TrimSpace(v); v != "" {
			return v
		}
	}
	return ""
}

func dedupStrings(in []string) []string {
	seen := map[string]bool{}
	out := in[:0]
	for _, s := range in {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// ldHeadline chooses between a JSON-LD object's headline and name: the
// headline, unless both are given, differ, and only the name is what the
// page's <title> says (some sites fill headline with a description).
func ldHeadline(headline, name, docTitle string) string {
	if headline == "" || name == "" || sameWords(headline, name) {
		return firstNonEmpty(headline, name)
	}
	if containsWords(docTitle, name) && !containsWords(docTitle, headline) {
		return name
	}
	return headline
}

// robotsNoIndex reports whether a robots meta value forbids indexing
// ("noindex", or "none" for noindex and nofollow).
func robotsNoIndex(v string) bool {
	for _, t := range strings.FieldsFunc(strings.ToLower(v), func(r rune) bool { return r == ',' || r == ' ' || r == '\t' }) {
		if t == "noindex" || t == "none" {
			return true
		}
	}
	return false
}
