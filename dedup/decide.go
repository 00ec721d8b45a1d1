package dedup

import (
	"slices"

	"github.com/syndex/syndex/article"
)

// maxCompare bounds the members the containment rule compares against, so
// a very large cluster costs O(n) per decision rather than O(n²).
const maxCompare = 24

// decide picks the original of cluster c, strongest evidence first:
// attribution or cross-site canonical naming a member; the earliest
// publication date; the member the others contain (the one most similar to
// all); the earliest fetch time; the smallest id. It then sets every
// member's role, original and similarity to the original, and returns the
// members that are not (or no longer) copies of the original on the
// current clean sets.
func (ix *Clusterer) decide(c int32) []uint32 {
	cl := &ix.clusters[c]
	if len(cl.members) == 0 {
		return nil
	}
	d := &decision{ix: ix, members: cl.members, cands: cl.members}
	d.byCredits()
	d.byNoIndex()
	d.byEarliest(publishedAt, article.EvidenceEarliest)
	d.byContainment()
	d.byEarliest(fetchedAt, article.EvidenceEarliestFetched)
	orig := d.bySmallestID()
	d.agreeing(orig)
	cl.original = orig
	cl.evidence = d.evidence
	gone := ix.assign(cl.members, orig)
	if ix.alignedOriginal(cl.members, orig, gone) {
		gone = []uint32{orig}
	}
	cl.furniture = len(gone) == 0 && ix.isFurniture(c, d.cast > 0)
	if len(gone) == 0 {
		ix.vias(c, d.points)
	}
	return gone
}

// A decision narrows a cluster's members down to its original, one rule
// at a time; each rule that narrows adds its evidence.
type decision struct {
	ix       *Clusterer
	members  []uint32 // the cluster's members
	cands    []uint32 // those still in the running
	evidence []string
	votes    []int // credits each member receives, at the end of its chain
	cast     int   // credits and canonical links cast, in all
	points   []int // the member each member names first, -1 if none
}

// A vote is one member naming another (by index in members), through its
// canonical link or its credit line.
type vote struct {
	to    int
	canon bool
}

// byCredits applies attribution and canonical votes. A vote for a member
// that itself credits another member goes to the end of that chain: when
// C credits B and B credits A, A is the original.
func (d *decision) byCredits() {
	cast := d.castVotes()
	d.cast = len(cast)
	d.votes = make([]int, len(d.members))
	var byAttr, byCanon bool
	for _, v := range cast {
		d.votes[chainEnd(d.points, v.to)]++
		byCanon = byCanon || v.canon
		byAttr = byAttr || !v.canon
	}
	top := maxInt(d.votes)
	if top == 0 {
		return
	}
	var next []uint32
	for i, m := range d.members {
		if d.votes[i] == top {
			next = append(next, m)
		}
	}
	d.cands = d.withEarlierSources(next, top)
	if byAttr {
		d.evidence = append(d.evidence, article.EvidenceAttribution)
	}
	if byCanon {
		d.evidence = append(d.evidence, article.EvidenceCanonical)
	}
}

// castVotes lists every vote of one member for another of a different
// site, and sets points.
func (d *decision) castVotes() []vote {
	ix := d.ix
	d.points = make([]int, len(d.members))
	var cast []vote
	for xi, x := range d.members {
		d.points[xi] = -1
		dx := &ix.docs[x]
		if dx.src == "" && dx.canonHash == 0 {
			continue
		}
		cast, d.points[xi] = d.votesOf(cast, dx)
	}
	return cast
}

// votesOf appends to cast the votes of member dx: one for each member of
// another site its canonical link names, one for each it attributes. It
// returns the votes and the first member dx names (-1: none).
func (d *decision) votesOf(cast []vote, dx *doc) ([]vote, int) {
	first := -1
	for i, m := range d.members {
		dm := &d.ix.docs[m]
		if dm == dx || dm.site == dx.site {
			continue
		}
		var named bool
		if cast, named = d.ix.voteFor(cast, dx, dm, i); named && first < 0 {
			first = i
		}
	}
	return cast, first
}

// voteFor appends to cast dx's votes for member i, dm: a canonical vote
// when dx's canonical link names it, an attribution vote when dx
// attributes it. It reports whether dx named dm either way.
func (ix *Clusterer) voteFor(cast []vote, dx, dm *doc, i int) ([]vote, bool) {
	named := false
	if dx.canonHash != 0 && dx.canonHash == dm.urlHash {
		cast = append(cast, vote{i, true})
		named = true
	}
	if dx.src != "" && ix.attributes(dx, dm) {
		cast = append(cast, vote{i, false})
		named = true
	}
	return cast, named
}

// withEarlierSources adds to the voted members those a credited member
// is itself a copy of. A credited member that is a copy of an earlier
// member (published strictly before it, one of the two carrying the
// other's text almost whole, naming no member) is a link of a chain the
// credit does not reach: C credits B, B credits nobody and copied A. The
// earlier member competes with it on the rules below.
func (d *decision) withEarlierSources(voted []uint32, top int) []uint32 {
	next := voted
	n := len(voted)
	for i, m := range d.members {
		if d.votes[i] == top || d.points[i] >= 0 {
			continue // a member that names another is a copy itself
		}
		for _, v := range next[:n] {
			if d.ix.before(m, v) && d.ix.verify(m, v).containment() >= 0.8 {
				next = append(next, m)
				break
			}
		}
	}
	return next
}

// byNoIndex: a member marked noindex (as syndication partners mark their
// copies) is not the original while one that is not marked remains.
func (d *decision) byNoIndex() {
	if len(d.cands) < 2 {
		return
	}
	var next []uint32
	for _, m := range d.cands {
		if !d.ix.docs[m].noindex {
			next = append(next, m)
		}
	}
	if len(next) > 0 && len(next) < len(d.cands) {
		d.cands = next
		d.evidence = append(d.evidence, article.EvidenceNoIndex)
	}
}

// byEarliest keeps the candidates no other precedes by at, when every
// candidate has that time, and adds evidence when that narrows them.
func (d *decision) byEarliest(at func(*doc) int64, evidence string) {
	if len(d.cands) < 2 {
		return
	}
	if next, ok := d.ix.earliest(d.cands, at); ok && len(next) < len(d.cands) {
		d.evidence = append(d.evidence, evidence)
		d.cands = next
	}
}

func publishedAt(x *doc) int64 { return x.published }
func fetchedAt(x *doc) int64   { return x.fetched }

// byContainment keeps the member most similar to all the others (it
// contains the truncated copies and is contained in the wrapped ones).
func (d *decision) byContainment() {
	if len(d.cands) < 2 {
		return
	}
	others := d.members
	if len(others) > maxCompare {
		others = others[:maxCompare]
	}
	scores := make([]float64, len(d.cands))
	for i, m := range d.cands {
		for _, x := range others {
			if x != m {
				v := d.ix.verify(m, x)
				scores[i] += v.containment() + v.jaccard()
			}
		}
	}
	bestScore := maxFloat(scores)
	var next []uint32
	for i, m := range d.cands {
		if scores[i] >= bestScore-1e-9 {
			next = append(next, m)
		}
	}
	if len(next) < len(d.cands) {
		d.evidence = append(d.evidence, article.EvidenceContainment)
	}
	d.cands = next
}

// bySmallestID returns the remaining candidate with the smallest id.
func (d *decision) bySmallestID() uint32 {
	orig := d.cands[0]
	if len(d.cands) == 1 {
		return orig
	}
	for _, m := range d.cands[1:] {
		if d.ix.docs[m].id < d.ix.docs[orig].id {
			orig = m
		}
	}
	d.evidence = append(d.evidence, article.EvidenceLexicographicTie)
	return orig
}

// agreeing settles the evidence listed for orig: an earlier publication
// date or a noindex mark on the copies that agrees with a stronger rule's
// choice is listed too, and a credit that did not decide (the member it
// named proved a copy of an earlier one) is not.
func (d *decision) agreeing(orig uint32) {
	if !slices.Contains(d.evidence, article.EvidenceEarliest) && d.firstPublished(orig) {
		d.evidence = append(d.evidence, article.EvidenceEarliest)
	}
	if i := slices.Index(d.members, orig); i >= 0 && d.votes[i] == 0 {
		d.evidence = slices.DeleteFunc(d.evidence, isCredit)
	}
	if !slices.Contains(d.evidence, article.EvidenceNoIndex) && d.copiesNoIndex(orig) {
		d.evidence = append(d.evidence, article.EvidenceNoIndex)
	}
}

// firstPublished reports whether orig alone was published first of
// several members.
func (d *decision) firstPublished(orig uint32) bool {
	if len(d.members) <= 1 {
		return false
	}
	first, ok := d.ix.earliest(d.members, publishedAt)
	return ok && len(first) == 1 && first[0] == orig
}

// isCredit reports whether evidence e is a credit one member gives
// another (attribution, canonical link).
func isCredit(e string) bool {
	return e == article.EvidenceAttribution || e == article.EvidenceCanonical
}

// copiesNoIndex reports whether orig is not marked noindex and some
// member is.
func (d *decision) copiesNoIndex(orig uint32) bool {
	ix := d.ix
	return !ix.docs[orig].noindex && slices.ContainsFunc(d.members, func(m uint32) bool { return ix.docs[m].noindex })
}

// assign sets each member's role, original and similarity to orig, and
// returns the members that are no longer copies of it.
func (ix *Clusterer) assign(members []uint32, orig uint32) []uint32 {
	var gone []uint32
	for _, m := range members {
		d := &ix.docs[m]
		d.original = orig
		if m == orig {
			d.role, d.sim = article.RoleOriginal, 1
			continue
		}
		d.role = article.RoleCopy
		v := ix.verify(m, orig)
		d.sim = float32(v.inA())
		if !ix.related(v, m, orig) && !ix.verifiedIn(m, members) && !(ix.isCopy(v) && ix.copyOfMember(m, members, orig)) {
			gone = append(gone, m)
		}
	}
	return gone
}

// alignedOriginal reports whether orig, the original decide chose, holds
// the members it keeps by the alignment rule alone while a member it
// casts out is a copy (isCopy) of one of them: the kept members belong
// with the one cast out, and orig, the weakest link, is the one to leave.
// A digest published first that carries the lead of a story is aligned
// to the story's copies, not their source, and must not split them.
func (ix *Clusterer) alignedOriginal(members []uint32, orig uint32, gone []uint32) bool {
	if ix.cfg.Align <= 0 || len(gone) == 0 || len(members)-len(gone) < 2 {
		return false
	}
	kept, ok := ix.keptByAlignment(members, orig, gone)
	return ok && ix.anyCopyOf(gone, kept)
}

// keptByAlignment returns the members orig keeps besides itself and
// those gone; ok is false when one of them is a copy or rewrite of orig
// (held by more than the alignment rule).
func (ix *Clusterer) keptByAlignment(members []uint32, orig uint32, gone []uint32) (kept []uint32, ok bool) {
	for _, m := range members {
		if m == orig || slices.Contains(gone, m) {
			continue
		}
		v := ix.verify(m, orig)
		if ix.isCopy(v) || ix.isRewrite(v, m, orig) {
			return nil, false
		}
		kept = append(kept, m)
	}
	return kept, true
}

// anyCopyOf reports whether one of docs is a copy (isCopy) of one of of.
func (ix *Clusterer) anyCopyOf(docs, of []uint32) bool {
	for _, g := range docs {
		for _, m := range of {
			if ix.isCopy(ix.verify(g, m)) {
				return true
			}
		}
	}
	return false
}

// chainEnd follows the credits in points from member i (each member's
// first named member, -1 for none) to the member at the end of the chain,
// stopping before a loop.
func chainEnd(points []int, start int) int {
	i := start
	for range points {
		j := points[i]
		if j < 0 {
			return i
		}
		if j == start {
			return start // a loop: the credits cancel out
		}
		i = j
	}
	return start
}

// attributes reports whether copy x's Source names member m's site, URL or
// outlet name.
func (ix *Clusterer) attributes(x, m *doc) bool {
	if x.srcURL != 0 && x.srcURL == m.urlHash {
		return true
	}
	s := &ix.sites[m.site]
	if x.src == s.name || x.src == nameKey(s.label) {
		return true
	}
	return len(s.label) >= 4 && x.srcURL == 0 && len(x.src) > len(s.label) && containsWord(x.src, s.label)
}

// containsWord reports whether name (letters only) starts or ends with
// label, e.g. "reutersnews" and "reuters".
func containsWord(name, label string) bool {
	return len(name) >= len(label) && (name[:len(label)] == label || name[len(name)-len(label):] == label)
}

// earliest keeps the candidates that no other candidate precedes; ok is
// false when some candidate has no time. A time at exactly midnight UTC is
// taken to be a bare date, and is compared with the others by day only,
// so "2024-03-01" does not beat "2024-03-01T09:30Z".
func (ix *Clusterer) earliest(cands []uint32, at func(*doc) int64) ([]uint32, bool) {
	for _, m := range cands {
		if at(&ix.docs[m]) == 0 {
			return cands, false
		}
	}
	var next []uint32
	for _, m := range cands {
		if ix.noneBefore(cands, m, at) {
			next = append(next, m)
		}
	}
	return next, true
}

// noneBefore reports whether no other candidate's time (at) is before
// m's (timeBefore).
func (ix *Clusterer) noneBefore(cands []uint32, m uint32, at func(*doc) int64) bool {
	tm := at(&ix.docs[m])
	for _, x := range cands {
		if x != m && timeBefore(at(&ix.docs[x]), tm) {
			return false
		}
	}
	return true
}

// timeBefore reports whether time a (Unix seconds) is before b; a time at
// exactly midnight UTC is a bare date, compared with the other by day only.
func timeBefore(a, b int64) bool {
	const day = 86400
	if a%day == 0 || b%day == 0 {
		return a/day < b/day
	}
	return a < b
}

func maxInt(xs []int) int {
	m := 0
	for _, x := range xs {
		m = max(m, x)
	}
	return m
}

func maxFloat(xs []float64) float64 {
	m := xs[0]
	for _, x := range xs[1:] {
		m = max(m, x)
	}
	return m
}
