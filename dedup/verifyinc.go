package dedup

import (
	"math"
	"slices"
)

// The verifying stage on the incremental path. Run verifies whole texts
// after clustering a whole input (verify.go); an archive adds articles
// one at a time and keeps no texts in memory, so there the stage runs at
// each Add instead, reading whole texts from where the caller keeps them
// (SetTexts: the archive's store). Its state is what lets it run one
// article at a time: the word counts of the dated articles added so far
// (the same fixed table Run fills) and, for each word still rare (held
// at most verifyRare times), the articles that hold it. Both are part of
// the checkpoint (WriteTo), so an index restored from it and the articles
// added since replayed is the index that never stopped.
//
// An article added dated gets its words counted; when it is unique after
// clustering, the earlier articles of other sites published up to
// verifyDays before it that share verifyMinShared of its rare words are
// ranked by rarity, the best verifyCands read whole and aligned to it as
// Run does (alignWhole, Config.Verify, verifyCover), and it joins the
// first that holds. As arrival is not publication order, the later
// published articles among the candidates that are still unique are
// checked the other way round: each one that is a rewrite of the new
// article joins it. A member joined this way stays in its cluster when
// the cluster is decided again (verifiedIn), as the sketch the decision
// reads does not show the rewrite. Re-adding an article unchanged is a
// no-op before any of this, so re-ingest changes no cluster.

// verifyCandsInc is how many earlier articles the stage reads per new
// article on the incremental path (verifyCands offline).
var verifyCandsInc = 3

// Texts returns the text of an article the index holds, by id, as it was
// added. An error leaves the article out of the verification.
type Texts func(id string) (string, error)

// SetTexts turns the verifying stage on for the articles added from now
// on (when Config.Verify > 0), reading earlier articles' texts with t;
// nil turns it off. Run does not use it: it reads its own input again.
func (ix *Index) SetTexts(t Texts) { ix.texts = t }

// incVerify is the incremental stage's state (see above).
type incVerify struct {
	docs int64 // dated articles counted
	// count holds, per word hash (top wordTableBits bits), its
	// occurrences, saturating at 255: the stage only asks whether a word
	// is past verifyRare, and a byte keeps the table at 2 MiB, not 8.
	// The checkpoint sums each chunk of it (verifypersist.go), as random
	// bytes are valid counts.
	count []uint8
	// posts lists, per rare word (the top 32 bits of its hash), the
	// documents holding it, in order of addition; a word that stops
	// being rare loses its list.
	posts map[uint32][]uint32
	// verified holds the documents the stage joined to a cluster, with
	// the document they align to.
	verified map[uint32]uint32
}

func newIncVerify() *incVerify {
	return &incVerify{count: make([]uint8, 1<<wordTableBits), posts: map[uint32][]uint32{}, verified: map[uint32]uint32{}}
}

// wordsOf appends to dst the top 32 bits of each word hash (what the
// stage keeps of a word: the count table reads its top wordTableBits).
func wordsOf(dst []uint32, hs []uint64) []uint32 {
	for _, h := range hs {
		dst = append(dst, uint32(h>>32))
	}
	return dst
}

// countWord counts one more occurrence of w and returns its count (at
// most 255).
func (iv *incVerify) countWord(w uint32) uint32 {
	slot := &iv.count[w>>(32-wordTableBits)]
	if *slot < math.MaxUint8 {
		*slot++
	}
	return uint32(*slot)
}

func (iv *incVerify) of(w uint32) uint32 { return uint32(iv.count[w>>(32-wordTableBits)]) }

// verifiedIn reports whether member m of a cluster with the given members
// was joined to it by the verifying stage, aligned to one of them.
func (ix *Index) verifiedIn(m uint32, members []uint32) bool {
	if ix.inc == nil {
		return false
	}
	e, ok := ix.inc.verified[m]
	return ok && !ix.docs[e].dead && slices.Contains(members, e)
}

// verifyAdded is the stage for document x, just added with text: it
// counts and posts x's words and verifies x against the articles that
// share its rare words (see above). The changes are journaled.
func (ix *Index) verifyAdded(x uint32, text string, all []uint32) {
	dx := &ix.docs[x]
	if ix.cfg.Verify <= 0 || dx.published == 0 || dx.dead {
		return
	}
	if ix.inc == nil {
		ix.inc = newIncVerify()
	}
	iv := ix.inc
	iv.docs++
	if len(all) == 0 {
		all = wordsOf(nil, ix.sh.Words(text))
	}
	var words []uint32
	for _, w := range all {
		if n := iv.countWord(w); n > verifyRare {
			if n == verifyRare+1 {
				delete(iv.posts, w)
			}
			continue
		}
		words = append(words, w)
	}
	slices.Sort(words)
	words = slices.Compact(words)
	// A word counted past rare since (it repeats in text) is not rare.
	words = slices.DeleteFunc(words, func(w uint32) bool { return iv.of(w) > verifyRare })
	if len(words) >= verifyMinShared && !ix.furniture(x) {
		ix.verifyAgainst(x, text, words)
	}
	for _, w := range words {
		iv.posts[w] = append(iv.posts[w], x)
	}
}

// verifyAgainst verifies x against the articles sharing its rare words.
func (ix *Index) verifyAgainst(x uint32, text string, words []uint32) {
	iv := ix.inc
	dx := &ix.docs[x]
	score, shared := map[uint32]float64{}, map[uint32]int{}
	const window = verifyDays * alignDay
	for _, w := range words {
		idf := math.Log(float64(iv.docs) / float64(max(1, iv.of(w))))
		for _, e := range iv.posts[w] {
			de := &ix.docs[e]
			// A copy carries its original's text: the original stands for
			// its cluster, as in Run's stage.
			if e == x || de.dead || de.site == dx.site || de.published == 0 || (de.cluster != noCluster && de.original != e) ||
				de.published < dx.published-window || de.published > dx.published+window {
				continue
			}
			score[e] += idf
			shared[e]++
		}
	}
	cands := rankCandidates(score, shared)
	if len(cands) == 0 {
		return
	}
	var a, b sentenceGrams
	a.of(text)
	for _, e := range cands[:min(len(cands), verifyCandsInc)] {
		// eFirst: e was published before x or the same day, and may be
		// its source; xFirst: the other way round.
		eFirst, xFirst := !ix.publishedBefore(x, e), !ix.publishedBefore(e, x)
		xUnique := ix.docs[x].cluster == noCluster
		eUnique := ix.docs[e].cluster == noCluster
		if !(eFirst && xUnique) && !(xFirst && eUnique) {
			continue
		}
		te, err := ix.texts(ix.docs[e].id)
		if err != nil || te == "" {
			continue
		}
		b.of(te)
		if eFirst && xUnique && mayCover(&a, &b) {
			if share, cover := alignWhole(&a, &b); share >= ix.cfg.Verify && cover >= verifyCover {
				ix.joinInc(x, e)
				continue
			}
		}
		if xFirst && eUnique && mayCover(&b, &a) {
			if share, cover := alignWhole(&b, &a); share >= ix.cfg.Verify && cover >= verifyCover {
				ix.joinInc(e, x)
			}
		}
	}
}

// mayCover reports whether the sentences of src that der's sentences
// align to can hold verifyCover of src: each sentence of der aligns to
// one of src at most, so they hold at most what src's largest sentences,
// as many as der has, hold. False means alignWhole(der, src) is below
// verifyCover, without aligning: a short article against a long page,
// which on real pages is most of what the stage is asked, is decided by
// the sizes of their sentences.
func mayCover(der, src *sentenceGrams) bool {
	n := 0
	for i := range der.ends {
		if len(der.sentence(i)) >= alignMinGrams {
			n++
		}
	}
	if n >= len(src.ends) {
		return true
	}
	sizes := make([]int, len(src.ends))
	total := 0
	for j := range src.ends {
		sizes[j] = len(src.sentence(j))
		total += sizes[j]
	}
	slices.Sort(sizes)
	held := 0
	for _, k := range sizes[len(sizes)-n:] {
		held += k
	}
	return float64(held) >= verifyCover*float64(total)
}

// joinInc makes unique article later a copy in earlier's cluster, as Run's
// stage does, journaling what changes, and remembers the link.
func (ix *Index) joinInc(later, earlier uint32) {
	ix.touchGroup(earlier)
	ix.touch(later)
	ix.joinVerified(later, earlier)
	ix.inc.verified[later] = earlier
}

// forgetVerified drops document di's link (it is being removed).
func (ix *Index) forgetVerified(di uint32) {
	if ix.inc != nil {
		delete(ix.inc.verified, di)
	}
}
