// Package archive wires the pipeline of syndex in one place: it opens an
// archive directory (the bbolt store, the dedup checkpoint, the Bleve index)
// and feeds pages and Articles through extract → dedup → store → index.
//
// It owns consistency between the three: the store is the source of truth;
// the dedup index is a checkpoint plus a replay of the articles stored after
// it, and the Bleve index records the store position it reflects and is
// rebuilt from the store when it lags behind or cannot be opened. It does
// not own crawling (package crawler) or presentation (report, web).
//
// While one process writes an archive it serves a read API (APIHandler);
// other processes read the archive through it with package
// archive/remote.
package archive

import (
	"bufio"
	"cmp"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/syndex/syndex/article"
	"github.com/syndex/syndex/dedup"
	"github.com/syndex/syndex/extract"
	"github.com/syndex/syndex/index"
	"github.com/syndex/syndex/internal/atomicfile"
	"github.com/syndex/syndex/store"
)

// Layout of an archive directory.
const (
	WARCDir    = "warc"              // WARC files and their CDXJ index
	DedupFile  = "dedup/index.bin"   // dedup checkpoint
	ModelFile  = "extract/sites.bin" // per-site boilerplate learned by extraction
	BleveDir   = "bleve"             // Bleve index
	StatsFile  = "stats.json"        // crawl statistics
	checkpoint = 2000                // articles between dedup checkpoints
)

// Options tune Open.
type Options struct {
	// ReadOnly opens for search, report and serve: nothing is written.
	ReadOnly bool
	// NoIndex skips the search index (report and export do not need it,
	// and so keep working while another process holds the index).
	NoIndex bool
	// Dedup configures near-duplicate detection; nil means the defaults.
	Dedup *dedup.Config
	// Extract configures article extraction.
	Extract extract.Options
	// Log receives progress messages (rebuilds, replays); slog.Default if nil.
	Log *slog.Logger
	// Existing refuses to create an archive where there is none.
	Existing bool
	// IndexBatch and IndexDelay group search index updates: the index is
	// updated once IndexBatch articles were stored since the last update,
	// or once the oldest of them waited IndexDelay (DefaultIndexBatch and
	// DefaultIndexDelay when 0).
	IndexBatch int
	IndexDelay time.Duration
	// Progress, when set, is told how the long index operations advance
	// (a rebuild, a catch-up after a crash, the end of a bulk load): done
	// of total units ("articles" or "stories").
	Progress func(done, total int64, unit string)
}

// Archive is an open archive directory.
type Archive struct {
	Dir   string
	Store *store.Store
	Dedup *dedup.Clusterer
	Index *index.Index

	opt          Options
	log          *slog.Logger
	extractor    *extract.Extractor
	dedupSeq     uint64 // store position the dedup checkpoint reflects
	sinceCheck   int
	sinceRelease int // articles stored since the store's pages were released
	// members stands in for the dropped dedup index while Close builds
	// the search index (dropDedup).
	members       *dedup.Membership
	lastDedupSave time.Time
	dedupSaveCost time.Duration // how long the last checkpoint took to write
	// mu lets readers (Cluster, served while a crawl runs) see the dedup
	// index between ingests, never during one. It guards the fields below.
	mu sync.RWMutex
	// flushMu serialises index updates (flushIndex, Reindex); taken
	// before mu.
	flushMu      sync.Mutex
	pending      map[string]uint64 // clusters to index again → when marked
	pendingGen   uint64
	pendingArts  int       // articles stored since the last index update
	pendingSince time.Time // when the oldest of them was stored
	flushTimer   *time.Timer
	// flushing is set while an index update started by a crawled page
	// (flushBehind) is scheduled or running, settling while the segments
	// a crawl pass left are merged (settleIndex); background counts those
	// goroutines, for Close, and settled the settle alone, for Reindex.
	flushing   bool
	settling   bool
	background sync.WaitGroup
	settled    sync.WaitGroup
	bulk       bool
	closing    bool
	behind     writeBehind // a bulk import's store write in flight (ingest.go)
	// prepared holds the dedup text work done ahead for the articles of
	// the batch being ingested (ImportJSONL); a.mu.
	prepared map[*article.Article]*dedup.Prepared
	// batchArts is the batch being deduplicated, by id (dedupText); a.mu.
	batchArts batchTexts
}

// Open opens (creating when writable) the archive in dir and brings the
// dedup and Bleve indexes up to date with the store.
func Open(ctx context.Context, dir string, opt Options) (*Archive, error) {
	if opt.Log == nil {
		opt.Log = slog.Default()
	}
	if opt.Dedup == nil {
		cfg := dedup.DefaultConfig()
		opt.Dedup = &cfg
	}
	st, err := store.Open(dir, store.Options{ReadOnly: opt.ReadOnly, Existing: opt.Existing})
	if err != nil {
		return nil, err
	}
	a := &Archive{Dir: dir, Store: st, opt: opt, log: opt.Log, extractor: extract.New(opt.Extract), pending: map[string]uint64{}}
	a.loadModel()
	if opt.NoIndex && opt.ReadOnly {
		return a, nil
	}
	if err := a.openIndex(ctx); err != nil {
		st.Close()
		return nil, err
	}
	if opt.ReadOnly {
		return a, nil
	}
	if err := a.loadDedup(ctx); err != nil {
		a.Close()
		return nil, err
	}
	if err := a.catchUpIndex(ctx); err != nil {
		a.Close()
		return nil, err
	}
	return a, nil
}

func (a *Archive) openIndex(ctx context.Context) error {
	path := filepath.Join(a.Dir, BleveDir)
	if a.opt.ReadOnly {
		ix, err := index.OpenReader(path)
		if err != nil {
			return fmt.Errorf("archive %s: %w", a.Dir, err)
		}
		a.Index = ix
		return nil
	}
	ix, reset, err := index.OpenOrReset(path)
	if err != nil {
		return fmt.Errorf("archive %s: %w", a.Dir, err)
	}
	if reset {
		a.log.Warn("search index was unusable and will be rebuilt from the store", "path", path)
	}
	a.Index = ix
	return nil
}

// loadDedup reads the dedup checkpoint and replays the articles stored
// after it, so the in-memory index matches the store.
func (a *Archive) loadDedup(ctx context.Context) error {
	return a.loadDedupFrom(ctx, true)
}

// loadDedupFrom loads the dedup index from its checkpoint and the store.
// With write, the replayed articles are stored again with their
// assignments and their clusters marked for indexing (the normal open);
// without, the store is only read (a rollback after a failed write).
func (a *Archive) loadDedupFrom(ctx context.Context, write bool) error {
	// The store's positions are read without errors below: make sure it
	// can be read at all.
	if err := a.Store.DB().View(func(*bolt.Tx) error { return nil }); err != nil {
		return fmt.Errorf("read store: %w", err)
	}
	if err := a.openDedup(); err != nil {
		return err
	}
	a.Dedup.SetTexts(a.dedupText) // whole-text verification reads the store
	if a.dedupSeq == a.Store.LastSeq() {
		return nil
	}
	n, err := a.replayDedup(ctx, write)
	if err != nil {
		return err
	}
	a.log.Info("dedup index replayed from the store", "articles", n)
	if !write {
		return nil
	}
	return a.saveDedup()
}

// openDedup sets the clusterer and the store position it reflects from
// the checkpoint; an empty clusterer at 0 when there is none, when it
// cannot be read or when it is ahead of the store.
func (a *Archive) openDedup() error {
	path := filepath.Join(a.Dir, DedupFile)
	a.dedupSeq = 0
	f, err := os.Open(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		a.Dedup = dedup.NewClusterer(*a.opt.Dedup)
	case err != nil:
		return fmt.Errorf("open dedup checkpoint: %w", err)
	default:
		a.dedupSeq, a.Dedup, err = ReadCheckpoint(f, *a.opt.Dedup)
		f.Close()
		if err != nil {
			a.log.Warn("dedup checkpoint unreadable; rebuilding from the store", "path", path, "err", err)
			a.Dedup, a.dedupSeq = dedup.NewClusterer(*a.opt.Dedup), 0
		}
	}
	if a.dedupSeq > a.Store.LastSeq() {
		a.log.Warn("dedup checkpoint is ahead of the store; rebuilding from the store", "checkpoint", a.dedupSeq, "store", a.Store.LastSeq())
		a.Dedup, a.dedupSeq = dedup.NewClusterer(*a.opt.Dedup), 0
	}
	return nil
}

// ReadCheckpoint reads a dedup checkpoint file (dedup/index.bin): the
// store position it reflects (8 bytes, big-endian), then the clusterer.
// Opening an archive, lookups and syndex check read it through this.
func ReadCheckpoint(f io.Reader, cfg dedup.Config) (uint64, *dedup.Clusterer, error) {
	r := bufio.NewReader(f)
	var hdr [8]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return 0, nil, err
	}
	seq := binary.BigEndian.Uint64(hdr[:])
	ix, err := dedup.ReadClusterer(r, cfg)
	return seq, ix, err
}

// replayDedup adds the articles stored after the checkpoint's position
// to the clusterer, a thousand at a time, and returns how many. With
// write, they are stored again with their assignments (assignReplay).
func (a *Archive) replayDedup(ctx context.Context, write bool) (int, error) {
	n := 0
	var batch []*article.Article
	replay := func() error {
		if !write {
			for _, art := range batch {
				a.Dedup.Add(art)
			}
			return nil
		}
		return a.assignReplay(batch)
	}
	for art, err := range a.Store.Articles(a.dedupSeq) {
		if err != nil {
			a.log.Warn("skip unreadable article during replay", "err", err)
			continue
		}
		batch = append(batch, art)
		n++
		if len(batch) == 1000 {
			if err := replay(); err != nil {
				return n, err
			}
			batch = batch[:0]
		}
		if err := ctx.Err(); err != nil {
			return n, err
		}
	}
	return n, replay()
}

// loadModel reads the per-site boilerplate model extraction learned in
// earlier runs; a missing or unreadable model only means learning anew.
func (a *Archive) loadModel() {
	f, err := os.Open(filepath.Join(a.Dir, ModelFile))
	if err != nil {
		return
	}
	defer f.Close()
	if _, err := a.extractor.ReadFrom(bufio.NewReader(f)); err != nil {
		a.log.Warn("boilerplate model unreadable; learning it anew", "path", f.Name(), "err", err)
	}
}

// saveModel writes the per-site boilerplate model atomically.
func (a *Archive) saveModel() error {
	path := filepath.Join(a.Dir, ModelFile)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("boilerplate model: %w", err)
	}
	return writeAtomic(path, func(w io.Writer) error {
		_, err := a.extractor.WriteTo(w)
		return err
	})
}

// writeAtomic writes a file through a synced temporary and a rename, so a
// crash leaves the old file or the new one, never half of one.
func writeAtomic(path string, write func(io.Writer) error) error {
	if err := atomicfile.Write(path, write); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// saveDedup writes the dedup checkpoint atomically.
func (a *Archive) saveDedup() error {
	path := filepath.Join(a.Dir, DedupFile)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("dedup checkpoint: %w", err)
	}
	seq := a.Store.LastSeq()
	start := time.Now()
	err := writeAtomic(path, func(w io.Writer) error {
		var hdr [8]byte
		binary.BigEndian.PutUint64(hdr[:], seq)
		if _, err := w.Write(hdr[:]); err != nil {
			return err
		}
		_, err := a.Dedup.WriteTo(w)
		return err
	})
	if err != nil {
		return fmt.Errorf("dedup checkpoint: %w", err)
	}
	a.dedupSeq, a.sinceCheck = seq, 0
	a.lastDedupSave, a.dedupSaveCost = time.Now(), time.Since(start)
	if err := a.saveModel(); err != nil {
		a.log.Warn("could not save the boilerplate model", "err", err)
	}
	return nil
}

// clusterDoc builds the index document of a cluster from its members.
func clusterDoc(cluster string, members []*article.Article) index.Doc {
	d := index.Doc{Cluster: cluster}
	for _, m := range members {
		if d.Original == nil && (m.Role == article.RoleOriginal || m.Role == article.RoleUnique || m.ID == m.Original) {
			d.Original = m
			continue
		}
		d.Copies = append(d.Copies, m)
	}
	if d.Original == nil && len(d.Copies) > 0 {
		d.Original, d.Copies = d.Copies[0], d.Copies[1:]
	}
	return d
}

// Cluster returns the stored members of a cluster, original first. It is
// safe to call while another goroutine ingests.
func (a *Archive) Cluster(id string) ([]*article.Article, error) {
	a.mu.RLock()
	defer a.mu.RUnlock()
	return a.cluster(id)
}

func (a *Archive) cluster(id string) ([]*article.Article, error) {
	return a.clusterWith(id, nil, nil)
}

// clusterWith is cluster, taking have (when not nil) for its member of
// that id instead of reading it from the store again. With done, the
// arrival number of each member read whose stored cluster is id is added
// to it.
func (a *Archive) clusterWith(id string, have *article.Article, done arrivalSet) ([]*article.Article, error) {
	var ids []string
	switch {
	case a.Dedup != nil:
		ids = a.Dedup.Members(id)
	case a.members != nil:
		ids = a.members.Members(id)
	default:
		all, err := a.Articles()
		if err != nil {
			return nil, err
		}
		for _, m := range all {
			if m.Cluster == id {
				ids = append(ids, m.ID)
			}
		}
	}
	var out []*article.Article
	for _, m := range ids {
		if have != nil && m == have.ID {
			out = append(out, have)
			continue
		}
		arr, err := a.Store.ArticleArrival(m)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if done != nil && cmp.Or(arr.Cluster, arr.ID) == id {
			done.add(arr.Seq)
		}
		out = append(out, arr.Article)
	}
	slices.SortStableFunc(out, func(x, y *article.Article) int {
		return rank(x) - rank(y)
	})
	return out, nil
}

func rank(a *article.Article) int {
	if a.Role == article.RoleOriginal || a.Role == article.RoleUnique {
		return 0
	}
	return 1
}

// Articles returns every stored article in arrival order.
func (a *Archive) Articles() ([]*article.Article, error) {
	var out []*article.Article
	for art, err := range a.Store.Articles(0) {
		if errors.Is(err, store.ErrDamaged) {
			return nil, err
		}
		if err != nil {
			a.log.Warn("skip unreadable article", "err", err)
			continue
		}
		out = append(out, art)
	}
	return out, nil
}

// Article returns one stored article.
func (a *Archive) Article(id string) (*article.Article, error) { return a.Store.Article(id) }

// Search runs a query over the Bleve index.
func (a *Archive) Search(ctx context.Context, q index.Query) (*index.Result, error) {
	if a.Index == nil {
		return nil, errors.New("archive opened without its search index")
	}
	return a.Index.Search(ctx, q)
}

// Extract turns a fetched page into an Article (nil when the page is not
// an article: a home or section page).
func (a *Archive) Extract(ctx context.Context, in extract.Input) (*extract.Result, error) {
	return a.extractor.Extract(ctx, in)
}

// dropDedup ends the life of the dedup index at the end of a bulk load,
// before the search index is built: it writes the checkpoint and keeps
// only the cluster membership the build reads, so that the features and
// the LSH table (most of the memory of a large import) are not held
// through the build. Nothing can be ingested afterwards.
func (a *Archive) dropDedup() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if !a.bulk || a.Dedup == nil || a.Store == nil {
		return nil
	}
	if a.dedupSeq != a.Store.LastSeq() {
		if err := a.saveDedup(); err != nil {
			return err
		}
	}
	a.members, a.Dedup = a.Dedup.Membership(), nil
	debug.FreeOSMemory()
	return nil
}

// Close brings the search index up to date (ending a bulk load), writes
// the dedup checkpoint and closes the indexes and the store.
func (a *Archive) Close() error {
	var errs []error
	if !a.opt.ReadOnly && a.Index != nil {
		errs = append(errs, a.dropDedup())
		errs = append(errs, a.EndBulk(context.Background()))
		a.mu.Lock()
		a.closing = true
		if a.flushTimer != nil {
			a.flushTimer.Stop()
			a.flushTimer = nil
		}
		a.mu.Unlock()
		a.background.Wait()
		errs = append(errs, a.flushIndex(context.Background()))
	}
	a.flushMu.Lock()
	defer a.flushMu.Unlock()
	a.mu.Lock()
	defer a.mu.Unlock()
	if !a.opt.ReadOnly && a.Dedup != nil && a.Store != nil {
		if a.dedupSeq != a.Store.LastSeq() {
			errs = append(errs, a.saveDedup())
		} else {
			errs = append(errs, a.saveModel())
		}
	}
	if a.Index != nil {
		errs = append(errs, a.Index.Close())
		a.Index = nil
	}
	if a.Store != nil {
		errs = append(errs, a.Store.Close())
	}
	return errors.Join(errs...)
}
