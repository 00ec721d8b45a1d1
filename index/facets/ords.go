// Package facets counts a search's hits by the facet fields (sites,
// language, year) and the two day fields of the histogram, as a handler
// Bleve's collector hands every hit (Tally), from per-segment ordinals
// built once and kept for the life of an index (Cache), and remembers the
// counts of recent queries on an unchanged index (Memo). It reads
// segments Bleve's scorch gives it; which index, shards and queries they
// belong to is the index package's.
package facets

import (
	"context"
	"fmt"
	"sync"

	segment "github.com/blevesearch/scorch_segment_api/v2"

	"github.com/syndex/syndex/index/histogram"
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
// in it (Cache.Threshold), and never by the first facet query an Index
// answers: a narrow query, or a one-shot `syndex search` that never needs
// them again, counts its hits from the doc values, as Bleve would. They
// are kept for the life of the Index, until the segment is merged away
// (Cache.Prune): about 34 bytes per document.

// facetFields are the fields a tally counts: the facets and the two
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
	// For the day fields, each term read once (histogram.DayTerm): its day, the
	// copies it stands for and whether they are marked noindex.
	day    []int32
	k      []int32
	marked []bool
	// free holds count arrays of earlier queries, zeroed (*[]uint32 of
	// len(terms)): at 1M generated stories the day fields hold 45,000 and
	// 75,000 terms a segment, a megabyte of counts a query.
	free sync.Pool
}

// counts returns zeroed counts for the field's ordinals.
func (fo *fieldOrds) counts() []uint32 {
	if p, _ := fo.free.Get().(*[]uint32); p != nil {
		return *p
	}
	return make([]uint32, len(fo.terms))
}

// release zeroes counts from fo.counts and keeps them for another query.
func (fo *fieldOrds) release(c []uint32) {
	clear(c)
	fo.free.Put(&c)
}

// segOrds are the facet fields' ordinals of one segment.
type segOrds struct {
	fields [nFacetFields]fieldOrds
}

// size is the heap the ordinals hold, in bytes (about).
func (o *segOrds) size() int {
	n := 0
	for i := range o.fields {
		f := &o.fields[i]
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
		day, k, marked := histogram.DayTerm(t, copies)
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

// Cache holds the ordinals of the segments queries needed them for.
// The zero Cache is ready.
type Cache struct {
	// Threshold is how many hits a query must have in a segment of n
	// documents before the segment's ordinals are built; nil means
	// max(256, n/16). Set it before the first search (tests force either
	// way with it).
	Threshold func(n int) int

	mu   sync.Mutex
	segs map[segment.Segment]*ordEntry
}

// threshold is c.Threshold(n), or the default.
func (c *Cache) threshold(n int) int {
	if c.Threshold != nil {
		return c.Threshold(n)
	}
	return max(256, n/16)
}

// Len is how many segments' ordinals are built or being built.
func (c *Cache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.segs)
}

type ordEntry struct {
	once sync.Once
	ords *segOrds
	err  error
}

// peek returns seg's ordinals when they are built.
func (c *Cache) peek(seg segment.Segment) *segOrds {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e := c.segs[seg]; e != nil && e.ords != nil {
		return e.ords
	}
	return nil
}

// get returns seg's ordinals, building them once (concurrent callers
// wait for the one build). It reports whether this call built them.
func (c *Cache) get(ctx context.Context, seg segment.Segment) (*segOrds, bool, error) {
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

// Prune drops the ordinals of the segments not in live (merged away).
func (c *Cache) Prune(live map[segment.Segment]bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for s, e := range c.segs {
		if !live[s] && e.ords != nil {
			delete(c.segs, s)
		}
	}
}
