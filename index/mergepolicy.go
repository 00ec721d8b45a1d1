package index

import "maps"

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
