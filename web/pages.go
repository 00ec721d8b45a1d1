package web

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"html"
	"html/template"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/syndex/syndex/article"
	"github.com/syndex/syndex/config"
	"github.com/syndex/syndex/index"
	"github.com/syndex/syndex/internal/daterange"
	"github.com/syndex/syndex/report"
	"github.com/syndex/syndex/report/picture"
	"github.com/syndex/syndex/report/render"
	"github.com/syndex/syndex/web/diff"
)

func sitePath(site string) string  { return "/site/" + url.PathEscape(site) }
func clusterPath(id string) string { return "/cluster/" + url.PathEscape(id) }

// snippetSpans turns an index snippet ("text with <mark>hits</mark>", HTML
// escaped by the index) back into plain text spans, so the template escapes
// everything itself instead of trusting markup from the index.
func snippetSpans(s string) []diff.Span {
	var out []diff.Span
	for s != "" {
		i := strings.Index(s, "<mark>")
		if i < 0 {
			out = append(out, diff.Span{Op: diff.OpSame, Text: html.UnescapeString(s)})
			break
		}
		if i > 0 {
			out = append(out, diff.Span{Op: diff.OpSame, Text: html.UnescapeString(s[:i])})
		}
		s = s[i+len("<mark>"):]
		j := strings.Index(s, "</mark>")
		if j < 0 {
			j = len(s)
		}
		out = append(out, diff.Span{Op: diff.OpChanged, Text: html.UnescapeString(s[:j])})
		s = strings.TrimPrefix(s[j:], "</mark>")
	}
	return out
}

// form is the search form's state, parsed from the URL.
type form struct {
	Q, Lang, From, To, Sort string
	Interval                string // histogram interval: day, week, month or "" (chosen)
	NoIndex                 string // noindex pages: "" (include), exclude or only
	Sites                   []string
	Page                    int
}

// parseRange reads the from= and to= fields by the one rule of package
// daterange, as the command line's --from and --to: both bounds inclusive,
// a day or month covering all of it, and a to before from refused. The
// error names the field ("to: ...").
func parseRange(from, to string) (time.Time, time.Time, error) {
	return daterange.Range(from, to)
}

// parseForm reads the search form of r and the query it asks for, with
// pageSize hits a page; coll names the config's collections of sites.
func parseForm(r *http.Request, pageSize int, coll map[string][]string) (form, index.Query, error) {
	f, err := readForm(r.URL.Query())
	if err != nil {
		return f, index.Query{}, err
	}
	noindex, err := article.ParseNoIndexMode(f.NoIndex)
	if err != nil {
		return f, index.Query{}, err
	}
	f.NoIndex = string(noindex)
	from, to, err := parseRange(f.From, f.To)
	if err != nil {
		return f, index.Query{}, err
	}
	sites, err := config.ExpandSites(coll, f.Sites)
	if err != nil {
		return f, index.Query{}, fmt.Errorf("site: %v", err)
	}
	q := index.Query{Text: f.Q, Sites: sites, Lang: f.Lang, From: from, To: to, Sort: f.Sort,
		Limit: pageSize, Offset: (f.Page - 1) * pageSize, Highlight: true, Facets: true, Interval: f.Interval, NoIndex: noindex}
	return f, q, nil
}

// readForm reads the search form's fields from v, checking the page
// number, the sort order and the histogram interval.
func readForm(v url.Values) (form, error) {
	f := form{Q: v.Get("q"), Lang: v.Get("lang"), From: v.Get("from"), To: v.Get("to"), Sort: v.Get("sort"), Interval: v.Get("interval"), NoIndex: v.Get("noindex"), Page: 1}
	for _, s := range v["site"] {
		if s = strings.TrimSpace(s); s != "" && !slices.Contains(f.Sites, s) {
			f.Sites = append(f.Sites, s)
		}
	}
	if p := v.Get("page"); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 10000 {
			return f, fmt.Errorf("page: %q is not a page number", p)
		}
		f.Page = n
	}
	return f, f.checkChoices()
}

// checkChoices checks the form's sort order and histogram interval.
func (f form) checkChoices() error {
	switch f.Sort {
	case "", "relevance", "date", "-date":
	default:
		return fmt.Errorf("sort: %q is not relevance, date or -date", f.Sort)
	}
	switch f.Interval {
	case "", index.IntervalDay, index.IntervalWeek, index.IntervalMonth:
	default:
		return fmt.Errorf("interval: %q is not day, week or month", f.Interval)
	}
	return nil
}

// href builds a search URL for the form with changes applied.
func (f form) href(change func(v url.Values)) string {
	v := url.Values{}
	set := func(k, s string) {
		if s != "" {
			v.Set(k, s)
		}
	}
	set("q", f.Q)
	set("lang", f.Lang)
	set("from", f.From)
	set("to", f.To)
	set("sort", f.Sort)
	set("interval", f.Interval)
	set("noindex", f.NoIndex)
	for _, s := range f.Sites {
		v.Add("site", s)
	}
	if change != nil {
		change(v)
	}
	if len(v) == 0 {
		return "/"
	}
	return "/?" + v.Encode()
}

type facetItem struct {
	Term     string
	Count    int
	Href     string
	Selected bool
}

type facetGroup struct {
	Name  string
	Items []facetItem
}

type pageLink struct {
	N       int
	Href    string
	Current bool
}

type hitView struct {
	index.Hit
	Spans [][]diff.Span
	// CopySpans are the snippets of copies whose own text matched.
	CopySpans []copyMatchView
}

// copyMatchView is a copy whose own title or added text matched.
type copyMatchView struct {
	index.CopyMatch
	Spans [][]diff.Span
}

type searchView struct {
	F          form
	Total      uint64
	First      int
	Last       int
	Hits       []hitView
	Facets     []facetGroup
	Pages      []pageLink
	Prev, Next string
	Err        string
	TookMS     float64
	// CSV and JSONL download every matching story.
	CSV, JSONL string
	// Histogram is the attention over time of the matching stories.
	Histogram *index.Histogram
	Chart     template.HTML
}

// hitViews marks the snippets of each hit and of its copies' matches.
func hitViews(hits []index.Hit) []hitView {
	var out []hitView
	for _, h := range hits {
		hv := hitView{Hit: h}
		for _, sn := range h.Snippets {
			hv.Spans = append(hv.Spans, snippetSpans(sn))
		}
		for _, cm := range h.CopyMatches {
			cv := copyMatchView{CopyMatch: cm}
			for _, sn := range cm.Snippets {
				cv.Spans = append(cv.Spans, snippetSpans(sn))
			}
			hv.CopySpans = append(hv.CopySpans, cv)
		}
		out = append(out, hv)
	}
	return out
}

// facetGroups are the search page's filters: sites, collections (when
// the config names any), languages and years, each linking to the same
// search with it turned on or off.
func facetGroups(f form, fs *index.Facets, collections map[string][]string) []facetGroup {
	sites := facetGroup{Name: "Sites"}
	for _, fc := range fs.Sites {
		sel := slices.Contains(f.Sites, fc.Term)
		sites.Items = append(sites.Items, facetItem{Term: fc.Term, Count: fc.Count, Selected: sel, Href: f.href(toggleSite(fc.Term, sel))})
	}
	groups := []facetGroup{sites}
	if len(collections) > 0 {
		g := facetGroup{Name: "Collections"}
		for _, name := range slices.Sorted(maps.Keys(collections)) {
			term := "@" + name
			sel := slices.Contains(f.Sites, term)
			g.Items = append(g.Items, facetItem{Term: name, Selected: sel, Href: f.href(toggleSite(term, sel))})
		}
		groups = append(groups, g)
	}
	langs := facetGroup{Name: "Languages"}
	for _, fc := range fs.Langs {
		sel := f.Lang == fc.Term
		langs.Items = append(langs.Items, facetItem{Term: fc.Term, Count: fc.Count, Selected: sel, Href: f.href(func(v url.Values) {
			v.Del("lang")
			if !sel {
				v.Set("lang", fc.Term)
			}
		})})
	}
	years := facetGroup{Name: "Years"}
	for _, fc := range fs.Years {
		sel := f.From == fc.Term+"-01-01" && f.To == fc.Term+"-12-31"
		years.Items = append(years.Items, facetItem{Term: fc.Term, Count: fc.Count, Selected: sel, Href: f.href(func(v url.Values) {
			v.Del("from")
			v.Del("to")
			if !sel {
				v.Set("from", fc.Term+"-01-01")
				v.Set("to", fc.Term+"-12-31")
			}
		})})
	}
	return append(groups, langs, years)
}

// toggleSite edits a search's parameters to drop the site filter term
// (selected) or add it, back on the first page.
func toggleSite(term string, selected bool) func(url.Values) {
	return func(v url.Values) {
		v.Del("page")
		cur := v["site"]
		v.Del("site")
		for _, x := range cur {
			if x != term {
				v.Add("site", x)
			}
		}
		if !selected {
			v.Add("site", term)
		}
	}
}

// pageLinks are the links to the pages of hits around the current one,
// and to the previous and next pages.
func pageLinks(f form, total uint64, pageSize int) (pages []pageLink, prev, next string) {
	n := int((total + uint64(pageSize) - 1) / uint64(pageSize))
	n = min(n, (index.MaxLimit*10)/pageSize)
	link := func(n int) string {
		return f.href(func(v url.Values) {
			if n > 1 {
				v.Set("page", strconv.Itoa(n))
			}
		})
	}
	if n <= 1 {
		return nil, "", ""
	}
	for p := max(1, f.Page-4); p <= min(n, f.Page+4); p++ {
		pages = append(pages, pageLink{N: p, Href: link(p), Current: p == f.Page})
	}
	if f.Page > 1 {
		prev = link(f.Page - 1)
	}
	if f.Page < n {
		next = link(f.Page + 1)
	}
	return pages, prev, next
}

func (s *server) search(w http.ResponseWriter, r *http.Request) {
	f, q, err := parseForm(r, s.opt.PageSize, s.opt.Collections)
	v := searchView{F: f}
	if err != nil {
		v.Err = err.Error()
		s.render(w, http.StatusBadRequest, "search", "Search", v)
		return
	}
	res, err := s.b.Search(r.Context(), q)
	if err != nil {
		if badQuery(err) {
			v.Err = err.Error()
			s.render(w, http.StatusBadRequest, "search", "Search", v)
			return
		}
		s.fail(w, r, err, false)
		return
	}
	v.Total, v.TookMS = res.Total, res.TookMS
	v.Histogram, v.Chart = res.Histogram, histogramSVG(res.Histogram, f)
	if res.Total > 0 {
		v.CSV = "/export/search.csv" + strings.TrimPrefix(f.href(func(v url.Values) { v.Del("page") }), "/")
		v.JSONL = "/export/search.jsonl" + strings.TrimPrefix(f.href(func(v url.Values) { v.Del("page") }), "/")
	}
	v.Hits = hitViews(res.Hits)
	if len(v.Hits) > 0 {
		v.First = q.Offset + 1
		v.Last = q.Offset + len(v.Hits)
	}
	if res.Facets != nil {
		v.Facets = facetGroups(f, res.Facets, s.opt.Collections)
	}
	v.Pages, v.Prev, v.Next = pageLinks(f, res.Total, s.opt.PageSize)
	title := "Search"
	if f.Q != "" {
		title = "Search: " + f.Q
	}
	s.render(w, http.StatusOK, "search", title, v)
}

type copyView struct {
	A   *article.Article
	Lag *int64
	// LagPrecision is "day" when a bare date made the lag whole days.
	LagPrecision string
	// Via is the copy this one was taken from, ViaN its place on the page.
	Via                           *article.Article
	ViaN                          int
	Rows                          []diff.Row
	Same, Added, Removed, Changed int
	WARC                          string
	NoDiff                        bool // too many copies: not compared
}

type clusterView struct {
	ID       string
	Original *article.Article
	OrigWARC string
	Copies   []copyView
}

// maxDiffedCopies bounds the work of one cluster page: later copies are
// listed without a side-by-side diff.
const maxDiffedCopies = 50

func (s *server) warcLink(a *article.Article) string {
	if s.opt.WARCDir == "" || a == nil || a.WARC == "" {
		return ""
	}
	return "/warc/" + url.PathEscape(a.ID)
}

func dateOf(a *article.Article) time.Time {
	if !a.Published.IsZero() {
		return a.Published
	}
	return a.Fetched
}

// splitCluster picks the original among a cluster's members.
func splitCluster(members []*article.Article) (orig *article.Article, copies []*article.Article) {
	for _, a := range members {
		if a.Role == article.RoleOriginal || (orig == nil && a.ID == a.Original) {
			orig = a
		}
	}
	if orig == nil && len(members) > 0 {
		orig = slices.MinFunc(members, func(a, b *article.Article) int {
			return cmp.Or(dateOf(a).Compare(dateOf(b)), cmp.Compare(a.ID, b.ID))
		})
	}
	for _, a := range members {
		if a != orig {
			copies = append(copies, a)
		}
	}
	slices.SortFunc(copies, func(a, b *article.Article) int {
		return cmp.Or(dateOf(a).Compare(dateOf(b)), cmp.Compare(a.Site, b.Site), cmp.Compare(a.ID, b.ID))
	})
	return orig, copies
}

func (s *server) cluster(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	members, err := s.b.Cluster(id)
	if err == nil && len(members) == 0 {
		// Perhaps an article id: show its cluster.
		if a, aerr := s.b.Article(id); aerr == nil && a.Cluster != "" && a.Cluster != id {
			http.Redirect(w, r, clusterPath(a.Cluster), http.StatusFound)
			return
		}
		err = fmt.Errorf("cluster %s: %w", id, ErrNotFound)
	}
	if err != nil {
		s.fail(w, r, err, false)
		return
	}
	orig, copies := splitCluster(members)
	v := clusterView{ID: id, Original: orig, OrigWARC: s.warcLink(orig)}
	op := diff.Paragraphs(orig.Text)
	for i := range copies {
		v.Copies = append(v.Copies, s.copyView(orig, op, copies, i))
	}
	title := orig.Title
	if title == "" {
		title = orig.URL
	}
	s.render(w, http.StatusOK, "cluster", title, v)
}

// copyView is the cluster page's view of copies[i] of orig (whose
// paragraphs are op): its lag, the copy it was taken from, and, for the
// first maxDiffedCopies, what it changed; the boilerplate it wrapped the
// story in is shown as added.
func (s *server) copyView(orig *article.Article, op []string, copies []*article.Article, i int) copyView {
	c := copies[i]
	cv := copyView{A: c, WARC: s.warcLink(c), NoDiff: i >= maxDiffedCopies}
	cv.Lag, cv.LagPrecision = report.LagOf(orig, c)
	if j := slices.IndexFunc(copies, func(x *article.Article) bool { return x.ID == c.Via }); c.Via != "" && j >= 0 && j != i {
		cv.Via, cv.ViaN = copies[j], j+1
	}
	if !cv.NoDiff {
		cv.Rows = diff.Compare(op, diff.Paragraphs(c.Text))
	}
	for _, b := range c.Boilerplate {
		if b = strings.TrimSpace(b); b != "" {
			cv.Rows = append(cv.Rows, diff.Row{Op: diff.OpAdded, Right: [][]diff.Span{{{Op: diff.OpAdded, Text: b}}}})
		}
	}
	cv.Same, cv.Added, cv.Removed, cv.Changed = diff.Count(cv.Rows)
	return cv
}

type siteView struct {
	Site      string
	Row       report.Site
	Known     bool
	Sources   []report.Edge // sites this one copies from
	Copiers   []report.Edge // sites copying this one
	Clusters  []report.Cluster
	More      int
	Picture   template.HTML
	MedianLag *int64
}

// site is a site's page. A site written in another case or with "www."
// is sent to the page of the site as articles name it.
func (s *server) site(w http.ResponseWriter, r *http.Request) {
	site := article.SiteName(r.PathValue("site"))
	if site != r.PathValue("site") {
		http.Redirect(w, r, sitePath(site), http.StatusMovedPermanently)
		return
	}
	arts, err := s.snapshot()
	if err != nil {
		s.fail(w, r, err, false)
		return
	}
	rep := report.Build(arts, report.Filter{Site: site, Collections: s.opt.Collections})
	v := newSiteView(rep, site)
	if !v.Known {
		s.errorPage(w, http.StatusNotFound, "No article from this site is in the archive.")
		return
	}
	var buf bytes.Buffer
	if err := render.SVG(&buf, rep, picture.Options{Href: sitePath, Height: 420}); err != nil {
		s.fail(w, r, err, false)
		return
	}
	v.Picture = template.HTML(buf.String()) // render.SVG escapes every string
	s.render(w, http.StatusOK, "site", site, v)
}

// newSiteView is the page of site from its report: its row, the sites
// it copies from and those that copy it, and its first 50 clusters.
// Known is false when the report has no row for the site.
func newSiteView(rep *report.Report, site string) siteView {
	v := siteView{Site: site}
	for _, row := range rep.Sites {
		if row.Site == site {
			v.Row, v.Known = row, true
		}
	}
	for _, e := range rep.Edges {
		if e.Republisher == site {
			v.Sources = append(v.Sources, e)
		}
		if e.Source == site {
			v.Copiers = append(v.Copiers, e)
		}
	}
	v.Clusters = rep.Clusters
	if len(v.Clusters) > 50 {
		v.Clusters, v.More = v.Clusters[:50], len(v.Clusters)-50
	}
	v.MedianLag = rep.Totals.MedianLagSeconds
	return v
}

type networkView struct {
	// Site is the site or collection (@NAME) filter; Collections the
	// config's collection names, offered as filters.
	Site         string
	Collections  []string
	Picture      template.HTML
	Timeline     template.HTML
	R            *report.Report
	Originators  []report.Outlet
	Republishers []report.Outlet
	From, To     string
	MinCount     int
	NoIndex      string // exclude, only or "" (include)
	Err          string
}

// reportFilter reads from, to, site (a site or a collection), min_count
// and noindex (exclude or only) from the URL.
func (s *server) reportFilter(r *http.Request) (report.Filter, error) {
	v := r.URL.Query()
	f := report.Filter{Collections: s.opt.Collections}
	var err error
	if f.From, f.To, err = parseRange(v.Get("from"), v.Get("to")); err != nil {
		return f, err
	}
	if site := strings.TrimSpace(v.Get("site")); site != "" {
		if f.Site, f.Sites, err = config.ExpandSite(s.opt.Collections, site); err != nil {
			return f, fmt.Errorf("site: %v", err)
		}
	}
	if m := v.Get("min_count"); m != "" {
		if f.MinCount, err = strconv.Atoi(m); err != nil || f.MinCount < 0 {
			return f, fmt.Errorf("min_count: %q is not a count", m)
		}
	}
	if f.NoIndex, err = article.ParseNoIndexMode(v.Get("noindex")); err != nil {
		return f, err
	}
	return f, nil
}

func (s *server) network(w http.ResponseWriter, r *http.Request) {
	v := networkView{From: r.URL.Query().Get("from"), To: r.URL.Query().Get("to"), Site: r.URL.Query().Get("site"),
		Collections: slices.Sorted(maps.Keys(s.opt.Collections))}
	f, err := s.reportFilter(r)
	if err != nil {
		v.Err = err.Error()
		s.render(w, http.StatusBadRequest, "network", "Network", v)
		return
	}
	v.MinCount, v.NoIndex = f.MinCount, string(f.NoIndex)
	arts, err := s.snapshot()
	if err != nil {
		s.fail(w, r, err, false)
		return
	}
	v.R = report.Build(arts, f)
	v.Originators, v.Republishers = v.R.Originators(), v.R.Republishers()
	if len(v.Originators) > 15 {
		v.Originators = v.Originators[:15]
	}
	if len(v.Republishers) > 15 {
		v.Republishers = v.Republishers[:15]
	}
	var buf bytes.Buffer
	if err := render.SVG(&buf, v.R, picture.Options{Href: sitePath}); err != nil {
		s.fail(w, r, err, false)
		return
	}
	v.Picture = template.HTML(buf.String()) // render.SVG escapes every string
	buf.Reset()
	if err := render.TimelineSVG(&buf, v.R); err != nil {
		s.fail(w, r, err, false)
		return
	}
	v.Timeline = template.HTML(buf.String()) // dates and counts only
	s.render(w, http.StatusOK, "network", "Network", v)
}

func (s *server) apiSearch(w http.ResponseWriter, r *http.Request) {
	_, q, err := parseForm(r, s.opt.PageSize, s.opt.Collections)
	if err == nil {
		err = apiLimit(r.URL.Query().Get("limit"), &q)
	}
	if err != nil {
		s.jsonError(w, http.StatusBadRequest, err.Error())
		return
	}
	res, err := s.b.Search(r.Context(), q)
	if err != nil {
		if badQuery(err) {
			s.jsonError(w, http.StatusBadRequest, err.Error())
			return
		}
		s.fail(w, r, err, true)
		return
	}
	s.writeJSON(w, http.StatusOK, res)
}

// apiLimit sets the read API's page size l (the limit parameter, when
// given) in q: the same page number, of the new size.
func apiLimit(l string, q *index.Query) error {
	if l == "" {
		return nil
	}
	n, err := strconv.Atoi(l)
	if err != nil || n < 1 || n > index.MaxLimit {
		return fmt.Errorf("limit: %q is not between 1 and %d", l, index.MaxLimit)
	}
	q.Offset = q.Offset / q.Limit * n
	q.Limit = n
	return nil
}

// badQuery reports whether a search failed on the user's query (a bad
// request), not on the archive.
func badQuery(err error) bool {
	var qe *index.QueryError
	return errors.As(err, &qe) || errors.Is(err, index.ErrBadQuery)
}

func (s *server) apiCluster(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	members, err := s.b.Cluster(id)
	if err == nil && len(members) == 0 {
		err = fmt.Errorf("cluster %s: %w", id, ErrNotFound)
	}
	if err != nil {
		s.fail(w, r, err, true)
		return
	}
	orig, copies := splitCluster(members)
	s.writeJSON(w, http.StatusOK, struct {
		ID       string             `json:"id"`
		Original *article.Article   `json:"original"`
		Copies   []*article.Article `json:"copies"`
	}{id, orig, append([]*article.Article{}, copies...)})
}

func (s *server) apiSites(w http.ResponseWriter, r *http.Request) {
	arts, err := s.snapshot()
	if err != nil {
		s.fail(w, r, err, true)
		return
	}
	s.writeJSON(w, http.StatusOK, report.Build(arts, report.Filter{Collections: s.opt.Collections}).Sites)
}

func (s *server) apiSite(w http.ResponseWriter, r *http.Request) {
	site := article.SiteName(r.PathValue("site"))
	arts, err := s.snapshot()
	if err != nil {
		s.fail(w, r, err, true)
		return
	}
	rep := report.Build(arts, report.Filter{Site: site, Collections: s.opt.Collections})
	if !slices.ContainsFunc(rep.Sites, func(x report.Site) bool { return x.Site == site }) {
		s.jsonError(w, http.StatusNotFound, "no article from this site is in the archive")
		return
	}
	s.writeJSON(w, http.StatusOK, rep)
}

func (s *server) apiReport(w http.ResponseWriter, r *http.Request) {
	f, err := s.reportFilter(r)
	if err != nil {
		s.jsonError(w, http.StatusBadRequest, err.Error())
		return
	}
	arts, err := s.snapshot()
	if err != nil {
		s.fail(w, r, err, true)
		return
	}
	s.writeJSON(w, http.StatusOK, report.Build(arts, f))
}
