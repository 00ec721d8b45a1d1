package archive

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"
	"unicode/utf8"

	bolt "go.etcd.io/bbolt"

	"github.com/syndex/syndex/article"
	"github.com/syndex/syndex/dedup"
	"github.com/syndex/syndex/index"
)

// The ingest path. Ingest deduplicates and stores articles at once, one
// store transaction per call, and marks the clusters whose search document
// they change as pending, in the same transaction (bucket pendingBucket).
// The search index is brought up to date in groups: when IndexBatch
// articles are pending or the oldest has waited IndexDelay, whichever
// comes first, every pending cluster is indexed in one Apply and its mark
// removed. So a new article is searchable within IndexDelay, the index
// gets a few large batches instead of one tiny segment per article, and
// after a crash the marks name exactly the clusters to index again: the
// catch-up costs what was pending, not the archive.

// Defaults of the ingest grouping.
const (
	DefaultIndexBatch = 256             // articles that trigger an index update
	DefaultIndexDelay = 2 * time.Second // longest a stored article waits to be searchable
	// flushChunk bounds the clusters one Apply indexes, so a large
	// pending set (a bulk import, a catch-up) is indexed in bounded memory.
	flushChunk = 2000
)

// Limits on what the archive stores: the store keys articles by id and
// url, and a key has at most 32 KiB.
const (
	MaxIDBytes  = 4096
	MaxURLBytes = 8192
)

// pendingBucket holds the clusters whose search document is stale (keys;
// empty values). Its presence also says the archive keeps the journal, so
// an index checkpoint behind the store with no pending cluster means the
// index was damaged, not that work is pending.
var pendingBucket = []byte("archive.pending")

// Check reports why the archive cannot store a, or nil. Call it after
// Normalize.
func Check(a *article.Article) error {
	switch {
	case a.ID == "":
		return errors.New("article has neither id nor url")
	case len(a.ID) > MaxIDBytes:
		return fmt.Errorf("id is %d bytes long, at most %d are stored", len(a.ID), MaxIDBytes)
	case len(a.URL) > MaxURLBytes:
		return fmt.Errorf("url is %d bytes long, at most %d are stored", len(a.URL), MaxURLBytes)
	case !utf8.ValidString(a.ID):
		return errors.New("id is not valid UTF-8")
	}
	for _, t := range []struct {
		name string
		t    time.Time
	}{{"published", a.Published}, {"modified", a.Modified}, {"fetched", a.Fetched}} {
		if y := t.t.Year(); !t.t.IsZero() && (y < 0 || y > 9999) {
			return fmt.Errorf("%s date in year %d", t.name, y)
		}
	}
	return nil
}

// RejectedError lists the articles Ingest refused (each with why); every
// other article of the call was stored.
type RejectedError struct {
	Errs []error
}

func (e *RejectedError) Error() string {
	return joinErrs(fmt.Sprintf("%d article(s) refused: ", len(e.Errs)), e.Errs)
}

func joinErrs(head string, errs []error) string {
	msg := head
	for i, err := range errs {
		if i == 5 {
			msg += fmt.Sprintf("; and %d more", len(errs)-5)
			break
		}
		if i > 0 {
			msg += "; "
		}
		msg += err.Error()
	}
	return msg
}

// Ingest deduplicates and stores articles (new ones or new versions of
// stored ones) in one store transaction, and schedules the search index
// update of every cluster they change (see IndexBatch, IndexDelay). When
// Ingest returns nil every article is stored; an article the archive
// cannot store (Check) is left out and reported in a *RejectedError while
// the others are stored. Any other error means nothing of this call was
// stored, and the dedup index does not hold it either.
func (a *Archive) Ingest(ctx context.Context, arts []*article.Article) error {
	return a.ingest(ctx, arts, true)
}

// ingest is Ingest; with wait false (a crawled page) a due index update
// runs in the background instead of in the caller (see flushBehind).
func (a *Archive) ingest(ctx context.Context, arts []*article.Article, wait bool) error {
	if a.opt.ReadOnly {
		return errors.New("archive opened read-only")
	}
	var rejected []error
	good := make([]*article.Article, 0, len(arts))
	for _, art := range arts {
		err := art.Normalize()
		if err == nil {
			err = Check(art)
		}
		if err != nil {
			rejected = append(rejected, fmt.Errorf("article %.80q (%.120s): %w", art.ID, art.URL, err))
			continue
		}
		good = append(good, art)
	}
	if len(good) > 0 {
		a.mu.Lock()
		err := a.ingestLocked(good)
		flush := err == nil && a.flushDue()
		if flush && !wait {
			flush = !a.flushBehind()
		}
		a.mu.Unlock()
		if err != nil {
			return err
		}
		if flush {
			if err := a.flushIndex(ctx); err != nil {
				return err
			}
		}
	}
	if len(rejected) > 0 {
		return &RejectedError{Errs: rejected}
	}
	return ctx.Err()
}

// ingestLocked stores arts through dedup and records their clusters as
// pending; a.mu is held.
func (a *Archive) ingestLocked(arts []*article.Article) error {
	if a.Dedup == nil {
		return fmt.Errorf("archive %s: dedup index unavailable after an earlier failure; reopen the archive", a.Dir)
	}
	if err := a.assign(arts); err != nil {
		return err
	}
	a.pendingArts += len(arts)
	if a.pendingSince.IsZero() {
		a.pendingSince = time.Now()
	}
	a.armFlush()
	a.sinceCheck += len(arts)
	if a.dedupCheckpointDue() {
		// The checkpoint holds only what the store holds.
		if err := a.waitWrite(); err != nil {
			return err
		}
		if err := a.saveDedup(); err != nil {
			return err
		}
	}
	return nil
}

// assign runs arts through dedup and writes every article whose
// assignment changed, with the clusters to index again, in one store
// transaction. If the write fails the dedup index is rebuilt from its
// checkpoint and the store, so it never holds articles the store does not.
func (a *Archive) assign(arts []*article.Article) error {
	return a.assignMode(arts, false)
}

// assignReplay runs stored articles through dedup again (the replay after
// the dedup checkpoint) and stores only those whose assignment comes out
// different from what the store holds, so a replay marks for indexing
// only what it changed.
func (a *Archive) assignReplay(arts []*article.Article) error {
	return a.assignMode(arts, true)
}

// assignMode is assign, or assignReplay with replay: the batch goes
// through dedup, then every article whose assignment changed is written
// with the clusters to index again, behind the next batch when the
// archive writes behind. Behind, the write's goroutine also reads the
// stored articles whose assignment changed and applies the assignments:
// dedup of the next batch, on the caller's goroutine, needs neither.
func (a *Archive) assignMode(arts []*article.Article, replay bool) error {
	if len(arts) == 0 {
		return nil
	}
	ch := a.addToDedup(arts)
	// The store must hold the previous batch before it is read.
	if err := a.waitWrite(); err != nil {
		return err
	}
	var kept []keptAssignment
	if !replay {
		// Articles re-added unchanged still need storing (new text, new
		// fetch); replayed ones are the stored ones.
		kept = unchanged(a.Dedup, arts, ch)
	}
	prepare := func() *batchWrite {
		bw := a.changedArticles(ch, replay)
		bw.addUnchanged(kept)
		return bw
	}
	if a.behind.on && !replay {
		w := &storeWrite{done: make(chan struct{}), n: len(arts), arts: ch.fresh}
		a.behind.w = w
		go func() {
			defer close(w.done)
			bw := prepare()
			w.affected = bw.affected
			w.err = a.writeBatch(bw)
		}()
		return nil
	}
	bw := prepare()
	return a.wrote(a.writeBatch(bw), bw.affected, len(arts))
}

// writeBatch stores what a batch writes in one transaction.
func (a *Archive) writeBatch(bw *batchWrite) error {
	return a.Store.PutArticlesWith(bw.puts, func(tx *bolt.Tx) error {
		return markPending(tx, bw.affected)
	})
}

// dedupChanges is what adding a batch to dedup changed: the new
// assignments by id, the ids in the order they first changed, and the
// batch's articles by id.
type dedupChanges struct {
	assigned map[string]article.Assignment
	order    []string
	fresh    map[string]*article.Article
}

// addToDedup adds arts to the clusterer (their texts readable from the
// batch meanwhile, see dedupText) and collects what changed.
func (a *Archive) addToDedup(arts []*article.Article) *dedupChanges {
	ch := &dedupChanges{assigned: map[string]article.Assignment{}, fresh: map[string]*article.Article{}}
	a.batchArts = ch.fresh
	for _, art := range arts {
		ch.fresh[art.ID] = art
		for _, as := range a.Dedup.AddPrepared(art, a.prepared[art]) {
			if _, seen := ch.assigned[as.ID]; !seen {
				ch.order = append(ch.order, as.ID)
			}
			ch.assigned[as.ID] = as
		}
	}
	a.batchArts = nil
	return ch
}

// batchWrite is what a batch writes to the store: the articles with
// their assignments, and the clusters to index again.
type batchWrite struct {
	puts     []*article.Article
	affected map[string]bool
}

// changedArticles applies each changed assignment to its article (the
// batch's, or the stored one), marking its old and new cluster. With
// replay, an article whose assignment is what the store holds is left.
func (a *Archive) changedArticles(ch *dedupChanges, replay bool) *batchWrite {
	bw := &batchWrite{affected: map[string]bool{}}
	for _, id := range ch.order {
		as := ch.assigned[id]
		art := ch.fresh[id]
		if old, err := a.Store.Article(id); err == nil {
			if replay && sameAssignment(old, as) {
				continue
			}
			if old.Cluster != "" {
				bw.affected[old.Cluster] = true
			}
			if art == nil {
				art = old
			}
		} else if art == nil {
			a.log.Warn("dedup changed an article the store does not have", "id", id)
			continue
		}
		art.Apply(as)
		bw.affected[as.Cluster] = true
		bw.puts = append(bw.puts, art)
	}
	return bw
}

// keptAssignment is an article of a batch whose assignment dedup did not
// change, with the one it has (ok false: none).
type keptAssignment struct {
	art *article.Article
	as  article.Assignment
	ok  bool
}

// unchanged returns the articles of arts whose assignment did not
// change, with the one they have in ix.
func unchanged(ix *dedup.Clusterer, arts []*article.Article, ch *dedupChanges) []keptAssignment {
	var kept []keptAssignment
	for _, art := range arts {
		if _, ok := ch.assigned[art.ID]; ok {
			continue
		}
		as, ok := ix.Assignment(art.ID)
		kept = append(kept, keptAssignment{art: art, as: as, ok: ok})
	}
	return kept
}

// addUnchanged adds the articles whose assignment did not change, with
// the one they have.
func (bw *batchWrite) addUnchanged(kept []keptAssignment) {
	for _, k := range kept {
		if k.ok {
			k.art.Apply(k.as)
			bw.affected[k.as.Cluster] = true
		}
		bw.puts = append(bw.puts, k.art)
	}
}

// writeBehind lets a bulk import store one batch while it deduplicates
// the next (ImportJSONL): the store write was a quarter of the ingest,
// which runs on one core before the index build. The dedup index then
// holds one batch the store does not have yet; nothing reads it before
// the write is waited for (waitWrite), which every step that needs the
// two to agree does first: the next batch's store reads, the dedup
// checkpoint, the end of the import. A failed write rolls the dedup index
// back as a synchronous one does, so the batch deduplicated meanwhile is
// not stored either.
type writeBehind struct {
	on bool
	w  *storeWrite // the write in flight, nil when none
}

// storeWrite is one batch's store write running behind.
type storeWrite struct {
	done     chan struct{}
	err      error
	affected map[string]bool             // set by the write's goroutine before done
	n        int                         // articles of the batch
	arts     map[string]*article.Article // the batch by id, for dedupText
}

// waitWrite waits for the store write in flight, if any, and finishes it
// as assign does (wrote); a.mu held.
func (a *Archive) waitWrite() error {
	w := a.behind.w
	if w == nil {
		return nil
	}
	a.behind.w = nil
	<-w.done
	return a.wrote(w.err, w.affected, w.n)
}

// wrote finishes the store write of n articles that changed the clusters
// affected: on failure it rolls the dedup index back, else it marks the
// clusters pending. a.mu held.
func (a *Archive) wrote(err error, affected map[string]bool, n int) error {
	if err != nil {
		err = fmt.Errorf("store articles: %w", err)
		if rerr := a.rollbackDedup(); rerr != nil {
			return errors.Join(err, rerr)
		}
		return err
	}
	for c := range affected {
		a.pendingGen++
		a.pending[c] = a.pendingGen
	}
	if a.sinceRelease += n; a.sinceRelease >= releaseIngest {
		a.sinceRelease = 0
		a.releaseStorePages()
	}
	return nil
}

// sameAssignment reports whether a stored article already carries as.
func sameAssignment(a *article.Article, as article.Assignment) bool {
	return a.Cluster == as.Cluster && a.Role == as.Role && a.Original == as.Original &&
		a.Similarity == as.Similarity && slices.Equal(a.Evidence, as.Evidence)
}

// rollbackDedup replaces the dedup index, which took articles the store
// then refused, by one rebuilt from the checkpoint and the store.
func (a *Archive) rollbackDedup() error {
	a.Dedup = nil
	if err := a.loadDedupFrom(context.Background(), false); err != nil {
		a.Dedup = nil
		return fmt.Errorf("rebuild dedup index after a failed store write: %w", err)
	}
	a.log.Warn("store write failed; dedup index rebuilt from the store", "articles", a.Dedup.Len())
	return nil
}

// markPending records clusters as pending in tx.
func markPending(tx *bolt.Tx, clusters map[string]bool) error {
	if len(clusters) == 0 {
		return nil
	}
	b, err := tx.CreateBucketIfNotExists(pendingBucket)
	if err != nil {
		return fmt.Errorf("pending clusters: %w", err)
	}
	for c := range clusters {
		if c == "" || len(c) > bolt.MaxKeySize {
			continue
		}
		if err := b.Put([]byte(c), nil); err != nil {
			return fmt.Errorf("pending cluster %.80q: %w", c, err)
		}
	}
	return nil
}

// loadPending reads the pending clusters; journal reports whether the
// archive keeps the journal at all.
func (a *Archive) loadPending() (clusters []string, journal bool, err error) {
	err = a.Store.DB().View(func(tx *bolt.Tx) error {
		b := tx.Bucket(pendingBucket)
		if b == nil {
			return nil
		}
		journal = true
		return b.ForEach(func(k, _ []byte) error {
			clusters = append(clusters, string(k))
			return nil
		})
	})
	if err != nil {
		return nil, false, fmt.Errorf("read pending clusters: %w", err)
	}
	return clusters, journal, nil
}

// clearPending removes clusters from the journal (creating it if needed).
func (a *Archive) clearPending(clusters []string) error {
	err := a.Store.DB().Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(pendingBucket)
		if err != nil {
			return err
		}
		for _, c := range clusters {
			if err := b.Delete([]byte(c)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("clear pending clusters: %w", err)
	}
	return nil
}

// flushDue reports whether pending work should be indexed now; a.mu held.
func (a *Archive) flushDue() bool {
	if a.bulk || len(a.pending) == 0 {
		return false
	}
	return a.pendingArts >= a.indexBatch() || time.Since(a.pendingSince) >= a.indexDelay()
}

func (a *Archive) indexBatch() int {
	if a.opt.IndexBatch > 0 {
		return a.opt.IndexBatch
	}
	return DefaultIndexBatch
}

func (a *Archive) indexDelay() time.Duration {
	if a.opt.IndexDelay > 0 {
		return a.opt.IndexDelay
	}
	return DefaultIndexDelay
}

// armFlush makes sure pending work is indexed within IndexDelay even when
// no further article arrives; a.mu held.
func (a *Archive) armFlush() {
	if a.bulk || a.flushTimer != nil || a.closing {
		return
	}
	wait := max(time.Until(a.pendingSince.Add(a.indexDelay())), 0)
	a.flushTimer = time.AfterFunc(wait, func() {
		a.mu.Lock()
		a.flushTimer = nil
		a.mu.Unlock()
		if err := a.flushIndex(context.Background()); err != nil {
			a.log.Warn("search index update failed; it is retried, and the store keeps everything", "err", err)
		}
	})
}

// flushBehind starts the due index update in a goroutine, or leaves it to
// the one already started, and reports whether it did; a.mu held. A
// crawled page may be handled while its host's next request waits for it
// (always in a shared crawl), so the update (a fraction of a second, more
// on a busy machine) would make that host late by as much. When the index falls behind by four batches
// all the same (it cannot keep up), it reports false and the caller
// updates the index itself, which holds the crawl back.
func (a *Archive) flushBehind() bool {
	if a.closing {
		return false
	}
	if a.flushing {
		return a.pendingArts < 4*a.indexBatch()
	}
	a.flushing = true
	a.background.Add(1)
	go func() {
		defer a.background.Done()
		err := a.flushIndex(context.Background())
		a.mu.Lock()
		a.flushing = false
		a.mu.Unlock()
		if err != nil {
			a.log.Warn("search index update failed; it is retried, and the store keeps everything", "err", err)
		}
	}()
	return true
}

// settleIndex merges, in the background, the many small segments a crawl
// pass left in the search index (index.Settle): the live index's merge
// policy lets them accumulate during the crawl rather than rewrite the
// shards at every batch. Close waits for it.
func (a *Archive) settleIndex() {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.opt.ReadOnly || a.Index == nil || a.closing || a.settling {
		return
	}
	a.settling = true
	ix := a.Index
	a.background.Add(1)
	a.settled.Add(1)
	go func() {
		defer a.background.Done()
		defer a.settled.Done()
		err := ix.Settle(context.Background())
		a.mu.Lock()
		a.settling = false
		a.mu.Unlock()
		if err != nil {
			a.log.Warn("merging the search index's segments failed; searches visit more of them until the next merge", "err", err)
		}
	}()
}

// Flush brings the search index up to date with everything ingested so far.
func (a *Archive) Flush(ctx context.Context) error {
	if a.opt.ReadOnly {
		return nil
	}
	return a.flushIndex(ctx)
}

// flushIndex indexes every pending cluster, in chunks of flushChunk, and
// records the store position the index then reflects. One flush runs at a
// time; ingests go on while a chunk is being indexed.
func (a *Archive) flushIndex(ctx context.Context) error {
	a.flushMu.Lock()
	defer a.flushMu.Unlock()
	a.mu.Lock()
	if a.Index == nil || len(a.pending) == 0 {
		a.pendingArts, a.pendingSince = 0, time.Time{}
		a.mu.Unlock()
		return nil
	}
	snap := make(map[string]uint64, len(a.pending))
	ids := make([]string, 0, len(a.pending))
	for c, g := range a.pending {
		snap[c] = g
		ids = append(ids, c)
	}
	seq := a.Store.LastSeq()
	a.pendingArts, a.pendingSince = 0, time.Time{}
	a.mu.Unlock()
	slices.Sort(ids)
	err := a.indexClusters(ctx, ids, func(done []string) error {
		a.mu.Lock()
		defer a.mu.Unlock()
		var clear []string
		for _, c := range done {
			if a.pending[c] == snap[c] {
				delete(a.pending, c)
				clear = append(clear, c)
			}
		}
		return a.clearPending(clear)
	})
	if err != nil {
		a.mu.Lock()
		if a.pendingSince.IsZero() {
			a.pendingSince = time.Now()
		}
		a.armFlush()
		a.mu.Unlock()
		return err
	}
	if err := a.Index.SetCheckpoint(seq); err != nil {
		return fmt.Errorf("index: %w", err)
	}
	return nil
}

// indexClusters rewrites the search documents of the given clusters in
// chunks, calling done after each chunk is durable in the index.
func (a *Archive) indexClusters(ctx context.Context, ids []string, done func([]string) error) error {
	total, indexed := int64(len(ids)), int64(0)
	for len(ids) > 0 {
		chunk := ids[:min(len(ids), flushChunk)]
		ids = ids[len(chunk):]
		a.mu.RLock()
		docs, gone, err := a.clusterDocs(chunk)
		a.mu.RUnlock()
		if err != nil {
			return err
		}
		if err := a.Index.Apply(ctx, docs, gone, 0); err != nil {
			return fmt.Errorf("index: %w", err)
		}
		if err := done(chunk); err != nil {
			return err
		}
		a.releaseStorePages()
		if indexed += int64(len(chunk)); a.opt.Progress != nil && total > flushChunk {
			a.opt.Progress(indexed, total, "stories")
		}
	}
	return nil
}

// clusterDocs builds the index documents of clusters; a cluster without
// members is returned in gone. a.mu is held (for reading at least).
func (a *Archive) clusterDocs(clusters []string) (docs []index.Doc, gone []string, err error) {
	for _, c := range clusters {
		members, err := a.cluster(c)
		if err != nil {
			return nil, nil, err
		}
		if len(members) == 0 {
			gone = append(gone, c)
			continue
		}
		docs = append(docs, clusterDoc(c, members))
	}
	return docs, gone, nil
}

// dedupCheckpointDue reports whether the dedup checkpoint should be
// written now: after checkpoint articles, and no more often than keeps
// the time spent writing it under a twentieth of the time spent ingesting
// (the checkpoint grows with the archive, so a fixed interval would make
// a large import quadratic). a.mu held.
func (a *Archive) dedupCheckpointDue() bool {
	if a.sinceCheck < checkpoint {
		return false
	}
	return time.Since(a.lastDedupSave) >= 20*a.dedupSaveCost
}

// BeginBulk starts a bulk load (a large import): articles are stored and
// deduplicated as they come, and the search index is brought up to date
// once, at EndBulk: rebuilt in one pass when it was empty, else updated in
// large batches. Nothing ingested during a bulk load is searchable before
// EndBulk; a crash in between loses nothing stored (the next open catches
// the index up).
func (a *Archive) BeginBulk() {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.bulk = true
	if a.flushTimer != nil {
		a.flushTimer.Stop()
		a.flushTimer = nil
	}
}

// EndBulk ends a bulk load, bringing the search index up to date.
func (a *Archive) EndBulk(ctx context.Context) error {
	a.mu.Lock()
	if !a.bulk {
		a.mu.Unlock()
		return nil
	}
	a.bulk = false
	a.mu.Unlock()
	n, err := a.Index.Count()
	if err != nil {
		return fmt.Errorf("index: %w", err)
	}
	if n == 0 {
		return a.Reindex(ctx)
	}
	return a.flushIndex(ctx)
}

// catchUpIndex brings the search index up to date with the store at open:
// the pending clusters when the journal names them, a rebuild when the
// index is new, damaged or was written without the journal and lags.
func (a *Archive) catchUpIndex(ctx context.Context) error {
	cp, err := a.Index.Checkpoint()
	if err != nil {
		return fmt.Errorf("read search index checkpoint: %w", err)
	}
	last := a.Store.LastSeq()
	pending, journal, err := a.loadPending()
	if err != nil {
		return err
	}
	switch {
	case cp == last && len(pending) == 0:
		if !journal {
			return a.clearPending(nil) // start the journal
		}
		return nil
	case cp > last, cp == 0 && last > 0, cp < last && len(pending) == 0:
		a.log.Warn("search index does not match the store; rebuilding it", "index", cp, "store", last)
		return a.Reindex(ctx)
	}
	start := time.Now()
	a.log.Info("search index is behind the store; indexing the clusters changed since", "clusters", len(pending), "index", cp, "store", last)
	a.mu.Lock()
	for _, c := range pending {
		a.pendingGen++
		a.pending[c] = a.pendingGen
	}
	a.mu.Unlock()
	if err := a.flushIndex(ctx); err != nil {
		return err
	}
	a.log.Info("search index caught up", "clusters", len(pending), "took", time.Since(start).Round(time.Millisecond))
	return nil
}

// Reindex rebuilds the search index from the store in one pass (a bulk
// build: large segments, merged once at the end).
func (a *Archive) Reindex(ctx context.Context) error {
	a.settled.Wait() // a settle must not run on the index being replaced
	a.flushMu.Lock()
	defer a.flushMu.Unlock()
	path := a.Index.Dir()
	shards := a.Index.Shards()
	a.mu.Lock()
	defer a.mu.Unlock()
	if err := a.Index.Close(); err != nil {
		a.log.Warn("close search index before rebuilding it", "err", err)
	}
	a.Index = nil
	if err := index.Remove(path); err != nil {
		return err
	}
	seq := a.Store.LastSeq()
	ix, err := a.buildIndex(ctx, path, shards)
	if err != nil {
		_ = index.Remove(path)
		// Leave an empty index behind, so the archive stays usable and
		// the next open rebuilds.
		if ix2, err2 := index.OpenWith(path, index.Options{Shards: shards}); err2 == nil {
			a.Index = ix2
		}
		return fmt.Errorf("reindex: %w", err)
	}
	a.Index = ix
	if err := a.clearAllPending(); err != nil {
		return err
	}
	clear(a.pending)
	a.pendingArts, a.pendingSince = 0, time.Time{}
	if seq > 0 {
		return ix.SetCheckpoint(seq)
	}
	return nil
}

// buildIndex writes a new index of every stored cluster with a Builder.
// Clusters are built in the order of their first stored article, each from
// its members in the dedup index.
func (a *Archive) buildIndex(ctx context.Context, path string, shards int) (*index.Index, error) {
	b, err := index.NewBuilder(path, index.Options{Shards: shards})
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	// Arrival numbers count the stored articles (none is ever removed)
	// without walking the store, which would map all of its pages.
	total, done := int64(a.Store.LastSeq()), int64(0)
	// The walk reads only the ids in arrival order: an article read as a
	// member of a cluster built already (read holds its arrival number)
	// is passed over without being read and decoded again, which was a
	// third of the rebuild's reads on an archive of syndicated copies.
	read := newArrivalSet(uint64(total), a.Store.Count())
	for e, err := range a.Store.ArrivalIDs(0) {
		if err != nil {
			a.log.Warn("skip unreadable article during reindex", "err", err)
			continue
		}
		if err := ctx.Err(); err != nil {
			b.Abort()
			return nil, err
		}
		if read.has(e.Seq) {
			continue
		}
		art, err := a.Store.Article(e.ID)
		if err != nil {
			a.log.Warn("skip unreadable article during reindex", "err", err)
			continue
		}
		c := art.Cluster
		if c == "" {
			c = art.ID
		}
		if seen[c] {
			continue
		}
		seen[c] = true
		members, err := a.clusterWith(c, art, read) // art: decoded already
		if err != nil {
			b.Abort()
			return nil, err
		}
		if len(members) == 0 {
			members = []*article.Article{art}
		}
		if err := b.Add(ctx, clusterDoc(c, members)); err != nil {
			b.Abort()
			return nil, err
		}
		if done += int64(len(members)); a.opt.Progress != nil {
			a.opt.Progress(min(done, total), total, "articles")
		}
		if len(seen)%releaseEvery == 0 {
			a.releaseStorePages()
		}
	}
	a.releaseStorePages() // before the final merge, the most costly part
	return b.Close(0)
}

// arrivalSet is a set of the arrival numbers up to a store's last (a
// bitmap: an eighth of a byte per stored article); others are not kept,
// which costs only a second read of their articles.
type arrivalSet []uint64

// newArrivalSet returns a set for arrival numbers up to last, in a store
// of count articles. The store's sequence can be damaged (a flipped byte
// once read 787,911,553,073 and asked for 98 GB), so the set never covers
// more than a few arrival numbers per article the store holds.
func newArrivalSet(last uint64, count int) arrivalSet {
	return make(arrivalSet, min(last, arrivalBound(count))/64+1)
}

// arrivalBound is the most arrival numbers a set covers for a store of
// count articles: each article takes one number and none is removed, so
// a healthy store's last number is its count; the slack is for what a
// failed write may have taken.
func arrivalBound(count int) uint64 { return 4*uint64(max(count, 0)) + 1<<16 }

func (s arrivalSet) add(seq uint64) {
	if w := seq / 64; w < uint64(len(s)) {
		s[w] |= 1 << (seq % 64)
	}
}

func (s arrivalSet) has(seq uint64) bool {
	w := seq / 64
	return w < uint64(len(s)) && s[w]&(1<<(seq%64)) != 0
}

// releaseEvery is how many clusters a rebuild reads between releases of the
// store's mapped pages.
const releaseEvery = 250

// releaseIngest is how many articles are stored (or replayed) between
// releases of the store's mapped pages. Each write reads the pages on the
// way to its keys, and the kernel maps their neighbours too, so without
// releases an import's resident memory grew by the store's size (4 GB at
// a million articles) on top of the dedup index.
const releaseIngest = 1000

// releaseStorePages lets go of the store's pages a rebuild has read (they
// stay in the page cache), so that a pass over the whole store does not
// hold the store's size in resident memory; a failure only costs memory.
func (a *Archive) releaseStorePages() {
	if err := a.Store.ReleasePages(); err != nil {
		a.log.Debug("release store pages", "err", err)
	}
}

// clearAllPending empties the journal (after a full rebuild).
func (a *Archive) clearAllPending() error {
	err := a.Store.DB().Update(func(tx *bolt.Tx) error {
		if tx.Bucket(pendingBucket) != nil {
			if err := tx.DeleteBucket(pendingBucket); err != nil {
				return err
			}
		}
		_, err := tx.CreateBucket(pendingBucket)
		return err
	})
	if err != nil {
		return fmt.Errorf("clear pending clusters: %w", err)
	}
	return nil
}
