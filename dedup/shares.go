package dedup

import (
	"slices"

	"github.com/syndex/syndex/article"
)

// How much was copied, and from whom.
//
// A copy's similarity says how much of the copy is found in the original,
// so a copy of the first half of a story scores 1. The shares say both
// sides: original_share is the part of the original's story (its cleaned
// feature set: without its site's boilerplate and globally common
// passages) that the copy carries anywhere in its text, copy_share the part
// of the copy's whole text (its republisher's header, appeal and
// disclaimer included) that is found anywhere in the original. They are
// computed on the sampled shingles the clusterer keeps (one 3-word shingle in
// four), so on a story of 600 words they are good to a few hundredths.
//
// A copy of a copy (A→B→C) names the copy it was taken from in via: C
// credits B and B is itself a copy of the cluster's original, or C carries
// the changes B made to A's text.

// shares returns copy di's original_share and copy_share against the
// original o, on the current cleaned sets.
func (ix *Clusterer) shares(di, o uint32) (origShare, copyShare float64) {
	oc := ix.cleanSet(o)
	on := ix.docs[o].feats[len(oc):]
	cc := ix.cleanSet(di)
	cn := ix.docs[di].feats[len(cc):]
	story := Shared(oc, cc) + Shared(oc, cn) // the original's story found in the copy
	rest := Shared(on, cc) + Shared(on, cn)  // the original's other features found in it
	origShare = shareOf(story, len(oc))
	if len(oc) == 0 { // nothing of the original is story: use all of it
		origShare = shareOf(rest, len(on))
	}
	copyShare = shareOf(story+rest, len(cc)+len(cn))
	return round4(min(1, origShare)), round4(min(1, copyShare))
}

// minEdits is the fewest sampled features (some two dozen shingles: a
// sentence rewritten or added, or several words changed apart) two copies
// must share, beyond the original's text, for one to have taken the other's
// edits; they must also be a twentieth of the copy's cleaned set and most
// of its own changes. Fewer are what independent copies share by accident:
// the same last word of the story before the same kind of donation
// appeal, the same quote marks straightened.
const minEdits = 6

// vias sets, for every copy of cluster c (whose original is decided), the
// copy it was taken from: the copy it credits (attribution or canonical,
// on another site; points[i] is the member index members[i] names, -1 when
// none), or else the earlier copy whose edits to the original's text it
// carries (most of its own changes are that copy's changes) when it does
// not credit the original itself. Links that would form a loop are
// dropped.
func (ix *Clusterer) vias(c int32, points []int) {
	cl := &ix.clusters[c]
	ms := cl.members
	for _, m := range ms {
		ix.docs[m].via = 0
	}
	if len(ms) < 3 {
		return
	}
	creditsOrig := ix.creditVias(ms, cl.original, points)
	if me := ix.copyEdits(ms, cl.original); me.withEdits() >= 2 {
		ix.editVias(me, creditsOrig)
	}
	ix.cutViaLoops(ms)
}

// creditVias links each copy that credits another copy (on another site)
// to it, and reports which members credit the original itself.
func (ix *Clusterer) creditVias(ms []uint32, orig uint32, points []int) (creditsOrig []bool) {
	o := &ix.docs[orig]
	creditsOrig = make([]bool, len(ms))
	for i, m := range ms {
		if m == orig {
			continue
		}
		if j := points[i]; j >= 0 && ms[j] != orig && ix.docs[ms[j]].role == article.RoleCopy {
			ix.docs[m].via = ms[j] + 1
			continue
		}
		creditsOrig[i] = ix.credits(&ix.docs[m], o)
	}
	return creditsOrig
}

// credits reports whether dm credits o: attributes it (o of another
// site) or names it as its canonical.
func (ix *Clusterer) credits(dm, o *doc) bool {
	return (dm.src != "" && dm.site != o.site && ix.attributes(dm, o)) ||
		(dm.canonHash != 0 && dm.canonHash == o.urlHash)
}

// memberEdits are the changes the copies of a cluster made to its
// original's text, member by member.
type memberEdits struct {
	ms   []uint32 // the members
	orig uint32
	// edits[i] are member i's cleaned features not in the original, nil
	// when fewer than minEdits.
	edits  [][]uint32
	nClean []int // the size of each member's cleaned set
}

// copyEdits are the copies' own changes: each member's cleaned features
// not in the original (nil when fewer than minEdits), and the size of
// each member's cleaned set.
func (ix *Clusterer) copyEdits(ms []uint32, orig uint32) *memberEdits {
	o := &ix.docs[orig]
	oc := ix.cleanSet(orig)
	on := o.feats[len(oc):]
	me := &memberEdits{ms: ms, orig: orig, edits: make([][]uint32, len(ms)), nClean: make([]int, len(ms))}
	for i, m := range ms {
		if m == orig {
			continue
		}
		mc := ix.cleanSet(m)
		me.nClean[i] = len(mc)
		if len(mc)-Shared(mc, oc)-Shared(mc, on) < minEdits {
			continue
		}
		me.edits[i] = []uint32{}
		for _, f := range mc {
			if _, in := slices.BinarySearch(oc, f); in {
				continue
			}
			if _, in := slices.BinarySearch(on, f); in {
				continue
			}
			me.edits[i] = append(me.edits[i], f)
		}
	}
	return me
}

// withEdits counts the members with changes of their own.
func (me *memberEdits) withEdits() int {
	n := 0
	for _, e := range me.edits {
		if e != nil {
			n++
		}
	}
	return n
}

// editVias links each copy that does not credit the original (nor
// another copy) to the earlier copy whose edits it carries (editSource).
func (ix *Clusterer) editVias(me *memberEdits, creditsOrig []bool) {
	for i, m := range me.ms {
		if len(me.edits[i]) == 0 || creditsOrig[i] || ix.docs[m].via != 0 {
			continue
		}
		if j := ix.editSource(me, i); j >= 0 {
			ix.docs[m].via = me.ms[j] + 1
		}
	}
}

// editSource is the member (its index) that member i took its edits
// from: the earlier copy on another site with whom it shares most of its
// own changes, at least minEdits and a twentieth of its cleaned set; the
// copy sharing most wins. -1 when none does.
func (ix *Clusterer) editSource(me *memberEdits, i int) int {
	m := me.ms[i]
	best, bestShared := -1, 0
	for j, b := range me.ms {
		if j == i || b == me.orig || len(me.edits[j]) == 0 || ix.docs[b].site == ix.docs[m].site || !ix.before(b, m) {
			continue
		}
		shared := Shared(me.edits[i], me.edits[j])
		if me.enoughEdits(i, shared) && shared > bestShared {
			best, bestShared = j, shared
		}
	}
	return best
}

// enoughEdits reports whether shared edits are enough of member i's for
// another member to be its source: minEdits, a twentieth of its clean
// features, half its edits.
func (me *memberEdits) enoughEdits(i, shared int) bool {
	return shared >= minEdits && 20*shared >= me.nClean[i] && 2*shared >= len(me.edits[i])
}

// cutViaLoops drops the link that closes each loop of credits (B
// credits C, C credits B).
func (ix *Clusterer) cutViaLoops(ms []uint32) {
	for _, m := range ms {
		x := m
		for range ms {
			v := ix.docs[x].via
			if v == 0 {
				break
			}
			x = v - 1
			if x == m {
				ix.docs[m].via = 0
				break
			}
		}
	}
}

// before reports whether article a appeared strictly before article b:
// by publication date (by day when either is a bare date), else by fetch
// time when either date is unknown or the days are the same.
func (ix *Clusterer) before(a, b uint32) bool {
	da, db := &ix.docs[a], &ix.docs[b]
	if da.published != 0 && db.published != 0 {
		const day = 86400
		pa, pb := da.published, db.published
		if pa%day != 0 && pb%day != 0 {
			return pa < pb
		}
		if pa/day != pb/day {
			return pa/day < pb/day
		}
	}
	return da.fetched != 0 && db.fetched != 0 && da.fetched < db.fetched
}
