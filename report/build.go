package report

import (
	"cmp"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/syndex/syndex/article"
)

// Build computes the report for arts under filter f. Articles without a
// cluster count as unique. The result is deterministic for a given input
// set regardless of its order.
func Build(arts []*article.Article, f Filter) *Report {
	b := newBuilder(arts, f)
	for _, id := range b.ids {
		b.add(b.byID[id])
	}
	r := &Report{Filter: FilterInfo{From: f.From, To: f.To, Site: f.Site, MinCount: f.MinCount, Sites: f.Sites, NoIndex: f.NoIndex}}
	r.Clusters = b.clusterList()
	var weeks map[time.Time]int
	r.Edges, weeks = b.edgeList(r.Clusters)
	r.Sites = b.siteList(r.Edges)
	r.Totals.Sites = len(r.Sites)
	r.Totals.Clusters = len(r.Clusters)
	for _, s := range r.Sites {
		r.Totals.Articles += s.Articles
	}
	for _, c := range r.Clusters {
		r.Totals.Copies += len(c.Copies)
	}
	r.Totals.MedianLagSeconds = median(b.allLags)
	r.Timeline = timeline(weeks)
	if r.Clusters == nil {
		r.Clusters = []Cluster{}
	}
	if r.Edges == nil {
		r.Edges = []Edge{}
	}
	if r.Sites == nil {
		r.Sites = []Site{}
	}
	return r
}

// builder holds what Build gathers while it reads the articles.
type builder struct {
	f           Filter
	byID        map[string]*article.Article // the latest fetch of each article
	ids         []string                    // byID's keys, sorted
	clusterOrig map[string]*article.Article // each cluster's original, for copies whose Original is missing
	syndicated  map[string]bool             // original ids with a copy on another site
	sites       map[string]*Site
	names       map[string]map[string]int // site → its pages' site names, counted
	clusters    map[string]*Cluster
	allLags     []int64
	viaLag      map[string]*int64 // a via copy's lag after the copy it was taken from
}

// newBuilder indexes arts: the latest fetch of each, the original of each
// cluster, and which originals were syndicated.
func newBuilder(arts []*article.Article, f Filter) *builder {
	b := &builder{f: f, byID: make(map[string]*article.Article, len(arts)), clusterOrig: map[string]*article.Article{},
		syndicated: map[string]bool{}, sites: map[string]*Site{}, names: map[string]map[string]int{},
		clusters: map[string]*Cluster{}, viaLag: map[string]*int64{}}
	b.latestFetches(arts)
	b.clusterOriginals()
	b.markSyndicated()
	return b
}

// latestFetches keeps the latest fetch of each article (byID, ids).
func (b *builder) latestFetches(arts []*article.Article) {
	for _, a := range arts {
		if a == nil || a.ID == "" {
			continue
		}
		if prev, ok := b.byID[a.ID]; !ok || a.Fetched.After(prev.Fetched) {
			b.byID[a.ID] = a
		}
	}
	b.ids = slices.Sorted(maps.Keys(b.byID))
}

// clusterOriginals finds each cluster's original (the first by id).
func (b *builder) clusterOriginals() {
	for _, id := range b.ids {
		a := b.byID[id]
		if a.Role == article.RoleOriginal && a.Cluster != "" {
			if _, ok := b.clusterOrig[a.Cluster]; !ok {
				b.clusterOrig[a.Cluster] = a
			}
		}
	}
}

// markSyndicated marks the originals with a copy on another site.
// Copies on their original's own site are not syndication: such a copy
// counts as unique in the site table, and so does an original none of
// whose copies is on another site.
func (b *builder) markSyndicated() {
	for _, id := range b.ids {
		if a := b.byID[id]; a.Role == article.RoleCopy && b.f.NoIndex.Keeps(a.NoIndex) {
			if o := b.origOf(a); o != nil && !sameSite(a, o) {
				b.syndicated[o.ID] = true
			}
		}
	}
}

// origOf returns a copy's original: the one it names, else its cluster's.
func (b *builder) origOf(a *article.Article) *article.Article {
	if o := b.byID[a.Original]; o != nil {
		return o
	}
	return b.clusterOrig[a.Cluster]
}

// sameSite reports whether a and its original o are on one site.
func sameSite(a, o *article.Article) bool { return o != nil && a.Site != "" && a.Site == o.Site }

// add counts a in its site's row and, when it is a copy on another site
// than its original's, adds it to its cluster.
func (b *builder) add(a *article.Article) {
	if !b.f.inRange(dateOf(a)) || !b.f.NoIndex.Keeps(a.NoIndex) {
		return
	}
	var orig *article.Article
	if a.Role == article.RoleCopy {
		orig = b.origOf(a)
	}
	b.count(a, orig)
	if a.Role != article.RoleCopy || sameSite(a, orig) {
		// Not a copy, or the same story at two addresses of one
		// site (a site's page under two paths): not syndication.
		return
	}
	via := b.viaOf(a, orig)
	if b.f.bySite() && !b.involves(a, orig, via) {
		return
	}
	b.addCopy(a, orig, via)
}

// viaOf returns the copy a was taken from, when it names one of this
// story on a third site (neither a's nor its original's), else nil.
func (b *builder) viaOf(a, orig *article.Article) *article.Article {
	via := b.byID[a.Via]
	if via != nil && (via.Cluster != a.Cluster || via.Site == "" || via.Site == a.Site || orig != nil && via.Site == orig.Site) {
		return nil
	}
	return via
}

// involves reports whether copy a, its original or the copy it was taken
// from (either nil when unknown) is on a site the filter names.
func (b *builder) involves(a, orig, via *article.Article) bool {
	return b.f.involves(a.Site) || orig != nil && b.f.involves(orig.Site) || via != nil && b.f.involves(via.Site)
}

// count adds a to its site's row: an original, a copy or unique.
func (b *builder) count(a, orig *article.Article) {
	s := b.sites[a.Site]
	if s == nil {
		s = &Site{Site: a.Site}
		b.sites[a.Site] = s
	}
	s.Articles++
	if n := strings.TrimSpace(a.SiteName); n != "" {
		if b.names[a.Site] == nil {
			b.names[a.Site] = map[string]int{}
		}
		b.names[a.Site][n]++
	}
	switch {
	case a.Role == article.RoleOriginal && b.syndicated[a.ID]:
		s.Originals++
	case a.Role == article.RoleCopy && !sameSite(a, orig):
		s.Copies++
	default:
		s.Unique++
	}
}

// addCopy adds copy a of orig (nil when unknown), taken from via (nil when
// from the original), to its cluster.
func (b *builder) addCopy(a, orig, via *article.Article) {
	cid := a.Cluster
	if cid == "" {
		cid = a.Original
	}
	c := b.clusters[cid]
	if c == nil {
		c = &Cluster{ID: cid}
		if orig != nil {
			c.Original = Member{ID: orig.ID, URL: orig.URL, Site: orig.Site, Published: orig.Published, Title: orig.Title, WARC: orig.WARC}
			c.Evidence = slices.Clone(orig.Evidence)
		} else {
			c.Original = Member{ID: a.Original}
		}
		if c.Evidence == nil {
			c.Evidence = []string{}
		}
		b.clusters[cid] = c
	}
	cp := Copy{ID: a.ID, URL: a.URL, Site: a.Site, Published: a.Published, Similarity: a.Similarity,
		OriginalShare: a.OriginalShare, CopyShare: a.CopyShare, Title: a.Title, WARC: a.WARC, NoIndex: a.NoIndex}
	if via != nil {
		cp.Via, cp.ViaSite = via.ID, via.Site
		b.viaLag[a.ID] = Lag(via, a)
	}
	if orig != nil {
		if lag, precision := LagOf(orig, a); lag != nil {
			cp.LagSeconds, cp.LagPrecision = lag, precision
			b.allLags = append(b.allLags, *lag)
		}
	}
	c.Copies = append(c.Copies, cp)
}

// clusterList returns the clusters, largest first, each one's copies by
// lag.
func (b *builder) clusterList() []Cluster {
	var out []Cluster
	for _, c := range b.clusters {
		slices.SortFunc(c.Copies, func(x, y Copy) int {
			return cmp.Or(cmpLag(x.LagSeconds, y.LagSeconds), cmp.Compare(x.Site, y.Site), cmp.Compare(x.ID, y.ID))
		})
		out = append(out, *c)
	}
	slices.SortFunc(out, func(x, y Cluster) int {
		return cmp.Or(cmp.Compare(len(y.Copies), len(x.Copies)),
			x.Original.Published.Compare(y.Original.Published), cmp.Compare(x.ID, y.ID))
	})
	return out
}

// edgeKey names an edge: original → copy, or, for a copy of a copy, the
// copy it was taken from → copy (a via edge).
type edgeKey struct {
	src, dst string
	via      bool
}

// edgeList returns the edges between sites carrying at least MinCount
// copies, most copies first, and the copies counted per week.
func (b *builder) edgeList(clusters []Cluster) ([]Edge, map[time.Time]int) {
	t := newEdgeTally()
	weeks := map[time.Time]int{}
	for _, c := range clusters {
		for _, cp := range c.Copies {
			d := cp.Published
			if a := b.byID[cp.ID]; a != nil {
				d = dateOf(a)
			}
			if !d.IsZero() {
				weeks[weekStart(d)]++
			}
			if c.Original.Site == "" {
				continue
			}
			k, lag := b.edgeOf(c, cp)
			t.count(k, d, lag, cp.OriginalShare)
			if s := b.sites[c.Original.Site]; s != nil {
				s.Republished++
			}
		}
	}
	return t.list(b.f.MinCount), weeks
}

// edgeTally counts the copies on each edge, with their lags and shares
// for the medians.
type edgeTally struct {
	edges  map[edgeKey]*Edge
	lags   map[edgeKey][]int64
	shares map[edgeKey][]float64
}

func newEdgeTally() *edgeTally {
	return &edgeTally{edges: map[edgeKey]*Edge{}, lags: map[edgeKey][]int64{}, shares: map[edgeKey][]float64{}}
}

// count counts one copy on edge k, dated d, with its lag (nil when
// unknown) and the share of the original it carries (0 when unknown).
func (t *edgeTally) count(k edgeKey, d time.Time, lag *int64, share float64) {
	e := t.edges[k]
	if e == nil {
		e = &Edge{Source: k.src, Republisher: k.dst, Via: k.via}
		t.edges[k] = e
	}
	e.add(d)
	if lag != nil {
		t.lags[k] = append(t.lags[k], *lag)
	}
	if share > 0 {
		t.shares[k] = append(t.shares[k], share)
	}
}

// list returns the edges carrying at least minCount copies, with their
// medians, most copies first.
func (t *edgeTally) list(minCount int) []Edge {
	var out []Edge
	for k, e := range t.edges {
		if e.Count < minCount {
			continue
		}
		e.MedianLagSeconds = median(t.lags[k])
		e.MedianOriginalShare = medianShare(t.shares[k])
		out = append(out, *e)
	}
	slices.SortFunc(out, func(x, y Edge) int {
		return cmp.Or(cmp.Compare(y.Count, x.Count), cmp.Compare(x.Source, y.Source), cmp.Compare(x.Republisher, y.Republisher), cmpBool(x.Via, y.Via))
	})
	return out
}

// edgeOf returns the edge copy cp of cluster c is counted on, with its
// lag along that edge: from the original's site, or, for a copy of a
// copy, from the site of the copy it was taken from (a via edge).
func (b *builder) edgeOf(c Cluster, cp Copy) (edgeKey, *int64) {
	if cp.ViaSite != "" {
		return edgeKey{cp.ViaSite, cp.Site, true}, b.viaLag[cp.ID]
	}
	return edgeKey{c.Original.Site, cp.Site, false}, cp.LagSeconds
}

// add counts one copy dated d (zero when unknown) on e.
func (e *Edge) add(d time.Time) {
	e.Count++
	if d.IsZero() {
		return
	}
	if e.First.IsZero() || d.Before(e.First) {
		e.First = d
	}
	if d.After(e.Last) {
		e.Last = d
	}
}

// siteList returns the site rows, most articles first: all of them, or
// the filtered sites and their partners along edges.
func (b *builder) siteList(edges []Edge) []Site {
	keep := b.keptSites(edges)
	member := memberships(b.f.Collections)
	var out []Site
	for name, s := range b.sites {
		if b.f.bySite() && !keep[name] {
			continue
		}
		s.Collections = member[name]
		if s.Articles > 0 {
			s.CopyShare = float64(s.Copies) / float64(s.Articles)
		}
		s.Name = mostCommon(b.names[name])
		out = append(out, *s)
	}
	slices.SortFunc(out, func(x, y Site) int {
		return cmp.Or(cmp.Compare(y.Articles, x.Articles), cmp.Compare(x.Site, y.Site))
	})
	return out
}

// keptSites are the sites a site filter keeps in the site table: the
// filtered sites and their partners along edges (empty without a site
// filter).
func (b *builder) keptSites(edges []Edge) map[string]bool {
	keep := map[string]bool{}
	if !b.f.bySite() {
		return keep
	}
	keep[b.f.Site] = true
	for _, s := range b.f.Sites {
		keep[s] = true
	}
	for _, e := range edges {
		if b.f.involves(e.Source) || b.f.involves(e.Republisher) {
			keep[e.Source], keep[e.Republisher] = true, true
		}
	}
	return keep
}

// memberships lists each site's collections, in the order of their
// names.
func memberships(collections map[string][]string) map[string][]string {
	member := map[string][]string{}
	for _, name := range slices.Sorted(maps.Keys(collections)) {
		for _, site := range collections[name] {
			if !slices.Contains(member[site], name) {
				member[site] = append(member[site], name)
			}
		}
	}
	return member
}
