package index

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/index/scorch/mergeplan"
)

// Optimize merges each shard into a single segment, all shards at once.
// Scorch's background merging keeps a tier of segments of growing sizes
// (a million documents end up in some twenty segments per shard), and every
// query pays per segment; after a bulk build such as a reindex, one
// segment per shard makes queries markedly faster. Searches keep working
// while it runs; it returns when the merges are done or ctx is cancelled.
func (ix *Index) Optimize(ctx context.Context) error {
	return ix.forceMerge(ctx, "optimize", mergeplan.SingleSegmentMergePlanOptions)
}

// forceMerge has every shard merge its segments by the plan opts gives,
// all shards at once, and returns when the merges are done.
func (ix *Index) forceMerge(ctx context.Context, what string, opts mergeplan.MergePlanOptions) error {
	if ix.readOnly {
		return fmt.Errorf("%s %s: %w", what, ix.dir, ErrReadOnly)
	}
	errs := make([]error, len(ix.shards))
	var wg sync.WaitGroup
	for i, s := range ix.shards {
		adv, err := s.Advanced()
		if err != nil {
			return fmt.Errorf("%s %s shard %d: %w", what, ix.dir, i, err)
		}
		sc, ok := adv.(*scorch.Scorch)
		if !ok {
			return fmt.Errorf("%s %s shard %d: not a scorch index (%T)", what, ix.dir, i, adv)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			opts := opts
			if err := sc.ForceMerge(ctx, &opts); err != nil {
				errs[i] = fmt.Errorf("%s %s shard %d: %w", what, ix.dir, i, err)
			}
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return err
	}
	return ctx.Err()
}
