package index

import (
	"bufio"
	"context"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unsafe"

	zapv17 "github.com/blevesearch/zapx/v17"
)

// TestBuilderMergesReleasePages: a Builder's merges go through the
// releasing segment format, a live index's merges do not, and dropPages
// takes a segment's pages out of resident memory without changing what
// is read from it.
func TestBuilderMergesReleasePages(t *testing.T) {
	ctx := context.Background()
	defer func(b, m int) { builderBatch, builderMerge = b, m }(builderBatch, builderMerge)
	builderBatch, builderMerge = 20, 3

	before := releasingMerges.Load()
	live, err := OpenWith(filepath.Join(t.TempDir(), "live"), Options{Shards: 1})
	must(t, err)
	for i := range 40 {
		must(t, live.Apply(ctx, []Doc{genDoc(i)}, nil, uint64(i+1)))
	}
	must(t, live.Close())
	if n := releasingMerges.Load() - before; n != 0 {
		t.Errorf("a live index's merges released pages (%d)", n)
	}

	dir := filepath.Join(t.TempDir(), "built")
	b, err := NewBuilder(dir, Options{Shards: 1})
	must(t, err)
	for i := range 400 {
		must(t, b.Add(ctx, genDoc(i)))
	}
	ix, err := b.Close(1)
	must(t, err)
	must(t, ix.Close())
	if n := releasingMerges.Load() - before; n == 0 {
		t.Error("no builder merge released pages")
	}

	zaps, _ := filepath.Glob(filepath.Join(shardDir(dir, 0), "store", "*.zap"))
	if len(zaps) != 1 {
		t.Fatalf("built shard: %v, want one segment", zaps)
	}
	seg, err := (&zapv17.ZapPlugin{}).Open(zaps[0])
	must(t, err)
	defer seg.Close()
	data := seg.(*zapv17.Segment).Data()
	sum := crc32.ChecksumIEEE(data) // reads every page
	if rss := mappedRss(t, data); rss < len(data)/2 {
		t.Fatalf("segment of %d bytes read, %d resident: cannot tell", len(data), rss)
	}
	dropPages(data)
	if rss := mappedRss(t, data); rss != 0 {
		t.Errorf("after dropPages %d bytes of the segment resident, want 0", rss)
	}
	if crc32.ChecksumIEEE(data) != sum {
		t.Error("segment reads differently after dropPages")
	}
}

// mappedRss is the resident size of the mapping that holds m, from
// /proc/self/smaps.
func mappedRss(t *testing.T, m []byte) int {
	t.Helper()
	f, err := os.Open("/proc/self/smaps")
	must(t, err)
	defer f.Close()
	addr := uint64(uintptr(unsafe.Pointer(unsafe.SliceData(m))))
	in := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		first, _, _ := strings.Cut(line, " ")
		if lo, hi, ok := strings.Cut(first, "-"); ok {
			a, err1 := strconv.ParseUint(lo, 16, 64)
			b, err2 := strconv.ParseUint(hi, 16, 64)
			if err1 == nil && err2 == nil {
				in = a <= addr && addr < b
				continue
			}
		}
		if in && strings.HasPrefix(line, "Rss:") {
			var kb int
			if _, err := fmt.Sscanf(line, "Rss: %d kB", &kb); err != nil {
				t.Fatal(err)
			}
			return kb * 1024
		}
	}
	t.Fatalf("no mapping at %#x in /proc/self/smaps", addr)
	return 0
}
