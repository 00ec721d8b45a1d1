package index

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/collector"
	index "github.com/blevesearch/bleve_index_api"
	segment "github.com/blevesearch/scorch_segment_api/v2"

	"github.com/syndex/syndex/article"

	"github.com/syndex/syndex/index/schema"
)

// Facets by ordinals. Bleve's term facets read every hit's doc values: the
// five facet fields of a hit are decoded from their compressed chunk (a
// chunk per field, loaded again whenever the hits skip to another one),
// and each value is counted under a newly allocated string key. For a
// broad query at 100k documents that was nine tenths of the query's CPU,
// and it grows with the hits. Here, as Elasticsearch does with its
// ordinals, each segment's facet fields are turned once (segments never
// change) into per-document numbers of the segment's terms, read from the
// term dictionary and postings; a query then counts a hit with a few
// array reads and increments, and the counts become terms only once per
// query. The counts are exact.
//
// Counting a hit from its doc values cost about 2.2 µs of CPU at 100k
// generated documents; building the ordinals of a 50,000-document segment
// 20–40 ms, the cost of 10–20 thousand such hits, repaid after a few broad
// queries. So a segment's ordinals are built when a query has many hits
// in it (ordThreshold), and never by the first facet query an Index
// answers: a narrow query, or a one-shot `syndex search` that never needs
// them again, counts its hits from the doc values, as Bleve would. They
// are kept for the life of the Index, until the segment is merged away
// (ordCache.prune): about 34 bytes per document.

// facetFields are the fields Query.Facets counts: the facets and the two
// histogram fields. Indexes into a tally's arrays.
var facetFields = [...]string{schema.FieldSites, schema.FieldLang, schema.FieldYear, schema.FieldDay, schema.FieldCopyDays}

const nFacetFields = len(facetFields)

func facetFieldIndex(f string) int {
	switch f {
	case schema.FieldSites:
		return 0
	case schema.FieldLang:
		return 1
	case schema.FieldYear:
		return 2
	case schema.FieldDay:
		return 3
	case schema.FieldCopyDays:
		return 4
	}
	return -1
}

// fieldOrds are one field's values in one segment, by document: the
// segment's terms of the field in dictionary order, and for each document
// the ordinals of its terms. A field with at most one value per document
// keeps one number per document (single: ordinal+1, 0 for none); else
// document d's ordinals are multi[start[d]:start[d+1]].
type fieldOrds struct {
	terms  []string
	single []uint32
	start  []uint32
	multi  []uint32
	// For the day fields, each term read once (dayTerm): its day, the
	// copies it stands for and whether they are marked noindex.
	day    []int32
	k      []int32
	marked []bool
}

// segOrds are the facet fields' ordinals of one segment.
type segOrds struct {
	fields [nFacetFields]fieldOrds
}

// size is the heap the ordinals hold, in bytes (about).
func (o *segOrds) size() int {
	n := 0
	for _, f := range o.fields {
		n += 4 * (len(f.single) + len(f.start) + len(f.multi))
		for _, t := range f.terms {
			n += 16 + len(t)
		}
	}
	return n
}

// matchAll is the automaton that accepts every term (a whole-dictionary
// iteration).
type matchAll struct{}

func (matchAll) Start() int               { return 0 }
func (matchAll) IsMatch(int) bool         { return true }
func (matchAll) CanMatch(int) bool        { return true }
func (matchAll) WillAlwaysMatch(int) bool { return true }
func (matchAll) Accept(int, byte) int     { return 0 }

// buildSegOrds reads the facet fields' terms and postings of seg.
func buildSegOrds(ctx context.Context, seg segment.Segment) (*segOrds, error) {
	n := int(seg.Count())
	o := &segOrds{}
	var pr postingsReader
	for fi, field := range facetFields {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		dict, err := seg.Dictionary(field)
		if err != nil {
			return nil, fmt.Errorf("facet field %s: %w", field, err)
		}
		if err := o.fields[fi].read(dict, field, n, &pr); err != nil {
			return nil, err
		}
	}
	return o, nil
}

// postingsReader walks postings lists, reusing its list and iterator.
type postingsReader struct {
	pl segment.PostingsList
	it segment.PostingsIterator
}

// each calls fn(doc) for each document of dict holding term.
func (r *postingsReader) each(dict segment.TermDictionary, term string, fn func(d uint64)) error {
	var err error
	if r.pl, err = dict.PostingsList([]byte(term), nil, r.pl); err != nil {
		return err
	}
	r.it = r.pl.Iterator(false, false, false, r.it)
	for {
		p, err := r.it.Next()
		if err != nil {
			return err
		}
		if p == nil {
			return nil
		}
		fn(p.Number())
	}
}

// read reads field's ordinals in a segment of n documents from its
// dictionary.
func (fo *fieldOrds) read(dict segment.TermDictionary, field string, n int, pr *postingsReader) error {
	count, err := fo.readTerms(dict, field, n, pr)
	if err != nil {
		return err
	}
	if field == schema.FieldDay || field == schema.FieldCopyDays {
		fo.readDays(field == schema.FieldCopyDays)
	}
	if count == nil {
		return nil
	}
	return fo.layoutMulti(dict, field, n, count, pr)
}

// readTerms reads the field's terms in dictionary order and, while each
// document holds at most one, its ordinal+1 (single). Once a document
// holds a second value it returns a non-nil count (zeroed for
// layoutMulti).
func (fo *fieldOrds) readTerms(dict segment.TermDictionary, field string, n int, pr *postingsReader) ([]uint32, error) {
	di := dict.AutomatonIterator(matchAll{}, nil, nil)
	var count []uint32 // values per document, once one has two
	for {
		e, err := di.Next()
		if err != nil {
			return nil, fmt.Errorf("facet field %s: %w", field, err)
		}
		if e == nil {
			return count, nil
		}
		if fo.single == nil {
			fo.single = make([]uint32, n)
		}
		ord := uint32(len(fo.terms)) + 1
		fo.terms = append(fo.terms, e.Term)
		err = pr.each(dict, e.Term, func(d uint64) {
			if d >= uint64(n) {
				return
			}
			if count != nil {
				count[d]++
				return
			}
			if fo.single[d] != 0 {
				// A second value: count them all (layoutMulti).
				count = make([]uint32, n)
				count[d] = 1
				return
			}
			fo.single[d] = ord
		})
		if err != nil {
			return nil, fmt.Errorf("facet field %s term %q: %w", field, e.Term, err)
		}
	}
}

// readDays reads each term of a day field once (dayTerm).
func (fo *fieldOrds) readDays(copies bool) {
	fo.day, fo.k, fo.marked = make([]int32, len(fo.terms)), make([]int32, len(fo.terms)), make([]bool, len(fo.terms))
	for i, t := range fo.terms {
		day, k, marked := dayTerm(t, copies)
		fo.day[i], fo.k[i], fo.marked[i] = day, int32(k), marked
	}
}

// layoutMulti lays out a field with several values per document,
// document by document, in a second and third pass over the postings;
// count is scratch of n entries.
func (fo *fieldOrds) layoutMulti(dict segment.TermDictionary, field string, n int, count []uint32, pr *postingsReader) error {
	clear(count)
	for _, t := range fo.terms {
		if err := pr.each(dict, t, func(d uint64) {
			if d < uint64(n) {
				count[d]++
			}
		}); err != nil {
			return fmt.Errorf("facet field %s term %q: %w", field, t, err)
		}
	}
	fo.start = make([]uint32, n+1)
	for d, c := range count {
		fo.start[d+1] = fo.start[d] + c
	}
	fo.multi = make([]uint32, fo.start[n])
	next := count // reused: the next free slot of each document
	copy(next, fo.start[:n])
	for ord, t := range fo.terms {
		if err := pr.each(dict, t, func(d uint64) {
			if d < uint64(n) {
				fo.multi[next[d]] = uint32(ord)
				next[d]++
			}
		}); err != nil {
			return fmt.Errorf("facet field %s term %q: %w", field, t, err)
		}
	}
	fo.single = nil
	return nil
}

// ordCache holds the ordinals of the segments queries needed them for.
type ordCache struct {
	mu   sync.Mutex
	segs map[segment.Segment]*ordEntry
}

type ordEntry struct {
	once sync.Once
	ords *segOrds
	err  error
}

// peek returns seg's ordinals when they are built.
func (c *ordCache) peek(seg segment.Segment) *segOrds {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e := c.segs[seg]; e != nil && e.ords != nil {
		return e.ords
	}
	return nil
}

// get returns seg's ordinals, building them once (concurrent callers
// wait for the one build). It reports whether this call built them.
func (c *ordCache) get(ctx context.Context, seg segment.Segment) (*segOrds, bool, error) {
	c.mu.Lock()
	if c.segs == nil {
		c.segs = map[segment.Segment]*ordEntry{}
	}
	e := c.segs[seg]
	if e == nil {
		e = &ordEntry{}
		c.segs[seg] = e
	}
	c.mu.Unlock()
	built := false
	e.once.Do(func() {
		built = true
		ords, err := buildSegOrds(context.WithoutCancel(ctx), seg)
		c.mu.Lock()
		e.ords, e.err = ords, err
		if err != nil {
			delete(c.segs, seg) // a later query tries again
		}
		c.mu.Unlock()
	})
	c.mu.Lock()
	defer c.mu.Unlock()
	return e.ords, built, e.err
}

// prune drops the ordinals of the segments not in live (merged away).
func (c *ordCache) prune(live map[segment.Segment]bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for s, e := range c.segs {
		if !live[s] && e.ords != nil {
			delete(c.segs, s)
		}
	}
}

// liveSegments are the segments of the shards' current snapshots.
func (ix *Index) liveSegments() map[segment.Segment]bool {
	live := map[segment.Segment]bool{}
	for _, sh := range ix.shards {
		adv, err := sh.Advanced()
		if err != nil {
			continue
		}
		r, err := adv.Reader()
		if err != nil {
			continue
		}
		if is, ok := r.(*scorch.IndexSnapshot); ok {
			for _, s := range is.Segments() {
				live[s.Segment()] = true
			}
		}
		_ = r.Close()
	}
	return live
}

// ordThreshold is how many hits a query must have in a segment of n
// documents before its ordinals are built (a variable so that tests can
// force either way).
var ordThreshold = func(n int) int { return max(256, n/16) }

// facetTally counts one search's hits by the facet fields, over the
// snapshots of every shard it searched.
type facetTally struct {
	ix     *Index
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

// withTally returns ctx carrying a document match handler that counts
// every hit of the search into t before Bleve's own collector sees it.
func (t *facetTally) with(ctx context.Context) context.Context {
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
func (t *facetTally) shard(r index.IndexReader) *shardTally {
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
			st.ords[i] = t.ix.facetOrds.peek(s.Segment())
		}
	}
	t.mu.Lock()
	t.shards = append(t.shards, st)
	t.mu.Unlock()
	return st
}

// add counts one hit.
func (t *facetTally) add(ctx context.Context, st *shardTally, d *search.DocumentMatch) error {
	if len(st.segs) == 0 || len(d.IndexInternalID) != 8 {
		return st.addDocValues(d)
	}
	num := d.IndexInternalID.Value()
	i := st.cur
	if num < st.starts[i] || (i+1 < len(st.starts) && num >= st.starts[i+1]) {
		i = sort.Search(len(st.starts), func(k int) bool { return st.starts[k] > num }) - 1
		if i < 0 {
			return st.addDocValues(d)
		}
		st.cur = i
	}
	local := num - st.starts[i]
	o := st.ords[i]
	if o == nil {
		st.seen[i]++
		if !t.build || st.seen[i] <= ordThreshold(int(st.segs[i].FullSize())) {
			return st.addDocValues(d)
		}
		ords, built, err := t.ix.facetOrds.get(ctx, st.segs[i].Segment())
		if err != nil {
			return fmt.Errorf("facets: %w", err)
		}
		if built {
			t.mu.Lock()
			t.built = true
			t.mu.Unlock()
		}
		st.ords[i], o = ords, ords
	}
	c := &st.counts[i]
	for f := range o.fields {
		fo := &o.fields[f]
		if len(fo.terms) == 0 {
			continue
		}
		if c[f] == nil {
			c[f] = make([]uint32, len(fo.terms))
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
	return nil
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

// termCount is a term and how many hits have it.
type termCount struct {
	term string
	n    int
}

// facetCounts are a search's counts: the terms of the site, language and
// year facets (a term once per segment that has it, and once for the
// hits counted from doc values) and the histogram's days.
type facetCounts struct {
	terms [3][]termCount
	hist  histCounts
}

// counts returns the tally; mode filters the copies the histogram counts.
func (t *facetTally) counts(mode article.NoIndexMode) (facetCounts, error) {
	var out facetCounts
	const day, cdays = 3, 4 // facetFields
	for _, st := range t.shards {
		for f, m := range st.terms {
			for term, n := range m {
				if f < day {
					out.terms[f] = append(out.terms[f], termCount{term, *n})
				} else if err := out.hist.addTerm(term, f == cdays, *n, mode); err != nil {
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
						out.terms[f] = append(out.terms[f], termCount{fo.terms[ord], int(n)})
					case fo.day[ord] == badDay:
						return out, fmt.Errorf("histogram: bad day %q in the index", fo.terms[ord])
					default:
						out.hist.add(fo.day[ord], int(fo.k[ord]), fo.marked[ord], f == cdays, int(n), mode)
					}
				}
			}
		}
	}
	if t.built {
		t.ix.facetOrds.prune(t.ix.liveSegments())
	}
	return out, nil
}

// topTerms returns the size most frequent terms of counts (a term may
// come more than once), most frequent first, ties by term (Bleve's order).
func topTerms(counts []termCount, size int) []FacetCount {
	sum := make(map[string]int, len(counts))
	for _, c := range counts {
		sum[c.term] += c.n
	}
	out := make([]FacetCount, 0, len(sum))
	for t, n := range sum {
		out = append(out, FacetCount{Term: t, Count: n})
	}
	slices.SortFunc(out, func(a, b FacetCount) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Term, b.Term))
	})
	if len(out) > size {
		out = out[:size]
	}
	return out
}

// sortYears orders the years facet newest first.
func sortYears(years []FacetCount) {
	slices.SortFunc(years, func(a, b FacetCount) int { return cmp.Compare(b.Term, a.Term) })
}

// facetMemo remembers the facet counts of the last queries, for an index
// no batch has changed since: the web UI asks the same query again for
// each page of hits, and its facets do not change with the page. The
// counts are kept by the query's filters and text (not its sort, page or
// histogram interval) and the index's write count.
type facetMemo struct {
	mu      sync.Mutex
	writes  uint64
	entries map[string]facetCounts
	order   []string
}

// facetMemoSize is how many queries' counts are kept.
const facetMemoSize = 64

// facetKey names what a query's facet counts depend on.
func facetKey(q Query) string {
	return fmt.Sprintf("%q|%q|%q|%q|%d|%d|%q", strings.TrimSpace(q.Text), q.Sites, q.Lang, q.Clusters,
		q.From.UnixNano(), q.To.UnixNano(), q.NoIndex)
}

// reset forgets every count.
func (m *facetMemo) reset() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.entries, m.order = nil, nil
}

func (m *facetMemo) get(key string, writes uint64) (facetCounts, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.writes != writes {
		return facetCounts{}, false
	}
	c, ok := m.entries[key]
	return c, ok
}

// put keeps c for key, counted on the index as it was at writes.
func (m *facetMemo) put(key string, writes uint64, c facetCounts) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.writes != writes || m.entries == nil {
		m.writes, m.entries, m.order = writes, map[string]facetCounts{}, nil
	}
	if _, ok := m.entries[key]; ok {
		return
	}
	if len(m.order) == facetMemoSize {
		delete(m.entries, m.order[0])
		m.order = m.order[1:]
	}
	m.entries[key] = c
	m.order = append(m.order, key)
}
