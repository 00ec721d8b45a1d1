package store

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/syndex/syndex/internal/boltcheck"
)

// Lock takes the archive's lock the way Open does (an flock on the store
// file, which bbolt also uses), without opening the database, so that a
// damaged store can be examined or replaced while no syndex process
// writes it. Exclusive keeps readers out too. The caller calls the
// returned function to release it. A held lock is a *LockedError.
func Lock(dir string, exclusive bool) (func(), error) {
	path := filepath.Join(dir, FileName)
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("open archive %s: no store (%s): run `syndex crawl`, `syndex import` or `syndex demo --keep` first", dir, FileName)
		}
		return nil, fmt.Errorf("open archive %s: %w", dir, err)
	}
	how := syscall.LOCK_SH
	if exclusive {
		how = syscall.LOCK_EX
	}
	if err := syscall.Flock(int(f.Fd()), how|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, &LockedError{Dir: dir, PID: readPID(dir)}
		}
		return nil, fmt.Errorf("lock archive %s: %w", dir, err)
	}
	return func() { f.Close() }, nil
}

// Salvaged says what Salvage kept and what it could not.
type Salvaged struct {
	Articles int // article records copied (each passed its checks)
	Scanned  int // of which found outside the tree, in a page scan
	Pairs    int // other key/value pairs copied
	// Lost names the articles the damaged store knew of (by their
	// arrival number or URL) whose record could not be kept; URL is ""
	// when unknown.
	Lost []LostArticle
	// Structural is set when whole pages were unreadable, so articles may
	// be lost that no surviving entry names.
	Structural bool
	// Held is how many articles the damaged store said it held (its
	// count, or failing that its last arrival number, or failing both the
	// highest arrival number any surviving record or entry carries).
	Held int
	// CountLost is set when the pages holding the store's count and its
	// last arrival number were unreadable: Held is then only a lower
	// bound, and the newest articles may be lost without any surviving
	// page naming them.
	CountLost bool
}

// LostArticle is an article whose record a damaged store no longer holds.
type LostArticle struct {
	ID, URL string
	Seq     uint64
}

// Salvage copies every readable key/value pair of the damaged store file
// src into a new store file dst, keeping only the article records that
// pass their checks and the order and URL entries that name one of them,
// with each bucket's sequence. It reads src with plain reads only (never
// through bbolt), so no damage can make it panic. The caller holds the
// archive's lock.
func Salvage(src, dst string) (*Salvaged, error) {
	bf, err := boltcheck.Open(src)
	if err != nil {
		return nil, fmt.Errorf("salvage %s: %w", src, err)
	}
	defer bf.Close()
	os.Remove(dst)
	db, err := bolt.Open(dst, 0o644, &bolt.Options{Timeout: time.Second, NoSync: true})
	if err != nil {
		return nil, fmt.Errorf("salvage into %s: %w", dst, err)
	}
	sv := &salvage{bf: bf, w: &salvageWriter{db: db}, good: map[string]uint64{}, byURL: map[string]string{}}
	sv.readMeta()
	res := sv.copyPairs()
	// Unreadable pages (as opposed to records that fail their own
	// checks) may hide articles nothing else names: look for them in
	// every leaf page left, reachable or not.
	sv.Structural = len(res.Problems) > 0 || bf.Truncated() != ""
	if sv.Structural && sv.w.err == nil {
		sv.scanLeaves()
	}
	sv.collectLost()
	if sv.Held == 0 {
		// The count went with its page (the meta bucket lives in the
		// root page): every arrival number up to the highest one found
		// was handed out, and articles are never deleted.
		sv.Held = int(sv.maxSeq())
		sv.CountLost = sv.Structural
	}
	w := sv.w
	w.flush()
	if w.err == nil {
		w.err = db.Update(func(tx *bolt.Tx) error { return finishSalvage(tx, res.Buckets, sv.maxSeq()) })
	}
	if w.err == nil {
		w.err = db.Sync()
	}
	if err := db.Close(); err != nil && w.err == nil {
		w.err = err
	}
	if w.err != nil {
		os.Remove(dst)
		return nil, fmt.Errorf("salvage into %s: %w", dst, w.err)
	}
	return &sv.Salvaged, nil
}

// salvage is one Salvage under way.
type salvage struct {
	Salvaged
	bf        *boltcheck.File
	w         *salvageWriter
	sumsFrom  uint64            // records from this arrival number on carry a checksum
	good      map[string]uint64 // article id → its arrival number
	byURL     map[string]string // id → url, of entries naming a lost article
	lostOrder []LostArticle     // order entries naming a lost article
}

// readMeta reads, if its page survived, the arrival number from which
// records must carry a checksum (a record that lost it is damaged) and the
// count of articles the store held.
func (sv *salvage) readMeta() {
	pre := boltcheck.Check(sv.bf, 1, func(path [][]byte, k, v []byte) {
		if len(path) == 1 && string(path[0]) == string(bucketMeta) {
			switch string(k) {
			case string(keySumsFrom):
				sv.sumsFrom, _ = strconv.ParseUint(string(v), 10, 64)
			case string(keyCount):
				sv.Held, _ = strconv.Atoi(string(v))
			}
		}
	})
	if sv.Held == 0 {
		sv.Held = int(pre.Seqs[boltcheck.ShowPath([][]byte{bucketOrder})])
	}
}

// copyPairs copies every readable pair but the article records that fail
// their checks and the order and URL entries naming no kept article.
func (sv *salvage) copyPairs() *boltcheck.Result {
	return boltcheck.Check(sv.bf, 1<<20, func(path [][]byte, k, v []byte) {
		if sv.w.err != nil {
			return
		}
		if len(path) != 1 {
			sv.Pairs++
		} else if !sv.keep(path[0], k, v) {
			return
		}
		sv.w.put(path, k, v)
	})
}

// keep reports whether the pair k, v of top-level bucket b is kept,
// noting the good articles and the entries that name lost ones.
func (sv *salvage) keep(b, k, v []byte) bool {
	switch string(b) {
	case string(bucketArticles):
		h, err := checkRecord(k, v, sv.sumsFrom)
		if err != nil {
			return false
		}
		sv.good[string(k)] = h.seq
		sv.Articles++
	case string(bucketOrder):
		if len(k) != 8 {
			return false
		}
		seq := binary.BigEndian.Uint64(k)
		if s, ok := sv.good[string(v)]; !ok || s != seq {
			sv.lostOrder = append(sv.lostOrder, LostArticle{ID: string(v), Seq: seq})
			return false
		}
	case string(bucketByURL):
		if _, ok := sv.good[string(v)]; !ok {
			sv.byURL[string(v)] = string(k)
			return false
		}
	default:
		sv.Pairs++
	}
	return true
}

// scanLeaves looks for article records in every leaf page left, reachable
// or not. A record is recognised by its own checksum and id; one found
// only in a freed page may be an earlier version of the article.
//
// An arrival number belongs to one article: a record found in a scan whose
// number a kept article already has is not kept, as it would be counted
// as an article but never listed (the order entry names the other one),
// and the store's count would hide an article that is really lost.
func (sv *salvage) scanLeaves() {
	owned := make(map[uint64]bool, len(sv.good))
	for _, seq := range sv.good {
		owned[seq] = true
	}
	boltcheck.ScanLeaves(sv.bf, func(k, v []byte) {
		if _, ok := sv.good[string(k)]; ok || !bytes.HasPrefix(v, []byte(`{"seq":`)) {
			return
		}
		h, err := checkRecord(k, v, sv.sumsFrom)
		if err != nil || h.seq == 0 || owned[h.seq] {
			return
		}
		owned[h.seq] = true
		sv.good[string(k)] = h.seq
		sv.Articles++
		sv.Scanned++
		sv.w.put([][]byte{bucketArticles}, k, v)
	})
}

// collectLost lists the articles that order or URL entries name but no
// kept record holds.
func (sv *salvage) collectLost() {
	lost := map[string]bool{}
	owner := make(map[uint64]bool, len(sv.good))
	for _, seq := range sv.good {
		owner[seq] = true
	}
	for _, l := range sv.lostOrder {
		// An entry whose arrival number belongs to a kept article is
		// that entry's own damage (its id changed), not a lost article.
		if _, ok := sv.good[l.ID]; ok || lost[l.ID] || owner[l.Seq] {
			continue
		}
		lost[l.ID] = true
		l.URL = sv.byURL[l.ID]
		sv.Lost = append(sv.Lost, l)
	}
	for id, u := range sv.byURL {
		if _, ok := sv.good[id]; !ok && !lost[id] {
			lost[id] = true
			sv.Lost = append(sv.Lost, LostArticle{ID: id, URL: u})
		}
	}
}

// maxSeq returns the highest arrival number handed out, kept or lost: the
// order bucket's sequence must stay above it, or a new article would
// reuse one.
func (sv *salvage) maxSeq() uint64 {
	var maxSeq uint64
	for _, s := range sv.good {
		maxSeq = max(maxSeq, s)
	}
	for _, l := range sv.Lost {
		maxSeq = max(maxSeq, l.Seq)
	}
	return maxSeq
}

// finishSalvage completes the new store: its buckets and their sequences,
// the order and URL entries of every article, its count and schema.
func finishSalvage(tx *bolt.Tx, buckets []boltcheck.Bucket, maxSeq uint64) error {
	for _, name := range [][]byte{bucketMeta, bucketArticles, bucketOrder, bucketByURL} {
		if _, err := tx.CreateBucketIfNotExists(name); err != nil {
			return err
		}
	}
	if err := restoreSequences(tx, buckets); err != nil {
		return err
	}
	o := tx.Bucket(bucketOrder)
	if o.Sequence() < maxSeq {
		if err := o.SetSequence(maxSeq); err != nil {
			return err
		}
	}
	if err := reconcile(tx); err != nil {
		return err
	}
	n := tx.Bucket(bucketArticles).Stats().KeyN
	if err := tx.Bucket(bucketMeta).Put(keyCount, []byte(strconv.Itoa(n))); err != nil {
		return err
	}
	m := tx.Bucket(bucketMeta)
	if m.Get(keySchema) == nil {
		// The schema record was lost with its page.
		if err := m.Put(keySchema, []byte(strconv.Itoa(SchemaVersion))); err != nil {
			return err
		}
	}
	return nil
}

// restoreSequences gives each salvaged bucket that was copied the
// sequence the damaged store recorded for it.
func restoreSequences(tx *bolt.Tx, buckets []boltcheck.Bucket) error {
	for _, bk := range buckets {
		b := tx.Bucket(bk.Path[0])
		for _, n := range bk.Path[1:] {
			if b == nil {
				break
			}
			b = b.Bucket(n)
		}
		if b != nil {
			if err := b.SetSequence(bk.Seq); err != nil {
				return err
			}
		}
	}
	return nil
}

// reconcile gives every article an order entry under its arrival number
// and a URL entry, where the pages holding them were lost.
func reconcile(tx *bolt.Tx) error {
	order, byURL := tx.Bucket(bucketOrder), tx.Bucket(bucketByURL)
	c := tx.Bucket(bucketArticles).Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		var r struct {
			Seq uint64 `json:"seq"`
			URL string `json:"url"`
		}
		if err := json.Unmarshal(v, &r); err != nil {
			continue // checked when copied
		}
		if r.Seq > 0 && order.Get(u64(r.Seq)) == nil {
			if err := order.Put(u64(r.Seq), k); err != nil {
				return err
			}
		}
		if r.URL != "" && byURL.Get([]byte(r.URL)) == nil {
			if err := byURL.Put([]byte(r.URL), k); err != nil {
				return err
			}
		}
	}
	return nil
}

// salvageWriter copies pairs into the new database in batches of
// transactions, creating nested buckets on the way.
type salvageWriter struct {
	db      *bolt.DB
	pending []salvagePair
	size    int
	err     error
}

type salvagePair struct {
	path [][]byte
	k, v []byte
}

func (w *salvageWriter) put(path [][]byte, k, v []byte) {
	p := make([][]byte, len(path))
	for i, s := range path {
		p[i] = append([]byte(nil), s...)
	}
	w.pending = append(w.pending, salvagePair{p, append([]byte(nil), k...), append([]byte(nil), v...)})
	w.size += len(k) + len(v)
	if w.size > 16<<20 || len(w.pending) > 50000 {
		w.flush()
	}
}

func (w *salvageWriter) flush() {
	if w.err != nil || len(w.pending) == 0 {
		return
	}
	w.err = w.db.Update(func(tx *bolt.Tx) error {
		for _, p := range w.pending {
			b, err := tx.CreateBucketIfNotExists(p.path[0])
			if err != nil {
				return err
			}
			for _, name := range p.path[1:] {
				if b, err = b.CreateBucketIfNotExists(name); err != nil {
					return err
				}
			}
			if err := b.Put(p.k, p.v); err != nil {
				return err
			}
		}
		return nil
	})
	w.pending, w.size = w.pending[:0], 0
}
