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
func (ix *Index) decide(c int32) []uint32 {
	cl := &ix.clusters[c]
	if len(cl.members) == 0 {
		return nil
	}
	cands := cl.members
	var evidence []string

	// 1. attribution and canonical votes. A vote for a member that
	// itself credits another member goes to the end of that chain: when
	// C credits B and B credits A, A is the original.
	votes := make([]int, len(cands))
	points := make([]int, len(cands)) // the member each member names first, -1 if none
	type vote struct {
		to    int
		canon bool
	}
	var cast []vote
	for xi, x := range cands {
		points[xi] = -1
		dx := &ix.docs[x]
		if dx.src == "" && dx.canonHash == 0 {
			continue
		}
		for i, m := range cands {
			dm := &ix.docs[m]
			if m == x || dm.site == dx.site {
				continue
			}
			named := false
			if dx.canonHash != 0 && dx.canonHash == dm.urlHash {
				cast = append(cast, vote{i, true})
				named = true
			}
			if dx.src != "" && ix.attributes(dx, dm) {
				cast = append(cast, vote{i, false})
				named = true
			}
			if named && points[xi] < 0 {
				points[xi] = i
			}
		}
	}
	var byAttr, byCanon bool
	for _, v := range cast {
		votes[chainEnd(points, v.to)]++
		byCanon = byCanon || v.canon
		byAttr = byAttr || !v.canon
	}
	if top := maxInt(votes); top > 0 {
		var next []uint32
		for i, m := range cands {
			if votes[i] == top {
				next = append(next, m)
			}
		}
		// A credited member that is itself a copy of an earlier member
		// (published strictly before it, one of the two carrying the
		// other's text almost whole, naming no member) is a link of a chain the credit does not reach: C
		// credits B, B credits nobody and copied A. The earlier member
		// competes with it on the rules below.
		voted := len(next)
		for i, n := range cl.members {
			if votes[i] == top || points[i] >= 0 {
				continue // a member that names another is a copy itself
			}
			for _, m := range next[:voted] {
				if ix.before(n, m) && ix.verify(n, m).containment() >= 0.8 {
					next = append(next, n)
					break
				}
			}
		}
		cands = next
		if byAttr {
			evidence = append(evidence, article.EvidenceAttribution)
		}
		if byCanon {
			evidence = append(evidence, article.EvidenceCanonical)
		}
	}

	// A member marked noindex (as syndication partners mark their
	// copies) is not the original while one that is not marked remains.
	if len(cands) > 1 {
		var next []uint32
		for _, m := range cands {
			if !ix.docs[m].noindex {
				next = append(next, m)
			}
		}
		if len(next) > 0 && len(next) < len(cands) {
			cands = next
			evidence = append(evidence, article.EvidenceNoIndex)
		}
	}

	// 2. earliest publication date, when every remaining candidate has one.
	if len(cands) > 1 {
		if next, ok := ix.earliest(cands, func(d *doc) int64 { return d.published }); ok {
			if len(next) < len(cands) {
				evidence = append(evidence, article.EvidenceEarliest)
			}
			cands = next
		}
	}

	// 3. containment: the member most similar to all the others (it
	// contains the truncated copies and is contained in the wrapped ones).
	if len(cands) > 1 {
		others := cl.members
		if len(others) > maxCompare {
			others = others[:maxCompare]
		}
		scores := make([]float64, len(cands))
		for i, m := range cands {
			for _, x := range others {
				if x != m {
					v := ix.verify(m, x)
					scores[i] += v.containment() + v.jaccard()
				}
			}
		}
		bestScore := maxFloat(scores)
		var next []uint32
		for i, m := range cands {
			if scores[i] >= bestScore-1e-9 {
				next = append(next, m)
			}
		}
		if len(next) < len(cands) {
			evidence = append(evidence, article.EvidenceContainment)
		}
		cands = next
	}

	// 4. earliest fetch; 5. smallest id.
	if len(cands) > 1 {
		if next, ok := ix.earliest(cands, func(d *doc) int64 { return d.fetched }); ok && len(next) < len(cands) {
			evidence = append(evidence, article.EvidenceEarliestFetched)
			cands = next
		}
	}
	orig := cands[0]
	if len(cands) > 1 {
		for _, m := range cands[1:] {
			if ix.docs[m].id < ix.docs[orig].id {
				orig = m
			}
		}
		evidence = append(evidence, article.EvidenceLexicographicTie)
	}

	// Also list an earlier publication date that agrees with a stronger
	// rule's choice.
	if !slices.Contains(evidence, article.EvidenceEarliest) && len(cl.members) > 1 {
		if first, ok := ix.earliest(cl.members, func(d *doc) int64 { return d.published }); ok && len(first) == 1 && first[0] == orig {
			evidence = append(evidence, article.EvidenceEarliest)
		}
	}
	// A credit that did not decide (the member it named proved a copy of
	// an earlier one) is not the original's evidence.
	if i := slices.Index(cl.members, orig); i >= 0 && votes[i] == 0 {
		evidence = slices.DeleteFunc(evidence, func(e string) bool {
			return e == article.EvidenceAttribution || e == article.EvidenceCanonical
		})
	}
	// And a noindex mark on copies that agrees with the choice.
	if !slices.Contains(evidence, article.EvidenceNoIndex) && !ix.docs[orig].noindex &&
		slices.ContainsFunc(cl.members, func(m uint32) bool { return ix.docs[m].noindex }) {
		evidence = append(evidence, article.EvidenceNoIndex)
	}
	cl.original = orig
	cl.evidence = evidence
	var gone []uint32
	for _, m := range cl.members {
		d := &ix.docs[m]
		d.original = orig
		if m == orig {
			d.role, d.sim = article.RoleOriginal, 1
			continue
		}
		d.role = article.RoleCopy
		v := ix.verify(m, orig)
		d.sim = float32(v.inA())
		if !ix.isCopy(v) {
			gone = append(gone, m)
		}
	}
	if len(gone) == 0 {
		ix.vias(c, points)
	}
	return gone
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
func (ix *Index) attributes(x, m *doc) bool {
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
func (ix *Index) earliest(cands []uint32, at func(*doc) int64) ([]uint32, bool) {
	for _, m := range cands {
		if at(&ix.docs[m]) == 0 {
			return cands, false
		}
	}
	const day = 86400
	before := func(a, b int64) bool {
		if a%day == 0 || b%day == 0 {
			return a/day < b/day
		}
		return a < b
	}
	var next []uint32
	for _, m := range cands {
		tm := at(&ix.docs[m])
		first := true
		for _, x := range cands {
			if x != m && before(at(&ix.docs[x]), tm) {
				first = false
				break
			}
		}
		if first {
			next = append(next, m)
		}
	}
	return next, true
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
