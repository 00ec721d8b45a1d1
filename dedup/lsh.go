package dedup

import (
	"github.com/syndex/syndex/dedup/shingle"
)

// sketch computes a one-permutation MinHash of the feature set fs into dst
// (len Bands*Rows): each feature falls into one bin by hash and each bin
// keeps its minimum; empty bins borrow the value of the next non-empty bin,
// mixed with the distance (rotation densification), so two sets collide in
// a bin with probability close to their Jaccard similarity.
func sketch(fs []uint32, dst []uint32) bool {
	return sketchInto(fs, dst, make([]bool, len(dst)))
}

// sketchInto is sketch with caller-provided scratch (len(dst) bools).
func sketchInto(fs []uint32, dst []uint32, filled []bool) bool {
	k := uint64(len(dst))
	for i := range dst {
		dst[i] = ^uint32(0)
		filled[i] = false
	}
	if len(fs) == 0 {
		return false
	}
	for _, f := range fs {
		v := shingle.Mix64(uint64(f) ^ 0x5bd1e9955bd1e995)
		bin := (v >> 32) * k >> 32
		if lo := uint32(v); !filled[bin] || lo < dst[bin] {
			dst[bin], filled[bin] = lo, true
		}
	}
	densify(dst, filled)
	return true
}

// densify gives each empty bin of a one-permutation sketch (filled[i]
// false) the value of the next filled bin mixed with the distance to it
// (rotation densification, see sketch). At least one bin is filled.
func densify(dst []uint32, filled []bool) {
	for i := range dst {
		if filled[i] {
			continue
		}
		for d := 1; d < len(dst); d++ {
			j := (i + d) % len(dst)
			if filled[j] {
				dst[i] = uint32(shingle.Mix64(uint64(dst[j]) + uint64(d)*0x9e3779b97f4a7c15))
				break
			}
		}
	}
}

// bandTags hashes each band of rows consecutive sketch values, with the
// band number, into one 32-bit bucket tag per band (never 0).
func bandTags(sk []uint32, rows int, dst []uint32) {
	for b := range dst {
		h := uint64(b+1) * 0xff51afd7ed558ccd
		for _, v := range sk[b*rows : (b+1)*rows] {
			h = shingle.Mix64(h ^ uint64(v))
		}
		dst[b] = tag(h)
	}
}

// lsh maps band keys to the articles that have them, compactly: a bucket
// array of chain heads indexed by the key's tag (32 bits of the key) and,
// per article and band, the next entry in the chain and the tag, so
// memory is about twelve bytes per article and band. Chains are newest
// first; a tag that differs or a different band number is skipped.
type lsh struct {
	bands int
	heads []uint32 // tag&mask -> entry+1; len is a power of two
	next  []uint32 // entry -> older entry+1 in the same bucket; entry = doc*bands+band
	tags  []uint32 // entry -> tag (0 when the entry was never filed)
	used  int      // entries filed
}

func newLSH(bands int) *lsh {
	return &lsh{bands: bands, heads: make([]uint32, 1024)}
}

// tag reduces a band key to the 32 bits the table keeps; never 0.
func tag(key uint64) uint32 {
	t := uint32(key>>32) ^ uint32(key)
	if t == 0 {
		t = 1
	}
	return t
}

// insert files document doc (dense index) under its band tags (nil files
// nothing); documents must be inserted in increasing index order, skipping
// none.
func (l *lsh) insert(doc uint32, keys []uint32) {
	base := int(doc) * l.bands
	for len(l.next) < base+l.bands {
		l.next = append(l.next, 0)
		l.tags = append(l.tags, 0)
	}
	if keys == nil {
		return
	}
	if l.used+len(keys) > len(l.heads) {
		l.grow(base)
	}
	mask := uint32(len(l.heads) - 1)
	for b, t := range keys {
		e := uint32(base + b)
		l.tags[e] = t
		l.next[e] = l.heads[t&mask]
		l.heads[t&mask] = e + 1
		l.used++
	}
}

// presize makes room for docs documents in next and tags, so Run can
// write the band keys of articles not yet inserted into their slots of
// tags (only insert threads them into chains), and sizes the bucket array
// for all of them at once, when nothing is filed yet, rather than doubling
// it (and re-threading) step by step. Chains list the same entries in the same order whatever
// the bucket array's size, so results do not change.
func (l *lsh) presize(docs int) {
	n := docs * l.bands
	if len(l.next) < n {
		l.next = append(l.next, make([]uint32, n-len(l.next))...)
		l.tags = append(l.tags, make([]uint32, n-len(l.tags))...)
	}
	if l.used > 0 {
		return // entries filed already: insert doubles the array as before
	}
	size := len(l.heads)
	for size < n {
		size *= 2
	}
	if size > len(l.heads) {
		l.heads = make([]uint32, size)
	}
}

// grow doubles the bucket array and re-threads every chain of the entries
// before limit (those of the documents inserted so far), oldest entry
// first, so chains stay newest first.
func (l *lsh) grow(limit int) {
	l.heads = make([]uint32, 2*len(l.heads))
	mask := uint32(len(l.heads) - 1)
	for e, t := range l.tags[:limit] {
		if t == 0 {
			continue
		}
		l.next[e] = l.heads[t&mask]
		l.heads[t&mask] = uint32(e) + 1
	}
}

// candidates calls fn for each document filed under any of the band tags,
// newest first within a bucket; fn returns false to stop.
func (l *lsh) candidates(keys []uint32, fn func(doc uint32) bool) {
	mask := uint32(len(l.heads) - 1)
	bands := uint32(l.bands)
	for b, t := range keys {
		for e := l.heads[t&mask]; e != 0; e = l.next[e-1] {
			if l.tags[e-1] != t || (e-1)%bands != uint32(b) {
				continue
			}
			if !fn((e - 1) / bands) {
				return
			}
		}
	}
}
