package dedup

import (
	"slices"
	"sort"
)

// bestSentence finds, for a sentence of one text, the sentence of another
// (src) that shares the most of its grams, through an index of src's
// grams: each gram is looked up once, where comparing the sentence with
// every sentence of src cost the product of the two texts' lengths, which
// on long real pages (a thousand sentences against a few hundred) took
// the verifying stage seconds a pair.
type bestSentence struct {
	src     *sentenceGrams
	pairs   []uint64 // gram<<32 | sentence, sorted
	counts  []int32  // per sentence of src, grams shared with the sentence looked up
	touched []int32
}

func newBestSentence(src *sentenceGrams) *bestSentence {
	b := &bestSentence{src: src, pairs: make([]uint64, 0, len(src.grams)), counts: make([]int32, len(src.ends))}
	for j := range src.ends {
		for _, g := range src.sentence(j) {
			b.pairs = append(b.pairs, uint64(g)<<32|uint64(j))
		}
	}
	slices.Sort(b.pairs)
	return b
}

// best returns the sentence of src sharing the most of s's grams (sorted,
// distinct), the first such when several do, among those that share at
// least need and have at least need grams; -1 when none does. It is
// what comparing s with every sentence of src (Shared) gives.
func (b *bestSentence) best(s []uint32, need int) int {
	for _, g := range s {
		b.count(g)
	}
	best, bi := 0, -1
	for _, j := range b.touched {
		k := int(b.counts[j])
		b.counts[j] = 0
		if k < need || len(b.src.sentence(int(j))) < need {
			continue
		}
		if k > best || (k == best && int(j) < bi) {
			best, bi = k, int(j)
		}
	}
	b.touched = b.touched[:0]
	return bi
}

// count counts gram g for each sentence of src that holds it.
func (b *bestSentence) count(g uint32) {
	k := sort.Search(len(b.pairs), func(i int) bool { return uint32(b.pairs[i]>>32) >= g })
	for ; k < len(b.pairs) && uint32(b.pairs[k]>>32) == g; k++ {
		j := int32(b.pairs[k])
		if b.counts[j] == 0 {
			b.touched = append(b.touched, j)
		}
		b.counts[j]++
	}
}
