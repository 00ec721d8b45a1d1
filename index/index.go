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
// The mapping is explicit and static (NewMapping). A cluster's title and
// body go into the field pair of its language (title_fr/body_fr, analysed
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
package index

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2"
	bolterrors "go.etcd.io/bbolt/errors"

	"github.com/syndex/syndex/article"
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
)

const (
	keyCheckpoint = "syndex.checkpoint"
	keyMapping    = "syndex.mapping"
	metaFile      = "index_meta.json"
	lockTimeout   = 2 * time.Second
)

// Index is an open Bleve index of cluster documents. It is safe for
// concurrent use; see the package documentation.
type Index struct {
	dir       string
	bi        bleve.Index
	BatchSize int // documents per Bleve batch; DefaultBatchSize when ≤ 0

	mu    sync.RWMutex
	langs map[string]bool // analysis names with at least one document
}

// Open opens the index in dir, creating it with our explicit mapping when
// dir does not exist or is empty. It returns an error wrapping ErrCorrupt,
// ErrIncompatible or ErrLocked when the existing index cannot be used.
func Open(dir string) (*Index, error) {
	return open(dir, true)
}

// OpenExisting opens the index in dir like Open but never creates one: it
// returns an error wrapping ErrNoIndex when there is none (for read-only
// commands such as search).
func OpenExisting(dir string) (*Index, error) {
	return open(dir, false)
}

func open(dir string, create bool) (*Index, error) {
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, os.ErrNotExist) || (err == nil && len(entries) == 0):
		if !create {
			return nil, fmt.Errorf("open index %s: %w", dir, ErrNoIndex)
		}
		return createIndex(dir)
	case err != nil:
		return nil, fmt.Errorf("open index %s: %w", dir, err)
	}
	if _, err := os.Stat(filepath.Join(dir, metaFile)); err != nil {
		return nil, fmt.Errorf("open index %s: %s missing: %w", dir, metaFile, ErrCorrupt)
	}
	bi, err := bleve.OpenUsing(dir, map[string]any{"bolt_timeout": lockTimeout.String()})
	if err != nil {
		if errors.Is(err, bolterrors.ErrTimeout) || strings.Contains(err.Error(), "timeout") {
			return nil, fmt.Errorf("open index %s: %w", dir, ErrLocked)
		}
		return nil, fmt.Errorf("open index %s: %w: %v", dir, ErrCorrupt, err)
	}
	ix := &Index{dir: dir, bi: bi}
	if err := ix.verify(); err != nil {
		_ = bi.Close()
		return nil, err
	}
	return ix, nil
}

// createIndex makes a new, empty index with our mapping in dir.
func createIndex(dir string) (*Index, error) {
	m, err := NewMapping()
	if err != nil {
		return nil, fmt.Errorf("index mapping: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(filepath.Clean(dir)), 0o755); err != nil {
		return nil, fmt.Errorf("create index %s: %w", dir, err)
	}
	// bleve refuses an existing (even empty) directory.
	_ = os.Remove(dir)
	bi, err := bleve.NewUsing(dir, m, bleve.Config.DefaultIndexType, bleve.Config.DefaultKVStore,
		map[string]any{"bolt_timeout": lockTimeout.String()})
	if err != nil {
		return nil, fmt.Errorf("create index %s: %w", dir, err)
	}
	if err := bi.SetInternal([]byte(keyMapping), []byte(MappingVersion)); err != nil {
		_ = bi.Close()
		return nil, fmt.Errorf("create index %s: %w", dir, err)
	}
	slog.Debug("created search index", "dir", dir)
	return &Index{dir: dir, bi: bi, langs: map[string]bool{}}, nil
}

// verify checks an opened index is ours and readable, and loads the set of
// languages present.
func (ix *Index) verify() error {
	v, err := ix.bi.GetInternal([]byte(keyMapping))
	if err != nil {
		return fmt.Errorf("open index %s: %w: %v", ix.dir, ErrCorrupt, err)
	}
	switch string(v) {
	case MappingVersion:
	case "":
		// Not written by syndex, or scorch fell back past the first
		// snapshot because later ones are unreadable.
		return fmt.Errorf("open index %s: no syndex layout marker: %w", ix.dir, ErrCorrupt)
	default:
		return fmt.Errorf("open index %s: layout %q, want %q: %w", ix.dir, v, MappingVersion, ErrIncompatible)
	}
	if _, err := ix.bi.DocCount(); err != nil {
		return fmt.Errorf("open index %s: %w: %v", ix.dir, ErrCorrupt, err)
	}
	fields, err := ix.bi.Fields()
	if err != nil {
		return fmt.Errorf("open index %s: %w: %v", ix.dir, ErrCorrupt, err)
	}
	ix.langs = map[string]bool{}
	for _, f := range fields {
		if a, ok := strings.CutPrefix(f, fieldBody+"_"); ok && knownAnalysis[a] {
			ix.langs[a] = true
		}
	}
	return nil
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

// Remove deletes the index in dir, refusing a directory that does not
// look like a Bleve index so a wrong path cannot wipe other data.
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
		case n == metaFile, n == "store", strings.HasPrefix(n, "."):
		default:
			return fmt.Errorf("remove index %s: refusing, it holds %q which is not part of an index", dir, n)
		}
	}
	if err := os.RemoveAll(dir); err != nil {
		return fmt.Errorf("remove index %s: %w", dir, err)
	}
	return nil
}

// Dir returns the directory the index lives in.
func (ix *Index) Dir() string { return ix.dir }

// Close flushes and closes the index.
func (ix *Index) Close() error {
	if err := ix.bi.Close(); err != nil {
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

// fields turns a Doc into the map the mapping indexes, and returns the
// analysis name used for its text.
func (d Doc) fields() (map[string]any, string, error) {
	o := d.Original
	if o == nil {
		return nil, "", fmt.Errorf("cluster %q has no original", d.Cluster)
	}
	cluster := d.Cluster
	if cluster == "" {
		cluster = o.ID
	}
	if cluster == "" {
		return nil, "", fmt.Errorf("cluster document without cluster id or original id")
	}
	lang := NormalizeLang(o.Lang)
	a := analysisFor(lang)
	sites := []string{}
	addSite := func(s string) {
		s = strings.ToLower(s)
		if s != "" && !slices.Contains(sites, s) {
			sites = append(sites, s)
		}
	}
	addSite(o.Site)
	m := meta{
		Original: Original{ID: o.ID, URL: o.URL, Site: o.Site, Published: o.Published, Title: o.Title},
		Lang:     lang,
	}
	for _, c := range d.Copies {
		if c == nil {
			continue
		}
		addSite(c.Site)
		m.Copies = append(m.Copies, Copy{ID: c.ID, URL: c.URL, Site: c.Site, Published: c.Published, Similarity: c.Similarity})
	}
	blob, err := json.Marshal(m)
	if err != nil {
		return nil, "", fmt.Errorf("cluster %s: %w", cluster, err)
	}
	role := string(o.Role)
	if role == "" || role == string(article.RoleCopy) {
		role = string(article.RoleUnique)
		if len(m.Copies) > 0 {
			role = string(article.RoleOriginal)
		}
	}
	f := map[string]any{
		FieldCluster:  cluster,
		FieldSites:    sites,
		FieldRole:     role,
		FieldCopies:   float64(len(m.Copies)),
		fieldMeta:     string(blob),
		titleField(a): o.Title,
		bodyField(a):  o.Text,
	}
	if s := strings.ToLower(o.Site); s != "" {
		f[FieldSite] = s
	}
	if lang != "" {
		f[FieldLang] = lang
	}
	if o.Author != "" {
		f[FieldAuthor] = o.Author
	}
	if !o.Published.IsZero() {
		f[FieldPublished] = o.Published.UTC()
		f[FieldYear] = fmt.Sprintf("%04d", o.Published.UTC().Year())
	}
	if !o.Fetched.IsZero() {
		f[FieldFetched] = o.Fetched.UTC()
	}
	return f, a, nil
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

// Apply upserts docs and deletes clusters in batches and, when checkpoint
// is non-zero, records it in the same batch as the last change, so the
// recorded checkpoint never runs ahead of the indexed documents, even
// after kill -9.
func (ix *Index) Apply(ctx context.Context, docs []Doc, deletes []string, checkpoint uint64) error {
	size := ix.BatchSize
	if size <= 0 {
		size = DefaultBatchSize
	}
	b := ix.bi.NewBatch()
	newLangs := map[string]bool{}
	flush := func(last bool) error {
		if last && checkpoint > 0 {
			b.SetInternal([]byte(keyCheckpoint), encodeSeq(checkpoint))
		}
		if b.Size() == 0 {
			return nil
		}
		if err := ix.bi.Batch(b); err != nil {
			return fmt.Errorf("index batch into %s: %w", ix.dir, err)
		}
		b.Reset()
		return nil
	}
	for _, id := range deletes {
		if err := ctx.Err(); err != nil {
			return err
		}
		b.Delete(id)
		if b.Size() >= size {
			if err := flush(false); err != nil {
				return err
			}
		}
	}
	for _, d := range docs {
		if err := ctx.Err(); err != nil {
			return err
		}
		f, a, err := d.fields()
		if err != nil {
			return fmt.Errorf("index %s: %w", ix.dir, err)
		}
		if err := b.Index(f[FieldCluster].(string), f); err != nil {
			return fmt.Errorf("index cluster %s: %w", f[FieldCluster], err)
		}
		newLangs[a] = true
		if b.Size() >= size {
			if err := flush(false); err != nil {
				return err
			}
			ix.addLangs(newLangs)
		}
	}
	if err := flush(true); err != nil {
		return err
	}
	ix.addLangs(newLangs)
	return nil
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
	n, err := ix.bi.DocCount()
	if err != nil {
		return 0, fmt.Errorf("count index %s: %w", ix.dir, err)
	}
	return n, nil
}

// Checkpoint returns the store arrival number the index is consistent
// with (0 for a new index): every article up to it has been indexed.
func (ix *Index) Checkpoint() (uint64, error) {
	v, err := ix.bi.GetInternal([]byte(keyCheckpoint))
	if err != nil {
		return 0, fmt.Errorf("read checkpoint of %s: %w", ix.dir, err)
	}
	if len(v) == 0 {
		return 0, nil
	}
	if len(v) != 8 {
		return 0, fmt.Errorf("read checkpoint of %s: %d bytes: %w", ix.dir, len(v), ErrCorrupt)
	}
	return binary.BigEndian.Uint64(v), nil
}

// SetCheckpoint records the store arrival number the index is consistent
// with. Call it after the Upsert that covered it returned (or use Apply).
func (ix *Index) SetCheckpoint(seq uint64) error {
	if err := ix.bi.SetInternal([]byte(keyCheckpoint), encodeSeq(seq)); err != nil {
		return fmt.Errorf("write checkpoint of %s: %w", ix.dir, err)
	}
	return nil
}

func encodeSeq(seq uint64) []byte {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], seq)
	return b[:]
}
