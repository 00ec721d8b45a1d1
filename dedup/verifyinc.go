package dedup

import (
	"math"
	"slices"

	"github.com/syndex/syndex/dedup/shingle"
)

// The verifying stage on the incremental path. Run verifies whole texts
// after clustering a whole input (verify.go); an archive adds articles
// one at a time and keeps no texts in memory, so there the stage runs at
// each Add instead, reading whole texts from where the caller keeps them
// (SetTexts: the archive's store). Its state is what lets it run one
// article at a time: the word counts of the dated articles added so far
// (the same fixed table Run fills) and, for each word still rare (held
// at most verifyRare times), the articles that hold it. Both are part of
// the checkpoint (WriteTo), so a clusterer restored from it and the articles
// added since replayed is the clusterer that never stopped.
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

// Texts returns the text of an article the clusterer holds, by id, as it was
// added. An error leaves the article out of the verification.
type Texts func(id string) (string, error)

// SetTexts turns the verifying stage on for the articles added from now
// on (when Config.Verify > 0), reading earlier articles' texts with t;
// nil turns it off. Run does not use it: it reads its own input again.
func (ix *Clusterer) SetTexts(t Texts) { ix.texts = t }

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
	scratch  *verifyScratch // not state: not in the checkpoint
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
func (ix *Clusterer) verifiedIn(m uint32, members []uint32) bool {
	if ix.inc == nil {
		return false
	}
	e, ok := ix.inc.verified[m]
	return ok && !ix.docs[e].dead && slices.Contains(members, e)
}

// verifyAdded is the stage for document x, just added with text: it
// counts and posts x's words and verifies x against the articles that
// share its rare words (see above). The changes are journaled.
func (ix *Clusterer) verifyAdded(x uint32, text string, all []uint32) {
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
	words := iv.countRare(all)
	if len(words) >= verifyMinShared && !ix.furniture(x) {
		ix.verifyAgainst(x, text, words, all)
	}
	for _, w := range words {
		iv.posts[w] = append(iv.posts[w], x)
	}
}

// countRare counts the words of one article, all, and returns those
// still rare (held at most verifyRare times), sorted and distinct; a
// word counted past rare loses its postings.
func (iv *incVerify) countRare(all []uint32) []uint32 {
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
	// A word counted past rare since (it repeats in all) is not rare.
	return slices.DeleteFunc(words, func(w uint32) bool { return iv.of(w) > verifyRare })
}

// verifyOrder is the share of an article's word pairs (two words in a
// row) that an earlier or later article must hold before the two are
// aligned (verifyAgainst). Alignment builds every character 4-gram of
// both texts sentence by sentence; on real pages most candidates share
// their rare words (the names of an event, the same page crawled again
// with its words in another order) but not their wording, and aligning
// them was most of the stage's cost. COUNTER's rewrites the stage joins
// hold 0.18-0.62 of their word pairs in their source; candidates it
// leaves apart there hold 0.04 (median), on the 50 MB cut of the
// real-page WARC 0.035, and 0.1 leaves 9 % of that cut's alignments.
const verifyOrder = 0.1

// verifyScratch is the incremental stage's scratch, kept between
// articles (none of it is state).
type verifyScratch struct {
	score   map[uint32]float64
	shared  map[uint32]int
	sh      shingle.Shingler
	pairsX  []uint64 // the word pairs of the article being verified
	pairsE  []uint64 // of a candidate
	words   []uint32
	a, b    sentenceGrams
	aRead   bool // a holds the article being verified
	aligned int  // alignments run (what the order filter spares)
}

// verifyAgainst verifies x against the articles sharing its rare words:
// the best verifyCandsInc of them that share verifyOrder of the word
// pairs of the one that would be the copy are aligned to it.
func (ix *Clusterer) verifyAgainst(x uint32, text string, words, all []uint32) {
	cands := ix.incCandidates(x, words)
	if len(cands) == 0 {
		return
	}
	sc := ix.scratch()
	sc.pairsX = wordPairs(sc.pairsX[:0], all)
	sc.aRead = false
	for _, e := range cands[:min(len(cands), verifyCandsInc)] {
		ix.verifyPair(x, e, text)
	}
}

// scratch returns the stage's scratch (ix.inc is set).
func (ix *Clusterer) scratch() *verifyScratch {
	iv := ix.inc
	if iv.scratch == nil {
		iv.scratch = &verifyScratch{score: map[uint32]float64{}, shared: map[uint32]int{}}
	}
	return iv.scratch
}

// incCandidates returns the articles that may be x's source or copy:
// of other sites, published within verifyDays of it, unique or their
// cluster's original (a copy carries its original's text: the original
// stands for its cluster, as in Run's stage), sharing verifyMinShared of
// x's rare words, best (by the words' IDF) first.
func (ix *Clusterer) incCandidates(x uint32, words []uint32) []uint32 {
	iv, sc := ix.inc, ix.scratch()
	dx := &ix.docs[x]
	clear(sc.score)
	clear(sc.shared)
	for _, w := range words {
		idf := math.Log(float64(iv.docs) / float64(max(1, iv.of(w))))
		for _, e := range iv.posts[w] {
			if e == x || !ix.mayPair(dx, e) {
				continue
			}
			sc.score[e] += idf
			sc.shared[e]++
		}
	}
	return rankCandidates(sc.score, sc.shared)
}

// mayPair reports whether document e (not dx) can be dx's source or copy
// in the incremental stage: live, of another site, dated within
// verifyDays of dx, and unique or its cluster's original.
func (ix *Clusterer) mayPair(dx *doc, e uint32) bool {
	const window = verifyDays * alignDay
	de := &ix.docs[e]
	return !de.dead && de.site != dx.site && de.published != 0 && (de.cluster == noCluster || de.original == e) &&
		de.published >= dx.published-window && de.published <= dx.published+window
}

// verifyPair checks x and candidate e both ways that can hold: e (or its
// cluster) published first and x unique, x a copy of e; x first and e
// unique, the other way round. Each way needs the copy's word pairs in
// the source (verifyOrder) before the two are aligned.
func (ix *Clusterer) verifyPair(x, e uint32, text string) {
	eFirst, xFirst := ix.pairWays(x, e)
	if !eFirst && !xFirst {
		return
	}
	te, ok := ix.textOf(e)
	if !ok {
		return
	}
	sc := ix.scratch()
	if eFirst, xFirst = sc.inOrder(te, eFirst, xFirst); !eFirst && !xFirst {
		return
	}
	sc.readPair(text, te)
	if eFirst && ix.rewriteOf(&sc.a, &sc.b) {
		ix.joinInc(x, e)
		return
	}
	if xFirst && ix.rewriteOf(&sc.b, &sc.a) {
		ix.joinInc(e, x)
	}
}

// textOf reads document e's text (Texts); false when it cannot be read
// or is empty.
func (ix *Clusterer) textOf(e uint32) (string, bool) {
	te, err := ix.texts(ix.docs[e].id)
	return te, err == nil && te != ""
}

// pairWays returns the ways x and candidate e can be copy and source:
// eFirst, e (or its cluster) not published after x and x unique; xFirst,
// the other way round.
func (ix *Clusterer) pairWays(x, e uint32) (eFirst, xFirst bool) {
	eFirst = !ix.publishedBefore(x, e) && ix.docs[x].cluster == noCluster
	xFirst = !ix.publishedBefore(e, x) && ix.docs[e].cluster == noCluster
	return eFirst, xFirst
}

// readPair splits the article being verified (once per article) and the
// candidate te into sentences: sc.a and sc.b.
func (sc *verifyScratch) readPair(text, te string) {
	if !sc.aRead {
		sc.a.of(text)
		sc.aRead = true
	}
	sc.b.of(te)
}

// inOrder returns which ways of eFirst (x a copy of the candidate) and
// xFirst (the other way round) keep verifyOrder of the copy's word pairs
// in the source, te the candidate's text (sc.pairsX holds x's).
func (sc *verifyScratch) inOrder(te string, eFirst, xFirst bool) (bool, bool) {
	sc.words = wordsOf(sc.words[:0], sc.sh.Words(te))
	sc.pairsE = wordPairs(sc.pairsE[:0], sc.words)
	n := float64(Shared(sc.pairsX, sc.pairsE))
	return eFirst && n >= verifyOrder*float64(len(sc.pairsX)), xFirst && n >= verifyOrder*float64(len(sc.pairsE))
}

// rewriteOf reports whether der is a rewrite of src: the sentences of
// src it aligns to can hold verifyCover of src (mayCover), and it does
// (alignWhole, Config.Verify).
func (ix *Clusterer) rewriteOf(der, src *sentenceGrams) bool {
	if !mayCover(der, src) {
		return false
	}
	ix.inc.scratch.aligned++
	share, cover := alignWhole(der, src)
	return share >= ix.cfg.Verify && cover >= verifyCover
}

// wordPairs appends to dst the distinct pairs of words in a row of
// words (word hashes, wordsOf), sorted.
func wordPairs(dst []uint64, words []uint32) []uint64 {
	for i := 1; i < len(words); i++ {
		dst = append(dst, uint64(words[i-1])<<32|uint64(words[i]))
	}
	slices.Sort(dst)
	return slices.Compact(dst)
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
func (ix *Clusterer) joinInc(later, earlier uint32) {
	ix.touchGroup(earlier)
	ix.touch(later)
	ix.joinVerified(later, earlier)
	ix.inc.verified[later] = earlier
}

// forgetVerified drops document di's link (it is being removed).
func (ix *Clusterer) forgetVerified(di uint32) {
	if ix.inc != nil {
		delete(ix.inc.verified, di)
	}
}
