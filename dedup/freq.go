package dedup

import "sync/atomic"

// freqTable estimates, in fixed memory, how many articles contain each
// feature, well enough to find the frequent ones: a hashed, 4-way
// set-associative Misra–Gries summary. A feature is counted in the first
// of its bucket's four slots that holds it or is free; when all four hold
// other features, the smallest count is decremented and its slot taken
// over at zero. A feature in a fraction f of the articles keeps a slot and
// a count near f*docs as long as f is well above the rate of random hits
// on its bucket. Updates are O(1) and depend only on the sequence of
// articles.
type freqTable struct {
	slots []uint64 // feature<<32 | count; a bucket is ways adjacent slots
	// div, when not nil (the global table), counts per slot the articles
	// in which the slot's feature sits beside text of their own (see
	// passage.go), with passageFlag set while the incremental clusterer
	// holds the feature for a passage; it starts at zero when a feature
	// takes a slot over.
	div  []uint32
	docs uint32 // articles counted
	seen uint64 // features counted
	max  int    // slots the table may grow to
}

const ways = 4

// newFreqTable returns a table of slots entries (a power of two, at least
// ways) that doubles, up to max, while more than twice as many features
// have been counted as it has slots.
func newFreqTable(slots, max int) *freqTable {
	return &freqTable{slots: make([]uint64, slots), max: max}
}

// bucket returns the first slot of f's bucket.
func (t *freqTable) bucket(f uint32) int {
	return int(uint32((uint64(f)*0x9e3779b97f4a7c15)>>32)&uint32(len(t.slots)-1)) &^ (ways - 1)
}

// grow doubles the table, re-inserting every counted feature.
func (t *freqTable) grow() {
	old, oldDiv := t.slots, t.div
	t.slots = make([]uint64, 2*len(old))
	if oldDiv != nil {
		t.div = make([]uint32, len(t.slots))
	}
	for i, e := range old {
		if uint32(e) == 0 {
			continue
		}
		b := t.bucket(uint32(e >> 32))
		low := b
		for j := b; j < b+ways; j++ {
			if uint32(t.slots[j]) < uint32(t.slots[low]) {
				low = j
			}
		}
		if uint32(e) > uint32(t.slots[low]) {
			t.slots[low] = e
			if oldDiv != nil {
				t.div[low] = oldDiv[i]
			}
		}
	}
}

// add counts one article with the (distinct) features fs. It reports
// whether some feature reached the frequent threshold with it.
func (t *freqTable) add(fs []uint32, minDocs int, frac float64) bool {
	return t.addShard(fs, -1, minDocs, frac, nil)
}

// addShard is add restricted to the features f with f%globalShards ==
// shard (all of them when shard < 0); the article is counted either way.
// When crossed is not nil, the features that reached the threshold are
// appended to it.
func (t *freqTable) addShard(fs []uint32, shard int, minDocs int, frac float64, crossed *[]uint32) bool {
	t.countArticle(fs, shard)
	th := t.threshold(minDocs, frac)
	reached := false
	for _, f := range fs {
		if shard >= 0 && int(f%globalShards) != shard {
			continue
		}
		if t.bump(f, th) {
			reached = true
			if crossed != nil {
				*crossed = append(*crossed, f)
			}
		}
	}
	return reached
}

// countArticle counts one more article with the features fs (those of
// one shard when shard >= 0) and grows the table while it is too full
// for them.
func (t *freqTable) countArticle(fs []uint32, shard int) {
	t.docs++
	if shard < 0 {
		t.seen += uint64(len(fs))
	} else {
		t.seen += uint64(len(fs) / globalShards)
	}
	for len(t.slots) < t.max && t.seen > 2*uint64(len(t.slots)) {
		t.grow()
	}
}

// bump counts one more article containing f: its slot's count goes up,
// or f takes a free slot of its bucket, or the bucket's smallest count
// goes down (the Misra–Gries step). It reports whether f's count reached
// th with it.
func (t *freqTable) bump(f uint32, th uint32) bool {
	bk := t.slots[t.bucket(f):][:ways]
	free, low := -1, 0
	for j, e := range bk {
		c := uint32(e)
		if c > 0 && uint32(e>>32) == f {
			bk[j]++
			return c+1 == th
		}
		if c == 0 && free < 0 {
			free = j
		}
		if c < uint32(bk[low]) {
			low = j
		}
	}
	if free < 0 {
		bk[low]--
		return false
	}
	bk[free] = uint64(f)<<32 | 1
	if t.div != nil {
		t.div[t.bucket(f)+free] = 0
	}
	return false
}

// sub uncounts one article whose features fs were counted by add: the
// inverse of add as far as the summary allows (a feature whose slot has
// since been taken over is not found, and was under-counted already).
// It reports whether the frequent set may have changed: a feature fell
// below the threshold, or the threshold itself moved.
func (t *freqTable) sub(fs []uint32, minDocs int, frac float64) bool {
	return t.subShard(fs, -1, minDocs, frac)
}

// subShard is sub restricted to the features of one shard (all when
// shard < 0), like addShard.
func (t *freqTable) subShard(fs []uint32, shard int, minDocs int, frac float64) bool {
	if t.docs == 0 {
		return false
	}
	th := t.threshold(minDocs, frac)
	t.uncountArticle(fs, shard)
	changed := t.threshold(minDocs, frac) != th
	for _, f := range fs {
		if shard >= 0 && int(f%globalShards) != shard {
			continue
		}
		if t.unbump(f, th) {
			changed = true
		}
	}
	return changed
}

// uncountArticle is the inverse of countArticle (the table does not
// shrink).
func (t *freqTable) uncountArticle(fs []uint32, shard int) {
	t.docs--
	n := uint64(len(fs))
	if shard >= 0 {
		n = uint64(len(fs) / globalShards)
	}
	t.seen -= min(n, t.seen)
}

// unbump counts one article fewer containing f, when f holds a slot. It
// reports whether f's count was th (it falls below it).
func (t *freqTable) unbump(f uint32, th uint32) bool {
	bk := t.slots[t.bucket(f):][:ways]
	for j, e := range bk {
		if c := uint32(e); c > 0 && uint32(e>>32) == f {
			bk[j]--
			return c == th
		}
	}
	return false
}

// count returns the estimated number of articles containing f (an
// underestimate; 0 when f holds no slot).
func (t *freqTable) count(f uint32) uint32 {
	for _, e := range t.slots[t.bucket(f):][:ways] {
		if uint32(e>>32) == f && uint32(e) > 0 {
			return uint32(e)
		}
	}
	return 0
}

// slot returns the index of f's slot, or -1 when f holds none.
func (t *freqTable) slot(f uint32) int {
	b := t.bucket(f)
	for j, e := range t.slots[b:][:ways] {
		if uint32(e>>32) == f && uint32(e) > 0 {
			return b + j
		}
	}
	return -1
}

// threshold returns the count at which a feature is frequent.
func (t *freqTable) threshold(minDocs int, frac float64) uint32 {
	th := uint32(frac * float64(t.docs))
	if th < uint32(minDocs) {
		th = uint32(minDocs)
	}
	return th
}

// globalShards splits the global table by feature so Run can count it on
// several goroutines; fixed, so results never depend on the worker count.
const globalShards = 4

// shardedFreq is the global frequency table: one freqTable per shard of
// the feature space, each counting every article.
type shardedFreq struct {
	shards [globalShards]*freqTable
}

func newShardedFreq() *shardedFreq {
	var s shardedFreq
	for i := range s.shards {
		s.shards[i] = newFreqTable(globalSlots/globalShards, globalMax/globalShards)
		s.shards[i].div = make([]uint32, globalSlots/globalShards)
	}
	return &s
}

// addCollect counts one article in every shard; it reports whether a
// feature became frequent and appends those features to crossed.
func (s *shardedFreq) addCollect(fs []uint32, minDocs int, frac float64, crossed *[]uint32) bool {
	reached := false
	for i, t := range s.shards {
		reached = t.addShard(fs, i, minDocs, frac, crossed) || reached
	}
	return reached
}

// sub uncounts one article in every shard; it reports whether the
// frequent set may have changed.
func (s *shardedFreq) sub(fs []uint32, minDocs int, frac float64) bool {
	changed := false
	for i, t := range s.shards {
		changed = t.subShard(fs, i, minDocs, frac) || changed
	}
	return changed
}

// count returns the estimated number of articles containing f.
func (s *shardedFreq) count(f uint32) uint32 {
	return s.shards[f%globalShards].count(f)
}

// diverse returns f's count and how many of those articles hold it
// beside text of their own (with passageFlag).
func (s *shardedFreq) diverse(f uint32) (count, div uint32) {
	t := s.shards[f%globalShards]
	if j := t.slot(f); j >= 0 {
		return uint32(t.slots[j]), t.div[j]
	}
	return 0, 0
}

// addDiverse adds delta (+1 or -1) to the diversity count of each of fs
// that holds a slot (never below zero). Atomic, so Run's goroutines may
// add at once while no feature is counted.
func (s *shardedFreq) addDiverse(fs []uint32, delta int32) {
	for _, f := range fs {
		t := s.shards[f%globalShards]
		j := t.slot(f)
		if j < 0 {
			continue
		}
		if delta > 0 {
			atomic.AddUint32(&t.div[j], 1)
		} else if t.div[j]&^passageFlag > 0 {
			t.div[j]--
		}
	}
}

// setPassage sets or clears f's passageFlag (when f holds a slot).
func (s *shardedFreq) setPassage(f uint32, on bool) {
	t := s.shards[f%globalShards]
	if j := t.slot(f); j >= 0 {
		if on {
			t.div[j] |= passageFlag
		} else {
			t.div[j] &^= passageFlag
		}
	}
}
