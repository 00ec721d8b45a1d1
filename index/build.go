package index

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"sync"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/mapping"

	"github.com/syndex/syndex/index/schema"
	"github.com/syndex/syndex/internal/atomicfile"
)

// Bulk building: a Builder writes a whole new index in one pass, each shard
// with Bleve's offline builder, which analyses documents into segments of
// builderBatch documents on disk and merges them only at the end, builderMerge
// at a time. A live index instead introduces every batch as a segment that
// the background merger folds into ever larger ones, rewriting each document
// several times while the index grows.
var (
	// builderBatch is the most documents a shard builder's segment holds:
	// Bleve analyses a whole batch in memory before writing it, so it
	// sets the build's heap (every shard builds at once). 50 instead of
	// 200 took a 4,133-article rebuild from 367–371 to 341–343 MiB peak
	// RSS at no more CPU (14.3–14.8 s against 15.0–15.4 s). 100: half
	// the segments to write and merge, so a 20k import's shards (about
	// 47 segments each) merged in one pass of builderMerge instead of
	// writing two thirds of their documents twice (with 50 they now
	// merge in one pass too: builderMergeBytes). But on the
	// 27,314-article archive of the 1 GiB real-page WARC, 100 took the build's peak to 631,780 kB
	// (reindex) and 638,900 kB (the import's build at its end), 150–220
	// MB of it the final merges' mapped segments, against 500,208 kB
	// with 50 on the same main (and 89.8 against 99.4 CPU-s). A segment
	// of at most 100 that also ends at builderSegmentBytes of text (about
	// 47.5 real pages) still took the whole import of that WARC to
	// 536,984 and 544,424 kB on a quiet machine, over its 512 MiB bound,
	// against 492,556 kB for the code before and 518,396 kB for 50 with
	// the same byte bound; the 20k import ran at 2,411–2,589 articles/s
	// with 100 and 2,440–2,460 with 50. The bound is kept, so 50 it is.
	builderBatch = 50
	// builderSegmentBytes ends a builder segment before builderBatch
	// documents once the titles and bodies of its documents reach it
	// (segmentsize.go): about 100 of our generated articles (2.6 KB of
	// text each), about 50 real pages (5.2 KB each for the 2,580 stories
	// of the 3,593 real articles, 5.7 KB for the 27,168 of the 1 GiB
	// real-page WARC: 47.5 a segment).
	builderSegmentBytes = 256 << 10
	// builderMerge is how many segments a pass of a shard's final merge
	// reads when they are too large together to be merged in one
	// (builderMergeBytes): the first builderMerge are merged into one,
	// put last, and so on until one is left, as Bleve's offline builder
	// does (buildmerge.go), so most documents are written twice. Merged
	// in one pass or not, the documents end in the order of these
	// passes. 256 in passes of Bleve's (b0581d0, reverted in 717a7ad)
	// took the 1 GiB real-page WARC import from 491,772 to 794,792 kB
	// peak RSS: both shards' first merges of 256 segments at once held
	// 50–245 MB of their input files resident against 37–133 MB with
	// 64 (sampled every second, under load; the heap stayed at 300–324
	// MB).
	builderMerge = 64
	// builderMergeBytes bounds the segment files a shard's final merge
	// reads in one pass: at most this much and its segments are merged
	// at once, each document written once. A merge keeps a part of every
	// input it reads resident between releases (mergerelease.go): on
	// this machine's ext4 each page read through the map brought in
	// about 170 KB of the file, so of a builder's segments (under 1 MB
	// each) a wide merge holds up to nearly all it reads, for both
	// shards at once. The 1 GiB real-page WARC's first passes of 256
	// (about 250 MB a shard) held 50–245 MB of file pages at once under
	// load, over a heap of about 310 MB, and took the import's peak
	// 303 MB higher than passes of 64 on a quiet machine; 2 × 80 MiB on
	// top of that heap stays under the 512 MiB that import keeps to. A
	// 20,620-article generated import's shards are 95 segments of 68.3
	// and 68.6 MB: one pass each. A 9,294-article real-page cut (103
	// segments, about 87 MB a shard) merged in one pass peaked at
	// 400,564 kB against 398,816 in passes (its extraction's peak).
	builderMergeBytes = 80 << 20
	// builderMergeOpen is the most segments Bleve's builder opens for one
	// merge: all of a shard of up to builderMergeOpen segments go to one
	// call of our merge (buildMerge), which chooses between one pass and
	// passes; a larger shard is merged in Bleve's passes of this many,
	// each of them planned so, keeping its open files bounded. Opened
	// segments let go of their pages at once (releasingZap.Open).
	builderMergeOpen = 1024
	// builderHold bounds the documents a Builder holds back while their
	// language's common terms are learned (see Add).
	builderHold = 1000
	// bigramMinLearn is how many bodies a language needs for a Builder to
	// fix its common terms when the build ends (or runs out of room to
	// hold them) before bigramLearnDocs: fewer, and its held documents get
	// every bigram, as in a live index.
	bigramMinLearn = 100
)

const buildPrefix = "scorch-offline-build"

// Builder writes a new index from scratch: for a rebuild from the store
// (syndex reindex, an index found corrupt or behind) and for a first bulk
// import. Nothing is searchable before Close, and a build that does not
// finish (a crash, an error) leaves a directory that Open reports as
// corrupt, so the caller builds again. Add each cluster once.
type Builder struct {
	dir      string
	n        int
	in       []chan shardDoc
	builders []bleve.Builder
	docs     []int // documents handed to each shard's builder
	errs     []error
	wg       sync.WaitGroup
	langs    map[string]bool
	bigrams  *bigramMaker // learns the common terms; saved at Close
	// held are the documents of languages whose common terms are still
	// being learned, without their body bigrams, nheld their number.
	held    map[string][]map[string]any
	nheld   int
	closed  bool
	abort   bool
	mapping mapping.IndexMapping // set before the inputs close: skip the final merge
}

// NewBuilder starts building a new index in dir, which must not exist or
// be empty; o.Shards as for OpenWith.
func NewBuilder(dir string, o Options) (*Builder, error) {
	if o.Shards < 0 || o.Shards > maxShards {
		return nil, fmt.Errorf("build index %s: %d shards, want 1–%d", dir, o.Shards, maxShards)
	}
	if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
		return nil, fmt.Errorf("build index %s: directory is not empty", dir)
	}
	n := o.Shards
	if n == 0 {
		n = DefaultShards()
	}
	m, err := schema.NewMapping()
	if err != nil {
		return nil, fmt.Errorf("index mapping: %w", err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("build index %s: %w", dir, err)
	}
	b := &Builder{dir: dir, n: n, errs: make([]error, n), docs: make([]int, n), langs: map[string]bool{},
		bigrams: &bigramMaker{m: m, vocab: newBigramVocab(""), hold: true}, held: map[string][]map[string]any{}, mapping: m}
	builders := make([]bleve.Builder, n)
	for i := range n {
		// Temporary segments stay on the index's file system, under
		// the index directory (Remove knows them).
		bb, err := bleve.NewBuilder(shardDir(dir, i), builderMapping{m}, map[string]any{
			"batchSize": builderBatch, "mergeMax": builderMergeOpen, "buildPathPrefix": dir,
		})
		if err != nil {
			return nil, fmt.Errorf("build index %s: shard %d: %w", dir, i, err)
		}
		builders[i] = bb
	}
	b.builders = builders
	for i, bb := range builders {
		ch := make(chan shardDoc, 64)
		b.in = append(b.in, ch)
		b.wg.Add(1)
		go b.shard(i, bb, ch)
	}
	return b, nil
}

// shard hands the documents of ch to shard i's builder bb, ending its
// segments by size too (segmentFill); after a failure it drains ch.
func (b *Builder) shard(i int, bb bleve.Builder, ch <-chan shardDoc) {
	defer b.wg.Done()
	var seg segmentFill
	for d := range ch {
		if b.errs[i] != nil {
			continue // drain
		}
		b.docs[i]++
		err := bb.Index(d.f[schema.FieldCluster].(string), d.f)
		if err == nil {
			err = seg.add(bb, d.size)
		}
		if err != nil {
			b.errs[i] = fmt.Errorf("build index %s: shard %d: %w", b.dir, i, err)
		}
	}
}

// Add hands one cluster document to its shard's builder. A document whose
// language's common terms are still being learned (bigramvocab.go) is held
// back until they are fixed, so that a bulk build indexes only the bigrams
// of common words from its first document on (a live index indexes every
// bigram of a language's first bigramLearnDocs bodies); a language still
// learning at Close, or when builderHold documents are held, is fixed
// from the bodies seen when there are bigramMinLearn of them.
func (b *Builder) Add(ctx context.Context, d Doc) error {
	f, a, held, err := d.fieldsHeld(b.bigrams)
	if err != nil {
		return fmt.Errorf("build index %s: %w", b.dir, err)
	}
	b.langs[a] = true
	if !held {
		return b.send(ctx, f, a)
	}
	b.held[a] = append(b.held[a], f)
	b.nheld++
	if set := b.bigrams.vocab.commonSet(a); set != nil { // this body fixed it
		return b.release(ctx, a, set)
	}
	if b.nheld < builderHold {
		return nil
	}
	most := ""
	for l, fs := range b.held {
		if most == "" || len(fs) > len(b.held[most]) || (len(fs) == len(b.held[most]) && l < most) {
			most = l
		}
	}
	return b.settle(ctx, most)
}

// settle releases the documents held for language a: with its common
// terms fixed from the bodies seen when there are enough of them, else
// with every bigram (a keeps learning).
func (b *Builder) settle(ctx context.Context, a string) error {
	var set *commonTerms
	if b.bigrams.vocab.learned(a) >= bigramMinLearn {
		var err error
		if set, err = b.bigrams.vocab.fix(a); err != nil {
			return fmt.Errorf("build index %s: %w", b.dir, err)
		}
	}
	return b.release(ctx, a, set)
}

// release adds language a's body bigrams (those set keeps; all when nil)
// to the documents held for it and hands them to their shards.
func (b *Builder) release(ctx context.Context, a string, set *commonTerms) error {
	fs := b.held[a]
	delete(b.held, a)
	b.nheld -= len(fs)
	for _, f := range fs {
		if err := b.bigrams.bodyBigrams(f, a, set); err != nil {
			return fmt.Errorf("build index %s: %w", b.dir, err)
		}
		if err := b.send(ctx, f, a); err != nil {
			return err
		}
	}
	return nil
}

// shardDoc is a document on its way to a shard's builder, with the size
// of its text (textBytes).
type shardDoc struct {
	f    map[string]any
	size int
}

// send hands f, a document of analysis a, to its shard's builder.
func (b *Builder) send(ctx context.Context, f map[string]any, a string) error {
	id := f[schema.FieldCluster].(string)
	select {
	case b.in[shardOfN(id, b.n)] <- shardDoc{f: f, size: textBytes(f, a)}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Close finishes every shard (the last segments and the merge), marks the
// directory as a complete index recording checkpoint, and opens it.
func (b *Builder) Close(checkpoint uint64) (*Index, error) {
	if b.closed {
		return nil, errors.New("build index: builder already closed")
	}
	if err := b.settleAll(); err != nil {
		b.Abort()
		return nil, err
	}
	if err := b.finish(); err != nil {
		return nil, err
	}
	if err := b.complete(); err != nil {
		return nil, err
	}
	ix, err := Open(b.dir)
	if err != nil {
		return nil, err
	}
	if checkpoint > 0 {
		if err := ix.SetCheckpoint(checkpoint); err != nil {
			ix.Close()
			return nil, err
		}
	}
	return ix, nil
}

// settleAll releases the documents still held, language by language in
// name order.
func (b *Builder) settleAll() error {
	langs := make([]string, 0, len(b.held))
	for a := range b.held {
		langs = append(langs, a)
	}
	slices.Sort(langs)
	for _, a := range langs {
		if err := b.settle(context.Background(), a); err != nil {
			return err
		}
	}
	return nil
}

// complete turns the finished shards into an index Open takes: temporary
// directories removed, each shard marked with our layout, the common
// terms and the layout file written.
func (b *Builder) complete() error {
	// Builders of empty shards leave their temporary directory behind.
	entries, _ := os.ReadDir(b.dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), buildPrefix) {
			_ = os.RemoveAll(filepath.Join(b.dir, e.Name()))
		}
	}
	// The shards carry our layout marker like those Open creates.
	for i := range b.n {
		bi, err := bleve.OpenUsing(shardDir(b.dir, i), map[string]any{"bolt_timeout": lockTimeout.String()})
		if err != nil {
			return fmt.Errorf("build index %s: open shard %d: %w", b.dir, i, err)
		}
		err = bi.SetInternal([]byte(keyMapping), []byte(schema.MappingVersion))
		if cerr := bi.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return fmt.Errorf("build index %s: shard %d: %w", b.dir, i, err)
		}
	}
	b.bigrams.vocab.mu.Lock()
	b.bigrams.vocab.path = filepath.Join(b.dir, BigramsFile)
	err := b.bigrams.vocab.save()
	b.bigrams.vocab.mu.Unlock()
	if err != nil {
		return fmt.Errorf("build index %s: %w", b.dir, err)
	}
	if err := writeLayout(b.dir, b.n); err != nil {
		return fmt.Errorf("build index %s: %w", b.dir, err)
	}
	return nil
}

// Abort stops the build without finishing it; the caller removes the
// directory (Remove).
func (b *Builder) Abort() {
	b.abort = true
	_ = b.finish()
}

func (b *Builder) finish() error {
	if b.closed {
		return errors.New("build index: builder already closed")
	}
	b.closed = true
	for _, ch := range b.in {
		close(ch)
	}
	b.wg.Wait()
	if b.abort {
		return errors.Join(b.errs...)
	}
	// The shards' final merges run at once, one per shard: merging is
	// most of the build's last part, and one after the other they left
	// a core idle. Their input pages are let go of as they are read
	// (mergerelease.go), so what they hold together is mostly their
	// own buffers; what the analysis left on the heap goes back to the
	// system first.
	debug.FreeOSMemory()
	var wg sync.WaitGroup
	for i, bb := range b.builders {
		if b.errs[i] != nil {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			if b.docs[i] == 0 {
				// Bleve's builder cannot finish an empty index.
				b.errs[i] = emptyShard(shardDir(b.dir, i), b.mapping)
				return
			}
			if err := bb.Close(); err != nil {
				b.errs[i] = fmt.Errorf("build index %s: shard %d: %w", b.dir, i, err)
			}
		}()
	}
	wg.Wait()
	return errors.Join(b.errs...)
}

// emptyShard replaces an unfinished shard build without documents by an
// empty shard.
func emptyShard(sdir string, m mapping.IndexMapping) error {
	if err := os.RemoveAll(sdir); err != nil {
		return fmt.Errorf("build index: empty shard %s: %w", sdir, err)
	}
	bi, err := bleve.NewUsing(sdir, m, bleve.Config.DefaultIndexType, bleve.Config.DefaultKVStore, nil)
	if err != nil {
		return fmt.Errorf("build index: empty shard %s: %w", sdir, err)
	}
	return bi.Close()
}

// writeLayout writes LayoutFile, the mark of a complete index.
func writeLayout(dir string, shards int) error {
	raw, _ := json.Marshal(layout{Layout: schema.MappingVersion, Shards: shards})
	return atomicfile.WriteFile(filepath.Join(dir, LayoutFile), raw)
}
