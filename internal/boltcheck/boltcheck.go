// Package boltcheck reads bbolt database files with plain reads (pread),
// never through a memory map, and checks their structure, so that a
// damaged or truncated file gives a list of problems where bbolt itself
// would panic, fault on a page past the end of the file (SIGBUS) or return
// another key's bytes. The store (syndex.db) and the search index (each
// shard's root.bolt) check their files with it before bbolt opens them.
// It does not know what the keys and values mean: callers see each pair
// through a Visit function.
package boltcheck

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"os"
)

// What Check looks at: the meta pages, the size the meta page promises,
// every page reachable from the root (its id, its type, the bounds of its
// elements, the order of its keys, the pages it points to), the freelist,
// and that every page below the high-water mark is either reachable or
// free. The layout read is bbolt's (format version 2), in the machine's
// byte order as bbolt writes it.

const (
	boltMagic   = 0xED0CDAED
	boltVersion = 2

	pageHeaderSize = 16 // id u64, flags u16, count u16, overflow u32
	elemSize       = 16 // branch: pos u32, ksize u32, pgid u64; leaf: flags u32, pos u32, ksize u32, vsize u32
	bucketHdrSize  = 16 // root u64, sequence u64

	branchFlag   = 0x01
	leafFlag     = 0x02
	metaFlag     = 0x04
	freelistFlag = 0x10

	bucketLeafFlag = 0x01

	noFreelist = ^uint64(0)
	maxDepth   = 64 // a B+tree of 4 KiB pages is never this deep
)

var ne = binary.NativeEndian

// boltMeta is the part of a meta page the checks use.
type boltMeta struct {
	page     int // 0 or 1
	pageSize uint32
	root     uint64
	freelist uint64
	hwm      uint64 // high-water mark: pages [0, hwm) are in use
	txid     uint64
	err      string // why the page is not a valid meta page, "" when valid
}

// readMeta decodes the meta page at off (the page header first).
func readMeta(b []byte, page int) boltMeta {
	m := boltMeta{page: page}
	if len(b) < pageHeaderSize+64 {
		m.err = "short"
		return m
	}
	d := b[pageHeaderSize:]
	magic, version := ne.Uint32(d[0:]), ne.Uint32(d[4:])
	m.pageSize = ne.Uint32(d[8:])
	m.root = ne.Uint64(d[16:])
	m.freelist = ne.Uint64(d[32:])
	m.hwm = ne.Uint64(d[40:])
	m.txid = ne.Uint64(d[48:])
	h := fnv.New64a()
	h.Write(d[:56])
	m.err = m.invalid(magic, version, ne.Uint64(d[56:]), h.Sum64())
	return m
}

// invalid says why a decoded meta page (its magic, version, checksum and
// the checksum of its content) is not valid, "" when it is.
func (m *boltMeta) invalid(magic, version uint32, sum, want uint64) string {
	switch {
	case magic != boltMagic:
		return "not a bbolt meta page (magic)"
	case version != boltVersion:
		return fmt.Sprintf("bbolt format version %d, want %d", version, boltVersion)
	case sum != want:
		return "checksum mismatch"
	case m.pageSize < 512 || m.pageSize > 1<<24 || m.pageSize&(m.pageSize-1) != 0:
		return fmt.Sprintf("page size %d", m.pageSize)
	case m.hwm < 3:
		return fmt.Sprintf("high-water mark %d", m.hwm)
	case m.root < 2 || m.root >= m.hwm:
		return fmt.Sprintf("root page %d outside [2, %d)", m.root, m.hwm)
	case m.freelist != noFreelist && (m.freelist < 2 || m.freelist >= m.hwm):
		return fmt.Sprintf("freelist page %d outside [2, %d)", m.freelist, m.hwm)
	}
	return ""
}

// File is a bbolt file opened for checking.
type File struct {
	f        *os.File
	path     string
	size     int64
	meta     boltMeta // the meta page bbolt uses: the valid one with the higher txid
	metaNote string   // a meta page that is not valid, when the other is
	pageSize int
	// truncated says the file is shorter than its meta page needs ("" when
	// it is not); pages past the end then read as errors.
	truncated string
}

// Open opens path and picks its meta page as bbolt does. It fails
// when no meta page is valid; a file shorter than the meta page says (a
// truncated file, which bbolt would read past its end) is noted in
// truncated.
func Open(path string) (*File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	bf := &File{f: f, path: path}
	if err := bf.readMetas(); err != nil {
		f.Close()
		return nil, err
	}
	return bf, nil
}

// Close closes the file.
func (bf *File) Close() error { return bf.f.Close() }

// Truncated says how the file is shorter than its meta page needs, or "".
func (bf *File) Truncated() string { return bf.truncated }

// MetaNote names a meta page that is not valid while the other is (bbolt
// then uses the other, losing at most the last commit), or "".
func (bf *File) MetaNote() string { return bf.metaNote }

// HighWater is the number of pages in use; PageSize their size.
func (bf *File) HighWater() uint64 { return bf.meta.hwm }

// PageSize is the size of a page in bytes.
func (bf *File) PageSize() int { return bf.pageSize }

// Precheck checks what bbolt reads when it opens a file: the meta pages
// (Open), the size they promise and the freelist page.
func Precheck(path string) error {
	bf, err := Open(path)
	if err != nil {
		return err
	}
	defer bf.Close()
	if bf.truncated != "" {
		return errors.New(bf.truncated)
	}
	if id := bf.meta.freelist; id != noFreelist {
		p, _, err := bf.readPage(id, nil)
		if err == nil && p.flags != freelistFlag {
			err = fmt.Errorf("freelist page %d has type %#x", id, p.flags)
		}
		if err != nil {
			return fmt.Errorf("freelist: %w", err)
		}
	}
	return nil
}

// readMetas reads both meta pages and then the file size (in that order:
// a writer grows the file before it writes a meta page that needs it).
func (bf *File) readMetas() error {
	var buf [pageHeaderSize + 64]byte
	n, err := bf.f.ReadAt(buf[:], 0)
	if err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	m0 := readMeta(buf[:n], 0)
	m1, err := bf.readSecondMeta(m0)
	if err != nil {
		return err
	}
	fi, err := bf.f.Stat()
	if err != nil {
		return err
	}
	bf.size = fi.Size()
	if err := bf.chooseMeta(m0, m1); err != nil {
		return err
	}
	bf.pageSize = int(bf.meta.pageSize)
	if need := int64(bf.meta.hwm) * int64(bf.pageSize); bf.size < need {
		bf.truncated = fmt.Sprintf("truncated: the file is %d bytes, its meta page needs %d (%d pages of %d)", bf.size, need, bf.meta.hwm, bf.pageSize)
	}
	return nil
}

// readSecondMeta reads the second meta page, one page in: its size comes
// from the first (m0), or, when that one is damaged, from the sizes bbolt
// uses.
func (bf *File) readSecondMeta(m0 boltMeta) (boltMeta, error) {
	var buf [pageHeaderSize + 64]byte
	var m1 boltMeta
	sizes := []uint32{4096, 512, 1024, 2048, 8192, 16384, 32768, 65536}
	if m0.err == "" {
		sizes = []uint32{m0.pageSize}
	}
	for _, ps := range sizes {
		n, err := bf.f.ReadAt(buf[:], int64(ps))
		if err != nil && !errors.Is(err, io.EOF) {
			return m1, err
		}
		m1 = readMeta(buf[:n], 1)
		if m1.err == "" && m1.pageSize == ps {
			break
		}
		if m1.err == "" {
			m1.err = fmt.Sprintf("page size %d at offset %d", m1.pageSize, ps)
		}
	}
	return m1, nil
}

// chooseMeta takes the valid meta page of the later transaction, noting
// a damaged other one; with none valid, or two that disagree on the page
// size, the file cannot be read.
func (bf *File) chooseMeta(m0, m1 boltMeta) error {
	a, b := m0, m1
	if b.txid > a.txid {
		a, b = b, a
	}
	switch {
	case a.err == "":
		bf.meta = a
		if b.err != "" {
			bf.metaNote = fmt.Sprintf("meta page %d is not valid (%s); page %d (transaction %d) is in use", b.page, b.err, a.page, a.txid)
		}
	case b.err == "":
		bf.meta = b
		bf.metaNote = fmt.Sprintf("meta page %d is not valid (%s); page %d (transaction %d) is in use", a.page, a.err, b.page, b.txid)
	default:
		return fmt.Errorf("no valid meta page (page 0: %s; page 1: %s)", m0.err, m1.err)
	}
	if bf.meta.page == 1 && m0.err == "" && m0.pageSize != m1.pageSize {
		return fmt.Errorf("meta pages disagree on the page size (%d and %d)", m0.pageSize, m1.pageSize)
	}
	return nil
}

// page is one page read from the file, overflow included.
type page struct {
	id       uint64
	flags    uint16
	count    int
	overflow uint32
	data     []byte // the whole page, header included
}

// readPage reads page id and its overflow pages, checking the header
// against where it was found and the high-water mark.
func (bf *File) readPage(id uint64, buf []byte) (page, []byte, error) {
	if id < 2 || id >= bf.meta.hwm {
		return page{}, buf, fmt.Errorf("page %d is outside the file's pages [2, %d)", id, bf.meta.hwm)
	}
	ps := bf.pageSize
	if cap(buf) < ps {
		buf = make([]byte, ps)
	}
	buf = buf[:ps]
	if _, err := bf.f.ReadAt(buf, int64(id)*int64(ps)); err != nil {
		return page{}, buf, fmt.Errorf("page %d: %w", id, err)
	}
	p := page{id: ne.Uint64(buf[0:]), flags: ne.Uint16(buf[8:]), count: int(ne.Uint16(buf[10:])), overflow: ne.Uint32(buf[12:])}
	if p.id != id {
		return p, buf, fmt.Errorf("page %d reads as page %d (overwritten or zeroed)", id, p.id)
	}
	if uint64(p.overflow) >= bf.meta.hwm-id {
		return p, buf, fmt.Errorf("page %d: %d overflow pages run past the high-water mark %d", id, p.overflow, bf.meta.hwm)
	}
	if p.overflow > 0 {
		var err error
		if buf, err = bf.readOverflow(id, p.overflow, buf); err != nil {
			return p, buf, err
		}
	}
	p.data = buf
	return p, buf, nil
}

// readOverflow reads the overflow pages that follow page id, read into
// buf, after it, growing buf as needed.
func (bf *File) readOverflow(id uint64, overflow uint32, buf []byte) ([]byte, error) {
	ps := bf.pageSize
	n := (int(overflow) + 1) * ps
	if cap(buf) < n {
		nb := make([]byte, n)
		copy(nb, buf)
		buf = nb
	}
	buf = buf[:n]
	if _, err := bf.f.ReadAt(buf[ps:], int64(id+1)*int64(ps)); err != nil {
		return buf, fmt.Errorf("page %d overflow: %w", id, err)
	}
	return buf, nil
}

// Visit is called for each key/value pair (not for nested buckets)
// with the path of bucket names leading to it. k and v are only valid
// during the call.
type Visit func(path [][]byte, k, v []byte)

// Result is what Check found.
type Result struct {
	Problems []string // the damage found, up to the limit
	More     int      // problems beyond the limit
	Pages    int      // tree pages read
	// Seqs holds each nested bucket's sequence (NextSequence), by path
	// as ShowPath prints it.
	Seqs map[string]uint64
	// Buckets lists every bucket found, with its sequence.
	Buckets []Bucket
	c       *checker
}

// Bucket is a bucket found by Check: the names leading to it and its
// sequence (NextSequence).
type Bucket struct {
	Path [][]byte
	Seq  uint64
}

// Reachable reports whether page id is in use (reached from the root,
// the meta pages or the freelist page).
func (r *Result) Reachable(id uint64) bool {
	return id < uint64(len(r.c.reachable))*64 && bitGet(r.c.reachable, id)
}

// checker walks a bbolt file, recording problems instead of stopping at
// the first, up to a limit.
type checker struct {
	bf        *File
	reachable []uint64 // bitset over pages
	freed     []uint64
	problems  []string
	more      int // problems beyond the limit
	limit     int
	visit     Visit
	buf       []byte            // for the freelist
	bufs      [][]byte          // one per level of the walk, reused across pages
	depth     int               // pages being walked, from the root down
	pages     int               // pages read
	seqs      map[string]uint64 // each nested bucket's sequence, by path
	buckets   []Bucket
}

func bitGet(s []uint64, i uint64) bool { return s[i/64]&(1<<(i%64)) != 0 }
func bitSet(s []uint64, i uint64)      { s[i/64] |= 1 << (i % 64) }

func (c *checker) problem(format string, args ...any) {
	if len(c.problems) >= c.limit {
		c.more++
		return
	}
	c.problems = append(c.problems, fmt.Sprintf(format, args...))
}

// Check walks the whole file: freelist, every bucket's tree, and the
// pages neither reachable nor free, listing up to limit problems. visit,
// when not nil, sees every key/value pair of the pages it could read.
func Check(bf *File, limit int, visit Visit) *Result {
	c := check(bf, limit, visit)
	return &Result{Problems: c.problems, More: c.more, Pages: c.pages, Seqs: c.seqs, Buckets: c.buckets, c: c}
}

func check(bf *File, limit int, visit Visit) *checker {
	words := (bf.meta.hwm + 63) / 64
	c := &checker{bf: bf, reachable: make([]uint64, words), freed: make([]uint64, words), limit: limit, visit: visit, seqs: map[string]uint64{}}
	bitSet(c.reachable, 0)
	bitSet(c.reachable, 1)
	c.readFreelist()
	c.walkBucket(nil, bf.meta.root, nil, 0)
	if bf.meta.freelist == noFreelist {
		return c // free pages are not recorded: nothing to compare
	}
	lost := 0
	first := uint64(0)
	for i := uint64(2); i < bf.meta.hwm; i++ {
		if !bitGet(c.reachable, i) && !bitGet(c.freed, i) {
			if lost == 0 {
				first = i
			}
			lost++
		}
	}
	if lost > 0 {
		c.problem("%d page(s) neither reachable nor free, the first %d", lost, first)
	}
	return c
}

func (c *checker) readFreelist() {
	id := c.bf.meta.freelist
	if id == noFreelist {
		return
	}
	p, buf, err := c.bf.readPage(id, c.buf)
	c.buf = buf
	if err != nil {
		c.problem("freelist: %v", err)
		return
	}
	if p.flags != freelistFlag {
		c.problem("freelist: page %d has type %#x, not a freelist", id, p.flags)
		return
	}
	for i := uint64(0); i <= uint64(p.overflow); i++ {
		bitSet(c.reachable, id+i)
	}
	start, count, ok := c.freeList(id, p)
	if !ok {
		return
	}
	for i := range count {
		c.free(ne.Uint64(p.data[start+i*8:]))
	}
}

// freeList finds the list of free page ids in the freelist page id: where
// it starts and how many it holds (a count of 0xFFFF is followed by the
// real count). False when the page cannot hold them.
func (c *checker) freeList(id uint64, p page) (start, count int, ok bool) {
	start, count = pageHeaderSize, p.count
	if count == 0xFFFF {
		if len(p.data) < pageHeaderSize+8 {
			c.problem("freelist: page %d too short", id)
			return 0, 0, false
		}
		n := ne.Uint64(p.data[pageHeaderSize:])
		if n > uint64(len(p.data)/8) {
			c.problem("freelist: page %d claims %d free pages", id, n)
			return 0, 0, false
		}
		start, count = pageHeaderSize+8, int(n)
	}
	if start+count*8 > len(p.data) {
		c.problem("freelist: page %d claims %d free pages, more than it holds", id, count)
		return 0, 0, false
	}
	return start, count, true
}

// free marks page f free, unless it cannot be.
func (c *checker) free(f uint64) {
	switch {
	case f < 2 || f >= c.bf.meta.hwm:
		c.problem("freelist: free page %d outside [2, %d)", f, c.bf.meta.hwm)
	case bitGet(c.freed, f):
		c.problem("freelist: page %d freed twice", f)
	case bitGet(c.reachable, f):
		c.problem("freelist: page %d is free and also the freelist", f)
	default:
		bitSet(c.freed, f)
	}
}

// walkBucket checks the tree of one bucket: at page root, or inline (the
// bucket's single leaf page stored in its value).
func (c *checker) walkBucket(path [][]byte, root uint64, inline []byte, depth int) {
	if depth > maxDepth {
		c.problem("bucket %s: nested deeper than %d", ShowPath(path), maxDepth)
		return
	}
	if root == 0 {
		if len(inline) < pageHeaderSize {
			c.problem("bucket %s: inline page of %d bytes", ShowPath(path), len(inline))
			return
		}
		p := page{flags: ne.Uint16(inline[8:]), count: int(ne.Uint16(inline[10:])), data: inline}
		if p.flags != leafFlag {
			c.problem("bucket %s: inline page has type %#x, not a leaf", ShowPath(path), p.flags)
			return
		}
		c.leaf(path, p, "inline page", nil, nil, depth)
		return
	}
	c.walkPage(path, root, nil, nil, 0, depth)
}

// walkPage checks page id of a bucket's tree; its keys must lie in
// [lo, hi) (nil: unbounded) as the parent branch says.
func (c *checker) walkPage(path [][]byte, id uint64, lo, hi []byte, level, depth int) {
	if !c.mayEnter(path, id, level) {
		return
	}
	// Each level of the walk has its own buffer: a page's bytes stay
	// valid while the pages below it are read.
	if c.depth == len(c.bufs) {
		c.bufs = append(c.bufs, nil)
	}
	lvl := c.depth
	c.depth++
	defer func() { c.depth-- }()
	p, buf, err := c.bf.readPage(id, c.bufs[lvl])
	c.bufs[lvl] = buf
	c.pages++
	if err != nil {
		c.problem("bucket %s: %v", ShowPath(path), err)
		bitSet(c.reachable, id)
		return
	}
	c.markUsed(path, id, p.overflow)
	where := fmt.Sprintf("page %d", id)
	switch p.flags {
	case branchFlag:
		c.branch(path, p, where, lo, hi, level, depth)
	case leafFlag:
		c.leaf(path, p, where, lo, hi, depth)
	default:
		c.problem("bucket %s: %s has type %#x, not a branch or leaf", ShowPath(path), where, p.flags)
	}
}

// elements returns the byte offset of each element's own position and
// checks the element array fits the page.
func (c *checker) elemsFit(path [][]byte, p page, where string) bool {
	if pageHeaderSize+p.count*elemSize > len(p.data) {
		c.problem("bucket %s: %s claims %d elements, more than it holds", ShowPath(path), where, p.count)
		return false
	}
	return true
}

func (c *checker) branch(path [][]byte, p page, where string, lo, hi []byte, level, depth int) {
	if !c.elemsFit(path, p, where) {
		return
	}
	if p.count == 0 {
		c.problem("bucket %s: %s is an empty branch", ShowPath(path), where)
		return
	}
	keys := make([][]byte, p.count)
	kids := make([]uint64, p.count)
	for i := range p.count {
		e := pageHeaderSize + i*elemSize
		pos, ksize := int(ne.Uint32(p.data[e:])), int(ne.Uint32(p.data[e+4:]))
		kids[i] = ne.Uint64(p.data[e+8:])
		if e+pos < e || e+pos+ksize > len(p.data) || ksize < 0 {
			c.problem("bucket %s: %s element %d: key out of the page", ShowPath(path), where, i)
			return
		}
		keys[i] = p.data[e+pos : e+pos+ksize]
		if !c.keyOK(path, where, i, keys, lo, hi) {
			return
		}
	}
	for i, kid := range kids {
		klo, khi := childBounds(keys, i, lo, hi)
		c.walkPage(path, kid, klo, khi, level+1, depth)
	}
}

// childBounds returns the key range of a branch's child i: from its key
// (lo for the first) to the next child's (hi for the last).
func childBounds(keys [][]byte, i int, lo, hi []byte) ([]byte, []byte) {
	klo, khi := keys[i], hi
	if i == 0 {
		klo = lo
	}
	if i+1 < len(keys) {
		khi = keys[i+1]
	}
	return klo, khi
}

// mayEnter reports whether the walk may read page id at level: within the
// depth bound and the file's pages, not reached before, not free; else it
// notes the problem.
func (c *checker) mayEnter(path [][]byte, id uint64, level int) bool {
	switch {
	case level > maxDepth:
		c.problem("bucket %s: tree deeper than %d at page %d", ShowPath(path), maxDepth, id)
	case id < 2 || id >= c.bf.meta.hwm:
		c.problem("bucket %s: points to page %d, outside [2, %d)", ShowPath(path), id, c.bf.meta.hwm)
	case bitGet(c.reachable, id):
		c.problem("bucket %s: page %d is reached twice", ShowPath(path), id)
	case bitGet(c.freed, id):
		c.problem("bucket %s: page %d is in use and also free", ShowPath(path), id)
	default:
		return true
	}
	return false
}

// markUsed marks page id and its overflow pages reachable, noting each
// that is also free.
func (c *checker) markUsed(path [][]byte, id uint64, overflow uint32) {
	for i := uint64(0); i <= uint64(overflow); i++ {
		if bitGet(c.freed, id+i) {
			c.problem("bucket %s: page %d (overflow of %d) is in use and also free", ShowPath(path), id+i, id)
		}
		bitSet(c.reachable, id+i)
	}
}

// keyOK checks key i is above key i-1 and within [lo, hi).
func (c *checker) keyOK(path [][]byte, where string, i int, keys [][]byte, lo, hi []byte) bool {
	k := keys[i]
	switch {
	case i > 0 && bytes.Compare(keys[i-1], k) >= 0:
		c.problem("bucket %s: %s: key %d %s is not above key %d %s", ShowPath(path), where, i, ShowKey(k), i-1, ShowKey(keys[i-1]))
		return false
	case i == 0 && lo != nil && bytes.Compare(k, lo) < 0:
		// A branch's first key may sit below the child's first key after
		// deletes, never above it; the child's keys must not go below it.
		c.problem("bucket %s: %s: key %s is below its parent's %s", ShowPath(path), where, ShowKey(k), ShowKey(lo))
		return false
	case hi != nil && bytes.Compare(k, hi) >= 0:
		c.problem("bucket %s: %s: key %s is not below the next sibling's %s", ShowPath(path), where, ShowKey(k), ShowKey(hi))
		return false
	}
	return true
}

func (c *checker) leaf(path [][]byte, p page, where string, lo, hi []byte, depth int) {
	if !c.elemsFit(path, p, where) {
		return
	}
	keys := make([][]byte, 0, p.count)
	var subs []nested
	for i := range p.count {
		flags, k, v, ok := leafElem(p, i)
		if !ok {
			c.problem("bucket %s: %s element %d: key or value out of the page", ShowPath(path), where, i)
			return
		}
		keys = append(keys, k)
		if !c.keyOK(path, where, i, keys, lo, hi) {
			return
		}
		if subs, ok = c.leafValue(path, where, i, flags, k, v, subs); !ok {
			return
		}
	}
	for _, s := range subs {
		c.walkBucket(append(path[:len(path):len(path)], s.name), s.root, s.inline, depth+1)
	}
}

// leafValue takes element i of a leaf, key k: a value (visited) or a
// nested bucket (appended to subs when sound). It reports false, noting
// the problem, for other flags.
func (c *checker) leafValue(path [][]byte, where string, i int, flags uint32, k, v []byte, subs []nested) ([]nested, bool) {
	switch flags {
	case 0:
		if c.visit != nil {
			c.visit(path, k, v)
		}
	case bucketLeafFlag:
		if s, ok := c.nestedBucket(path, where, k, v); ok {
			subs = append(subs, s)
		}
	default:
		c.problem("bucket %s: %s element %d: flags %#x", ShowPath(path), where, i, flags)
		return subs, false
	}
	return subs, true
}

// nested is a bucket inside a leaf: its name, its root page or, inline,
// its one page.
type nested struct {
	name   []byte
	root   uint64
	inline []byte
}

// leafElem reads element i of a leaf page: its flags, key and value; not
// ok when they lie outside the page.
func leafElem(p page, i int) (flags uint32, k, v []byte, ok bool) {
	e := pageHeaderSize + i*elemSize
	flags = ne.Uint32(p.data[e:])
	pos, ksize, vsize := int(ne.Uint32(p.data[e+4:])), int(ne.Uint32(p.data[e+8:])), int(ne.Uint32(p.data[e+12:]))
	start := e + pos
	if pos < 0 || ksize < 0 || vsize < 0 || start < e || start+ksize+vsize > len(p.data) {
		return flags, nil, nil, false
	}
	return flags, p.data[start : start+ksize], p.data[start+ksize : start+ksize+vsize], true
}

// nestedBucket reads the header of bucket k nested in the bucket at path
// (value v) and records its sequence; not ok when the header is short.
func (c *checker) nestedBucket(path [][]byte, where string, k, v []byte) (nested, bool) {
	if len(v) < bucketHdrSize {
		c.problem("bucket %s: %s: nested bucket %s has a %d-byte header", ShowPath(path), where, ShowKey(k), len(v))
		return nested{}, false
	}
	s := nested{name: k, root: ne.Uint64(v)}
	bp := append(path[:len(path):len(path)], k)
	c.seqs[ShowPath(bp)] = ne.Uint64(v[8:])
	if c.visit != nil {
		// Only callers that see the pairs need the raw paths.
		cp := make([][]byte, len(bp))
		for i, n := range bp {
			cp[i] = bytes.Clone(n)
		}
		c.buckets = append(c.buckets, Bucket{Path: cp, Seq: ne.Uint64(v[8:])})
	}
	if s.root == 0 {
		s.inline = v[bucketHdrSize:]
	}
	return s, true
}

// ScanLeaves reads every page of the file below its high-water mark (and
// its end), reachable or not, and calls fn with each key/value pair of
// every page that reads as a leaf: the last resort of a salvage, when the
// pages leading to a leaf are lost. Which bucket a pair belonged to is
// not known, and a freed page may hold an older version of a pair: fn
// must recognise what it keeps by its content.
func ScanLeaves(bf *File, fn func(k, v []byte)) {
	last := bf.meta.hwm
	if n := uint64(bf.size / int64(bf.pageSize)); n < last {
		last = n
	}
	var buf []byte
	for id := uint64(2); id < last; id++ {
		p, b, err := bf.readPage(id, buf)
		buf = b
		if err != nil || p.flags != leafFlag || pageHeaderSize+p.count*elemSize > len(p.data) {
			continue
		}
		leafPairs(p, fn)
		id += uint64(p.overflow)
	}
}

// leafPairs calls fn with each key/value pair of the leaf page p that
// lies within the page (nested buckets' pairs skipped).
func leafPairs(p page, fn func(k, v []byte)) {
	for i := range p.count {
		e := pageHeaderSize + i*elemSize
		flags := ne.Uint32(p.data[e:])
		pos, ksize, vsize := int(ne.Uint32(p.data[e+4:])), int(ne.Uint32(p.data[e+8:])), int(ne.Uint32(p.data[e+12:]))
		start := e + pos
		if flags != 0 || pos < 0 || ksize < 0 || vsize < 0 || start < e || start+ksize+vsize > len(p.data) {
			continue
		}
		fn(p.data[start:start+ksize], p.data[start+ksize:start+ksize+vsize])
	}
}

// ShowPath prints a bucket path as a/b/c.
func ShowPath(path [][]byte) string {
	if len(path) == 0 {
		return "(root)"
	}
	var b bytes.Buffer
	for i, p := range path {
		if i > 0 {
			b.WriteByte('/')
		}
		b.WriteString(ShowKey(p))
	}
	return b.String()
}

// ShowKey prints a key readably: as text when it is printable, else hex.
func ShowKey(k []byte) string {
	if len(k) > 40 {
		return ShowKey(k[:40]) + "…"
	}
	for _, c := range k {
		if c < 0x20 || c > 0x7e {
			return fmt.Sprintf("%x", k)
		}
	}
	return string(k)
}
