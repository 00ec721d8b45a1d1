package farm

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html/template"
	"net"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/cespare/xxhash/v2"
)

// disallowed are the path prefixes every outlet's robots.txt forbids; every
// page links to them, so a crawler that ignores robots.txt is caught.
var disallowed = []string{"/search", "/account/"}

// outlet is one running site.
type outlet struct {
	def        outletDef
	ip         string
	host       string
	base       string
	crawlDelay time.Duration
	site       string // host name (or IP) in its URLs
	ln         net.Listener
	srv        *http.Server

	pages    []*page          // newest first
	sections []string         // sorted
	res      map[string]*resp // path → response, built once

	furniture     []furniturePage // with Options.Furniture
	noindexCopies bool            // copies carry meta robots noindex
	sectionFeeds  bool            // each section has its own feed (Options.SectionFeeds)
}

// page is one article page on an outlet.
type page struct {
	Path        string
	URL         string
	Title       string
	Author      string
	Section     string
	Lang        string
	Summary     string
	Published   time.Time
	Paras       []string
	Origin      *outlet // set on copies
	OriginURL   string
	OriginName  string
	Canonical   string
	Intro       string
	Attribution string
	Appeal      string
	Disclaimer  string
	ReadMore    string
	JSONLD      template.JS
	NoIndex     bool // meta robots noindex
}

// resp is a prebuilt response body.
type resp struct {
	body  []byte
	ctype string
	mod   time.Time
	etag  string
}

// outletView is what templates see of an outlet.
type outletView struct {
	Key, Name, Tagline, FeedURL, FeedType string
	Sections                              []string
	Furniture                             []link // footer links to the furniture pages
}

type link struct{ Href, Title string }

type pageData struct {
	O           outletView
	Lang        string
	Title       string
	Heading     string
	Description string
	Canonical   string
	Article     *page
	List        []*page
	Related     []link
	Paras       []string // a furniture page's text
	Newer       string   // a section page's links to its neighbours
	Older       string
	Feeds       []link // section feeds the page links besides the outlet's (Options.SectionFeeds)
}

var siteTmpl = template.Must(template.New("site").Funcs(template.FuncMap{
	"rfc3339":  func(t time.Time) string { return t.Format(time.RFC3339) },
	"dateline": func(t time.Time) string { return t.Format("Monday, January 2, 2006 · 3:04 PM") },
	"title":    title,
}).ParseFS(contentFS, "content/templates/site.html"))

// title upper-cases the first letter of s.
func title(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}

func (o *outlet) feedPath() string {
	if o.def.Atom {
		return "/atom.xml"
	}
	return "/feed.xml"
}

// sectionFeedPath is the path of a section's own feed (Options.SectionFeeds).
func sectionFeedPath(sec string) string { return "/section/" + sec + "/feed.xml" }

// sectionFeedLinks is the section feed a page of section sec links, if any.
func (o *outlet) sectionFeedLinks(sec string) []link {
	if !o.sectionFeeds {
		return nil
	}
	return []link{{Href: o.base + sectionFeedPath(sec), Title: o.def.Name + ": " + title(sec)}}
}

func (o *outlet) feedType() string {
	if o.def.Atom {
		return "application/atom+xml"
	}
	return "application/rss+xml"
}

func (o *outlet) view() outletView {
	v := outletView{Key: o.def.Key, Name: o.def.Name, Tagline: o.def.Tagline,
		FeedURL: o.base + o.feedPath(), FeedType: o.feedType(), Sections: o.sections}
	for _, p := range o.furniture {
		v.Furniture = append(v.Furniture, link{Href: p.Path, Title: p.Title})
	}
	return v
}

// articlePath is where an outlet files a page with this slug and date.
func (o *outlet) articlePath(slug string, published time.Time) string {
	if o.def.Dated {
		return o.def.Prefix + published.Format("2006/01/02") + "/" + slug
	}
	return o.def.Prefix + slug
}

// build lays out every page of every outlet and the ground truth.
func (f *Farm) build(stories []*storyDef, lags []time.Duration) error {
	f.byKey = map[string]*outlet{}
	for _, o := range f.outlets {
		f.byKey[o.def.Key] = o
	}
	f.stories = map[string]*storyDef{}
	f.truthIdx = map[string]int{}
	for _, s := range stories {
		if err := f.addStory(s); err != nil {
			return err
		}
	}
	for i, c := range copyDefs {
		if err := f.addCopy(c.Story, c.Outlet, c.Kind, c.Title, f.stories[c.Story].Published.Add(lags[i])); err != nil {
			return fmt.Errorf("copy plan %d: %w", i, err)
		}
	}
	for _, o := range f.outlets {
		if err := o.render(); err != nil {
			return fmt.Errorf("render %s: %w", o.def.Name, err)
		}
	}
	return nil
}

// addStory files an original story on its outlet and in the truth.
func (f *Farm) addStory(s *storyDef) error {
	o := f.byKey[s.Outlet]
	if o == nil {
		return fmt.Errorf("story %s: unknown outlet %q", s.ID, s.Outlet)
	}
	if f.stories[s.ID] != nil {
		return fmt.Errorf("story %s already exists", s.ID)
	}
	f.stories[s.ID] = s
	p := &page{
		Path: o.articlePath(s.ID, s.Published), Title: s.Title, Author: s.Author,
		Section: s.Section, Lang: s.Lang, Summary: s.Summary, Published: s.Published, Paras: s.Paras,
	}
	p.URL = o.base + p.Path
	p.Canonical = p.URL
	o.pages = append(o.pages, p)
	f.truthIdx[s.ID] = len(f.truth)
	f.truth = append(f.truth, Story{ID: s.ID, Outlet: o.def.Key, URL: p.URL, Title: s.Title,
		Published: s.Published, Lang: s.Lang, Subject: s.Subject})
	return nil
}

// addCopy files a copy of story id on outlet key and records it in the truth.
func (f *Farm) addCopy(id, key string, kind CopyKind, title string, published time.Time) error {
	s := f.stories[id]
	o := f.byKey[key]
	if s == nil || o == nil {
		return fmt.Errorf("unknown story %q or outlet %q", id, key)
	}
	if s.Outlet == key {
		return fmt.Errorf("story %s: %s cannot copy its own story", id, o.def.Name)
	}
	origin := f.byKey[s.Outlet]
	orig := f.truth[f.truthIdx[id]]
	p := &page{
		Title: s.Title, Author: s.Author, Section: o.def.Section, Lang: s.Lang, Summary: s.Summary,
		Published: published, Origin: origin, OriginURL: orig.URL, OriginName: origin.def.Name,
	}
	slug := s.ID
	if kind == KindRetitled {
		if title == "" || title == s.Title {
			return fmt.Errorf("story %s: a retitled copy needs a new title", id)
		}
		p.Title = title
		slug = slugify(title)
	}
	p.Path = o.articlePath(slug, published)
	p.URL = o.base + p.Path
	p.Canonical = p.URL
	if err := o.fillCopy(p, s, origin, orig.URL, kind); err != nil {
		return err
	}
	if o.hasPage(p.Path) {
		return fmt.Errorf("story %s: %s already has a page at %s", id, o.def.Name, p.Path)
	}
	o.pages = append(o.pages, p)
	ti := f.truthIdx[id]
	f.truth[ti].Copies = append(f.truth[ti].Copies, Copy{Outlet: o.def.Key, URL: p.URL,
		Title: p.Title, Kind: kind, Published: published})
	return nil
}

// fillCopy sets copy p of story s (published first by origin at origURL)
// as the outlet's role makes it: a republisher's whole story with its
// intro, credit, appeal and disclaimer; a truncator's first half with a
// link to the original.
func (o *outlet) fillCopy(p *page, s *storyDef, origin *outlet, origURL string, kind CopyKind) error {
	switch {
	case o.def.Role == RoleRepublisher && kind != KindTruncated:
		p.Paras = s.Paras
		p.Intro = o.def.Intro
		p.Attribution = o.def.Attribution(origin.def.Name, origURL, s.Published)
		var err error
		if p.Appeal, err = boiler(o.def.Appeal); err != nil {
			return err
		}
		if p.Disclaimer, err = boiler(o.def.Disclaimer); err != nil {
			return err
		}
		if o.def.Canon {
			p.Canonical = origURL
		}
		p.NoIndex = o.noindexCopies
	case o.def.Role == RoleTruncator && kind == KindTruncated:
		p.Paras = s.Paras[:(len(s.Paras)+1)/2]
		p.ReadMore = origURL
	default:
		return fmt.Errorf("story %s: %s (%s) does not make %s copies", s.ID, o.def.Name, o.def.Role, kind)
	}
	return nil
}

// slugify turns a headline into a URL path segment.
func slugify(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.TrimSuffix(b.String(), "-")
}

// render builds every response of the outlet once.
func (o *outlet) render() error {
	sort.SliceStable(o.pages, func(i, j int) bool { return o.pages[i].Published.After(o.pages[j].Published) })
	o.sections = o.sections[:0]
	seen := map[string]bool{}
	for _, p := range o.pages {
		if !seen[p.Section] {
			seen[p.Section] = true
			o.sections = append(o.sections, p.Section)
		}
	}
	sort.Strings(o.sections)
	r := &renderer{o: o, res: map[string]*resp{}, v: o.view(), latest: o.pages[0].Published}
	for _, step := range []func() error{r.lists, r.articles, r.members} {
		if err := step(); err != nil {
			return err
		}
	}
	r.feeds()
	if err := r.furniture(); err != nil {
		return err
	}
	r.put("/static/site.css", "text/css; charset=utf-8", r.latest, []byte(css))
	o.res = r.res
	return nil
}

// renderer builds an outlet's responses.
type renderer struct {
	o      *outlet
	res    map[string]*resp
	v      outletView
	latest time.Time
}

const htmlType = "text/html; charset=utf-8"

func (r *renderer) put(path, ctype string, mod time.Time, body []byte) {
	r.res[path] = &resp{body: body, ctype: ctype, mod: mod,
		etag: `"` + strconv.FormatUint(xxhash.Sum64(body), 16) + `"`}
}

func (r *renderer) exec(name string, d pageData) ([]byte, error) {
	var buf bytes.Buffer
	if err := siteTmpl.ExecuteTemplate(&buf, name, d); err != nil {
		return nil, fmt.Errorf("template %s for %s: %w", name, d.Canonical, err)
	}
	return buf.Bytes(), nil
}

// Front pages and section pages list stories as real outlets do: the
// front page the latest frontPageSize, each section its stories newest
// first, sectionPageSize to a page, the first at /section/NAME and the
// older ones at /section/NAME/page/2, 3, … (each linking the next and the
// previous), so a story leaves the front page but stays reachable through
// its section.
const (
	frontPageSize   = 20
	sectionPageSize = 10
)

// sectionPath is the path of page n (from 1) of a section.
func sectionPath(sec string, n int) string {
	if n <= 1 {
		return "/section/" + sec
	}
	return "/section/" + sec + "/page/" + strconv.Itoa(n)
}

// lists renders the front page and each section's pages.
func (r *renderer) lists() error {
	o, v := r.o, r.v
	home, err := r.exec("list", pageData{O: v, Lang: o.def.Lang, Title: "Front page", Heading: "Latest news",
		Description: o.def.Tagline, Canonical: o.base + "/", List: o.pages[:min(len(o.pages), frontPageSize)]})
	if err != nil {
		return err
	}
	r.put("/", htmlType, r.latest, home)
	for _, sec := range o.sections {
		var list []*page
		for _, p := range o.pages {
			if p.Section == sec {
				list = append(list, p)
			}
		}
		pages := (len(list) + sectionPageSize - 1) / sectionPageSize
		for n := 1; n <= pages; n++ {
			d := pageData{O: v, Lang: o.def.Lang, Title: title(sec), Heading: "Section: " + sec,
				Description: o.def.Name + " coverage: " + sec, Canonical: o.base + sectionPath(sec, n),
				List: list[(n-1)*sectionPageSize : min(len(list), n*sectionPageSize)], Feeds: o.sectionFeedLinks(sec)}
			if n > 1 {
				d.Title += " (page " + strconv.Itoa(n) + ")"
				d.Newer = sectionPath(sec, n-1)
			}
			if n < pages {
				d.Older = sectionPath(sec, n+1)
			}
			b, err := r.exec("list", d)
			if err != nil {
				return err
			}
			r.put(sectionPath(sec, n), htmlType, d.List[0].Published, b)
		}
	}
	return nil
}

// articles renders each article page with its JSON-LD and three related
// links.
func (r *renderer) articles() error {
	o, v := r.o, r.v
	var err error
	for i, p := range o.pages {
		p.JSONLD, err = jsonLD(o, p)
		if err != nil {
			return err
		}
		var related []link
		for j := 1; j <= 3 && j < len(o.pages); j++ {
			rel := o.pages[(i+j)%len(o.pages)]
			href := rel.Path
			if o.def.Tracking {
				href += "?utm_source=related&utm_medium=web"
			}
			related = append(related, link{Href: href, Title: rel.Title})
		}
		b, err := r.exec("article", pageData{O: v, Lang: o.def.Lang, Title: p.Title, Description: p.Summary,
			Canonical: p.Canonical, Article: p, Related: related, Feeds: o.sectionFeedLinks(p.Section)})
		if err != nil {
			return err
		}
		r.put(p.Path, htmlType, p.Published, b)
	}
	return nil
}

// members renders the pages robots.txt disallows.
func (r *renderer) members() error {
	o := r.o
	for _, d := range disallowed {
		path := strings.TrimSuffix(d, "/")
		if d != path {
			path = d + "login"
		}
		b, err := r.exec("plain", pageData{O: r.v, Lang: o.def.Lang, Title: "Members only", Heading: "Members only",
			Description: "This page is for signed-in readers.", Canonical: o.base + path})
		if err != nil {
			return err
		}
		r.put(path, htmlType, r.latest, b)
	}
	return nil
}

// feeds writes robots.txt, the feed and the sitemaps.
func (r *renderer) feeds() {
	o, latest := r.o, r.latest
	r.put("/robots.txt", "text/plain; charset=utf-8", latest, []byte(o.robots()))
	if o.def.Atom {
		r.put(o.feedPath(), o.feedType(), latest, o.atom())
	} else {
		r.put(o.feedPath(), o.feedType(), latest, o.rss())
	}
	if o.sectionFeeds {
		for _, sec := range o.sections {
			var list []*page
			for _, p := range o.pages {
				if p.Section == sec {
					list = append(list, p)
				}
			}
			r.put(sectionFeedPath(sec), "application/rss+xml", list[0].Published,
				o.rssOf(sectionFeedPath(sec), o.def.Name+": "+title(sec), list))
		}
	}
	if o.def.Index {
		r.put("/sitemap.xml", "application/xml", latest, o.sitemapIndex())
		r.put("/sitemaps/articles.xml", "application/xml", latest, o.newsSitemap())
		r.put("/sitemaps/sections.xml", "application/xml", latest, o.sectionSitemap())
	} else {
		r.put("/sitemap.xml", "application/xml", latest, o.newsSitemap())
	}
}

// furniture renders the site's furniture pages (about, contact, …).
func (r *renderer) furniture() error {
	o := r.o
	for _, fp := range o.furniture {
		b, err := r.exec("info", pageData{O: r.v, Lang: o.def.Lang, Title: fp.Title, Heading: fp.Title,
			Description: fp.Title, Canonical: o.base + fp.Path, Paras: fp.Paras})
		if err != nil {
			return err
		}
		r.put(fp.Path, htmlType, r.latest, b)
	}
	return nil
}

const css = `body{font-family:Georgia,serif;max-width:46rem;margin:0 auto;padding:1rem}
.cookie-banner{position:fixed;bottom:0;left:0;right:0;background:#222;color:#fff;padding:.5rem}
.main-nav ul,.footer-nav ul{list-style:none;display:flex;gap:1rem;padding:0}
.disclaimer{font-size:.8rem;color:#555}.donate{border:1px solid #c90;padding:.5rem}
`

func jsonLD(o *outlet, p *page) (template.JS, error) {
	type person struct {
		Type string `json:"@type"`
		Name string `json:"name"`
	}
	d := map[string]any{
		"@context":         "https://schema.org",
		"@type":            "NewsArticle",
		"headline":         p.Title,
		"datePublished":    p.Published.Format(time.RFC3339),
		"dateModified":     p.Published.Format(time.RFC3339),
		"author":           []person{{Type: "Person", Name: p.Author}},
		"publisher":        map[string]string{"@type": "NewsMediaOrganization", "name": o.def.Name},
		"mainEntityOfPage": p.URL,
		"inLanguage":       p.Lang,
		"articleSection":   p.Section,
		"description":      p.Summary,
	}
	if p.Origin != nil && o.def.Canon {
		d["isBasedOn"] = p.OriginURL
	}
	b, err := json.Marshal(d)
	if err != nil {
		return "", fmt.Errorf("json-ld for %s: %w", p.URL, err)
	}
	return template.JS(b), nil
}

// hasPage reports whether the outlet has a page at path.
func (o *outlet) hasPage(path string) bool {
	return slices.ContainsFunc(o.pages, func(q *page) bool { return q.Path == path })
}
