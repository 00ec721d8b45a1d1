// Package report turns an archive's clustered Articles into the syndication
// network report of the data contract (README "report"): which outlet's stories are republished by whom,
// how often and how fast, and the evidence behind each original.
//
// Build computes the tables (clusters, edges between sites, per-site counts,
// a weekly timeline) and Nodes the network's sites; package report/render
// writes them as text, JSON, CSV, GEXF, DOT, SVG or a self-contained HTML
// page, and report/picture lays out the network picture (no Graphviz
// needed). The package does not read the archive itself: the caller passes
// the Articles, so it is usable on any JSONL corpus too.
//
// Every string in a report comes from crawled pages and is treated as
// hostile: each output format escapes it for its own syntax, and the text
// format strips terminal control characters.
package report

import (
	"cmp"
	"math"
	"slices"
	"time"

	"github.com/syndex/syndex/article"
)

// Filter narrows a report. Zero values mean "no restriction".
type Filter struct {
	// From and To bound the articles counted, by their date (Published, or
	// Fetched when the publication date is unknown), both inclusive. A copy is reported when its own date is in range; its
	// original is looked up regardless of date so the lag stays known.
	From, To time.Time
	// Site keeps only the copies made by or of this site (and so the
	// clusters, edges and site rows involving it).
	Site string
	// MinCount drops edges republishing fewer than this many articles (the
	// network picture and edge tables); clusters and sites are unaffected.
	MinCount int
	// Sites, like Site, keeps the copies made by or of any of these sites
	// (a collection's sites).
	Sites []string
	// Collections are the config's named groups of sites: each site row
	// lists the collections it belongs to, and the network picture
	// colours sites by collection.
	Collections map[string][]string
	// NoIndex leaves out the articles marked noindex (NoIndexExclude) or
	// all others (NoIndexOnly), as From and To do: an excluded article is
	// in no cluster, edge or site row, and a kept copy's original is
	// looked up whatever its mark.
	NoIndex article.NoIndexMode
}

// involves reports whether the filter keeps site s (true when it names
// no site at all).
func (f Filter) involves(s string) bool {
	if f.Site == "" && len(f.Sites) == 0 {
		return true
	}
	return s != "" && (s == f.Site || slices.Contains(f.Sites, s))
}

// bySite reports whether the filter names sites.
func (f Filter) bySite() bool { return f.Site != "" || len(f.Sites) > 0 }

// Report is the syndication network report (README "Data contract"), plus a few
// fields that help readers: titles, first/last copy dates, a timeline and
// totals.
type Report struct {
	Clusters []Cluster `json:"clusters"`
	Edges    []Edge    `json:"edges"`
	Sites    []Site    `json:"sites"`
	// Timeline counts copies per week (weeks start on Monday, UTC).
	Timeline []Week `json:"timeline"`
	// Totals summarises the whole filtered archive.
	Totals Totals `json:"totals"`
	// Filter echoes what was applied, so a saved report says what it covers.
	Filter FilterInfo `json:"filter"`
}

// Member identifies a cluster's original.
type Member struct {
	ID        string    `json:"id"`
	URL       string    `json:"url"`
	Site      string    `json:"site"`
	Published time.Time `json:"published,omitzero"`
	Title     string    `json:"title,omitempty"`
	WARC      string    `json:"warc,omitempty"`
}

// Copy is one republished copy of a cluster's original.
type Copy struct {
	ID         string    `json:"id"`
	URL        string    `json:"url"`
	Site       string    `json:"site"`
	Published  time.Time `json:"published,omitzero"`
	Similarity float64   `json:"similarity"`
	// OriginalShare is the share of the original's text the copy carries,
	// CopyShare the share of the copy's text that comes from the original
	// (see article.Assignment); absent for articles deduplicated before
	// syndex computed them.
	OriginalShare float64 `json:"original_share,omitempty"`
	CopyShare     float64 `json:"copy_share,omitempty"`
	// Via is the id of the copy this copy was taken from (a copy of a
	// copy), ViaSite that copy's site.
	Via     string `json:"via,omitempty"`
	ViaSite string `json:"via_site,omitempty"`
	// NoIndex: the copy's page is marked noindex (a partner's copy).
	NoIndex bool `json:"noindex,omitempty"`
	// LagSeconds is the copy's delay after the original (see Lag); absent
	// when unknown. It may be negative when the copy claims an earlier date
	// than the original it credits.
	LagSeconds *int64 `json:"lag_seconds,omitempty"`
	// LagPrecision is "day" when one of the two dates is a bare date, so
	// the lag is a whole number of days, and "fetched" when the pages gave
	// no dates and the lag is between the times they were first fetched.
	LagPrecision string `json:"lag_precision,omitempty"`
	Title        string `json:"title,omitempty"`
	WARC         string `json:"warc,omitempty"`
}

// Cluster is one syndicated story: an original and its copies.
type Cluster struct {
	ID       string   `json:"id"`
	Original Member   `json:"original"`
	Copies   []Copy   `json:"copies"`
	Evidence []string `json:"evidence"`
}

// Edge aggregates the copies one site made of another site's originals,
// or, when Via is set, of another site's copies: the republisher took
// those stories from the source, which had itself copied them (a
// laundering chain original → source → republisher).
type Edge struct {
	Source      string `json:"source"`
	Republisher string `json:"republisher"`
	Via         bool   `json:"via,omitempty"`
	Count       int    `json:"count"`
	// MedianLagSeconds is absent when no copy on the edge has a known lag.
	MedianLagSeconds *int64 `json:"median_lag_seconds,omitempty"`
	// MedianOriginalShare is the median share of the original's story
	// the edge's copies carry (1: whole stories; 0.4: excerpts); absent
	// when none of them has shares.
	MedianOriginalShare float64   `json:"median_original_share,omitempty"`
	First               time.Time `json:"first,omitzero"`
	Last                time.Time `json:"last,omitzero"`
}

// Site counts one site's articles by role.
type Site struct {
	Site string `json:"site"`
	// Name is the outlet's own name (the most common site_name of its
	// articles), when pages state one.
	Name      string `json:"name,omitempty"`
	Articles  int    `json:"articles"`
	Originals int    `json:"originals"`
	Copies    int    `json:"copies"`
	Unique    int    `json:"unique"`
	// CopyShare is Copies / Articles.
	CopyShare float64 `json:"copy_share"`
	// Republished counts copies other sites made of this site's originals.
	Republished int `json:"republished"`
	// Collections lists the config's collections the site belongs to.
	Collections []string `json:"collections,omitempty"`
}

// Week is one bar of the timeline.
type Week struct {
	Start  time.Time `json:"start"`
	Copies int       `json:"copies"`
}

// Totals summarises a report.
type Totals struct {
	Articles int `json:"articles"`
	Sites    int `json:"sites"`
	Clusters int `json:"clusters"`
	Copies   int `json:"copies"`
	// MedianLagSeconds over all copies with a known lag.
	MedianLagSeconds *int64 `json:"median_lag_seconds,omitempty"`
}

// FilterInfo records the filter a report was built with.
type FilterInfo struct {
	From     time.Time `json:"from,omitzero"`
	To       time.Time `json:"to,omitzero"`
	Site     string    `json:"site,omitempty"`
	MinCount int       `json:"min_count,omitempty"`
	// Sites are the sites of a collection filter.
	Sites []string `json:"sites,omitempty"`
	// NoIndex is the noindex filter: exclude or only (absent: include).
	NoIndex article.NoIndexMode `json:"noindex,omitempty"`
}

// Outlet ranks a site as an originator or a republisher.
type Outlet struct {
	Site string
	// Copies is how many copies the outlet's stories received (originator)
	// or made (republisher).
	Copies int
	// Partners is how many distinct sites are on the other end.
	Partners int
	// Stories is how many distinct clusters are involved.
	Stories int
}

// dateOf is the date an article is placed at: its publication date, or the
// time it was fetched when the page gave none.
func dateOf(a *article.Article) time.Time {
	if !a.Published.IsZero() {
		return a.Published.UTC()
	}
	return a.Fetched.UTC()
}

// Lag is how long after the original the copy appeared, in seconds:
// copy.Published − orig.Published when both pages give a date, else
// copy.Fetched − orig.Fetched when both were crawled and the copy was
// crawled later (comparing one page's publication date with the other's
// fetch time would mix a 2008 story with a 2024 crawl). It is nil when
// neither pair is known. A bare date (see
// article.DateOnly) stands for its whole day, not its midnight: against
// it, the lag is the number of days between the two calendar dates (the
// other date's in its own zone), so a copy dated only "March 1" is never
// placed before an original of 09:30 that day.
func Lag(orig, cp *article.Article) *int64 {
	lag, _ := LagOf(orig, cp)
	return lag
}

// LagOf is Lag with its precision: "day" when it was counted in days
// because one of the dates is a bare date, "fetched" when it compares
// fetch times (first seen), "" for two publication times. A negative lag
// between fetch times (the copy was crawled first) is unknown, not
// negative.
func LagOf(orig, cp *article.Article) (*int64, string) {
	var s int64
	precision := ""
	switch {
	case !orig.Published.IsZero() && !cp.Published.IsZero():
		a, b := orig.Published, cp.Published
		if article.DateOnly(a) || article.DateOnly(b) {
			s = 86400 * (civilDay(b) - civilDay(a))
			precision = "day"
		} else {
			s = int64(b.Sub(a) / time.Second)
		}
	case !orig.Fetched.IsZero() && !cp.Fetched.IsZero():
		s = int64(cp.Fetched.Sub(orig.Fetched) / time.Second)
		if s < 0 {
			return nil, "" // crawled the copy first: says nothing of when it appeared
		}
		precision = "fetched"
	default:
		return nil, ""
	}
	return &s, precision
}

// civilDay numbers t's calendar date: a bare date's own, a time's in the
// zone it was given in.
func civilDay(t time.Time) int64 {
	if article.DateOnly(t) {
		t = t.UTC()
	}
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400
}

func (f Filter) inRange(t time.Time) bool {
	if f.From.IsZero() && f.To.IsZero() {
		return true
	}
	if t.IsZero() {
		return false
	}
	if !f.From.IsZero() && t.Before(f.From) {
		return false
	}
	if !f.To.IsZero() && t.After(f.To) {
		return false
	}
	return true
}

// mostCommon returns the most frequent key (the smallest on a tie).
func mostCommon(counts map[string]int) string {
	best, n := "", 0
	for k, c := range counts {
		if c > n || c == n && k < best {
			best, n = k, c
		}
	}
	return best
}

func cmpBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}

func cmpLag(a, b *int64) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return 1
	case b == nil:
		return -1
	}
	return cmp.Compare(*a, *b)
}

// median returns the median of xs (the mean of the middle two for an even
// count, rounded toward zero), or nil for an empty slice.
func median(xs []int64) *int64 {
	if len(xs) == 0 {
		return nil
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	m := s[n/2]
	if n%2 == 0 {
		m = s[n/2-1] + (s[n/2]-s[n/2-1])/2
	}
	return &m
}

// medianShare returns the median of xs (the mean of the middle two for
// an even count) rounded to two decimals, 0 for none.
func medianShare(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	m := s[len(s)/2]
	if len(s)%2 == 0 {
		m = (s[len(s)/2-1] + m) / 2
	}
	return math.Round(m*100) / 100
}

// weekStart returns the Monday 00:00 UTC that starts t's week.
func weekStart(t time.Time) time.Time {
	t = t.UTC()
	d := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	off := (int(d.Weekday()) + 6) % 7
	return d.AddDate(0, 0, -off)
}

// maxFilledWeeks bounds gap filling, so one bogus date (1970) does not
// produce thousands of empty weeks.
const maxFilledWeeks = 260

func timeline(weeks map[time.Time]int) []Week {
	out := make([]Week, 0, len(weeks))
	for w, n := range weeks {
		out = append(out, Week{Start: w, Copies: n})
	}
	slices.SortFunc(out, func(a, b Week) int { return a.Start.Compare(b.Start) })
	if len(out) < 2 {
		return out
	}
	first, last := out[0].Start, out[len(out)-1].Start
	span := int(last.Sub(first).Hours()/24/7) + 1
	if span > maxFilledWeeks {
		return out
	}
	filled := make([]Week, 0, span)
	i := 0
	for w := first; !w.After(last); w = w.AddDate(0, 0, 7) {
		n := 0
		if i < len(out) && out[i].Start.Equal(w) {
			n = out[i].Copies
			i++
		}
		filled = append(filled, Week{Start: w, Copies: n})
	}
	return filled
}

// NameOf returns the outlet name recorded for site, or "".
func (r *Report) NameOf(site string) string {
	for _, s := range r.Sites {
		if s.Site == site {
			return s.Name
		}
	}
	return ""
}

// Originators ranks sites by how many copies their originals received.
func (r *Report) Originators() []Outlet {
	return r.rank(func(e Edge) (string, string) { return e.Source, e.Republisher }, true)
}

// Republishers ranks sites by how many copies they made.
func (r *Report) Republishers() []Outlet {
	return r.rank(func(e Edge) (string, string) { return e.Republisher, e.Source }, false)
}

// rank ranks the sites at one end of the edges (ends names the site
// ranked and its partner) by their copies, then by name.
func (r *Report) rank(ends func(Edge) (self, other string), asSource bool) []Outlet {
	copies := map[string]int{}
	partners := map[string]map[string]bool{}
	for _, e := range r.Edges {
		self, other := ends(e)
		copies[self] += e.Count
		if partners[self] == nil {
			partners[self] = map[string]bool{}
		}
		partners[self][other] = true
	}
	stories := r.storiesBySite(asSource)
	out := make([]Outlet, 0, len(copies))
	for s, n := range copies {
		out = append(out, Outlet{Site: s, Copies: n, Partners: len(partners[s]), Stories: len(stories[s])})
	}
	slices.SortFunc(out, func(a, b Outlet) int {
		return cmp.Or(cmp.Compare(b.Copies, a.Copies), cmp.Compare(a.Site, b.Site))
	})
	return out
}

// storiesBySite is the set of clusters each site took part in along the
// report's edges: as the copier, or with asSource as the site copied
// from (the original's, or for a copy of a copy the copy's).
func (r *Report) storiesBySite(asSource bool) map[string]map[string]bool {
	kept := map[[2]string]bool{}
	for _, e := range r.Edges {
		kept[[2]string{e.Source, e.Republisher}] = true
	}
	stories := map[string]map[string]bool{}
	for _, c := range r.Clusters {
		for _, cp := range c.Copies {
			src := c.Original.Site
			if cp.ViaSite != "" {
				src = cp.ViaSite
			}
			if !kept[[2]string{src, cp.Site}] {
				continue
			}
			self := cp.Site
			if asSource {
				self = src
			}
			if stories[self] == nil {
				stories[self] = map[string]bool{}
			}
			stories[self][c.ID] = true
		}
	}
	return stories
}
