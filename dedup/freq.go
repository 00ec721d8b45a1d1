package dedup

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
	keys   []uint32
	counts []uint32
	docs   uint32 // articles counted
	seen   uint64 // features counted
	max    int    // slots the table may grow to
}

const ways = 4

// newFreqTable returns a table of slots entries (a power of two, at least
// ways) that doubles, up to max, while it holds more than half as many
// features as slots.
func newFreqTable(slots, max int) *freqTable {
	return &freqTable{keys: make([]uint32, slots), counts: make([]uint32, slots), max: max}
}

// bucket returns the first slot of f's bucket.
func (t *freqTable) bucket(f uint32) int {
	return int(uint32(mix64(uint64(f))>>32)&uint32(len(t.keys)-1)) &^ (ways - 1)
}

// grow doubles the table, re-inserting every counted feature.
func (t *freqTable) grow() {
	keys, counts := t.keys, t.counts
	t.keys = make([]uint32, 2*len(keys))
	t.counts = make([]uint32, 2*len(keys))
	for i, c := range counts {
		if c == 0 {
			continue
		}
		b := t.bucket(keys[i])
		low := b
		for j := b; j < b+ways; j++ {
			if t.counts[j] < t.counts[low] {
				low = j
			}
		}
		if c > t.counts[low] {
			t.keys[low], t.counts[low] = keys[i], c
		}
	}
}

// add counts one article with the (distinct) features fs. It reports
// whether some feature reached the frequent threshold with it.
func (t *freqTable) add(fs []uint32, minDocs int, frac float64) bool {
	t.docs++
	t.seen += uint64(len(fs))
	for len(t.keys) < t.max && t.seen > uint64(len(t.keys))/2 {
		t.grow()
	}
	th := t.threshold(minDocs, frac)
	crossed := false
	for _, f := range fs {
		b := t.bucket(f)
		free, low := -1, b
		hit := false
		for j := b; j < b+ways; j++ {
			if t.counts[j] > 0 && t.keys[j] == f {
				t.counts[j]++
				crossed = crossed || t.counts[j] == th
				hit = true
				break
			}
			if t.counts[j] == 0 && free < 0 {
				free = j
			}
			if t.counts[j] < t.counts[low] {
				low = j
			}
		}
		switch {
		case hit:
		case free >= 0:
			t.keys[free], t.counts[free] = f, 1
		default:
			t.counts[low]--
		}
	}
	return crossed
}

// count returns the estimated number of articles containing f (an
// underestimate; 0 when f holds no slot).
func (t *freqTable) count(f uint32) uint32 {
	b := t.bucket(f)
	for j := b; j < b+ways; j++ {
		if t.counts[j] > 0 && t.keys[j] == f {
			return t.counts[j]
		}
	}
	return 0
}

// threshold returns the count at which a feature is frequent.
func (t *freqTable) threshold(minDocs int, frac float64) uint32 {
	th := uint32(frac * float64(t.docs))
	if th < uint32(minDocs) {
		th = uint32(minDocs)
	}
	return th
}
