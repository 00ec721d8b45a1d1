package index

import (
	"errors"
	"fmt"
	"os"

	"github.com/RoaringBitmap/roaring/v2"
	segment "github.com/blevesearch/scorch_segment_api/v2"
	zapv17 "github.com/blevesearch/zapx/v17"
)

// A bulk build's final merge. Bleve's offline builder merges a shard's
// segments builderMerge at a time: the first builderMerge into one, put
// last, until one is left, so a shard of more segments writes most of its
// documents twice. A Builder hands Bleve a width of builderMergeOpen
// instead, so that one call of our segment format's merge gets every
// segment of a shard (of up to builderMergeOpen segments), and buildMerge
// chooses by their size: in one pass when their files hold at most
// builderMergeBytes together, as Bleve's builder did otherwise. Either way
// the merged segment holds the documents in the order that Bleve's passes
// of builderMerge give (mergeOrder), so the choice changes neither the
// index nor the order of results tied in score.

// buildMerge merges segs, segments of a bulk build in the order Bleve's
// builder keeps them, into a new segment at path, releasing the inputs'
// pages as it goes (releaseWhile). It returns each input document's number
// in the new segment, as Merge does.
func (z *releasingZap) buildMerge(segs []segment.Segment, drops []*roaring.Bitmap, path string,
	closeCh chan struct{}, s segment.StatsReporter, config map[string]any) ([][]uint64, uint64, error) {
	if segmentsBytes(segs) > int64(builderMergeBytes) && len(segs) > builderMerge {
		return z.mergePasses(segs, drops, path, closeCh, s, config)
	}
	order := mergeOrder(len(segs), builderMerge)
	in := make([]segment.Segment, len(segs))
	inDrops := make([]*roaring.Bitmap, len(segs))
	for j, i := range order {
		in[j], inDrops[j] = segs[i], drops[i]
	}
	nums, size, err := z.mergeReleasing(in, inDrops, path, closeCh, s, config)
	if err != nil {
		return nil, 0, err
	}
	out := make([][]uint64, len(segs))
	for j, i := range order {
		out[i] = nums[j]
	}
	return out, size, nil
}

// mergePasses merges segs into path builderMerge at a time, as Bleve's
// offline builder does: the first builderMerge into a new segment put
// last, until the last pass writes path. Its intermediate segments sit
// next to path (in the build's temporary directory) until merged.
func (z *releasingZap) mergePasses(segs []segment.Segment, drops []*roaring.Bitmap, path string,
	closeCh chan struct{}, s segment.StatsReporter, config map[string]any) (_ [][]uint64, _ uint64, err error) {
	type input struct {
		seg  segment.Segment
		drop *roaring.Bitmap
		part string // the file of a pass's output, "" for one of segs
	}
	items := make([]input, len(segs))
	for i := range segs {
		items[i] = input{seg: segs[i], drop: drops[i]}
	}
	release := func(in []input) error {
		var errs []error
		for _, it := range in {
			if it.part != "" {
				errs = append(errs, it.seg.Close(), os.Remove(it.part))
			}
		}
		return errors.Join(errs...)
	}
	defer func() {
		if rerr := release(items); err == nil && rerr != nil {
			err = fmt.Errorf("merge %s: %w", path, rerr)
		}
	}()
	for pass := 0; ; pass++ {
		n := min(builderMerge, len(items))
		in := items[:n:n]
		items = items[n:]
		out := path
		if len(items) > 0 {
			out = fmt.Sprintf("%s.pass%d", path, pass)
		}
		ss := make([]segment.Segment, n)
		ds := make([]*roaring.Bitmap, n)
		for i, it := range in {
			ss[i], ds[i] = it.seg, it.drop
		}
		_, size, err := z.mergeReleasing(ss, ds, out, closeCh, s, config)
		if rerr := release(in); err == nil && rerr != nil {
			err = fmt.Errorf("merge %s: %w", path, rerr)
		}
		if err != nil {
			return nil, 0, err
		}
		if len(items) == 0 {
			return docNumbers(segs, drops, mergeOrder(len(segs), builderMerge)), size, nil
		}
		seg, err := z.Open(out) // its pages let go of until its pass
		if err != nil {
			_ = os.Remove(out)
			return nil, 0, fmt.Errorf("merge %s: %w", path, err)
		}
		items = append(items, input{seg: seg, part: out})
	}
}

// mergeReleasing is one merge of zap v17 that lets go of its inputs'
// pages as it reads them.
func (z *releasingZap) mergeReleasing(segs []segment.Segment, drops []*roaring.Bitmap, path string,
	closeCh chan struct{}, s segment.StatsReporter, config map[string]any) ([][]uint64, uint64, error) {
	releasingMerges.Add(1)
	defer releaseWhile(segs)()
	return z.ZapPlugin.MergeUsing(segs, drops, path, closeCh, s, config)
}

// mergeOrder is the order in which merges of width segments at a time,
// each of the first width put last, leave n segments' documents: indexes
// of the segments, from first to last.
func mergeOrder(n, width int) []int {
	if width < 2 {
		width = 2
	}
	items := make([][]int, n)
	for i := range items {
		items[i] = []int{i}
	}
	for len(items) > 1 {
		k := min(width, len(items))
		var merged []int
		for _, it := range items[:k] {
			merged = append(merged, it...)
		}
		items = append(items[k:], merged)
	}
	if len(items) == 0 {
		return nil
	}
	return items[0]
}

// docNumbers is what a merge that leaves segs' documents in order (segs
// indexes, first to last) returns: each document's number in the merged
// segment, docDropped for those drops removes.
func docNumbers(segs []segment.Segment, drops []*roaring.Bitmap, order []int) [][]uint64 {
	out := make([][]uint64, len(segs))
	var next uint64
	for _, i := range order {
		nums := make([]uint64, segs[i].Count())
		for d := range nums {
			if drops[i] != nil && drops[i].Contains(uint32(d)) {
				nums[d] = docDropped
				continue
			}
			nums[d] = next
			next++
		}
		out[i] = nums
	}
	return out
}

// docDropped marks a dropped document in a merge's document numbers (as
// zap's merges do).
const docDropped = ^uint64(0)

// segmentsBytes is the size of segs: their files' for those on disk.
func segmentsBytes(segs []segment.Segment) int64 {
	var n int64
	for _, s := range segs {
		if f, ok := s.(*zapv17.Segment); ok && len(f.Data()) > 0 {
			n += int64(len(f.Data()))
		} else {
			n += int64(s.Size())
		}
	}
	return n
}

// dropAll lets go of the mapped pages of the file segments among segs.
func dropAll(segs []segment.Segment) {
	for _, s := range segs {
		if f, ok := s.(*zapv17.Segment); ok && len(f.Data()) > 0 {
			dropPages(f.Data())
		}
	}
}
