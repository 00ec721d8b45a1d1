// Package archive wires the pipeline of syndex in one place: it opens an
// archive directory (the bbolt store, the dedup checkpoint, the Bleve index)
// and feeds pages and Articles through extract → dedup → store → index.
//
// It owns consistency between the three: the store is the source of truth;
// the dedup index is a checkpoint plus a replay of the articles stored after
// it, and the Bleve index records the store position it reflects and is
// rebuilt from the store when it lags behind or cannot be opened. It does
// not own crawling (package crawler) or presentation (report, web).
package archive

import (
	"bufio"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/cespare/xxhash/v2"

	"github.com/syndex/syndex/article"
	"github.com/syndex/syndex/dedup"
	"github.com/syndex/syndex/extract"
	"github.com/syndex/syndex/index"
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
}

// Archive is an open archive directory.
type Archive struct {
	Dir   string
	Store *store.Store
	Dedup *dedup.Index
	Index *index.Index

	opt        Options
	log        *slog.Logger
	extractor  *extract.Extractor
	dedupSeq   uint64 // store position the dedup checkpoint reflects
	sinceCheck int
	// mu lets readers (Cluster, served while a crawl runs) see the dedup
	// index between ingests, never during one.
	mu sync.RWMutex
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
	a := &Archive{Dir: dir, Store: st, opt: opt, log: opt.Log, extractor: extract.New(opt.Extract)}
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
	path := filepath.Join(a.Dir, DedupFile)
	f, err := os.Open(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		a.Dedup = dedup.NewIndex(*a.opt.Dedup)
	case err != nil:
		return fmt.Errorf("open dedup checkpoint: %w", err)
	default:
		r := bufio.NewReader(f)
		var hdr [8]byte
		_, err = io.ReadFull(r, hdr[:])
		if err == nil {
			a.dedupSeq = binary.BigEndian.Uint64(hdr[:])
			a.Dedup, err = dedup.ReadIndex(r, *a.opt.Dedup)
		}
		f.Close()
		if err != nil {
			a.log.Warn("dedup checkpoint unreadable; rebuilding from the store", "path", path, "err", err)
			a.Dedup, a.dedupSeq = dedup.NewIndex(*a.opt.Dedup), 0
		}
	}
	if a.dedupSeq > a.Store.LastSeq() {
		a.log.Warn("dedup checkpoint is ahead of the store; rebuilding from the store", "checkpoint", a.dedupSeq, "store", a.Store.LastSeq())
		a.Dedup, a.dedupSeq = dedup.NewIndex(*a.opt.Dedup), 0
	}
	if a.dedupSeq == a.Store.LastSeq() {
		return nil
	}
	n := 0
	var batch []*article.Article
	for art, err := range a.Store.Articles(a.dedupSeq) {
		if err != nil {
			a.log.Warn("skip unreadable article during replay", "err", err)
			continue
		}
		batch = append(batch, art)
		n++
		if len(batch) == 1000 {
			if err := a.assign(batch, false); err != nil {
				return err
			}
			batch = batch[:0]
		}
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	if err := a.assign(batch, false); err != nil {
		return err
	}
	a.log.Info("dedup index replayed from the store", "articles", n)
	return a.saveDedup()
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
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	err = write(w)
	if err == nil {
		err = w.Flush()
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
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
	if err := a.saveModel(); err != nil {
		a.log.Warn("could not save the boilerplate model", "err", err)
	}
	return nil
}

// catchUpIndex rebuilds the Bleve index when it does not reflect the
// store's latest position (a crash between a store write and an index write).
func (a *Archive) catchUpIndex(ctx context.Context) error {
	cp, err := a.Index.Checkpoint()
	if err != nil {
		return fmt.Errorf("read search index checkpoint: %w", err)
	}
	if cp == a.Store.LastSeq() {
		return nil
	}
	a.log.Warn("search index is behind the store; rebuilding it", "index", cp, "store", a.Store.LastSeq())
	return a.Reindex(ctx)
}

// Reindex rebuilds the Bleve index from the store.
func (a *Archive) Reindex(ctx context.Context) error {
	path := filepath.Join(a.Dir, BleveDir)
	if a.Index != nil {
		a.Index.Close()
	}
	if err := index.Remove(path); err != nil {
		return err
	}
	ix, err := index.Open(path)
	if err != nil {
		return fmt.Errorf("create search index %s: %w", path, err)
	}
	a.Index = ix
	clusters := map[string][]*article.Article{}
	var order []string
	for art, err := range a.Store.Articles(0) {
		if err != nil {
			a.log.Warn("skip unreadable article during reindex", "err", err)
			continue
		}
		c := art.Cluster
		if c == "" {
			c = art.ID
		}
		if _, ok := clusters[c]; !ok {
			order = append(order, c)
		}
		clusters[c] = append(clusters[c], art)
	}
	docs := make([]index.Doc, 0, len(order))
	for _, c := range order {
		docs = append(docs, clusterDoc(c, clusters[c]))
	}
	if err := a.Index.Apply(ctx, docs, nil, a.Store.LastSeq()); err != nil {
		return fmt.Errorf("reindex: %w", err)
	}
	// A bulk build leaves tiers of segments behind; one per shard
	// answers queries faster.
	if err := a.Index.Optimize(ctx); err != nil {
		return fmt.Errorf("reindex: %w", err)
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

// Ingest deduplicates, stores and indexes articles (new ones or new
// versions of stored ones), updating every cluster they change.
func (a *Archive) Ingest(ctx context.Context, arts []*article.Article) error {
	if len(arts) == 0 {
		return nil
	}
	if a.opt.ReadOnly {
		return errors.New("archive opened read-only")
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, art := range arts {
		if err := art.Normalize(); err != nil {
			return fmt.Errorf("ingest: %w", err)
		}
	}
	if err := a.assign(arts, true); err != nil {
		return err
	}
	a.sinceCheck += len(arts)
	if a.sinceCheck >= checkpoint {
		if err := a.saveDedup(); err != nil {
			return err
		}
	}
	return ctx.Err()
}

// assign runs arts through dedup, writes every changed article to the
// store in one transaction and, when index is set, updates the changed
// clusters in Bleve.
func (a *Archive) assign(arts []*article.Article, updateIndex bool) error {
	if len(arts) == 0 {
		return nil
	}
	changed := map[string]article.Assignment{}
	var changedOrder []string
	fresh := map[string]*article.Article{}
	for _, art := range arts {
		fresh[art.ID] = art
		for _, as := range a.Dedup.Add(art) {
			if _, seen := changed[as.ID]; !seen {
				changedOrder = append(changedOrder, as.ID)
			}
			changed[as.ID] = as
		}
	}
	affected := map[string]bool{}
	var puts []*article.Article
	for _, id := range changedOrder {
		as := changed[id]
		art := fresh[id]
		if old, err := a.Store.Article(id); err == nil {
			if old.Cluster != "" {
				affected[old.Cluster] = true
			}
			if art == nil {
				art = old
			}
		} else if art == nil {
			a.log.Warn("dedup changed an article the store does not have", "id", id)
			continue
		}
		art.Apply(as)
		affected[as.Cluster] = true
		puts = append(puts, art)
	}
	// Articles re-added unchanged still need storing (new text, new fetch).
	for _, art := range arts {
		if _, ok := changed[art.ID]; !ok {
			if as, ok := a.Dedup.Assignment(art.ID); ok {
				art.Apply(as)
				affected[as.Cluster] = true
			}
			puts = append(puts, art)
		}
	}
	if err := a.Store.PutArticles(puts); err != nil {
		return fmt.Errorf("store articles: %w", err)
	}
	if !updateIndex {
		return nil
	}
	return a.reindexClusters(context.Background(), affected)
}

// reindexClusters rewrites the Bleve documents of the given clusters.
func (a *Archive) reindexClusters(ctx context.Context, clusters map[string]bool) error {
	ids := make([]string, 0, len(clusters))
	for c := range clusters {
		ids = append(ids, c)
	}
	slices.Sort(ids)
	var docs []index.Doc
	var gone []string
	for _, c := range ids {
		members, err := a.cluster(c)
		if err != nil {
			return err
		}
		if len(members) == 0 {
			gone = append(gone, c)
			continue
		}
		docs = append(docs, clusterDoc(c, members))
	}
	if err := a.Index.Apply(ctx, docs, gone, a.Store.LastSeq()); err != nil {
		return fmt.Errorf("index: %w", err)
	}
	return nil
}

// Cluster returns the stored members of a cluster, original first. It is
// safe to call while another goroutine ingests.
func (a *Archive) Cluster(id string) ([]*article.Article, error) {
	a.mu.RLock()
	defer a.mu.RUnlock()
	return a.cluster(id)
}

func (a *Archive) cluster(id string) ([]*article.Article, error) {
	var ids []string
	if a.Dedup != nil {
		ids = a.Dedup.Members(id)
	} else {
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
		art, err := a.Store.Article(m)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, art)
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

// Close writes the dedup checkpoint and closes the indexes and the store.
func (a *Archive) Close() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	var errs []error
	if !a.opt.ReadOnly && a.Dedup != nil && a.Store != nil {
		if a.dedupSeq != a.Store.LastSeq() {
			errs = append(errs, a.saveDedup())
		} else {
			errs = append(errs, a.saveModel())
		}
	}
	if a.Index != nil {
		errs = append(errs, a.Index.Close())
	}
	if a.Store != nil {
		errs = append(errs, a.Store.Close())
	}
	return errors.Join(errs...)
}

// ReadJSONL decodes Articles from JSONL, calling fn for each good line in
// batches of up to size. Bad lines are reported in the returned error by
// line number (a *BadLinesError); every good line is still delivered. A
// line whose id repeats an earlier line's is delivered too (stored, it is
// the article's new version) and reported in a *DuplicateIDsError joined
// to the returned error.
func ReadJSONL(r io.Reader, size int, fn func([]*article.Article) error) (good int, err error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	var batch []*article.Article
	var bad []error
	var dups DuplicateIDsError
	seen := map[uint64]int{} // hash of an id → its last line
	line := 0
	for sc.Scan() {
		line++
		b := sc.Bytes()
		if len(trimSpace(b)) == 0 {
			continue
		}
		var art article.Article
		if err := json.Unmarshal(b, &art); err != nil {
			bad = append(bad, fmt.Errorf("line %d: %v", line, err))
			continue
		}
		if err := art.Normalize(); err != nil {
			bad = append(bad, fmt.Errorf("line %d: %v", line, err))
			continue
		}
		h := xxhash.Sum64String(art.ID)
		if prev, ok := seen[h]; ok {
			dups.Dups = append(dups.Dups, Duplicate{ID: art.ID, Line: line, First: prev})
		}
		seen[h] = line
		batch = append(batch, &art)
		good++
		if len(batch) == size {
			if err := fn(batch); err != nil {
				return good, err
			}
			batch = nil
		}
	}
	if err := sc.Err(); err != nil {
		return good, fmt.Errorf("line %d: %w", line+1, err)
	}
	if err := fn(batch); err != nil {
		return good, err
	}
	var errs []error
	if len(bad) > 0 {
		errs = append(errs, &BadLinesError{Errs: bad})
	}
	if len(dups.Dups) > 0 {
		errs = append(errs, &dups)
	}
	return good, errors.Join(errs...)
}

// Duplicate is a line of an input whose id an earlier line already had.
type Duplicate struct {
	ID    string
	Line  int // the repeating line
	First int // the line it repeats (the previous one with that id)
}

// DuplicateIDsError lists the lines of one input that repeat an earlier
// line's id. It is a warning: the later line is the article's new version.
type DuplicateIDsError struct{ Dups []Duplicate }

func (e *DuplicateIDsError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d line(s) repeat an earlier line's id (the later line is kept): ", len(e.Dups))
	for i, d := range e.Dups {
		if i == 5 {
			fmt.Fprintf(&b, "; and %d more", len(e.Dups)-5)
			break
		}
		if i > 0 {
			b.WriteString("; ")
		}
		id := d.ID
		if len(id) > 60 {
			id = id[:60] + "…"
		}
		fmt.Fprintf(&b, "line %d: id %q as on line %d", d.Line, id, d.First)
	}
	return b.String()
}

// BadLinesError lists the input lines that could not be decoded.
type BadLinesError struct{ Errs []error }

func (e *BadLinesError) Error() string {
	msg := fmt.Sprintf("%d bad line(s): ", len(e.Errs))
	for i, err := range e.Errs {
		if i == 5 {
			msg += fmt.Sprintf("; and %d more", len(e.Errs)-5)
			break
		}
		if i > 0 {
			msg += "; "
		}
		msg += err.Error()
	}
	return msg
}

func trimSpace(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t' || b[0] == '\r') {
		b = b[1:]
	}
	return b
}
