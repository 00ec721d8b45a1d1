// Package index owns syndex's full-text index: one Bleve (scorch) document
// per syndication cluster, holding the canonical text (the original's title
// and body, analysed by the analyzer of its language) and the list of every
// copy, so a search returns each story once with all the sites carrying it.
//
// It does not decide clusters (package dedup does) and does not read the
// archive store: callers hand it Docs and drive reindexing through Upsert,
// recording with SetCheckpoint (or Apply) how far into the store's arrival
// order the index is.
//
// # Mapping
//
// The mapping is explicit and static (schema.NewMapping). A cluster's title and
// body go into the two fields of its language (title_fr/body_fr, analysed
// by Bleve's French analyzer; title_std/body_std with the standard analyzer
// for languages Bleve has no analyzer for). There is no _all field: a query
// word without a field, or on title:/body:, is expanded into a disjunction
// over the fields of the languages present in the index (or of Query.Lang),
// each analysed by its own analyzer, titles boosted 3×. So an Arabic query
// is stemmed as Arabic against Arabic texts, and text is indexed once.
// Keyword fields: cluster, site, sites (every site carrying a copy), role,
// lang, author, year; dates published and fetched; numeric copies. Display
// data (original and copies) is one stored JSON field, and bodies are stored
// with term vectors for highlighted snippets.
//
// # Queries
//
// What a query string means (its syntax, errors with their column, the
// user's field names, the expansion over languages) is package
// index/userquery; the index runs what it rewrites to (textquery.go:
// words and phrases over the per-language fields and bigrams).
//
// # Concurrency
//
// One process opens an index at a time (scorch holds a file lock; a second
// Open fails with ErrLocked after a short wait). Inside that process share
// one *Index: Search, Count and Checkpoint may run from any number of
// goroutines while one or more goroutines call Upsert/Delete/Apply. A
// document is visible to searches as soon as the Upsert that wrote it
// returns, and it is durable on disk by then too (Bleve's default safe
// batches wait for the persister), so after kill -9 the index reopens at a
// state that includes every batch whose call returned.
//
// # Shards
//
// An index is split into shards (DefaultShards: one per CPU), each its own
// Bleve index in dir/shard-NN, a cluster routed by the hash of its id.
// Batches go to the shards concurrently and a search runs on all of them at
// once (a Bleve index alias merges hits, totals and facets), so both use
// every core; a shard gets a batch only when it has documents to change.
// The checkpoint is recorded once every shard's batches are durable, so
// after a crash a shard may hold part of the one Apply in flight beyond it,
// which re-applying from the checkpoint (upserts and deletes are
// idempotent) completes.
package index

import (
	"cmp"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/cespare/xxhash/v2"
	bolterrors "go.etcd.io/bbolt/errors"

	"github.com/syndex/syndex/article"
	"github.com/syndex/syndex/index/schema"
	"github.com/syndex/syndex/internal/atomicfile"
	"github.com/syndex/syndex/internal/boltcheck"
)

// DefaultBatchSize is how many cluster documents go into one Bleve batch.
// Each batch ends with an fsync, so larger batches index faster; 500 keeps
// a batch's memory around a few MiB for news-sized articles.
const DefaultBatchSize = 500

var (
	// ErrCorrupt means the index directory exists but cannot be opened or
	// read (a torn write, a truncated segment, a foreign directory). The
	// caller should delete it and rebuild from the store.
	ErrCorrupt = errors.New("search index is corrupt")
	// ErrIncompatible means the index was built by a build with another
	// field layout (MappingVersion); rebuild it from the store.
	ErrIncompatible = errors.New("search index was built by an incompatible version")
	// ErrLocked means another process has the index open.
	ErrLocked = errors.New("search index in use by another process")
	// ErrNoIndex is returned by OpenExisting when there is no index yet.
	ErrNoIndex = errors.New("no search index yet")
	// ErrUnavailable means the index could not be opened for a reason
	// outside it (out of file handles, read-only or full file system,
	// permissions, an I/O error): it is not corrupt and must not be
	// rebuilt; try again once the cause is gone.
	ErrUnavailable = errors.New("search index cannot be opened now")
	// ErrUnfinished marks (with ErrCorrupt) an index whose creation was
	// interrupted (its layout file, written last, is missing): what a
	// crash leaves, not damage; the next writer rebuilds it.
	ErrUnfinished = errors.New("its creation did not finish")
	// ErrReadOnly is returned by the writing methods of an index opened
	// with OpenReader.
	ErrReadOnly = errors.New("search index opened read-only")
)

const (
	keyCheckpoint = "syndex.checkpoint"
	keyMapping    = "syndex.mapping"
	metaFile      = "index_meta.json" // Bleve's own marker in each shard
	lockTimeout   = 2 * time.Second
	maxShards     = 16
)

// LayoutFile is the file at the top of an index directory that records
// the layout version and the number of shards.
const LayoutFile = "syndex-index.json"

// CheckpointFile is the file at the top of an index directory that
// records the store position the index reflects (see Checkpoint).
const CheckpointFile = "syndex-checkpoint.json"

// layout is the content of LayoutFile.
type layout struct {
	Layout string `json:"layout"`
	Shards int    `json:"shards"`
}

// Index is an open Bleve index of cluster documents, split into shards
// (separate Bleve indexes, a cluster routed to one by the hash of its id)
// that are written and searched in parallel. It is safe for concurrent
// use; see the package documentation.
type Index struct {
	dir       string
	shards    []bleve.Index
	searcher  bleve.Index // the one shard, or an alias over all of them
	BatchSize int         // documents per Bleve batch per shard; DefaultBatchSize when ≤ 0
	readOnly  bool        // opened by OpenReader: writes fail with ErrReadOnly
	bigrams   *bigramMaker

	mu    sync.RWMutex
	langs map[string]bool // analysis names with at least one document
	// fields are the names of the fields some document has (or had),
	// replaced, never changed, when one is added: a query skips the
	// per-language fields no document has (see fieldsFrom).
	fields atomic.Pointer[map[string]bool]
	// facetOrds caches the facet fields' ordinals by segment (facets.go).
	facetOrds ordCache
	// facetQueries counts the searches with facets (facets.go).
	facetQueries atomic.Int64
	// facetMemo keeps the facet counts of recent queries while writes
	// (bumped before and after each batch) stands still.
	facetMemo facetMemo
	writes    atomic.Uint64
}

// DefaultShards is the number of shards a new index gets: one per CPU
// (so a query's hits are scored on every core at once), at most 16.
func DefaultShards() int { return min(max(runtime.NumCPU(), 1), maxShards) }

// Options tunes a new index; an existing index keeps the shard count it
// was created with.
type Options struct {
	// Shards is the number of shards of a new index; DefaultShards when 0.
	Shards int
	// readOnly opens every shard without its writer lock (OpenReader).
	readOnly bool
}

// Open opens the index in dir, creating it with our explicit mapping when
// dir does not exist or is empty. It returns an error wrapping ErrCorrupt,
// ErrIncompatible or ErrLocked when the existing index cannot be used.
func Open(dir string) (*Index, error) {
	return open(dir, true, Options{})
}

// OpenWith is Open with options for a newly created index.
func OpenWith(dir string, o Options) (*Index, error) {
	if o.Shards < 0 || o.Shards > maxShards {
		return nil, fmt.Errorf("open index %s: %d shards, want 1–%d", dir, o.Shards, maxShards)
	}
	return open(dir, true, o)
}

// OpenExisting opens the index in dir like Open but never creates one: it
// returns an error wrapping ErrNoIndex when there is none (for read-only
// commands such as search).
func OpenExisting(dir string) (*Index, error) {
	return open(dir, false, Options{})
}

// OpenReader opens the existing index in dir for searching only: any
// number of readers (in this or other processes) may hold it at once,
// while a writer (Open) is refused with ErrLocked until they close it,
// and a reader is refused while a writer holds it. Upsert, Delete and
// Apply fail on it. Like OpenExisting it never creates an index.
func OpenReader(dir string) (*Index, error) {
	return open(dir, false, Options{readOnly: true})
}

func open(dir string, create bool, o Options) (ix *Index, err error) {
	defer func() {
		// A damaged file can make Bleve or bbolt panic while they load
		// it here, in this goroutine.
		if r := recover(); r != nil {
			if ix != nil {
				ix.closeShards()
			}
			ix, err = nil, fmt.Errorf("open index %s: %w: %v", dir, ErrCorrupt, r)
		}
	}()
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, os.ErrNotExist) || (err == nil && len(entries) == 0):
		if !create {
			return nil, fmt.Errorf("open index %s: %w", dir, ErrNoIndex)
		}
		return createIndex(dir, o)
	case err != nil:
		return nil, fmt.Errorf("open index %s: %w", dir, classify(err))
	}
	l, err := readLayout(dir)
	if err != nil {
		return nil, err
	}
	if err := verifySegments(dir, l.Shards); err != nil {
		return nil, fmt.Errorf("open index %s: %w", dir, err)
	}
	ix = &Index{dir: dir, langs: map[string]bool{}, readOnly: o.readOnly}
	if ix.bigrams, err = newBigramMaker(dir); err != nil {
		return nil, err
	}
	for i := range l.Shards {
		bi, err := openShard(dir, i, o, func() { _ = ix.closeShards() })
		if err != nil {
			return nil, err
		}
		ix.shards = append(ix.shards, bi)
		if err := ix.verify(i); err != nil {
			_ = ix.closeShards()
			return nil, err
		}
	}
	ix.initSearcher()
	return ix, nil
}

// readLayout reads and checks LayoutFile of the index in dir, which
// exists and is not empty.
func readLayout(dir string) (layout, error) {
	var l layout
	raw, err := os.ReadFile(filepath.Join(dir, LayoutFile))
	if err != nil {
		if !errors.Is(err, os.ErrNotExist) {
			return l, fmt.Errorf("open index %s: %s: %w", dir, LayoutFile, classify(err))
		}
		if _, serr := os.Stat(filepath.Join(dir, metaFile)); serr == nil {
			// A single Bleve index at the top: the unsharded layout
			// of earlier syndex versions.
			return l, fmt.Errorf("open index %s: unsharded layout of an earlier version: %w", dir, ErrIncompatible)
		}
		return l, fmt.Errorf("open index %s: %s missing: %w: %w", dir, LayoutFile, ErrCorrupt, ErrUnfinished)
	}
	if err := json.Unmarshal(raw, &l); err != nil {
		return l, fmt.Errorf("open index %s: %s: %w: %v", dir, LayoutFile, ErrCorrupt, err)
	}
	if l.Layout != schema.MappingVersion {
		return l, fmt.Errorf("open index %s: layout %q, want %q: %w", dir, l.Layout, schema.MappingVersion, ErrIncompatible)
	}
	if l.Shards < 1 || l.Shards > maxShards {
		return l, fmt.Errorf("open index %s: %s: %d shards: %w", dir, LayoutFile, l.Shards, ErrCorrupt)
	}
	return l, nil
}

// openShard opens shard i of the index in dir with Bleve, after checking
// the files it reads first. On failure it calls closeOpen, which closes the
// shards opened before, then says why (classify needs the file handles
// they held).
func openShard(dir string, i int, o Options, closeOpen func()) (bleve.Index, error) {
	sdir := shardDir(dir, i)
	if _, err := os.Stat(filepath.Join(sdir, metaFile)); err != nil {
		closeOpen()
		if !errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("open index %s: shard %d: %w", dir, i, classify(err))
		}
		return nil, fmt.Errorf("open index %s: shard %d: %s missing: %w", dir, i, metaFile, ErrCorrupt)
	}
	// bbolt panics or faults on a damaged root.bolt, later in
	// goroutines of Bleve's where nothing can recover: check the
	// parts it reads first.
	if err := boltcheck.Precheck(filepath.Join(sdir, "store", "root.bolt")); err != nil && !errors.Is(err, os.ErrNotExist) {
		closeOpen()
		return nil, fmt.Errorf("open index %s: shard %d: root.bolt: %w", dir, i, classify(err))
	}
	bi, err := bleve.OpenUsing(sdir, shardConfig(o.readOnly))
	if err != nil {
		closeOpen()
		if errors.Is(err, bolterrors.ErrTimeout) || strings.Contains(err.Error(), "timeout") {
			return nil, fmt.Errorf("open index %s: %w", dir, ErrLocked)
		}
		return nil, fmt.Errorf("open index %s: shard %d: %w", dir, i, classify(err))
	}
	return bi, nil
}

// classify says why an index file could not be read: ErrUnavailable for a
// cause outside the index (an OS condition such as running out of file
// handles, a read-only or full file system, permissions or an I/O error),
// ErrCorrupt for anything else (a format error, a missing file). Bleve
// often flattens the errors it wraps into text, so the text is read too.
func classify(err error) error {
	var errno syscall.Errno
	if errors.As(err, &errno) && errno != syscall.ENOENT {
		return fmt.Errorf("%w: %v", ErrUnavailable, err)
	}
	msg := err.Error()
	for _, e := range environmental {
		if strings.Contains(msg, e.Error()) {
			return fmt.Errorf("%w: %v", ErrUnavailable, err)
		}
	}
	// Out of file handles, Bleve can also fail in ways that look like a
	// format error (a mapping read as empty): corruption is only believed
	// when files can still be opened.
	if herr := fdHeadroom(); herr != nil {
		return fmt.Errorf("%w: %v (%v)", ErrUnavailable, err, herr)
	}
	return fmt.Errorf("%w: %v", ErrCorrupt, err)
}

// fdHeadroom fails when the process cannot open a few more files.
func fdHeadroom() error {
	var fs []*os.File
	defer func() {
		for _, f := range fs {
			f.Close()
		}
	}()
	for range 16 {
		f, err := os.Open(os.DevNull)
		if err != nil {
			return err
		}
		fs = append(fs, f)
	}
	return nil
}

// environmental are the OS errors that say nothing about the index's
// content, looked for in error text that lost its type.
var environmental = []syscall.Errno{
	syscall.EMFILE, syscall.ENFILE, syscall.EACCES, syscall.EPERM, syscall.EROFS, syscall.ENOSPC,
	syscall.EDQUOT, syscall.EIO, syscall.ENOMEM, syscall.EAGAIN, syscall.EINTR, syscall.EBUSY, syscall.EFBIG,
}

func shardDir(dir string, i int) string { return filepath.Join(dir, fmt.Sprintf("shard-%02d", i)) }

// createIndex makes a new, empty index with our mapping in dir.
func createIndex(dir string, o Options) (*Index, error) {
	n := o.Shards
	if n == 0 {
		n = DefaultShards()
	}
	m, err := schema.NewMapping()
	if err != nil {
		return nil, fmt.Errorf("index mapping: %w", err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create index %s: %w", dir, err)
	}
	ix := &Index{dir: dir, langs: map[string]bool{}}
	if ix.bigrams, err = newBigramMaker(dir); err != nil {
		return nil, err
	}
	for i := range n {
		bi, err := bleve.NewUsing(shardDir(dir, i), m, bleve.Config.DefaultIndexType, bleve.Config.DefaultKVStore,
			shardConfig(false))
		if err != nil {
			_ = ix.closeShards()
			return nil, fmt.Errorf("create index %s: shard %d: %w", dir, i, err)
		}
		ix.shards = append(ix.shards, bi)
		if err := bi.SetInternal([]byte(keyMapping), []byte(schema.MappingVersion)); err != nil {
			_ = ix.closeShards()
			return nil, fmt.Errorf("create index %s: %w", dir, err)
		}
	}
	// The layout file is written last: a directory without it is an
	// index whose creation did not finish.
	if err := writeLayout(dir, n); err != nil {
		_ = ix.closeShards()
		return nil, fmt.Errorf("create index %s: %w", dir, err)
	}
	ix.initSearcher()
	slog.Debug("created search index", "dir", dir, "shards", n)
	return ix, nil
}

// initSearcher sets up what searches read: the shard itself, or an alias
// that searches every shard concurrently and merges the hits, totals and
// facets.
func (ix *Index) initSearcher() {
	if len(ix.shards) == 1 {
		ix.searcher = ix.shards[0]
		return
	}
	ix.searcher = bleve.NewIndexAlias(numberedShards(ix.shards)...) // tiedorder.go
}

func (ix *Index) closeShards() error {
	var first error
	for _, s := range ix.shards {
		if err := s.Close(); err != nil && first == nil {
			first = err
		}
	}
	ix.shards = nil
	return first
}

// verify checks opened shard i is ours and readable, and adds the
// languages present in it.
func (ix *Index) verify(i int) error {
	bi := ix.shards[i]
	v, err := bi.GetInternal([]byte(keyMapping))
	if err != nil {
		return fmt.Errorf("open index %s: shard %d: %w", ix.dir, i, classify(err))
	}
	switch string(v) {
	case schema.MappingVersion:
	case "":
		// Not written by syndex, or scorch fell back past the first
		// snapshot because later ones are unreadable.
		return fmt.Errorf("open index %s: shard %d: no syndex layout marker: %w", ix.dir, i, ErrCorrupt)
	default:
		return fmt.Errorf("open index %s: shard %d: layout %q, want %q: %w", ix.dir, i, v, schema.MappingVersion, ErrIncompatible)
	}
	if _, err := bi.DocCount(); err != nil {
		return fmt.Errorf("open index %s: shard %d: %w", ix.dir, i, classify(err))
	}
	fields, err := bi.Fields()
	if err != nil {
		return fmt.Errorf("open index %s: shard %d: %w", ix.dir, i, classify(err))
	}
	for _, f := range fields {
		if a, ok := strings.CutPrefix(f, schema.FieldBody+"_"); ok && schema.KnownAnalysis[a] {
			ix.langs[a] = true
		}
	}
	ix.addFields(fields)
	return nil
}

// addFields records field names some document has.
func (ix *Index) addFields(names []string) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	old := ix.fields.Load()
	var add []string
	for _, n := range names {
		if old == nil || !(*old)[n] {
			add = append(add, n)
		}
	}
	if len(add) == 0 && old != nil {
		return
	}
	m := make(map[string]bool, len(add))
	if old != nil {
		m = maps.Clone(*old)
	}
	for _, n := range add {
		m[n] = true
	}
	ix.fields.Store(&m)
}

// OpenOrReset opens the index in dir like Open; when the existing index is
// corrupt or incompatible it logs why, removes it and creates an empty one,
// reporting reset=true so the caller reindexes everything from the store
// (the new index's Checkpoint is 0).
func OpenOrReset(dir string) (ix *Index, reset bool, err error) {
	ix, err = Open(dir)
	if err == nil || !(errors.Is(err, ErrCorrupt) || errors.Is(err, ErrIncompatible)) {
		return ix, false, err
	}
	slog.Warn("search index unusable; rebuilding it from the archive", "dir", dir, "reason", err)
	if rerr := Remove(dir); rerr != nil {
		return nil, false, fmt.Errorf("%w; and could not remove it: %v", err, rerr)
	}
	ix, err = Open(dir)
	return ix, err == nil, err
}

// removeAll is os.RemoveAll; a test cuts it short to stand for a kill.
var removeAll = os.RemoveAll

// Remove deletes the index in dir, refusing a directory that does not
// look like a syndex index (this or an earlier layout) so a wrong path
// cannot wipe other data.
func Remove(dir string) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("remove index %s: %w", dir, err)
	}
	for _, e := range entries {
		switch n := e.Name(); {
		case n == metaFile, n == "store", n == LayoutFile, n == LayoutFile+atomicfile.TempSuffix, n == CheckpointFile, n == CheckpointFile+atomicfile.TempSuffix, n == BigramsFile, n == BigramsFile+atomicfile.TempSuffix, strings.HasPrefix(n, "."):
		case strings.HasPrefix(n, "shard-") && e.IsDir(), strings.HasPrefix(n, buildPrefix) && e.IsDir():
		default:
			return fmt.Errorf("remove index %s: refusing, it holds %q which is not part of an index", dir, n)
		}
	}
	// The layout file, the mark of a complete index, goes first: a
	// removal cut short (kill -9) leaves an index whose creation did not
	// finish (ErrUnfinished, rebuilt by the next writer), never a marked
	// index with shards missing (ErrCorrupt).
	if err := os.Remove(filepath.Join(dir, LayoutFile)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("remove index %s: %w", dir, err)
	}
	atomicfile.SyncDir(dir)
	if err := removeAll(dir); err != nil {
		return fmt.Errorf("remove index %s: %w", dir, err)
	}
	return nil
}

// Shards returns the number of shards.
func (ix *Index) Shards() int { return len(ix.shards) }

// Dir returns the directory the index lives in.
func (ix *Index) Dir() string { return ix.dir }

// Close flushes and closes the index.
func (ix *Index) Close() error {
	if err := ix.closeShards(); err != nil {
		return fmt.Errorf("close index %s: %w", ix.dir, err)
	}
	return nil
}

// Doc is one cluster as the index sees it: the canonical text is the
// original's; a unique article is its own cluster with no copies.
type Doc struct {
	Cluster  string
	Original *article.Article
	Copies   []*article.Article
}

// meta is the stored display data of a cluster document.
type meta struct {
	Original Original `json:"o"`
	Copies   []Copy   `json:"c,omitempty"`
	Lang     string   `json:"l,omitempty"`
}

// MaxIndexedText caps the bytes of an article's text that are indexed
// (the store keeps the whole text). Crawled and WARC-imported articles are
// already cut to this size by extraction; an imported JSONL Article can be
// any size, and one text of many megabytes indexed as one document costs
// gigabytes while segments merge. 256 KiB is far above a news article.
const MaxIndexedText = 256 << 10

// capIndexed cuts s to at most limit bytes, at the last space before the
// limit when there is one in its last quarter, never inside a rune.
func capIndexed(s string, limit int) string {
	if len(s) <= limit {
		return s
	}
	cut := limit
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	s = s[:cut]
	if i := strings.LastIndexAny(s, " \n\t"); i >= limit*3/4 {
		s = s[:i]
	}
	return s
}

// fields turns a Doc into the map the mapping indexes, and returns the
// analysis name used for its text.
func (d Doc) fields(pm *bigramMaker) (map[string]any, string, error) {
	f, a, _, err := d.fieldsHeld(pm)
	return f, a, err
}

// fieldsHeld is fields, also reporting whether the body bigrams were held
// back (bigramMaker.hold).
func (d Doc) fieldsHeld(pm *bigramMaker) (f map[string]any, a string, held bool, err error) {
	o := d.Original
	if o == nil {
		return nil, "", false, fmt.Errorf("cluster %q has no original", d.Cluster)
	}
	oText := capIndexed(o.Text, MaxIndexedText)
	cluster := cmp.Or(d.Cluster, o.ID)
	if cluster == "" {
		return nil, "", false, fmt.Errorf("cluster document without cluster id or original id")
	}
	lang := schema.NormalizeLang(o.Lang)
	a = schema.AnalysisFor(lang)
	c := d.gather(lang)
	blob, err := json.Marshal(c.meta)
	if err != nil {
		return nil, "", false, fmt.Errorf("cluster %s: %w", cluster, err)
	}
	f = map[string]any{
		schema.FieldCluster:  cluster,
		schema.FieldSites:    c.sites,
		schema.FieldRole:     c.role(o.Role),
		schema.FieldCopies:   float64(len(c.meta.Copies)),
		schema.FieldMeta:     string(blob),
		schema.TitleField(a): o.Title,
		schema.BodyField(a):  oText,
	}
	if held, err = pm.add(f, a, o.Title, oText); err != nil {
		return nil, "", false, fmt.Errorf("cluster %s: %w", cluster, err)
	}
	f[schema.FieldDay] = cmp.Or(dayOf(o.Published, o.Fetched), undatedTerm)
	if len(c.days) > 0 {
		f[schema.FieldCopyDays] = copyDayTerms(c.days, c.marked)
	}
	if ct, cb, ok := copyTexts(o.Title, oText, c.titles, c.texts); ok {
		f[schema.CopyTitleField(a)] = ct
		f[schema.CopyBodyField(a)] = cb
	}
	originalFields(f, o, lang, c.meta.Copies)
	return f, a, held, nil
}

// storyParts is what a story's document is made of besides its original's
// title and text: its stored meta, its sites, and its copies' titles,
// indexed texts, days and noindex marks, in the order of the copies.
type storyParts struct {
	meta          meta
	sites         []string
	titles, texts []string
	days          []string
	marked        []bool // per copy: noindex
}

// gather collects the parts of d's document; lang is its original's
// language, normalized.
func (d Doc) gather(lang string) storyParts {
	o := d.Original
	c := storyParts{sites: []string{}}
	c.addSite(o.Site)
	c.meta = meta{
		Original: Original{ID: o.ID, URL: o.URL, Site: o.Site, Published: o.Published, Title: o.Title, NoIndex: o.NoIndex},
		Lang:     lang,
	}
	for _, cp := range d.Copies {
		if cp == nil {
			continue
		}
		c.addSite(cp.Site)
		c.meta.Copies = append(c.meta.Copies, Copy{ID: cp.ID, URL: cp.URL, Site: cp.Site, Published: cp.Published, Similarity: cp.Similarity,
			OriginalShare: cp.OriginalShare, CopyShare: cp.CopyShare, Via: cp.Via, NoIndex: cp.NoIndex})
		if t := strings.TrimSpace(cp.Title); t != "" && t != strings.TrimSpace(o.Title) {
			c.meta.Copies[len(c.meta.Copies)-1].Title = t
		}
		c.titles, c.texts = append(c.titles, cp.Title), append(c.texts, capIndexed(cp.Text, MaxIndexedText))
		c.days, c.marked = append(c.days, dayOf(cp.Published, cp.Fetched)), append(c.marked, cp.NoIndex)
	}
	return c
}

// addSite adds site s, in lower case, to the story's sites once.
func (c *storyParts) addSite(s string) {
	s = strings.ToLower(s)
	if s != "" && !slices.Contains(c.sites, s) {
		c.sites = append(c.sites, s)
	}
}

// role is the story's FieldRole: its original's role, or unique (no
// copies) or original (copies) when the original has none or is a copy.
func (c *storyParts) role(r article.Role) string {
	role := string(r)
	if role == "" || role == string(article.RoleCopy) {
		role = string(article.RoleUnique)
		if len(c.meta.Copies) > 0 {
			role = string(article.RoleOriginal)
		}
	}
	return role
}

// originalFields adds to f the fields of original o that are there only
// when it has them: site, noindex, language, author, dates.
func originalFields(f map[string]any, o *article.Article, lang string, copies []Copy) {
	if s := strings.ToLower(o.Site); s != "" {
		f[schema.FieldSite] = s
	}
	if terms := noIndexTerms(o, copies); len(terms) > 0 {
		f[schema.FieldNoIndex] = terms
	}
	if lang != "" {
		f[schema.FieldLang] = lang
	}
	if o.Author != "" {
		f[schema.FieldAuthor] = o.Author
	}
	if !o.Published.IsZero() {
		f[schema.FieldPublished] = o.Published.UTC()
		f[schema.FieldYear] = fmt.Sprintf("%04d", o.Published.UTC().Year())
	}
	if !o.Fetched.IsZero() {
		f[schema.FieldFetched] = o.Fetched.UTC()
	}
}

// The terms of FieldNoIndex.
const (
	noIndexAny = "any" // a page of the story (original or copy) is marked noindex
	noIndexAll = "all" // every page of the story is marked noindex
)

// noIndexTerms are a story's FieldNoIndex terms: none when no page is
// marked noindex.
func noIndexTerms(o *article.Article, copies []Copy) []string {
	n := 0
	if o.NoIndex {
		n++
	}
	for _, c := range copies {
		if c.NoIndex {
			n++
		}
	}
	switch {
	case n == 0:
		return nil
	case n == len(copies)+1:
		return []string{noIndexAny, noIndexAll}
	}
	return []string{noIndexAny}
}

// Upsert indexes the cluster documents, replacing any previous document of
// the same cluster, in batches of BatchSize.
func (ix *Index) Upsert(ctx context.Context, docs []Doc) error {
	return ix.Apply(ctx, docs, nil, 0)
}

// Delete removes the documents of the given clusters (for example after
// dedup merged a cluster into another). Unknown clusters are ignored.
func (ix *Index) Delete(ctx context.Context, clusters []string) error {
	return ix.Apply(ctx, nil, clusters, 0)
}

// Apply upserts docs and deletes clusters in batches of BatchSize per
// shard, writing the shards concurrently; a shard is written only when it
// has documents to add or delete. When checkpoint is non-zero it is
// recorded once every shard's batches are durable, so the recorded
// checkpoint never runs ahead of the indexed documents, even after kill -9
// (a shard may then hold part of the call that was in flight, which
// applying it again completes: upserts and deletes are idempotent).
func (ix *Index) Apply(ctx context.Context, docs []Doc, deletes []string, checkpoint uint64) error {
	if ix.readOnly {
		return fmt.Errorf("index %s: %w", ix.dir, ErrReadOnly)
	}
	size := ix.BatchSize
	if size <= 0 {
		size = DefaultBatchSize
	}
	ab := ix.newApplyBatch()
	for _, id := range deletes {
		if err := ctx.Err(); err != nil {
			return err
		}
		ab.batches[ix.shardOf(id)].Delete(id)
		if err := ab.counted(size); err != nil {
			return err
		}
	}
	for _, d := range docs {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := ab.index(d); err != nil {
			return err
		}
		if err := ab.counted(size); err != nil {
			return err
		}
	}
	if err := ab.flush(); err != nil {
		return err
	}
	if checkpoint > 0 {
		return ix.SetCheckpoint(checkpoint)
	}
	return nil
}

// applyBatch is what Apply has put in its shards' batches since it last
// sent them.
type applyBatch struct {
	ix        *Index
	batches   []*bleve.Batch // one per shard
	pending   int            // operations in batches
	newLangs  map[string]bool
	newFields []string
}

func (ix *Index) newApplyBatch() *applyBatch {
	ab := &applyBatch{ix: ix, batches: make([]*bleve.Batch, len(ix.shards)), newLangs: map[string]bool{}}
	for i, s := range ix.shards {
		ab.batches[i] = s.NewBatch()
	}
	return ab
}

// index adds the document of d to its shard's batch.
func (ab *applyBatch) index(d Doc) error {
	ix := ab.ix
	f, a, err := d.fields(ix.bigrams)
	if err != nil {
		return fmt.Errorf("index %s: %w", ix.dir, err)
	}
	id := f[schema.FieldCluster].(string)
	if err := ab.batches[ix.shardOf(id)].Index(id, f); err != nil {
		return fmt.Errorf("index cluster %s: %w", id, err)
	}
	ab.newLangs[a] = true
	for k := range f {
		if cur := ix.fields.Load(); cur == nil || !(*cur)[k] {
			ab.newFields = append(ab.newFields, k)
		}
	}
	return nil
}

// counted counts an operation just added, and sends the batches when they
// hold size operations per shard.
func (ab *applyBatch) counted(size int) error {
	if ab.pending++; ab.pending >= size*len(ab.batches) {
		return ab.flush()
	}
	return nil
}

// flush sends every shard's batch to its shard, at once.
func (ab *applyBatch) flush() error {
	ix := ab.ix
	// Before the documents are searchable, so that no query skips
	// their fields.
	ix.addFields(ab.newFields)
	ab.newFields = ab.newFields[:0]
	// Before and after: a search that overlaps the batch caches no
	// facets (facetMemo).
	ix.writes.Add(1)
	defer ix.writes.Add(1)
	errs := make([]error, len(ab.batches))
	var wg sync.WaitGroup
	for i, b := range ab.batches {
		if b.Size() == 0 {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = ab.send(i, b)
		}()
	}
	wg.Wait()
	ab.pending = 0
	ix.addLangs(ab.newLangs)
	return errors.Join(errs...)
}

// send sends batch b to shard i and gives the shard a new batch.
func (ab *applyBatch) send(i int, b *bleve.Batch) (err error) {
	ix := ab.ix
	// Bleve can panic on its own failure paths (a segment it
	// could not persist on a full disk); that must end in an
	// error, as nothing else can recover in this goroutine.
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("index batch into %s shard %d: %v", ix.dir, i, r)
		}
	}()
	if berr := ix.shards[i].Batch(b); berr != nil {
		err = fmt.Errorf("index batch into %s shard %d: %w", ix.dir, i, berr)
	}
	// A fresh batch, not b.Reset(): Bleve's analysis goroutine
	// may still be ranging over b's operations when Batch
	// returns (a data race under -race).
	ab.batches[i] = ix.shards[i].NewBatch()
	return err
}

// shardOf routes a cluster id to its shard.
func (ix *Index) shardOf(cluster string) int { return shardOfN(cluster, len(ix.shards)) }

// shardOfN routes a cluster id to one of n shards.
func shardOfN(cluster string, n int) int {
	if n == 1 {
		return 0
	}
	return int(xxhash.Sum64String(cluster) % uint64(n))
}

func (ix *Index) addLangs(l map[string]bool) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	for a := range l {
		ix.langs[a] = true
	}
}

// Count returns the number of cluster documents.
func (ix *Index) Count() (uint64, error) {
	var total uint64
	for i, s := range ix.shards {
		n, err := s.DocCount()
		if err != nil {
			return 0, fmt.Errorf("count index %s shard %d: %w", ix.dir, i, err)
		}
		total += n
	}
	return total, nil
}

// Checkpoint returns the store arrival number the index is consistent
// with (0 for a new index): every article up to it has been indexed. It is
// kept in CheckpointFile; an index written by an earlier version keeps it
// in each shard, and then the lowest of the shards' is the one that holds.
func (ix *Index) Checkpoint() (uint64, error) {
	raw, err := os.ReadFile(filepath.Join(ix.dir, CheckpointFile))
	switch {
	case err == nil:
		var c checkpointRec
		if err := json.Unmarshal(raw, &c); err != nil {
			return 0, fmt.Errorf("read checkpoint of %s: %w: %v", ix.dir, ErrCorrupt, err)
		}
		return c.Seq, nil
	case !errors.Is(err, os.ErrNotExist):
		return 0, fmt.Errorf("read checkpoint of %s: %w", ix.dir, err)
	}
	var low uint64
	for i, s := range ix.shards {
		v, err := s.GetInternal([]byte(keyCheckpoint))
		if err != nil {
			return 0, fmt.Errorf("read checkpoint of %s shard %d: %w", ix.dir, i, err)
		}
		var cp uint64
		switch len(v) {
		case 0:
		case 8:
			cp = binary.BigEndian.Uint64(v)
		default:
			return 0, fmt.Errorf("read checkpoint of %s shard %d: %d bytes: %w", ix.dir, i, len(v), ErrCorrupt)
		}
		if i == 0 || cp < low {
			low = cp
		}
	}
	return low, nil
}

// checkpointRec is the content of CheckpointFile.
type checkpointRec struct {
	Seq uint64 `json:"seq"`
}

// SetCheckpoint records the store arrival number the index is consistent
// with, durably. Call it after the Upsert that covered it returned (or use
// Apply).
func (ix *Index) SetCheckpoint(seq uint64) error {
	if ix.readOnly {
		return fmt.Errorf("index %s: %w", ix.dir, ErrReadOnly)
	}
	raw, _ := json.Marshal(checkpointRec{Seq: seq})
	if err := atomicfile.WriteFile(filepath.Join(ix.dir, CheckpointFile), raw); err != nil {
		return fmt.Errorf("write checkpoint of %s: %w", ix.dir, err)
	}
	return nil
}

func encodeSeq(seq uint64) []byte {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], seq)
	return b[:]
}
