package dedup

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"runtime/debug"
	"strings"
	"sync"
	"time"
	"unicode"
	"unsafe"

	"github.com/syndex/syndex/article"
	"github.com/syndex/syndex/dedup/internal/fastjson"
	"github.com/syndex/syndex/dedup/shingle"
)

// Stats summarises a Run.
type Stats struct {
	Lines     int           // input lines read (blank lines excluded)
	Articles  int           // good lines written
	Bad       int           // corrupt lines skipped
	Clusters  int           // groups with at least one copy
	Originals int           // articles with role original
	Copies    int           // articles with role copy
	Unique    int           // articles with role unique
	Elapsed   time.Duration // wall time
	// Unread counts the articles the verifying stage (verify.go) could
	// not read again (the input changed while it was read): they were
	// left as clustering left them. UnreadErr is the first such error.
	Unread    int
	UnreadErr error
	// Replaced lists the lines whose id a later line of the same input
	// repeats: the later line is taken as the article's new version.
	Replaced []Replaced
}

// Replaced is an input line replaced by a later line with the same id.
type Replaced struct {
	ID   string
	Line int // the replaced line
	By   int // the line that replaced it
}

// LineError lists the input lines Run could not use (the one bad-lines
// error of a JSONL input, article.BadLinesError).
type LineError = article.BadLinesError

// parsed is one input line after decoding and shingling.
type parsed struct {
	line     int
	off      int64  // the line's byte offset in the input
	raw      []byte // the input line until decoded
	doc      doc    // what the clusterer keeps of the article
	siteName string // until the site is numbered
	feats    []uint32
	err      error
}

type batch struct {
	seq   int
	items []parsed
	arena []byte // the raw lines of items, back to back; reused once parsed
}

// Run clusters the Articles in r (JSONL) and writes one Assignment per good
// line to w, in input order, reflecting the final clustering. Corrupt lines
// are skipped and reported together in a *LineError after the output is
// written. Decoding and shingling run on cfg.Workers goroutines; the
// clustering itself is sequential, so the output does not depend on the
// number of workers.
func Run(ctx context.Context, r io.Reader, w io.Writer, cfg Config) (Stats, error) {
	start := time.Now()
	var st Stats
	if err := cfg.Validate(); err != nil {
		return st, err
	}
	var sp *spool
	var wc *wordCounts
	if cfg.Verify > 0 {
		var err error
		if sp, err = newSpool(r); err != nil {
			return st, err
		}
		defer sp.close()
		r, wc = sp.in, newWordCounts()
	}
	batches, err := parseAll(ctx, r, cfg, wc)
	if err != nil {
		return st, err
	}
	ix := NewClusterer(cfg)
	var lineErr LineError
	lines, offs := ix.place(batches, &st, &lineErr, sp != nil)
	batches = nil
	// The per-line records are garbage now, scattered among the live
	// feature sets, so the large LSH arrays allocated below could not
	// reuse their pages: collect once and hand the pages back first, or
	// the peak is the parsed input and the clusterer on top of each other.
	debug.FreeOSMemory()
	workers := cfg.workers()
	ix.learn(workers)
	if err := ix.clusterPlaced(ctx, workers); err != nil {
		return st, err
	}
	if sp != nil {
		if err := ix.verifySpooled(ctx, sp, offs, wc, &st); err != nil {
			return st, err
		}
	}
	if err := ix.writeAssignments(w, &st); err != nil {
		return st, err
	}
	st.Bad = len(lineErr.Lines)
	ix.tally(&st, lines)
	st.Elapsed = time.Since(start)
	if st.Bad > 0 {
		return st, &lineErr
	}
	return st, nil
}

// place moves every good line's document into the clusterer, in input order
// (document i is the i-th good line), and lets the parsed batches go, so
// the per-line records and the clusterer's never coexist; bad lines go to
// lineErr. It returns the input line of each document and, with offsets,
// its byte offset.
func (ix *Clusterer) place(batches [][]parsed, st *Stats, lineErr *LineError, offsets bool) ([]int, []int64) {
	good := 0
	for _, b := range batches {
		for i := range b {
			if b[i].err == nil {
				good++
			}
		}
	}
	ix.reserve(good)
	lines := make([]int, 0, good)
	var offs []int64
	if offsets {
		offs = make([]int64, 0, good)
	}
	for bi, b := range batches {
		for i := range b {
			it := &b[i]
			st.Lines++
			if it.err != nil {
				lineErr.Add(it.line, it.err)
				continue
			}
			d := it.doc
			d.site, d.feats = ix.siteIndex(it.siteName), it.feats
			ix.docs = append(ix.docs, d)
			lines = append(lines, it.line)
			if offsets {
				offs = append(offs, it.off)
			}
		}
		batches[bi] = nil
	}
	return lines, offs
}

// learn learns the per-site and global recurring features from the whole
// input first, so the first articles of a site are cleaned as well as
// the last (each table updated by one goroutine in input order), then
// counts, per frequent feature, the articles that hold it beside text of
// their own (recurring passages), on the final counts.
func (ix *Clusterer) learn(workers int) {
	cfg, placed := ix.cfg, ix.docs
	parallel(workers, func(w int) {
		for i := range placed {
			d := &placed[i]
			if int(d.site)%workers == w {
				ix.sites[d.site].freq.add(d.feats, cfg.SiteMinDocs, cfg.SiteFrac)
			}
			for g, t := range ix.global.shards {
				if g%workers == w {
					t.addShard(d.feats, g, cfg.GlobalMinDocs, cfg.GlobalFrac, nil)
				}
			}
		}
	})
	parallel(workers, func(w int) {
		var sc passageScratch
		for i := w; i < len(placed); i += workers {
			ix.global.addDiverse(ix.diverseFor(placed[i].feats, &sc), 1)
		}
	})
	ix.grams() // counts every placed article's sentence sketch
	ix.primed = true
}

// clusterPlaced cleans and sketches every placed article in parallel (the
// tables are frozen), in chunks; the band keys go to the document's slots
// of the LSH tag array. Clustering follows in input order on this
// goroutine, behind the workers: it waits for a chunk only when it gets
// there, and neither side touches what the other writes (prepare writes
// document di's features and key slots; clustering reads only the
// documents before di and the key slots of inserted ones), so the output
// is the same as preparing everything first.
func (ix *Clusterer) clusterPlaced(ctx context.Context, workers int) error {
	cfg, placed := ix.cfg, ix.docs
	ix.lsh.presize(len(placed))
	const chunk = 256
	ready := make([]chan struct{}, (len(placed)+chunk-1)/chunk)
	for c := range ready {
		ready[c] = make(chan struct{})
	}
	var prep sync.WaitGroup
	for w := range workers {
		prep.Add(1)
		go func() {
			defer prep.Done()
			sk := make([]uint32, cfg.Bands*cfg.Rows)
			filled := make([]bool, len(sk))
			var noise []uint32
			for c := w; c < len(ready); c += workers {
				if ctx.Err() == nil {
					for di := c * chunk; di < min((c+1)*chunk, len(placed)); di++ {
						d := &placed[di]
						keys := ix.lsh.tags[di*cfg.Bands : (di+1)*cfg.Bands]
						d.nClean, noise = ix.prepare(d.site, d.feats, noise, sk, filled, keys)
					}
				}
				close(ready[c])
			}
		}()
	}
	defer prep.Wait()
	for di := range placed {
		if di%chunk == 0 {
			<-ready[di/chunk]
			if ctx.Err() != nil {
				return ctx.Err()
			}
		}
		ix.addPlaced(uint32(di))
	}
	return nil
}

// writeAssignments writes one assignment per good line in input order:
// the clusterer holds one document per good line, in that order (replaced
// ones marked dead; their line gets the id's final assignment).
func (ix *Clusterer) writeAssignments(w io.Writer, st *Stats) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	buf := make([]byte, 0, 512)
	for i := range ix.docs {
		id := ix.docs[i].id
		buf = ix.appendAssignment(buf[:0], ix.byID[id])
		if _, err := bw.Write(buf); err != nil {
			return fmt.Errorf("write assignment for %s: %w", id, err)
		}
		st.Articles++
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write assignments: %w", err)
	}
	return nil
}

// tally counts originals, copies and unique articles (furniture pages are
// unique) and lists the lines a later line with the same id replaced.
func (ix *Clusterer) tally(st *Stats, lines []int) {
	for i := range ix.docs {
		d := &ix.docs[i]
		if d.dead {
			st.Replaced = append(st.Replaced, Replaced{ID: d.id, Line: lines[i], By: lines[ix.byID[d.id]]})
			continue
		}
		switch {
		case ix.furniture(uint32(i)):
			st.Unique++
		case d.role == article.RoleOriginal:
			st.Originals++
		case d.role == article.RoleCopy:
			st.Copies++
		default:
			st.Unique++
		}
	}
	st.Clusters = st.Originals
}

// parallel runs fn(0..n-1) on n goroutines and waits for them.
func parallel(n int, fn func(w int)) {
	var wg sync.WaitGroup
	for w := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			fn(w)
		}()
	}
	wg.Wait()
}

// siteName is the site an article is counted under.
func siteName(a *article.Article) string {
	s := a.Site
	if s == "" {
		s = article.SiteOf(a.URL)
	}
	return strings.ToLower(s)
}

// parseAll reads r line by line and decodes and shingles the lines on
// several goroutines, returning them in input order, in batches.
func parseAll(ctx context.Context, r io.Reader, cfg Config, wc *wordCounts) ([][]parsed, error) {
	workers := cfg.workers()
	p := &pipeline{
		jobs:    make(chan batch, workers*2),
		results: make(chan batch, workers*2),
		arenas:  make(chan []byte, workers*4),
	}
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p.parse(cfg, wc)
		}()
	}
	readErr := make(chan error, 1)
	go func() {
		defer close(p.jobs)
		readErr <- p.read(ctx, r)
	}()
	go func() { wg.Wait(); close(p.results) }()
	out := p.inOrder()
	if err := <-readErr; err != nil {
		return nil, err
	}
	return out, nil
}

// pipeline carries the batches of parseAll: read from the input, parsed
// on several goroutines, put back in input order.
type pipeline struct {
	jobs    chan batch // batches read, to parse
	results chan batch // batches parsed, in any order
	// arenas holds line arenas back from parsed batches for the reader,
	// so that reading a large input does not allocate every line anew.
	arenas chan []byte
}

// batchSize is the number of lines in a batch.
const batchSize = 128

// parse decodes and shingles the lines of each batch until jobs is
// closed, giving the batch's arena back.
func (p *pipeline) parse(cfg Config, wc *wordCounts) {
	sh := shingle.New(cfg.Shingle, cfg.Sample)
	var fd fastjson.Decoder
	for b := range p.jobs {
		for i := range b.items {
			parseLine(&b.items[i], &sh, &fd, cfg.Align > 0, wc)
		}
		select {
		case p.arenas <- b.arena[:0]:
		default:
		}
		b.arena = nil
		p.results <- b
	}
}

// read splits r into batches of lines and sends them to jobs, numbered
// in input order. A line the reader refuses (too long) goes with its
// error; the error that ends reading is returned.
func (p *pipeline) read(ctx context.Context, r io.Reader) error {
	lr := article.NewLineReader(r)
	var cur lineBatch
	cur.reset(p.arena())
	seq := 0
	for {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		line, raw, err := lr.Next()
		if err == io.EOF {
			break
		}
		var le *article.LineError
		if errors.As(err, &le) {
			cur.addError(line, le)
		} else if err != nil {
			return fmt.Errorf("read input: %w", err)
		} else {
			cur.add(line, raw, lr.Offset())
		}
		if len(cur.items) == batchSize {
			p.jobs <- cur.seal(seq)
			seq++
			cur.reset(p.arena())
		}
	}
	if len(cur.items) > 0 {
		p.jobs <- cur.seal(seq)
	}
	return nil
}

// arena is a line arena given back by a parsed batch, or nil.
func (p *pipeline) arena() []byte {
	select {
	case a := <-p.arenas:
		return a
	default:
		return nil
	}
}

// inOrder collects the parsed batches until results is closed and
// returns them in input order.
func (p *pipeline) inOrder() [][]parsed {
	var out [][]parsed
	pending := make(map[int][]parsed)
	next := 0
	for b := range p.results {
		pending[b.seq] = b.items
		for {
			items, ok := pending[next]
			if !ok {
				break
			}
			delete(pending, next)
			out = append(out, items)
			next++
		}
	}
	return out
}

// lineBatch is the batch the reader fills. Its lines are kept, without
// the white space around them, in the arena, as offsets until the batch
// is sealed: the arena may move while it grows.
type lineBatch struct {
	batch
	offs [][2]int
}

// reset starts a new batch with the arena a.
func (lb *lineBatch) reset(a []byte) {
	lb.batch = batch{items: make([]parsed, 0, batchSize), arena: a}
	lb.offs = lb.offs[:0]
}

// add keeps the line numbered line, read at byte offset off.
func (lb *lineBatch) add(line int, raw []byte, off int64) {
	t := bytes.TrimFunc(raw, unicode.IsSpace)
	start := len(lb.arena)
	lb.arena = append(lb.arena, t...)
	lb.offs = append(lb.offs, [2]int{start, len(lb.arena)})
	lb.items = append(lb.items, parsed{line: line, off: off})
}

// addError keeps a line the reader refused, with its error.
func (lb *lineBatch) addError(line int, le *article.LineError) {
	lb.items = append(lb.items, parsed{line: line, err: le})
	lb.offs = append(lb.offs, [2]int{len(lb.arena), len(lb.arena)})
}

// seal numbers the batch seq and points its items' raw lines into the
// arena, which no longer moves.
func (lb *lineBatch) seal(seq int) batch {
	b := lb.batch
	b.seq = seq
	for i := range b.items {
		b.items[i].raw = b.arena[lb.offs[i][0]:lb.offs[i][1]]
	}
	return b
}

// verifySpooled runs the verifying stage (verifyWhole) once clustering
// is done, reading texts again from sp at offs; st counts the articles
// that could not be read again.
func (ix *Clusterer) verifySpooled(ctx context.Context, sp *spool, offs []int64, wc *wordCounts, st *Stats) error {
	if err := sp.ready(); err != nil {
		return err
	}
	// Clustering is done with the LSH, the largest table: the
	// stage's postings reuse its memory instead of adding to the peak.
	ix.lsh = newLSH(ix.cfg.Bands)
	src := &lineSource{r: offsetReader{sp.at, sp.base}, offs: offs}
	var err error
	st.Unread, st.UnreadErr, err = ix.verifyWhole(ctx, src, wc)
	return err
}

// parseLine decodes the raw line held in it.raw and shingles it, with the
// fast decoder when it can and encoding/json otherwise; a dated article's
// words are counted in wc when it is not nil.
func parseLine(it *parsed, sh *shingle.Shingler, fd *fastjson.Decoder, align bool, wc *wordCounts) {
	if it.err != nil {
		return // reported by the reader (a line too long)
	}
	var a article.Article
	raw := it.raw
	it.raw = nil
	text, err := decodeLine(raw, fd, &a)
	if err != nil {
		it.err = &article.LineError{Line: it.line, Err: err}
		return
	}
	if strings.TrimSpace(text) == "" {
		it.err = &article.LineError{Line: it.line, Err: fmt.Errorf("article %.80q has no text", a.ID)}
		return
	}
	feats, nq := sh.FeaturesQuoted(text)
	it.feats = feats
	it.doc, it.siteName = docFrom(&a)
	it.doc.nQuoted = nq
	if align && it.doc.published != 0 {
		it.doc.sents = sentenceSketch(text) // the rule it serves needs dates
	}
	it.doc.print = fingerprint(&a, text)
	if wc != nil && it.doc.published != 0 {
		wc.add(sh.WordHashes()) // for the verifying stage (verify.go)
	}
}

// decodeLine decodes one input line into a, normalized, and returns its
// text: in fd's scratch when fd decoded it (the text only lives until it
// is shingled: it is read in place), else a.Text.
func decodeLine(raw []byte, fd *fastjson.Decoder, a *article.Article) (string, error) {
	fast := fd.Decode(raw, a)
	if !fast {
		*a = article.Article{}
		if err := json.Unmarshal(raw, a); err != nil {
			return "", err
		}
	}
	if err := a.Normalize(); err != nil {
		return "", err
	}
	if fast && len(fd.Text()) > 0 {
		return unsafe.String(&fd.Text()[0], len(fd.Text())), nil
	}
	return a.Text, nil
}
