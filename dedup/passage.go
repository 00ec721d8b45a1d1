package dedup

// Recurring passages. A disclaimer, a donation appeal or a header that a
// network of sites (or one site whose articles carry no site field) puts
// around every story is a passage that recurs in many articles which
// otherwise share nothing: each of them also holds text of its own, text
// far rarer than the passage. A story copied by many sites is the
// opposite: the articles that hold it hold little else (a truncated copy
// holds nothing else), so its features are as common as each other.
//
// So the global table counts, beside each frequent feature's articles,
// its diverse articles: those in which at least a quarter of the features
// are held by at most 1/PassageRatio as many articles as the feature. A
// feature held by at least PassageMinDocs articles, at least half of them
// diverse, is a recurring passage, and noise in every article, whatever
// its site; the rule needs no site field. It is a property of the feature,
// not of one article, so an article that is mostly template around a
// short story of its own has the template discounted too, as long as most
// of the template's articles show it for what it is.

// diverseShare is the share of an article's features that must be rarer
// than a feature for the article to count as diverse for it.
const diverseShare = 4 // one in four

// passageScratch is the space one goroutine uses to find the features an
// article is diverse for.
type passageScratch struct {
	counts, sorted []uint32
	out            []uint32
}

// diverseFor returns the features of fs (one article's) for which the
// article is diverse, on the global table's current counts; the result
// lives in sc until the next call.
func (ix *Clusterer) diverseFor(fs []uint32, sc *passageScratch) []uint32 {
	sc.out = sc.out[:0]
	r := ix.cfg.PassageRatio
	if r <= 0 || len(fs) == 0 {
		return sc.out
	}
	sc.counts = sc.counts[:0]
	for _, f := range fs {
		sc.counts = append(sc.counts, ix.global.count(f))
	}
	sc.sorted = append(sc.sorted[:0], sc.counts...)
	need := (len(fs) + diverseShare - 1) / diverseShare
	// The article is diverse for f when its need-th rarest feature is
	// rare enough: count ≤ count(f)/r.
	rare := float64(nthSmallest(sc.sorted, need-1))
	pmin := uint32(max(ix.cfg.PassageMinDocs, 1))
	for i, f := range fs {
		if c := sc.counts[i]; c >= pmin && rare*r <= float64(c) {
			sc.out = append(sc.out, f)
		}
	}
	return sc.out
}

// passagesOf appends to dst, per feature of fs, whether it is a recurring
// passage now.
func (ix *Clusterer) passagesOf(fs []uint32, dst []bool) []bool {
	for _, f := range fs {
		dst = append(dst, ix.passage(f))
	}
	return dst
}

// passageFlips compares the passage status of fs with before (from
// passagesOf), appends those that became passages to ix.crossed and
// reports whether any changed. A feature that becomes a passage is
// flagged, and stays one until fewer than a quarter (not half) of its
// articles are diverse: without this margin a feature at the boundary
// would turn passage and back with every article counted, and every turn
// re-decides the clusters that hold it.
func (ix *Clusterer) passageFlips(fs []uint32, before []bool) bool {
	changed := false
	for i, f := range fs {
		if now := ix.passage(f); now != before[i] {
			changed = true
			ix.global.setPassage(f, now)
			if now {
				ix.crossed = append(ix.crossed, f)
			}
		}
	}
	return changed
}

// passage reports whether f is a recurring passage.
func (ix *Clusterer) passage(f uint32) bool {
	return ix.isPassage(ix.global.diverse(f))
}

// passageFlag marks, in a diversity count, a feature the incremental
// clusterer holds for a passage (see passageFlips).
const passageFlag = 1 << 31

// isPassage reports whether a feature held by c articles, div of them
// diverse (with passageFlag), is a recurring passage: half of them are
// diverse, or a quarter once it is flagged.
func (ix *Clusterer) isPassage(c, div uint32) bool {
	if c < uint32(ix.cfg.PassageMinDocs) || ix.cfg.PassageRatio <= 0 {
		return false
	}
	if div&passageFlag != 0 {
		return 4*(div&^passageFlag) >= c
	}
	return 2*div >= c
}

// nthSmallest returns the n-th smallest value of xs (0-based), reordering
// xs: a quickselect, linear on average.
func nthSmallest(xs []uint32, n int) uint32 {
	lo, hi := 0, len(xs)-1
	for lo < hi {
		p := xs[lo+(hi-lo)/2]
		i, j := lo, hi
		for i <= j {
			for xs[i] < p {
				i++
			}
			for xs[j] > p {
				j--
			}
			if i <= j {
				xs[i], xs[j] = xs[j], xs[i]
				i++
				j--
			}
		}
		switch {
		case n <= j:
			hi = j
		case n >= i:
			lo = i
		default:
			return xs[n]
		}
	}
	return xs[n]
}
