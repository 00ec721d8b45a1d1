package dedup

// freqTable estimates, in fixed memory, how many articles contain each
// feature, well enough to find the frequent ones: a hashed Misra–Gries
// summary. Each slot holds one feature and a count; a different feature
// landing on an occupied slot decrements it and takes the slot over at
// zero. A feature in a fraction f of the articles keeps its slot and a
// count near f*docs as long as f is well above the rate of random hits on
// its slot. Updates are O(1) and depend only on the sequence of articles.
type freqTable struct {
	keys   []uint32
	counts []uint32
	docs   uint32 // articles counted
	seen   uint64 // features counted
	max    int    // slots the table may grow to
}

// newFreqTable returns a table of slots entries (a power of two) that
// doubles, up to max, as more features are counted than it has slots.
func newFreqTable(slots, max int) *freqTable {
	return &freqTable{keys: make([]uint32, slots), counts: make([]uint32, slots), max: max}
}

// grow doubles the table, keeping the larger count where two keys meet.
func (t *freqTable) grow() {
	keys, counts := t.keys, t.counts
	t.keys = make([]uint32, 2*len(keys))
	t.counts = make([]uint32, 2*len(keys))
	for i, c := range counts {
		if c == 0 {
			continue
		}
		j := t.slot(keys[i])
		if c > t.counts[j] {
			t.keys[j], t.counts[j] = keys[i], c
		}
	}
}

func (t *freqTable) slot(f uint32) int {
	return int(uint32(mix64(uint64(f))>>32) & uint32(len(t.keys)-1))
}

// add counts one article with the (distinct) features fs.
func (t *freqTable) add(fs []uint32) {
	t.docs++
	t.seen += uint64(len(fs))
	for len(t.keys) < t.max && t.seen > 2*uint64(len(t.keys)) {
		t.grow()
	}
	for _, f := range fs {
		i := t.slot(f)
		switch {
		case t.counts[i] == 0:
			t.keys[i], t.counts[i] = f, 1
		case t.keys[i] == f:
			t.counts[i]++
		default:
			t.counts[i]--
		}
	}
}

// count returns the estimated number of articles containing f (an
// underestimate; 0 when f holds no slot).
func (t *freqTable) count(f uint32) uint32 {
	i := t.slot(f)
	if t.keys[i] == f {
		return t.counts[i]
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
