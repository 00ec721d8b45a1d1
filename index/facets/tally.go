package facets

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sort"
	"sync"

	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/collector"
	index "github.com/blevesearch/bleve_index_api"
	segment "github.com/blevesearch/scorch_segment_api/v2"

	"github.com/syndex/syndex/article"
	"github.com/syndex/syndex/index/histogram"
)

// Tally counts one search's hits by the facet fields, over the
// snapshots of every shard it searched.
type Tally struct {
	cache *Cache
	// live gives the segments of the shards' current snapshots, for
	// pruning the cache after a build.
	live   Live
	mu     sync.Mutex
	shards []*shardTally
	built  bool // a segment's ordinals were built: prune the cache after
	// build allows building ordinals (not on the Index's first facet
	// query).
	build bool
}

// shardTally counts the hits of one shard's snapshot.
type shardTally struct {
	segs   []*scorch.SegmentSnapshot
	starts []uint64 // first internal number of each segment
	ords   []*segOrds
	counts [][nFacetFields][]uint32 // by segment, field and ordinal
	seen   []int                    // hits counted from doc values, by segment
	cur    int

	reader index.IndexReader
	dv     index.DocValueReader // for the segments without ordinals
	terms  [nFacetFields]map[string]*int
	dvErr  error
	field  int // field of the doc value being visited
}

// Live gives the segments of an index's shards' current snapshots.
type Live interface {
	LiveSegments() map[segment.Segment]bool
}

// NewTally starts the tally of one search over segments whose ordinals
// cache keeps; build allows building ordinals (not on an index's first
// facet query); live gives the segments of the shards' current
// snapshots.
func NewTally(cache *Cache, build bool, live Live) *Tally {
	return &Tally{cache: cache, build: build, live: live}
}

// With returns ctx carrying a document match handler that counts
// every hit of the search into t before Bleve's own collector sees it.
func (t *Tally) With(ctx context.Context) context.Context {
	var mk search.MakeDocumentMatchHandler = func(sctx *search.SearchContext) (search.DocumentMatchHandler, bool, error) {
		next, loadID, err := collector.MakeTopNDocumentMatchHandler(sctx)
		if err != nil {
			return nil, false, err
		}
		st := t.shard(sctx.IndexReader)
		return func(d *search.DocumentMatch) error {
			if d != nil {
				if err := t.add(ctx, st, d); err != nil {
					return err
				}
			}
			return next(d)
		}, loadID, nil
	}
	return context.WithValue(ctx, search.MakeDocumentMatchHandlerKey, mk)
}

// shard starts the tally of one shard's search.
func (t *Tally) shard(r index.IndexReader) *shardTally {
	st := &shardTally{reader: r}
	if is, ok := r.(*scorch.IndexSnapshot); ok {
		st.segs = is.Segments()
		st.starts = make([]uint64, len(st.segs))
		var at uint64
		for i, s := range st.segs {
			st.starts[i] = at
			at += uint64(s.FullSize())
		}
		st.ords = make([]*segOrds, len(st.segs))
		st.counts = make([][nFacetFields][]uint32, len(st.segs))
		st.seen = make([]int, len(st.segs))
		for i, s := range st.segs {
			st.ords[i] = t.cache.peek(s.Segment())
		}
	}
	t.mu.Lock()
	t.shards = append(t.shards, st)
	t.mu.Unlock()
	return st
}

// add counts one hit.
func (t *Tally) add(ctx context.Context, st *shardTally, d *search.DocumentMatch) error {
	if len(st.segs) == 0 || len(d.IndexInternalID) != 8 {
		return st.addDocValues(d)
	}
	i, local := st.segmentOf(d.IndexInternalID.Value())
	if i < 0 {
		return st.addDocValues(d)
	}
	o := st.ords[i]
	if o == nil {
		var err error
		if o, err = t.ordsOf(ctx, st, i); err != nil {
			return err
		}
		if o == nil {
			return st.addDocValues(d)
		}
	}
	o.count(&st.counts[i], local)
	return nil
}

// segmentOf returns the segment of the shard's snapshot that holds
// internal number num (-1 for none) and the document's number in it.
// Hits come in order, so the last hit's segment is tried first.
func (st *shardTally) segmentOf(num uint64) (int, uint64) {
	i := st.cur
	if num < st.starts[i] || (i+1 < len(st.starts) && num >= st.starts[i+1]) {
		i = sort.Search(len(st.starts), func(k int) bool { return st.starts[k] > num }) - 1
		if i < 0 {
			return -1, 0
		}
		st.cur = i
	}
	return i, num - st.starts[i]
}

// ordsOf returns the ordinals of segment i, which has none yet in this
// tally: nil while the query's hits in it are too few to build them
// (Cache.Threshold) or building is not allowed (the hit is then counted
// from its doc values), else the cache's, built now if need be.
func (t *Tally) ordsOf(ctx context.Context, st *shardTally, i int) (*segOrds, error) {
	st.seen[i]++
	if !t.build || st.seen[i] <= t.cache.threshold(int(st.segs[i].FullSize())) {
		return nil, nil
	}
	ords, built, err := t.cache.get(ctx, st.segs[i].Segment())
	if err != nil {
		return nil, fmt.Errorf("facets: %w", err)
	}
	if built {
		t.mu.Lock()
		t.built = true
		t.mu.Unlock()
	}
	st.ords[i] = ords
	return ords, nil
}

// count counts document local of the segment into c, by field and
// ordinal.
func (o *segOrds) count(c *[nFacetFields][]uint32, local uint64) {
	for f := range o.fields {
		fo := &o.fields[f]
		if len(fo.terms) == 0 {
			continue
		}
		if c[f] == nil {
			c[f] = fo.counts()
		}
		if fo.single != nil {
			if local < uint64(len(fo.single)) {
				if v := fo.single[local]; v > 0 {
					c[f][v-1]++
				}
			}
			continue
		}
		if local+1 < uint64(len(fo.start)) {
			for _, v := range fo.multi[fo.start[local]:fo.start[local+1]] {
				c[f][v]++
			}
		}
	}
}

// addDocValues counts a hit from its doc values, as Bleve's facets do.
func (st *shardTally) addDocValues(d *search.DocumentMatch) error {
	if st.dv == nil {
		dv, err := st.reader.DocValueReader(facetFields[:])
		if err != nil {
			return fmt.Errorf("facets: %w", err)
		}
		st.dv = dv
		for f := range st.terms {
			st.terms[f] = map[string]*int{}
		}
	}
	return st.dv.VisitDocValues(d.IndexInternalID, st.visit)
}

func (st *shardTally) visit(field string, term []byte) {
	f := facetFieldIndex(field)
	if f < 0 {
		return
	}
	if p := st.terms[f][string(term)]; p != nil {
		*p++
		return
	}
	one := 1
	st.terms[f][string(term)] = &one
}

// TermCount is a term and how many hits have it.
type TermCount struct {
	Term string
	N    int
}

// Counts are a search's counts: the terms of the site, language and
// year facets (a term once per segment that has it, and once for the
// hits counted from doc values) and the histogram's days.
type Counts struct {
	Terms [3][]TermCount
	Hist  histogram.Counts
}

// Counts returns the tally; mode filters the copies the histogram counts.
func (t *Tally) Counts(mode article.NoIndexMode) (Counts, error) {
	var out Counts
	const day, cdays = 3, 4 // facetFields
	out.Hist.Grow(t.daysCounted())
	for _, st := range t.shards {
		for f, m := range st.terms {
			for term, n := range m {
				if f < day {
					out.Terms[f] = append(out.Terms[f], TermCount{term, *n})
				} else if err := out.Hist.AddTerm(term, f == cdays, *n, mode); err != nil {
					return out, err
				}
			}
		}
		for i, o := range st.ords {
			if o == nil {
				continue
			}
			for f, c := range st.counts[i] {
				fo := &o.fields[f]
				for ord, n := range c {
					switch {
					case n == 0:
					case f < day:
						out.Terms[f] = append(out.Terms[f], TermCount{fo.terms[ord], int(n)})
					case fo.day[ord] == histogram.BadDay:
						return out, fmt.Errorf("histogram: bad day %q in the index", fo.terms[ord])
					default:
						out.Hist.Add(fo.day[ord], int(fo.k[ord]), fo.marked[ord], f == cdays, int(n), mode)
					}
				}
				if c != nil {
					fo.release(c)
					st.counts[i][f] = nil
				}
			}
		}
	}
	if t.built {
		t.cache.Prune(t.live.LiveSegments())
	}
	return out, nil
}

// daysCounted is the number of day terms (of either day field) the
// tally's ordinals counted hits for.
func (t *Tally) daysCounted() int {
	n := 0
	for _, st := range t.shards {
		for i, o := range st.ords {
			if o == nil {
				continue
			}
			for _, c := range st.counts[i][3:] { // the day fields (facetFields)
				for _, k := range c {
					if k != 0 {
						n++
					}
				}
			}
		}
	}
	return n
}

// Count is one facet value and how many matching clusters have it.
type Count struct {
	Term  string `json:"term"`
	Count int    `json:"count"`
}

// Top returns the size most frequent terms of counts (a term may come
// more than once), most frequent first, ties by term (Bleve's order).
func Top(counts []TermCount, size int) []Count {
	sum := make(map[string]int, len(counts))
	for _, c := range counts {
		sum[c.Term] += c.N
	}
	out := make([]Count, 0, len(sum))
	for t, n := range sum {
		out = append(out, Count{Term: t, Count: n})
	}
	slices.SortFunc(out, func(a, b Count) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Term, b.Term))
	})
	if len(out) > size {
		out = out[:size]
	}
	return out
}

// SortYears orders the years facet newest first.
func SortYears(years []Count) {
	slices.SortFunc(years, func(a, b Count) int { return cmp.Compare(b.Term, a.Term) })
}
