package store

import (
	"encoding/binary"
	"errors"
	"fmt"
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
		return &DamagedError{Path: path, Problem: err.Error()}
	}
	return nil
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
		r.problem(limit, "%v", err)
		return r, nil
	}
	defer bf.Close()
	r.MetaNote = bf.MetaNote()
	if t := bf.Truncated(); t != "" {
		r.problem(limit, "%s", t)
	}
	var sumsFrom uint64
	type unsealed struct {
		id  string
		seq uint64
	}
	var plain []unsealed // records without a checksum, judged once sumsFrom is known
	var (
		arts  map[string]uint64 // id → seq
		order map[uint64]string // seq → id
		urls  map[string]string // url → id
	)
	if full {
		arts, order, urls = map[string]uint64{}, map[uint64]string{}, map[string]string{}
	}
	// The articles and the order bucket must hold the same (arrival
	// number, id) pairs: compared as sums of their hashes, in constant
	// memory, and by name when full.
	pair := func(seq uint64, id []byte) uint64 {
		var b [8]byte
		binary.BigEndian.PutUint64(b[:], seq)
		d := xxhash.New()
		d.Write(b[:])
		d.Write(id)
		return d.Sum64()
	}
	var sumArts, sumOrder, maxSeq uint64
	nOrder := 0
	c := boltcheck.Check(bf, limit, func(path [][]byte, k, v []byte) {
		if len(path) != 1 {
			return
		}
		switch string(path[0]) {
		case string(bucketArticles):
			r.Articles++
			h, err := checkRecord(k, v, 0)
			if err != nil {
				r.problem(limit, "article %s: %v", boltcheck.ShowKey(k), err)
				return
			}
			if !h.sealed {
				r.Unsealed++
				plain = append(plain, unsealed{string(k), h.seq})
			}
			sumArts += pair(h.seq, k)
			if full {
				arts[string(k)] = h.seq
			}
		case string(bucketOrder):
			if len(k) != 8 {
				r.problem(limit, "order: key %s is not an arrival number", boltcheck.ShowKey(k))
				return
			}
			seq := binary.BigEndian.Uint64(k)
			sumOrder += pair(seq, v)
			maxSeq = max(maxSeq, seq)
			nOrder++
			if full {
				order[seq] = string(v)
			}
		case string(bucketByURL):
			if full {
				urls[string(k)] = string(v)
			}
		case string(bucketMeta):
			if string(k) == string(keySumsFrom) {
				sumsFrom, _ = strconv.ParseUint(string(v), 10, 64)
			}
		}
	})
	for _, u := range plain {
		if sumsFrom > 0 && u.seq >= sumsFrom {
			r.problem(limit, "article %s: record %d has no checksum (every record from %d has one)", boltcheck.ShowKey([]byte(u.id)), u.seq, sumsFrom)
		}
	}
	r.Pages = c.Pages
	for _, p := range c.Problems {
		r.problem(limit, "%s", p)
	}
	r.More += c.More
	r.LastSeq = c.Seqs[boltcheck.ShowPath([][]byte{bucketOrder})]
	if r.OK() && (sumArts != sumOrder || nOrder != r.Articles) && !full {
		r.problem(limit, "the articles (%d) and their arrival order (%d entries) disagree", r.Articles, nOrder)
	}
	if maxSeq > r.LastSeq {
		r.problem(limit, "order: arrival number %d is beyond the last one handed out (%d)", maxSeq, r.LastSeq)
	}
	if !full {
		return r, nil
	}
	for id, seq := range arts {
		if got, ok := order[seq]; !ok {
			r.problem(limit, "article %s: its arrival number %d is not in the order bucket", boltcheck.ShowKey([]byte(id)), seq)
		} else if got != id {
			r.problem(limit, "article %s: arrival number %d is recorded for %s", boltcheck.ShowKey([]byte(id)), seq, boltcheck.ShowKey([]byte(got)))
		}
		if seq > r.LastSeq {
			r.problem(limit, "article %s: arrival number %d is beyond the last one handed out (%d)", boltcheck.ShowKey([]byte(id)), seq, r.LastSeq)
		}
	}
	for seq, id := range order {
		if _, ok := arts[id]; !ok {
			r.problem(limit, "order: arrival number %d names article %s, which is not stored", seq, boltcheck.ShowKey([]byte(id)))
		}
	}
	for u, id := range urls {
		if _, ok := arts[id]; !ok {
			r.problem(limit, "by-url: %s names article %s, which is not stored", boltcheck.ShowKey([]byte(u)), boltcheck.ShowKey([]byte(id)))
		}
	}
	return r, nil
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
