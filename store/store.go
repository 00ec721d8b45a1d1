// Package store owns the archive's embedded database (bbolt): the Articles
// with their cluster fields, the order in which they arrived, and the
// buckets that other packages keep their durable state in (the crawler's
// frontier, seen set and fetch log). It does not own the WARC files, the
// dedup checkpoint or the Bleve index, which live beside it in the archive
// directory.
//
// One process writes an archive at a time: Open takes an exclusive lock and
// a second writer gets ErrLocked naming the holder's pid instead of waiting.
package store

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"iter"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"

	"github.com/syndex/syndex/article"
	"github.com/syndex/syndex/internal/atomicfile"
	"github.com/syndex/syndex/internal/boltcheck"
)

// SchemaVersion is the layout version this build writes. Archives with a
// higher version are refused with a clear message; lower versions are
// migrated on open.
const SchemaVersion = 1

// FileName is the database file inside the archive directory.
const FileName = "syndex.db"

const pidFile = "syndex.pid"

var (
	bucketMeta     = []byte("meta")
	bucketArticles = []byte("articles")
	bucketOrder    = []byte("order")
	bucketByURL    = []byte("by-url")
	keySchema      = []byte("schema")
	keyCreated     = []byte("created")
	// keySumsFrom is the arrival number from which every article record
	// carries a checksum (records before it were written by a build
	// without them).
	keySumsFrom = []byte("crc32c-from")
	// keyCount is how many articles the store holds, so that a salvage
	// of a damaged store knows how many it should have found.
	keyCount = []byte("articles")
)

// ErrLocked is returned by Open when another process holds the archive.
var ErrLocked = errors.New("archive in use")

// ErrNotFound is returned when an article does not exist.
var ErrNotFound = errors.New("not found")

// LockedError says which process holds the archive.
type LockedError struct {
	Dir string
	PID int
}

func (e *LockedError) Error() string {
	if e.PID > 0 {
		return fmt.Sprintf("archive %s in use by pid %d", e.Dir, e.PID)
	}
	return fmt.Sprintf("archive %s in use by another process", e.Dir)
}

// Unwrap lets callers test errors.Is(err, ErrLocked).
func (e *LockedError) Unwrap() error { return ErrLocked }

// Options tune Open.
type Options struct {
	// ReadOnly opens the database without taking the writer lock. bbolt
	// still waits for a writer to release the file, so ReadOnly fails fast
	// with ErrLocked while a writer runs.
	ReadOnly bool
	// NoSync trades crash safety for speed (bulk imports in tests).
	NoSync bool
	// Existing refuses to create a store: commands that only make sense
	// on an archive (reindex, check) must not create one under a
	// mistyped --data.
	Existing bool
	// NoVerify skips the check of the whole file that a writable Open
	// does before writing anything (the check command runs its own).
	NoVerify bool
}

// Store is an open archive database.
type Store struct {
	db       *bolt.DB
	dir      string
	path     string
	readOnly bool
	sumsFrom uint64 // records from this arrival number on carry a checksum
}

// Open opens (creating if needed) the store in archive directory dir.
// A damaged file must not reach bbolt, which would panic on it or read
// past its end: its meta pages and size are checked first, then, once
// the lock is held and before anything is written, every page.
func Open(dir string, opt Options) (*Store, error) {
	path := filepath.Join(dir, FileName)
	if err := ensureFile(dir, path, opt); err != nil {
		return nil, err
	}
	existed, err := precheckExisting(path)
	if err != nil {
		return nil, err
	}
	db, err := openLocked(dir, path, opt)
	if err != nil {
		return nil, err
	}
	s := &Store{db: db, dir: dir, path: path, readOnly: opt.ReadOnly}
	if existed && !opt.ReadOnly && !opt.NoVerify {
		err = verifyPages(path)
	}
	if err == nil {
		err = s.checkSchema()
	}
	if err != nil {
		db.Close()
		return nil, err
	}
	if !opt.ReadOnly {
		_ = os.WriteFile(filepath.Join(dir, pidFile), []byte(strconv.Itoa(os.Getpid())+"\n"), 0o644)
	}
	return s, nil
}

// ensureFile makes sure the store file at path is there to open: a
// reader, or a writer told the archive exists, needs it; any other
// writer creates the archive directory and, when there is none, the
// store (create).
func ensureFile(dir, path string, opt Options) error {
	if opt.ReadOnly || opt.Existing {
		if _, err := os.Stat(path); err != nil {
			return fmt.Errorf("open archive %s: no store (%s): run `syndex crawl`, `syndex import` or `syndex demo --keep` first", dir, FileName)
		}
		return nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("create archive %s: %w", dir, err)
	}
	return create(dir, path, opt)
}

// precheckExisting checks the meta pages and size of a non-empty store
// file before bbolt reads it, and says whether there was one.
func precheckExisting(path string) (existed bool, err error) {
	fi, err := os.Stat(path)
	if err != nil || fi.Size() == 0 {
		return false, nil
	}
	return true, precheck(path)
}

// openLocked opens the database at path, taking its lock: a lock held by
// another process is a *LockedError naming it, a damaged file a
// *DamagedError.
func openLocked(dir, path string, opt Options) (*bolt.DB, error) {
	db, err := openBolt(path, &bolt.Options{Timeout: 200 * time.Millisecond, ReadOnly: opt.ReadOnly, NoSync: opt.NoSync})
	if err == nil {
		return db, nil
	}
	if errors.Is(err, bolterrors.ErrTimeout) {
		return nil, &LockedError{Dir: dir, PID: readPID(dir)}
	}
	var de *DamagedError
	if errors.As(err, &de) {
		return nil, err
	}
	return nil, fmt.Errorf("open store %s: %w", path, err)
}

// verifyPages checks every page of the store file before a writer
// writes anything (CheckFile, quick).
func verifyPages(path string) error {
	rep, err := CheckFile(path, 5, false)
	if err != nil {
		return err
	}
	return rep.Err()
}

// create writes a new store at path, when there is none, whole or not at
// all: the empty database and its schema record are made under another
// name and renamed into place. A process killed while bbolt lays out a
// new file, before the schema record is committed, would otherwise
// leave a store file with no schema record, which a read-only open (a
// search or `syndex check` after the crash) refuses as not written by
// syndex.
func create(dir, path string, opt Options) error {
	if _, err := os.Stat(path); err == nil || !errors.Is(err, fs.ErrNotExist) {
		return nil // there is a store (or Open reports why not)
	}
	tmp := path + ".new"
	_ = os.Remove(tmp) // left by a process killed while creating
	db, err := openBolt(tmp, &bolt.Options{Timeout: 200 * time.Millisecond, NoSync: opt.NoSync})
	if err != nil {
		if errors.Is(err, bolterrors.ErrTimeout) {
			return &LockedError{Dir: dir, PID: readPID(dir)}
		}
		return fmt.Errorf("create store %s: %w", tmp, err)
	}
	s := &Store{db: db, dir: dir, path: tmp}
	err = s.checkSchema()
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err == nil {
		atomicfile.SyncDir(dir)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("create store %s: %w", path, err)
	}
	return nil
}

// openBolt opens the database, turning a panic or fault inside bbolt (a
// damaged freelist page, say) into a *DamagedError.
func openBolt(path string, o *bolt.Options) (db *bolt.DB, err error) {
	defer contain(path, &err)()
	return bolt.Open(path, 0o644, o)
}

// view and update run a transaction, turning a panic or fault inside bbolt
// into a *DamagedError: the transaction is rolled back, nothing written.
func (s *Store) view(fn func(*bolt.Tx) error) (err error) {
	defer contain(s.path, &err)()
	return s.db.View(fn)
}

func (s *Store) update(fn func(*bolt.Tx) error) (err error) {
	defer contain(s.path, &err)()
	return s.db.Update(fn)
}

func readPID(dir string) int {
	b, err := os.ReadFile(filepath.Join(dir, pidFile))
	if err != nil {
		return 0
	}
	pid, _ := strconv.Atoi(strings.TrimSpace(string(b)))
	return pid
}

// checkSchema checks the store's schema record and reads where checksums
// start; a writer also makes what a new store lacks (the schema record,
// the buckets, the checksum start and the article count).
func (s *Store) checkSchema() error {
	if s.readOnly {
		return s.view(func(tx *bolt.Tx) error {
			m := tx.Bucket(bucketMeta)
			if m == nil {
				return fmt.Errorf("archive %s: store has no schema record; it was not written by syndex", s.dir)
			}
			s.sumsFrom, _ = strconv.ParseUint(string(m.Get(keySumsFrom)), 10, 64)
			return schemaOK(s.dir, m.Get(keySchema))
		})
	}
	walked := false
	err := s.update(func(tx *bolt.Tx) error {
		m, err := s.schemaRecord(tx)
		if err != nil {
			return err
		}
		for _, b := range [][]byte{bucketArticles, bucketOrder, bucketByURL} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return fmt.Errorf("create bucket %s: %w", b, err)
			}
		}
		if s.sumsFrom, err = sumsStart(tx, m); err != nil {
			return err
		}
		walked, err = keepCount(tx, m)
		return err
	})
	if walked {
		_ = s.ReleasePages() // the walk mapped every page; a failure costs only memory
	}
	return err
}

// schemaRecord returns the meta bucket once its schema version is
// checked; in a new, empty store it writes the schema record.
func (s *Store) schemaRecord(tx *bolt.Tx) (*bolt.Bucket, error) {
	if m := tx.Bucket(bucketMeta); m != nil {
		return m, schemaOK(s.dir, m.Get(keySchema))
	}
	if hasBuckets(tx) {
		return nil, fmt.Errorf("archive %s: store has data but no schema record; it was not written by syndex", s.dir)
	}
	m, err := tx.CreateBucket(bucketMeta)
	if err != nil {
		return nil, err
	}
	m.Put(keySchema, []byte(strconv.Itoa(SchemaVersion)))
	m.Put(keyCreated, []byte(time.Now().UTC().Format(time.RFC3339)))
	return m, nil
}

// sumsStart is the arrival number from which records carry a checksum:
// as recorded, or, in a store written before checksums, the next record
// this build writes (recorded now).
func sumsStart(tx *bolt.Tx, m *bolt.Bucket) (uint64, error) {
	from, _ := strconv.ParseUint(string(m.Get(keySumsFrom)), 10, 64)
	if from != 0 {
		return from, nil
	}
	from = tx.Bucket(bucketOrder).Sequence() + 1
	return from, m.Put(keySumsFrom, []byte(strconv.FormatUint(from, 10)))
}

// keepCount records the number of articles when the store has no count it
// can trust (written by a build that kept none, or a count that cannot be
// right): counted once, kept from then on. walked says it counted, which
// maps every page.
func keepCount(tx *bolt.Tx, m *bolt.Bucket) (walked bool, err error) {
	if _, ok := keptCount(tx); ok {
		return false, nil
	}
	n := tx.Bucket(bucketArticles).Stats().KeyN
	return true, m.Put(keyCount, []byte(strconv.Itoa(n)))
}

func hasBuckets(tx *bolt.Tx) bool {
	found := false
	tx.ForEach(func(name []byte, _ *bolt.Bucket) error { found = true; return nil })
	return found
}

func schemaOK(dir string, v []byte) error {
	n, err := strconv.Atoi(string(v))
	if err != nil {
		return fmt.Errorf("archive %s: unreadable schema version %q", dir, v)
	}
	if n > SchemaVersion {
		return fmt.Errorf("archive %s was written by a newer syndex (schema %d, this build reads up to %d): upgrade syndex", dir, n, SchemaVersion)
	}
	return nil
}

// Dir is the archive directory.
func (s *Store) Dir() string { return s.dir }

// DB exposes the database to packages that keep their own buckets in the
// archive (the crawler's frontier). Each such package owns the buckets it
// names with its own prefix, e.g. "crawl.frontier".
func (s *Store) DB() *bolt.DB { return s.db }

// Close releases the database and the writer lock.
func (s *Store) Close() error {
	if !s.readOnly {
		_ = os.Remove(filepath.Join(s.dir, pidFile))
	}
	return s.db.Close()
}

// record is how an Article is kept: the article plus its arrival number.
type record struct {
	Seq uint64 `json:"seq"`
	article.Article
}

// PutArticle stores a, keeping its arrival number if it already exists and
// assigning the next one otherwise. It returns that number.
func (s *Store) PutArticle(a *article.Article) (uint64, error) {
	var seq uint64
	err := s.update(func(tx *bolt.Tx) error {
		var err error
		seq, err = putArticle(tx, a)
		return err
	})
	return seq, err
}

// PutArticles stores many articles in one transaction.
func (s *Store) PutArticles(as []*article.Article) error {
	return s.PutArticlesWith(as, nil)
}

// PutArticlesWith stores many articles and runs also (when not nil) in the
// same transaction, so what also writes (another package's bookkeeping in
// its own bucket) is durable exactly when the articles are.
func (s *Store) PutArticlesWith(as []*article.Article, also func(tx *bolt.Tx) error) error {
	return s.update(func(tx *bolt.Tx) error {
		for _, a := range as {
			if _, err := putArticle(tx, a); err != nil {
				return fmt.Errorf("article %.80q: %w", a.ID, err)
			}
		}
		if also != nil {
			return also(tx)
		}
		return nil
	})
}

// putArticle stores a, keeping the arrival number of the article it
// replaces or giving it the next one, and returns that number.
func putArticle(tx *bolt.Tx, a *article.Article) (uint64, error) {
	if a.ID == "" {
		return 0, errors.New("put article: empty id")
	}
	arts := tx.Bucket(bucketArticles)
	rec := record{Article: *a, Seq: storedSeq(arts.Get([]byte(a.ID)))}
	if rec.Seq == 0 {
		n, err := arrive(tx, a.ID)
		if err != nil {
			return 0, err
		}
		rec.Seq = n
	}
	b, err := encodeRecord(&rec)
	if err != nil {
		return 0, fmt.Errorf("encode article %s: %w", a.ID, err)
	}
	if err := arts.Put([]byte(a.ID), b); err != nil {
		return 0, err
	}
	if a.URL != "" {
		if err := tx.Bucket(bucketByURL).Put([]byte(a.URL), []byte(a.ID)); err != nil {
			return 0, err
		}
	}
	return rec.Seq, nil
}

// storedSeq is the arrival number of a stored record (old, in either
// encoding), 0 when there is none or it cannot be read.
func storedSeq(old []byte) uint64 {
	if old == nil {
		return 0
	}
	if seq, _, ok := parseHead(old); ok {
		return seq
	}
	var prev record
	if err := json.Unmarshal(old, &prev); err == nil {
		return prev.Seq
	}
	return 0
}

// arrive gives a new article (id) the next arrival number: it is added
// to the arrival order and to the kept article count.
func arrive(tx *bolt.Tx, id string) (uint64, error) {
	order := tx.Bucket(bucketOrder)
	n, err := order.NextSequence()
	if err != nil {
		return 0, err
	}
	if err := order.Put(u64(n), []byte(id)); err != nil {
		return 0, err
	}
	m := tx.Bucket(bucketMeta)
	if c := m.Get(keyCount); c != nil {
		count, _ := strconv.ParseUint(string(c), 10, 64)
		if err := m.Put(keyCount, []byte(strconv.FormatUint(count+1, 10))); err != nil {
			return 0, err
		}
	}
	return n, nil
}

// Article returns the article with the given id, or ErrNotFound.
func (s *Store) Article(id string) (*article.Article, error) {
	a, err := s.ArticleArrival(id)
	return a.Article, err
}

// ArticleArrival is Article with the article's arrival number.
func (s *Store) ArticleArrival(id string) (Arrival, error) {
	var a Arrival
	err := s.view(func(tx *bolt.Tx) error {
		v := tx.Bucket(bucketArticles).Get([]byte(id))
		if v == nil {
			return fmt.Errorf("article %s: %w", id, ErrNotFound)
		}
		rec, err := s.decode([]byte(id), v)
		if err != nil {
			return err
		}
		a = Arrival{Seq: rec.Seq, Article: &rec.Article}
		return nil
	})
	return a, err
}

// decode checks and decodes one article record; a damaged one is a
// *DamagedError naming the article.
func (s *Store) decode(key, v []byte) (*record, error) {
	rec, err := decodeRecord(key, v, s.sumsFrom)
	if err != nil {
		return nil, &DamagedError{Path: s.path, Problem: fmt.Sprintf("article %s: %v", boltcheck.ShowKey(key), err)}
	}
	return rec, nil
}

// ArticleByURL returns the article fetched from url, or ErrNotFound.
func (s *Store) ArticleByURL(url string) (*article.Article, error) {
	var id []byte
	err := s.view(func(tx *bolt.Tx) error {
		if v := tx.Bucket(bucketByURL).Get([]byte(url)); v != nil {
			id = bytes.Clone(v)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if id == nil {
		return nil, fmt.Errorf("article at %s: %w", url, ErrNotFound)
	}
	return s.Article(string(id))
}

// Count returns the number of stored articles. It reads the count the
// store keeps in its meta bucket, which the transaction that adds an
// article raises, so it costs a page or two whatever the store's size. A
// store without a usable kept count (written by an older build and opened
// read-only, or with a count that cannot be right) is counted by walking
// the articles bucket, and the pages the walk mapped are let go after it:
// bbolt's walk touches every page, and a process that asked for a count
// would otherwise hold the whole store in resident memory.
func (s *Store) Count() int {
	n, kept := 0, false
	s.view(func(tx *bolt.Tx) error {
		n, kept = keptCount(tx)
		return nil
	})
	if kept {
		return n
	}
	s.view(func(tx *bolt.Tx) error {
		if b := tx.Bucket(bucketArticles); b != nil {
			n = b.Stats().KeyN
		}
		return nil
	})
	_ = s.ReleasePages() // a failure costs only memory
	return n
}

// keptCount returns the count of articles kept in the meta bucket, and
// false when there is none or it cannot be right: every article takes an
// arrival number of its own and none is ever removed, so the count never
// exceeds the last arrival number.
func keptCount(tx *bolt.Tx) (int, bool) {
	m, order := tx.Bucket(bucketMeta), tx.Bucket(bucketOrder)
	if m == nil || order == nil {
		return 0, false
	}
	v := m.Get(keyCount)
	if v == nil {
		return 0, false
	}
	n, err := strconv.ParseUint(string(v), 10, 64)
	if err != nil || n > order.Sequence() || n > uint64(math.MaxInt) {
		return 0, false
	}
	return int(n), true
}

// LastSeq returns the arrival number of the newest article (0 when empty).
func (s *Store) LastSeq() uint64 {
	var n uint64
	s.view(func(tx *bolt.Tx) error {
		n = tx.Bucket(bucketOrder).Sequence()
		return nil
	})
	return n
}

// Articles yields every article in arrival order, starting after arrival
// number since (0 for all). It reads in chunks with short read
// transactions, so the caller may write to the store while iterating.
func (s *Store) Articles(since uint64) iter.Seq2[*article.Article, error] {
	return func(yield func(*article.Article, error) bool) {
		for a, err := range s.Arrivals(since) {
			if !yield(a.Article, err) {
				return
			}
		}
	}
}

// Arrival is a stored article with its arrival number.
type Arrival struct {
	Seq uint64
	*article.Article
}

// Arrivals is Articles with each article's arrival number.
func (s *Store) Arrivals(since uint64) iter.Seq2[Arrival, error] {
	return func(yield func(Arrival, error) bool) {
		next := since + 1
		for {
			chunk, errs, err := s.arrivalChunk(&next)
			if err != nil {
				yield(Arrival{}, err)
				return
			}
			for _, e := range errs {
				if !yield(Arrival{}, e) {
					return
				}
			}
			for _, a := range chunk {
				if !yield(a, nil) {
					return
				}
			}
			if len(chunk)+len(errs) == 0 {
				return
			}
		}
	}
}

// arrivalChunk reads, in one short read transaction, up to 512 articles
// in arrival order from arrival number *next on, and moves *next past
// them. errs are the articles that could not be read (damaged, or named
// by the order but not stored); err a damaged arrival order.
func (s *Store) arrivalChunk(next *uint64) (chunk []Arrival, errs []error, err error) {
	err = s.view(func(tx *bolt.Tx) error {
		arts := tx.Bucket(bucketArticles)
		c := tx.Bucket(bucketOrder).Cursor()
		for k, id := c.Seek(u64(*next)); k != nil && len(chunk)+len(errs) < 512; k, id = c.Next() {
			seq, err := s.orderSeq(k, *next)
			if err != nil {
				return err
			}
			*next = seq + 1
			v := arts.Get(id)
			if v == nil {
				errs = append(errs, &DamagedError{Path: s.path, Problem: fmt.Sprintf("order: arrival number %d names article %s, which is not stored", seq, boltcheck.ShowKey(id))})
				continue
			}
			rec, err := s.decode(id, v)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			a := rec.Article
			chunk = append(chunk, Arrival{Seq: rec.Seq, Article: &a})
		}
		return nil
	})
	return chunk, errs, err
}

// ArrivalID is the id of a stored article and its arrival number.
type ArrivalID struct {
	Seq uint64
	ID  string
}

// ArrivalIDs yields the id of every article in arrival order, starting
// after arrival number since, reading only the arrival order (a rebuild
// reads each article once, with its cluster): the articles are not looked
// up, so an id whose article is not stored is yielded all the same, and
// reading it gives ErrNotFound. Like Arrivals it reads in chunks with
// short read transactions.
func (s *Store) ArrivalIDs(since uint64) iter.Seq2[ArrivalID, error] {
	return func(yield func(ArrivalID, error) bool) {
		next := since + 1
		for {
			var chunk []ArrivalID
			err := s.view(func(tx *bolt.Tx) error {
				c := tx.Bucket(bucketOrder).Cursor()
				for k, id := c.Seek(u64(next)); k != nil && len(chunk) < 512; k, id = c.Next() {
					seq, err := s.orderSeq(k, next)
					if err != nil {
						return err
					}
					next = seq + 1
					chunk = append(chunk, ArrivalID{Seq: seq, ID: string(id)})
				}
				return nil
			})
			if err != nil {
				yield(ArrivalID{}, err)
				return
			}
			for _, a := range chunk {
				if !yield(a, nil) {
					return
				}
			}
			if len(chunk) == 0 {
				return
			}
		}
	}
}

// orderSeq returns the arrival number of order key k in a walk that
// expects next or later. Keys rise one by one; anything else is damage,
// and must not send the walk back (or round) for ever.
func (s *Store) orderSeq(k []byte, next uint64) (uint64, error) {
	if len(k) != 8 || binary.BigEndian.Uint64(k) < next || binary.BigEndian.Uint64(k) == math.MaxUint64 {
		return 0, &DamagedError{Path: s.path, Problem: fmt.Sprintf("order: key %x out of sequence after %d", k, next-1)}
	}
	return binary.BigEndian.Uint64(k), nil
}

func u64(n uint64) []byte {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], n)
	return b[:]
}
