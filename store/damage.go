package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"

	"github.com/cespare/xxhash/v2"
	bolt "go.etcd.io/bbolt"

	"github.com/syndex/syndex/internal/boltcheck"
)

// ErrDamaged is wrapped by every *DamagedError.
var ErrDamaged = errors.New("store is damaged")

// DamagedError says the store file is damaged and how: a truncated file,
// a page that is not what its parent says, a record whose checksum does
// not match. The store was not written to.
type DamagedError struct {
	Path    string // the database file
	Problem string // the first problem found
	More    int    // how many more were found
}

func (e *DamagedError) Error() string {
	more := ""
	if e.More > 0 {
		more = fmt.Sprintf(" (and %d more problems)", e.More)
	}
	return fmt.Sprintf("store %s is damaged: %s%s; nothing was written (`syndex check --data %s` lists the damage, `--repair` rebuilds what it can)",
		e.Path, e.Problem, more, filepath.Dir(e.Path))
}

// Unwrap lets callers test errors.Is(err, ErrDamaged).
func (e *DamagedError) Unwrap() error { return ErrDamaged }

// contain turns a panic or a memory fault (a page of the memory-mapped
// file past its end, SIGBUS) raised while bbolt reads a damaged file into
// a *DamagedError in *err. Use it as `defer contain(path, &err)()` right
// after the call that arms it, in the goroutine that touches the file.
func contain(path string, err *error) func() {
	old := debug.SetPanicOnFault(true)
	return func() {
		debug.SetPanicOnFault(old)
		if r := recover(); r != nil {
			problem := strings.TrimPrefix(fmt.Sprint(r), "assertion failed: ")
			if re, ok := r.(runtime.Error); ok {
				// A fault or a bad pointer read from a damaged page.
				problem = "a page cannot be read (" + strings.TrimPrefix(re.Error(), "runtime error: ") + ")"
			}
			*err = &DamagedError{Path: path, Problem: problem}
		}
	}
}

// precheck reads the meta pages, the size and the freelist page of the
// file at path before bbolt maps it: any of them damaged would make bbolt
// panic or fault.
func precheck(path string) error {
	if err := boltcheck.Precheck(path); err != nil {
		if unreadable(err) {
			return fmt.Errorf("open store %s: %w", path, err)
		}
		return &DamagedError{Path: path, Problem: err.Error()}
	}
	return nil
}

// unreadable reports whether err is the system refusing to open or read
// the file (out of file handles, no permission, an I/O error) rather than
// something wrong in its bytes: that is not damage, and a retry may work.
func unreadable(err error) bool {
	var pe *fs.PathError
	return errors.As(err, &pe)
}

// Report is what CheckFile found in a store file.
type Report struct {
	Path     string
	Pages    int      // tree pages read
	Articles int      // article records read
	Unsealed int      // article records written before checksums
	MetaNote string   // a damaged meta page that bbolt steps over
	Problems []string // the damage found, up to the limit
	More     int      // problems beyond the limit
	// LastSeq is the arrival number of the newest article the order
	// bucket's sequence records.
	LastSeq uint64
}

// OK reports whether no damage was found.
func (r *Report) OK() bool { return len(r.Problems) == 0 }

// Err returns the report as a *DamagedError, or nil when it found nothing.
func (r *Report) Err() error {
	if r.OK() {
		return nil
	}
	return &DamagedError{Path: r.Path, Problem: r.Problems[0], More: len(r.Problems) - 1 + r.More}
}

func (r *Report) problem(limit int, format string, args ...any) {
	if len(r.Problems) >= limit {
		r.More++
		return
	}
	r.Problems = append(r.Problems, fmt.Sprintf(format, args...))
}

// CheckFile checks the store file at path with plain reads, never through
// a memory map: bbolt's structure (meta pages, size, every page of every
// bucket, the freelist), every article record's checksum, and, when full,
// that the articles, their arrival order and the URL index agree. It lists
// up to limit problems. Call it on a file no process is writing (Open holds
// the lock; the check command opens the store first).
func CheckFile(path string, limit int, full bool) (*Report, error) {
	r := &Report{Path: path}
	if _, err := os.Stat(path); err != nil {
		return nil, err
	}
	bf, err := boltcheck.Open(path)
	if err != nil {
		if unreadable(err) {
			return nil, err
		}
		r.problem(limit, "%v", err)
		return r, nil
	}
	defer bf.Close()
	r.MetaNote = bf.MetaNote()
	if t := bf.Truncated(); t != "" {
		r.problem(limit, "%s", t)
	}
	fc := &fileCheck{r: r, limit: limit, full: full}
	if full {
		fc.arts, fc.order, fc.urls = map[string]uint64{}, map[uint64]string{}, map[string]string{}
	}
	c := boltcheck.Check(bf, limit, fc.visit)
	fc.unsealed()
	r.Pages = c.Pages
	for _, p := range c.Problems {
		r.problem(limit, "%s", p)
	}
	r.More += c.More
	r.LastSeq = c.Seqs[boltcheck.ShowPath([][]byte{bucketOrder})]
	fc.orderAgrees()
	if full {
		fc.crossCheck()
	}
	return r, nil
}

// A fileCheck is CheckFile's walk over the store's records. The articles
// and the order bucket must hold the same (arrival number, id) pairs:
// compared as sums of their hashes, in constant memory, and by name when
// full.
type fileCheck struct {
	r     *Report
	limit int
	full  bool

	sumsFrom uint64           // the first arrival number whose record must carry a checksum
	plain    []unsealedRecord // records without a checksum, judged once sumsFrom is known

	sumArts, sumOrder, maxSeq uint64
	nOrder                    int

	// When full:
	arts  map[string]uint64 // id → seq
	order map[uint64]string // seq → id
	urls  map[string]string // url → id
}

// An unsealedRecord is an article record without a checksum.
type unsealedRecord struct {
	id  string
	seq uint64
}

// pairHash hashes an (arrival number, id) pair.
func pairHash(seq uint64, id []byte) uint64 {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], seq)
	d := xxhash.New()
	d.Write(b[:])
	d.Write(id)
	return d.Sum64()
}

// visit takes one key of a top-level bucket.
func (fc *fileCheck) visit(path [][]byte, k, v []byte) {
	if len(path) != 1 {
		return
	}
	switch string(path[0]) {
	case string(bucketArticles):
		fc.article(k, v)
	case string(bucketOrder):
		fc.orderEntry(k, v)
	case string(bucketByURL):
		if fc.full {
			fc.urls[string(k)] = string(v)
		}
	case string(bucketMeta):
		if string(k) == string(keySumsFrom) {
			fc.sumsFrom, _ = strconv.ParseUint(string(v), 10, 64)
		}
	}
}

// article checks one article record.
func (fc *fileCheck) article(k, v []byte) {
	fc.r.Articles++
	h, err := checkRecord(k, v, 0)
	if err != nil {
		fc.r.problem(fc.limit, "article %s: %v", boltcheck.ShowKey(k), err)
		return
	}
	if !h.sealed {
		fc.r.Unsealed++
		fc.plain = append(fc.plain, unsealedRecord{string(k), h.seq})
	}
	fc.sumArts += pairHash(h.seq, k)
	if fc.full {
		fc.arts[string(k)] = h.seq
	}
}

// orderEntry checks one entry of the order bucket.
func (fc *fileCheck) orderEntry(k, v []byte) {
	if len(k) != 8 {
		fc.r.problem(fc.limit, "order: key %s is not an arrival number", boltcheck.ShowKey(k))
		return
	}
	seq := binary.BigEndian.Uint64(k)
	fc.sumOrder += pairHash(seq, v)
	fc.maxSeq = max(fc.maxSeq, seq)
	fc.nOrder++
	if fc.full {
		fc.order[seq] = string(v)
	}
}

// unsealed reports the records without a checksum written since every
// record has one.
func (fc *fileCheck) unsealed() {
	for _, u := range fc.plain {
		if fc.sumsFrom > 0 && u.seq >= fc.sumsFrom {
			fc.r.problem(fc.limit, "article %s: record %d has no checksum (every record from %d has one)", boltcheck.ShowKey([]byte(u.id)), u.seq, fc.sumsFrom)
		}
	}
}

// orderAgrees compares the articles with their arrival order by their
// sums (the full check names them instead) and the last arrival number
// handed out.
func (fc *fileCheck) orderAgrees() {
	r := fc.r
	if r.OK() && (fc.sumArts != fc.sumOrder || fc.nOrder != r.Articles) && !fc.full {
		r.problem(fc.limit, "the articles (%d) and their arrival order (%d entries) disagree", r.Articles, fc.nOrder)
	}
	if fc.maxSeq > r.LastSeq {
		r.problem(fc.limit, "order: arrival number %d is beyond the last one handed out (%d)", fc.maxSeq, r.LastSeq)
	}
}

// crossCheck names each article, order entry and URL entry that another
// bucket does not agree with.
func (fc *fileCheck) crossCheck() {
	r, limit := fc.r, fc.limit
	for id, seq := range fc.arts {
		if got, ok := fc.order[seq]; !ok {
			r.problem(limit, "article %s: its arrival number %d is not in the order bucket", boltcheck.ShowKey([]byte(id)), seq)
		} else if got != id {
			r.problem(limit, "article %s: arrival number %d is recorded for %s", boltcheck.ShowKey([]byte(id)), seq, boltcheck.ShowKey([]byte(got)))
		}
		if seq > r.LastSeq {
			r.problem(limit, "article %s: arrival number %d is beyond the last one handed out (%d)", boltcheck.ShowKey([]byte(id)), seq, r.LastSeq)
		}
	}
	for seq, id := range fc.order {
		if _, ok := fc.arts[id]; !ok {
			r.problem(limit, "order: arrival number %d names article %s, which is not stored", seq, boltcheck.ShowKey([]byte(id)))
		}
	}
	for u, id := range fc.urls {
		if _, ok := fc.arts[id]; !ok {
			r.problem(limit, "by-url: %s names article %s, which is not stored", boltcheck.ShowKey([]byte(u)), boltcheck.ShowKey([]byte(id)))
		}
	}
}

// BoltCheck runs bbolt's own consistency check (tx.Check) on the open
// store and returns what it reports. Run it only on a store CheckFile
// passed: bbolt reads through its memory map, where damage would fault.
func (s *Store) BoltCheck() []string {
	var out []string
	s.view(func(tx *bolt.Tx) error {
		for err := range tx.Check() {
			if len(out) < 20 {
				out = append(out, err.Error())
			}
		}
		return nil
	})
	return out
}
