package index

import (
	"fmt"
	"strings"

	"github.com/blevesearch/bleve/v2/index/scorch"
	segment "github.com/blevesearch/scorch_segment_api/v2"

	"github.com/syndex/syndex/index/facets"
)

// A search's facets and histogram are counted by package facets, from
// per-segment ordinals the Index keeps (facetOrds) and a memo of recent
// queries' counts (facetMemo); these are its names in the Index.

// FacetCount is one facet value and how many matching clusters have it
// (facets.Count).
type FacetCount = facets.Count

type (
	ordCache  = facets.Cache
	facetMemo = facets.Memo
)

// liveSegments is an Index as the facets' tally asks for its segments (a
// conversion, where a method value would cost an allocation per search).
type liveSegments Index

// LiveSegments are the segments of the shards' current snapshots.
func (l *liveSegments) LiveSegments() map[segment.Segment]bool {
	ix := (*Index)(l)
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

// facetKey names what a query's facet counts depend on.
func facetKey(q Query) string {
	return fmt.Sprintf("%q|%q|%q|%q|%d|%d|%q", strings.TrimSpace(q.Text), q.Sites, q.Lang, q.Clusters,
		q.From.UnixNano(), q.To.UnixNano(), q.NoIndex)
}
