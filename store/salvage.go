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
	// count, or failing that its last arrival number; 0 when unknown).
	Held int
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
	sv := &Salvaged{}
	w := &salvageWriter{db: db}
	// Records from this arrival number on must carry a checksum (a record
	// that lost it is damaged): read it first, if its page survived.
	var sumsFrom uint64
	pre := boltcheck.Check(bf, 1, func(path [][]byte, k, v []byte) {
		if len(path) == 1 && string(path[0]) == string(bucketMeta) {
			switch string(k) {
			case string(keySumsFrom):
				sumsFrom, _ = strconv.ParseUint(string(v), 10, 64)
			case string(keyCount):
				sv.Held, _ = strconv.Atoi(string(v))
			}
		}
	})
	if sv.Held == 0 {
		sv.Held = int(pre.Seqs[boltcheck.ShowPath([][]byte{bucketOrder})])
	}
	good := map[string]uint64{}  // article id → its arrival number
	byURL := map[string]string{} // id → url, of entries naming a lost article
	var lostOrder []LostArticle
	res := boltcheck.Check(bf, 1<<20, func(path [][]byte, k, v []byte) {
		if w.err != nil {
			return
		}
		if len(path) == 1 {
			switch string(path[0]) {
			case string(bucketArticles):
				h, err := checkRecord(k, v, sumsFrom)
				if err != nil {
					return
				}
				good[string(k)] = h.seq
				sv.Articles++
			case string(bucketOrder):
				if len(k) != 8 {
					return
				}
				seq := binary.BigEndian.Uint64(k)
				if s, ok := good[string(v)]; !ok || s != seq {
					lostOrder = append(lostOrder, LostArticle{ID: string(v), Seq: seq})
					return
				}
			case string(bucketByURL):
				if _, ok := good[string(v)]; !ok {
					byURL[string(v)] = string(k)
					return
				}
			default:
				sv.Pairs++
			}
		} else {
			sv.Pairs++
		}
		w.put(path, k, v)
	})
	// Unreadable pages (as opposed to records that fail their own
	// checks) may hide articles nothing else names: look for them in
	// every leaf page left, reachable or not. A record is recognised by
	// its own checksum and id; one found only in a freed page may be an
	// earlier version of the article.
	sv.Structural = len(res.Problems) > 0 || bf.Truncated() != ""
	if sv.Structural && w.err == nil {
		boltcheck.ScanLeaves(bf, func(k, v []byte) {
			if _, ok := good[string(k)]; ok || !bytes.HasPrefix(v, []byte(`{"seq":`)) {
				return
			}
			h, err := checkRecord(k, v, sumsFrom)
			if err != nil || h.seq == 0 {
				return
			}
			good[string(k)] = h.seq
			sv.Articles++
			sv.Scanned++
			w.put([][]byte{bucketArticles}, k, v)
		})
	}
	lost := map[string]bool{}
	owner := make(map[uint64]bool, len(good))
	for _, seq := range good {
		owner[seq] = true
	}
	for _, l := range lostOrder {
		// An entry whose arrival number belongs to a kept article is
		// that entry's own damage (its id changed), not a lost article.
		if _, ok := good[l.ID]; ok || lost[l.ID] || owner[l.Seq] {
			continue
		}
		lost[l.ID] = true
		l.URL = byURL[l.ID]
		sv.Lost = append(sv.Lost, l)
	}
	for id, u := range byURL {
		if _, ok := good[id]; !ok && !lost[id] {
			lost[id] = true
			sv.Lost = append(sv.Lost, LostArticle{ID: id, URL: u})
		}
	}
	// Bucket sequences: the order bucket's must stay above every
	// arrival number handed out, or a new article would reuse one.
	var maxSeq uint64
	for _, s := range good {
		maxSeq = max(maxSeq, s)
	}
	for _, l := range sv.Lost {
		maxSeq = max(maxSeq, l.Seq)
	}
	w.flush()
	if w.err == nil {
		w.err = db.Update(func(tx *bolt.Tx) error {
			for _, name := range [][]byte{bucketMeta, bucketArticles, bucketOrder, bucketByURL} {
				if _, err := tx.CreateBucketIfNotExists(name); err != nil {
					return err
				}
			}
			for _, bk := range res.Buckets {
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
		})
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
	return sv, nil
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
