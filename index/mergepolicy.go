package index

import (
	"context"
	"fmt"
	"maps"

	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/index/scorch/mergeplan"
)

// Scorch, Bleve's index format, writes each batch as a new segment and
// folds segments together in the background along a staircase of tiers:
// segments smaller than the floor count as floor-sized, and a tier holds
// up to maxSegmentsPerTier segments before they are merged into one of
// the next tier, tierGrowth times larger. Bleve's default floor is 2,000
// documents, made for batches of thousands; the archive indexes a few
// hundred clusters per batch per shard (every IndexDelay while crawling),
// and with that floor a shard of a few thousand documents is allowed only
// one or two segments, so every batch made the merger rewrite nearly the
// whole shard again: the CPU a crawl spent per page grew with the archive
// (a 10,000-page crawl spent half of it merging). With a floor close to
// the size of the batches themselves, a document is rewritten about once
// per tier it climbs (log10 of the shard's size over the floor) instead,
// at the price of a few more segments for a search to visit: about 13 per
// shard at 5,000 documents, 30 at 500,000 (Bleve's default: 3 and 22).
// The keys are those of Bleve's mergeplan.MergePlanOptions (in JSON, as
// Scorch reads them); the others keep Bleve's defaults. nil leaves every
// one at Bleve's default.
var mergePolicy = map[string]any{
	"floorSegmentSize":     100,
	"maxSegmentsPerTier":   10,
	"segmentsPerMergeTask": 10,
	"tierGrowth":           10.0,
}

// shardConfig is the runtime configuration a shard is created or opened
// with.
func shardConfig(readOnly bool) map[string]any {
	cfg := map[string]any{"bolt_timeout": lockTimeout.String()}
	if mergePolicy != nil {
		cfg["scorchMergePlanOptions"] = maps.Clone(mergePolicy)
	}
	if readOnly {
		cfg["read_only"] = true
	}
	return cfg
}

// Settle merges each shard's segments as far as Bleve's default merge
// policy would have, in one step: once a crawl pass has added its many
// small segments, the searches that follow visit about as many segments
// as they would have, and each document is rewritten about once for it,
// not at every batch. The index stays searchable and writable meanwhile;
// it returns when the merges are done, ctx is cancelled or the index is
// closed.
func (ix *Index) Settle(ctx context.Context) error {
	return ix.forceMerge(ctx, "settle", mergeplan.DefaultMergePlanOptions)
}

// Segments returns the segments the shards hold now, all shards together
// (what a search visits).
func (ix *Index) Segments() (int, error) {
	n := 0
	for i, s := range ix.shards {
		adv, err := s.Advanced()
		if err != nil {
			return 0, fmt.Errorf("segments of %s shard %d: %w", ix.dir, i, err)
		}
		sc, ok := adv.(*scorch.Scorch)
		if !ok {
			return 0, fmt.Errorf("segments of %s shard %d: not a scorch index (%T)", ix.dir, i, adv)
		}
		st := sc.StatsMap()
		for _, k := range []string{"num_root_memorysegments", "num_root_filesegments"} {
			if v, ok := st[k].(uint64); ok {
				n += int(v)
			}
		}
	}
	return n, nil
}
