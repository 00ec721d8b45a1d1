package index

import (
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	bindex "github.com/blevesearch/bleve_index_api"
	segment "github.com/blevesearch/scorch_segment_api/v2"
	zapv17 "github.com/blevesearch/zapx/v17"
)

// A bulk build's final merge reads every segment of its shard through
// memory maps, and each page it reads stays in the process's resident
// memory until the merge ends: a shard's whole index (hundreds of MiB for
// tens of thousands of articles), the peak of a large import. The merges
// of a Builder therefore let go of the pages of their input segments every
// mergeRelease: the maps are read-only and shared, so the pages stay in the
// kernel's page cache and a later read maps them again (a minor fault).
//
// This is done by wrapping Bleve's default segment format (zap v17) and
// registering the wrapper in its place: same type and version, same files,
// every method the format's own but two: only the merges whose output goes
// into a Builder's temporary directory release pages (a live index's merges
// are left as they are: searches read the same segments meanwhile), and a
// new segment's documents are sorted by id (New, below).
var mergeRelease = 250 * time.Millisecond

// releasingMerges counts the merges that released pages (for tests).
var releasingMerges atomic.Int64

func init() {
	scorch.RegisterSegmentPlugin(&releasingZap{}, true)
}

// releasingZap is zap v17 whose builder merges release their input pages,
// and whose new segments hold their documents in the order of their ids.
type releasingZap struct{ zapv17.ZapPlugin }

// A new segment numbers its documents in the order it is given them, and
// equal scores keep that order in search results. Bleve hands them over in
// an order that changes from run to run: its offline builder walks a map of
// the batch, and a live batch collects its analysed documents as they
// finish. So two builds of the same documents ranked tied hits differently
// (between two imports of one file, 12 of 56 result lists, found in
// session 5). Sorted by id, a segment's order depends only on what it
// holds, and a merge keeps its inputs' order.

// New implements scorch.SegmentPlugin.
func (z *releasingZap) New(results []bindex.Document) (segment.Segment, uint64, error) {
	return z.ZapPlugin.New(byID(dropPlaceholders(results)))
}

// NewUsing implements scorch.SegmentPlugin.
func (z *releasingZap) NewUsing(results []bindex.Document, config map[string]any) (segment.Segment, uint64, error) {
	return z.ZapPlugin.NewUsing(byID(dropPlaceholders(results)), config)
}

// byID sorts documents by id, in place (the callers' own slice).
func byID(docs []bindex.Document) []bindex.Document {
	slices.SortFunc(docs, func(a, b bindex.Document) int { return strings.Compare(a.ID(), b.ID()) })
	return docs
}

// Open implements scorch.SegmentPlugin. Opening a segment reads its
// footer and field sections through the map, and each page read brings in
// more of the file (about 170 KB on this machine's ext4: some 0.6 MB of
// each builder segment): a builder opens all of a shard's segments for
// its merge (builderMergeOpen), 420 MB of pages for the two shards of the
// 1 GiB real-page WARC's archive. So a builder's segments let go of them
// as soon as they are open; their merge reads them again.
func (z *releasingZap) Open(path string) (segment.Segment, error) {
	seg, err := z.ZapPlugin.Open(path)
	if err == nil && strings.HasPrefix(filepath.Base(filepath.Dir(path)), buildPrefix) {
		dropAll([]segment.Segment{seg})
	}
	return seg, err
}

func (z *releasingZap) Merge(segs []segment.Segment, drops []*roaring.Bitmap, path string,
	closeCh chan struct{}, s segment.StatsReporter) ([][]uint64, uint64, error) {
	return z.MergeUsing(segs, drops, path, closeCh, s, nil)
}

func (z *releasingZap) MergeUsing(segs []segment.Segment, drops []*roaring.Bitmap, path string,
	closeCh chan struct{}, s segment.StatsReporter, config map[string]any) ([][]uint64, uint64, error) {
	if strings.HasPrefix(filepath.Base(filepath.Dir(path)), buildPrefix) {
		return z.buildMerge(segs, drops, path, closeCh, s, config)
	}
	return z.ZapPlugin.MergeUsing(segs, drops, path, closeCh, s, config)
}

// releaseWhile releases the mapped pages of the file segments among segs
// every mergeRelease until the returned function is called. The caller
// keeps segs open (mapped) until then: the merge that reads them does.
func releaseWhile(segs []segment.Segment) (stop func()) {
	var maps [][]byte
	for _, s := range segs {
		if f, ok := s.(*zapv17.Segment); ok && len(f.Data()) > 0 {
			maps = append(maps, f.Data())
		}
	}
	if len(maps) == 0 {
		return func() {}
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(mergeRelease)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				for _, m := range maps {
					dropPages(m)
				}
			}
		}
	}()
	return func() {
		close(done)
		wg.Wait()
	}
}
