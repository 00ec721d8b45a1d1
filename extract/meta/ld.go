package meta

import (
	"encoding/json"
	"net/url"
	"slices"
	"strings"

	"golang.org/x/net/html"

	"github.com/syndex/syndex/extract/authors"
	"github.com/syndex/syndex/extract/dates"
	"github.com/syndex/syndex/extract/internal/dom"
	"github.com/syndex/syndex/extract/internal/scan"
)

// This file reads JSON-LD (schema.org) scripts, the most trusted source of
// a page's metadata.

// readLDScripts reads the page's JSON-LD scripts in order, following @id
// references across them, then the dates of scripts wrapped in CDATA or
// comments.
func (m *Page) readLDScripts(ld []string, base *url.URL) {
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
}

// ReadLD merges the text of one JSON-LD script into m as Read does for
// each script of a page, without following @id references into other
// scripts; false when the text is not JSON.
func (m *Page) ReadLD(raw string, base *url.URL) bool {
	v, ok := parseLD(raw)
	if ok {
		m.readLD(v, base)
	}
	return ok
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
func (m *Page) readLD(v any, base *url.URL) {
	for _, o := range ldObjects(v) {
		m.LDHeadlines = append(m.LDHeadlines, ldHeadlines(o)...)
		types := ldTypes(o["@type"])
		m.LDTypes = append(m.LDTypes, types...)
		if slices.ContainsFunc(types, isArticleType) {
			m.readLDArticle(o, base)
		}
	}
}

// ldHeadlines returns the values of object o's headline attributes when
// its name is empty or one word (go-trafilatura's condition for reading
// them), "headline" first and the others in the order of their names,
// leaving out those with "..." as go-trafilatura does.
func ldHeadlines(o map[string]any) []string {
	if len(strings.Fields(ldString(o["name"]))) > 1 {
		return nil
	}
	var keys []string
	for k := range o {
		if k != "headline" && strings.Contains(strings.ToLower(k), "headline") {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	var out []string
	for _, k := range append([]string{"headline"}, keys...) {
		if h := scan.CollapseSpace(ldString(o[k])); h != "" && !strings.Contains(h, "...") {
			out = append(out, h)
		}
	}
	return out
}

// ldObjects lists the objects of a decoded JSON-LD script in document
// order, looking through arrays, @graph and mainEntity.
func ldObjects(v any) []map[string]any {
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
	return objs
}

// readLDArticle sets the fields of m an earlier Article left unset from
// the Article object o: headline, authors, dates, publisher's name,
// language and the work it is based on.
func (m *Page) readLDArticle(o map[string]any, base *url.URL) {
	m.LDArticle = true
	if m.Title == "" {
		m.Title = scan.CollapseSpace(html.UnescapeString(ldHeadline(ldString(o["headline"]), ldString(o["name"]), m.DocTitle)))
		m.TitleFromLD = m.Title != ""
	}
	if len(m.ldNames) == 0 {
		m.ldNames, m.ldOrgs = ldAuthorNames(o["author"], m.ldIDs)
	}
	m.readLDDates(o)
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
			m.Source = dom.Resolve(base, s)
		}
	}
}

// readLDDates reads an Article object's publication and modification
// dates into m where they are unset, and keeps both strings as evidence.
func (m *Page) readLDDates(o map[string]any) {
	if m.Published.IsZero() {
		if t, zoned, ok := dates.ParseZone(ldString(o["datePublished"])); ok {
			m.Published, m.PublishedFrom, m.PublishedZoned = t, dates.FromLD, zoned
		}
	}
	m.DateValues = append(m.DateValues, ldString(o["datePublished"]), ldString(o["dateModified"]))
	if m.Modified.IsZero() {
		m.Modified, _ = dates.Parse(ldString(o["dateModified"]))
	}
}

// readWrappedLDDates reads the publication date of an Article in a
// JSON-LD script wrapped in a CDATA section or HTML comment (an XHTML
// habit, often with "//" hiding the markers from JavaScript), which
// readLD's plain JSON parse refuses. Only the date is taken, after the
// unwrapped scripts have had their say: the other fields of such scripts
// have not been measured against the title and author rules.
func (m *Page) readWrappedLDDates(raw string) {
	s, ok := unwrapScript(raw)
	if !ok || !m.Published.IsZero() && m.PublishedFrom == dates.FromLD {
		return
	}
	v, ok := parseLD(s)
	if !ok {
		return
	}
	var w Page
	w.readLD(v, nil)
	m.DateValues = append(m.DateValues, w.DateValues...)
	if w.PublishedFrom == dates.FromLD {
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
		return scan.FirstNonEmpty(ldString(x["@value"]), ldString(x["name"]))
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
		return scan.FirstNonEmpty(ldString(x["url"]), ldString(x["@id"]))
	}
	return ""
}

// ldHeadline chooses between a JSON-LD object's headline and name: the
// headline, unless both are given, differ, and only the name is what the
// page's <title> says (some sites fill headline with a description).
func ldHeadline(headline, name, docTitle string) string {
	if headline == "" || name == "" || scan.SameWords(headline, name) {
		return scan.FirstNonEmpty(headline, name)
	}
	if scan.ContainsWords(docTitle, name) && !scan.ContainsWords(docTitle, headline) {
		return name
	}
	return headline
}

// ldIDIndex maps the @id of every JSON-LD object that says more than its
// @id to that object, across all of a page's decoded scripts; the first
// wins.
func ldIDIndex(docs []any) map[string]map[string]any {
	ids := map[string]map[string]any{}
	for _, v := range docs {
		indexLDIDs(v, 0, ids)
	}
	return ids
}

// indexLDIDs adds the objects with an @id in v to ids.
func indexLDIDs(v any, depth int, ids map[string]map[string]any) {
	if depth > 8 {
		return
	}
	switch x := v.(type) {
	case []any:
		for _, e := range x {
			indexLDIDs(e, depth+1, ids)
		}
	case map[string]any:
		if id, ok := x["@id"].(string); ok && id != "" && len(x) > 1 {
			if _, seen := ids[id]; !seen {
				ids[id] = x
			}
		}
		for k, e := range x {
			if k != "@context" {
				indexLDIDs(e, depth+1, ids)
			}
		}
	}
}

// ldResolve follows a JSON-LD reference ({"@id": …} alone) to the object
// it names; other values are returned as they are.
func ldResolve(v any, ids map[string]map[string]any) any {
	x, ok := v.(map[string]any)
	if !ok {
		return v
	}
	if _, hasName := x["name"]; hasName {
		return x
	}
	if id, ok := x["@id"].(string); ok {
		if o, ok := ids[id]; ok {
			return o
		}
	}
	return x
}

// ldAuthorNames reads a JSON-LD author value (a name, a Person or
// Organization, a reference into the @graph, or a list of these) into
// its names, in order, and the subset that are organisations. URLs are
// not names.
func ldAuthorNames(v any, ids map[string]map[string]any) (names []string, orgs map[string]bool) {
	la := ldAuthors{ids: ids, orgs: map[string]bool{}}
	la.add(v, 0)
	return scan.Unique(la.names), la.orgs
}

// ldAuthors is ldAuthorNames' walk: the names read so far, and which are
// organisations.
type ldAuthors struct {
	ids   map[string]map[string]any
	names []string
	orgs  map[string]bool
}

func (la *ldAuthors) add(v any, depth int) {
	if depth > 4 {
		return
	}
	switch x := ldResolve(v, la.ids).(type) {
	case string:
		if s := authors.CleanMeta(x); s != "" {
			la.names = append(la.names, s)
		}
	case []any:
		for _, e := range x {
			la.add(e, depth+1)
		}
	case map[string]any:
		la.addEntity(x)
	}
}

// addEntity adds the name of a Person or Organization, from its name or
// its given and family names.
func (la *ldAuthors) addEntity(x map[string]any) {
	name := ldString(x["name"])
	if name == "" {
		name = strings.TrimSpace(ldString(x["givenName"]) + " " + ldString(x["familyName"]))
	}
	name = authors.CleanMeta(name)
	if name == "" {
		return
	}
	la.names = append(la.names, name)
	if isOrgType(ldTypes(x["@type"])) {
		la.orgs[name] = true
	}
}

// isOrgType reports whether a JSON-LD @type list names an organisation.
func isOrgType(types []string) bool {
	for _, t := range types {
		if strings.Contains(t, "Organization") || strings.Contains(t, "Organisation") || t == "Corporation" || t == "NewsMediaOrganization" {
			return true
		}
	}
	return false
}
