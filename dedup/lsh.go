package dedup

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
		v := mix64(uint64(f) ^ 0x5bd1e9955bd1e995)
		bin := (v >> 32) * k >> 32
		if lo := uint32(v); !filled[bin] || lo < dst[bin] {
			dst[bin], filled[bin] = lo, true
		}
	}
	for i := range dst {
		if filled[i] {
			continue
		}
		for d := 1; d < len(dst); d++ {
			j := (i + d) % len(dst)
			if filled[j] {
				dst[i] = uint32(mix64(uint64(dst[j]) + uint64(d)*0x9e3779b97f4a7c15))
				break
			}
		}
	}
	return true
}

// bandKeys hashes each band of rows consecutive sketch values, with the
// band number, into one bucket key per band.
func bandKeys(sk []uint32, rows int, dst []uint64) {
	for b := range dst {
		h := uint64(b+1) * 0xff51afd7ed558ccd
		for _, v := range sk[b*rows : (b+1)*rows] {
			h = mix64(h ^ uint64(v))
		}
		dst[b] = h
	}
}

// lsh maps band keys to the articles that have them. Buckets are linked
// lists threaded through next, newest first, so memory is one map entry
// per distinct key plus four bytes per article and band.
type lsh struct {
	bands int
	heads map[uint64]uint32 // key -> entry+1
	next  []uint32          // entry -> older entry+1 in the same bucket; entry = doc*bands+band
}

func newLSH(bands int) *lsh {
	return &lsh{bands: bands, heads: make(map[uint64]uint32)}
}

// insert files document doc (dense index) under keys; documents must be
// inserted in increasing index order, skipping none.
func (l *lsh) insert(doc uint32, keys []uint64) {
	base := int(doc) * l.bands
	for len(l.next) < base+l.bands {
		l.next = append(l.next, 0)
	}
	for b, key := range keys {
		e := uint32(base + b)
		l.next[e] = l.heads[key]
		l.heads[key] = e + 1
	}
}

// candidates calls fn for each document filed under any of keys, newest
// first within a bucket; fn returns false to stop.
func (l *lsh) candidates(keys []uint64, fn func(doc uint32) bool) {
	for _, key := range keys {
		for e := l.heads[key]; e != 0; e = l.next[e-1] {
			if !fn((e - 1) / uint32(l.bands)) {
				return
			}
		}
	}
}
