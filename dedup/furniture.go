package dedup

import (
	"net/url"
	"strings"

	"github.com/syndex/syndex/article"
)

// Site furniture across a network. Package extract keeps pages whose
// address names them furniture (/about, /contact-us, /privacy-policy) out
// of the archive, and the report leaves out a page copied on its own site;
// a network's template pages under slugs of its own (/our-mission-statement
// on forty sites) still pass both and, being the same text on every site,
// cluster like a story republished forty times. Their features cannot tell
// them apart (a page copied whole holds little else, like furniture), but
// the pages around them do: a story is dated, often signed, and lives at a
// story's address (a date, a number, a long slug), and copies of it often
// credit their source; a template page has no date and no author, a short
// undated address, credits nobody, is the same text, but for the site's
// name, on every site of the network, and a network has many sites.
//
// So a cluster is furniture when its members are on at least
// Config.FurnitureSites sites, none has a publication date or an author,
// each has an
// address that is not a story's (plainPath), no member credits another,
// and every member's whole text (boilerplate included: a template page is
// all template) and the original's hold most of each other: a copy that
// its republisher wrapped in a header, an appeal or a disclaimer, or cut
// short, is not near-identical to its original, a template page is. Its members are reported as unique,
// with evidence "furniture": no cluster, no edge. The cluster is kept
// inside the clusterer, so the decision follows its members as they arrive
// (two sites: a cluster; the third: furniture) and as they change.

// furnitureShare is how much of each other the whole texts of a furniture
// cluster's members and its original must hold, both ways: a template
// filled with each site's name differs only where the name stands. On the
// generated network (its template pages name the site in every other
// paragraph) template pages hold 0.82–0.94 of each other, and the copies
// of a story, wrapped in their republisher's blocks, at most 0.80.
const furnitureShare = 0.8

// furnitureSlack is how many features beyond that share may differ: on a
// short page (a two-sentence notice holds about eight sampled features) the
// site's name alone changes one or two.
const furnitureSlack = 2

// plainPath reports whether rawURL's address is not a story's: no run of
// three digits or more (a year, a date, an id) in its path or query, and
// a last path segment of at most five words. An address that cannot be
// parsed, or no address, is not plain: furniture is told by its address
// too, and without one a verbatim story on three sites must stay a story.
func plainPath(rawURL string) bool {
	u, err := url.Parse(strings.TrimSpace(rawURL))
	if err != nil || u.Host == "" {
		return false
	}
	if digitRun(u.Path) >= 3 || digitRun(u.RawQuery) >= 3 {
		return false
	}
	words := strings.FieldsFunc(slugOf(u.Path), func(r rune) bool { return r == '-' || r == '_' || r == '+' || r == ' ' })
	return len(words) <= 5
}

// slugOf returns the last segment of a URL path, without a trailing slash
// or an extension (page.html).
func slugOf(path string) string {
	last := path
	if i := strings.LastIndexByte(strings.TrimSuffix(last, "/"), '/'); i >= 0 {
		last = last[i+1:]
	}
	last = strings.TrimSuffix(last, "/")
	if i := strings.LastIndexByte(last, '.'); i > 0 {
		last = last[:i]
	}
	return last
}

// byPerson reports whether a names an author other than its outlet:
// extraction often gives the publisher's name as the author of a page
// (its meta author or JSON-LD author is the organisation), which says
// nothing about whether the page is a story.
func byPerson(a *article.Article, site string) bool {
	who := nameKey(a.Author)
	if who == "" {
		return false
	}
	if n := nameKey(a.SiteName); n != "" && (who == n || strings.Contains(n, who) || strings.Contains(who, n)) {
		return false
	}
	label := site
	if i := strings.IndexByte(label, '.'); i > 0 {
		label = label[:i]
	}
	return who != nameKey(site) && (len(label) < 4 || !strings.Contains(who, nameKey(label)))
}

// digitRun returns the length of the longest run of ASCII digits in s.
func digitRun(s string) int {
	best, n := 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			n++
			best = max(best, n)
		} else {
			n = 0
		}
	}
	return best
}

// isFurniture reports whether cluster c, whose original decide has just
// chosen, is site furniture (see above); credited tells whether a member
// credits another.
func (ix *Clusterer) isFurniture(c int32, credited bool) bool {
	need := ix.cfg.FurnitureSites
	cl := &ix.clusters[c]
	if need <= 0 || credited || len(cl.members) < need {
		return false
	}
	return ix.templatePages(cl.members, need) && ix.allNearOriginal(cl)
}

// templatePages reports whether members read as a template's pages on
// at least need named sites: none dated or signed, each at an address
// that is not a story's.
func (ix *Clusterer) templatePages(members []uint32, need int) bool {
	var sites []uint32
	for _, m := range members {
		d := &ix.docs[m]
		if d.published != 0 || d.hasAuthor || !d.plainPath {
			return false
		}
		if ix.sites[d.site].name != "" && len(sites) < need && !containsU32(sites, d.site) {
			sites = append(sites, d.site)
		}
	}
	return len(sites) >= need
}

// allNearOriginal reports whether every member of cl and its original
// hold most of each other's whole text (nearIdentical).
func (ix *Clusterer) allNearOriginal(cl *cluster) bool {
	for _, m := range cl.members {
		if m != cl.original && !ix.nearIdentical(m, cl.original) {
			return false
		}
	}
	return true
}

// nearIdentical reports whether the whole feature sets (cleaned part and
// noise) of a and b hold each other but for furnitureSlack features and
// a share 1−furnitureShare of the larger: the few features a site's name
// changes weigh on a short page.
func (ix *Clusterer) nearIdentical(a, b uint32) bool {
	ix.cleanSet(a) // the two parts as of now, each sorted
	ix.cleanSet(b)
	da, db := &ix.docs[a], &ix.docs[b]
	ca, na := da.feats[:da.nClean], da.feats[da.nClean:]
	cb, nb := db.feats[:db.nClean], db.feats[db.nClean:]
	inter := Shared(ca, cb) + Shared(ca, nb) + Shared(na, cb) + Shared(na, nb)
	big := max(len(da.feats), len(db.feats))
	return inter > 0 && float64(big-inter) <= furnitureSlack+(1-furnitureShare)*float64(big)
}

func containsU32(xs []uint32, x uint32) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}
