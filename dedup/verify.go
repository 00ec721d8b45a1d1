package dedup

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"sync/atomic"
	"unsafe"

	"github.com/syndex/syndex/article"
	"github.com/syndex/syndex/dedup/internal/fastjson"
	"github.com/syndex/syndex/dedup/shingle"
)

// Whole-text verification. The clusterer keeps too little of each text to
// recognise every rewrite: its LSH proposes the pairs that share runs of
// words, and its sentence sketch reads the first 512 letters, one gram
// in eight. A newspaper's rewrite of agency copy shares few runs of
// words with it, so most such pairs are never proposed. After
// clustering, Run therefore reads the dated articles again from its
// input, in order of publication, and looks, for each article still
// unique, at the articles of other sites published up to verifyDays
// before it that share its rare words (names, figures: words the input
// holds at most verifyRare times). The best verifyCands of those are
// read whole and aligned sentence by sentence (as the alignment rule
// does, on every character 4-gram of the whole text): when at least
// Config.Verify of the unique article's text stands in sentences
// aligned to one sentence of the earlier article, and the sentences it
// aligns to hold at least verifyCover of the earlier text, it is a copy
// (a rewrite) and joins the earlier article's cluster. Nothing of this
// is kept per article but the byte offset of its input line; the words
// are counted in a fixed table and the candidates come from the
// articles of the last verifyDays only.
const (
	verifyDays      = 7   // the most days a rewrite follows its source by
	verifyRare      = 10  // a word the input holds at most this often is rare
	verifyMinShared = 2   // rare words an earlier article must share
	verifyCands     = 3   // earlier articles read per unique article
	verifyCover     = 0.3 // share of the earlier text the aligned sentences hold
	wordTableBits   = 21  // the word count table has 1<<wordTableBits counters
)

// wordCounts counts, by hash, how often each word occurs in the dated
// articles of the input (a collision only makes a word look commoner).
type wordCounts struct {
	docs  atomic.Int64
	count []uint32
}

func newWordCounts() *wordCounts { return &wordCounts{count: make([]uint32, 1<<wordTableBits)} }

// add counts the words of one article, by hash (shingle.Words).
func (wc *wordCounts) add(words []uint64) {
	wc.docs.Add(1)
	for _, h := range words {
		atomic.AddUint32(&wc.count[h>>(64-wordTableBits)], 1)
	}
}

// of returns how often the word of hash h occurs.
func (wc *wordCounts) of(h uint64) uint32 { return wc.count[h>>(64-wordTableBits)] }

// lineSource reads an article's text again from its input line, at the
// byte offset recorded while the input was parsed (see Run).
type lineSource struct {
	r    io.ReaderAt
	offs []int64 // per document
	buf  []byte
	fd   fastjson.Decoder
}

// text returns document di's text as Run read it, in the source's
// scratch: valid until its next call.
func (s *lineSource) text(di uint32) (string, error) {
	off := s.offs[di]
	if err := s.readLine(off); err != nil {
		return "", fmt.Errorf("read text again at byte %d: %w", off, err)
	}
	raw := bytes.TrimSpace(s.buf)
	if s.fd.DecodeText(raw) {
		if t := s.fd.Text(); len(t) > 0 {
			return unsafe.String(&t[0], len(t)), nil
		}
	}
	var a article.Article
	if err := json.Unmarshal(raw, &a); err != nil {
		return "", fmt.Errorf("read text again at byte %d: %w", off, err)
	}
	if err := a.Normalize(); err != nil {
		return "", fmt.Errorf("read text again at byte %d: %w", off, err)
	}
	return a.Text, nil
}

// readLine reads the line at byte off into s.buf, without its newline.
func (s *lineSource) readLine(off int64) error {
	s.buf = s.buf[:0]
	for {
		if cap(s.buf)-len(s.buf) < 4096 {
			s.buf = slices.Grow(s.buf, max(8192, len(s.buf)))
		}
		chunk := s.buf[len(s.buf):cap(s.buf)]
		n, err := s.r.ReadAt(chunk, off+int64(len(s.buf)))
		if i := bytes.IndexByte(chunk[:n], '\n'); i >= 0 {
			s.buf = s.buf[:len(s.buf)+i]
			return nil
		}
		s.buf = s.buf[:len(s.buf)+n]
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if len(s.buf) > article.MaxLineBytes {
			return errors.New("line longer than when it was read")
		}
	}
}

// seekReaderAt is an input Run can read again in place.
type seekReaderAt interface {
	io.Reader
	io.ReaderAt
	io.Seeker
}

// spool is where Run reads texts again: the input itself when it can be
// read at an offset (a file, a buffer), else a temporary copy written
// while the input is read (standard input, a pipe), removed by close.
type spool struct {
	in   io.Reader // what to parse
	at   io.ReaderAt
	base int64 // the input's offset when Run started
	file *os.File
	w    *bufio.Writer
}

func newSpool(r io.Reader) (*spool, error) {
	if s, ok := r.(seekReaderAt); ok {
		if base, err := s.Seek(0, io.SeekCurrent); err == nil {
			return &spool{in: r, at: s, base: base}, nil
		}
	}
	f, err := os.CreateTemp("", "syndex-dedup-*.jsonl")
	if err != nil {
		return nil, fmt.Errorf("spool the input to verify whole texts: %w", err)
	}
	sp := &spool{at: f, file: f, w: bufio.NewWriterSize(f, 1<<20)}
	sp.in = io.TeeReader(r, sp.w)
	return sp, nil
}

// ready flushes the copy, if any, once the input has been read.
func (sp *spool) ready() error {
	if sp.w == nil {
		return nil
	}
	if err := sp.w.Flush(); err != nil {
		return fmt.Errorf("spool the input to verify whole texts: %w", err)
	}
	return nil
}

// close removes the copy, if any.
func (sp *spool) close() {
	if sp.file != nil {
		sp.file.Close()
		os.Remove(sp.file.Name())
	}
}

// offsetReader reads sp.at from sp.base on.
type offsetReader struct {
	r    io.ReaderAt
	base int64
}

func (o offsetReader) ReadAt(p []byte, off int64) (int, error) { return o.r.ReadAt(p, o.base+off) }

// sentenceGrams holds a text's character 4-grams (letters and digits of
// the folded text, spaces dropped, as the sentence sketch reads them,
// every one of them), sorted and distinct per sentence; ends[i] is where
// sentence i's grams end in grams. When the text quotes, bare holds the
// same without the letters inside quotation marks (see quoteState; nil
// when it does not, or when it is almost all quotation: more than
// quotedWhole of its letters, a speech or an interview).
type sentenceGrams struct {
	grams []uint32
	ends  []int32
	bare  *sentenceGrams
	spare *sentenceGrams // bare's memory, kept between texts
}

// quotedWhole is the share of its letters a text must hold in quotation
// marks to be judged whole only.
const quotedWhole = 0.8

// of fills g with text's sentences, and g.bare when text quotes.
func (g *sentenceGrams) of(text string) {
	letters, quoted := g.read(text, false)
	g.bare = nil
	if quoted > 0 && float64(quoted) <= quotedWhole*float64(letters) {
		if g.spare == nil {
			g.spare = new(sentenceGrams)
		}
		g.bare = g.spare
		g.bare.read(text, true)
	}
}

// read fills g's grams and ends with text's sentences, without the
// letters inside quotation marks when bare is set, and returns how many
// letters text has and how many of them are quoted.
func (g *sentenceGrams) read(text string, bare bool) (letters, quoted int) {
	g.grams, g.ends = g.grams[:0], g.ends[:0]
	var key uint64
	n, start := 0, 0
	prevDigit := false
	end := func() {
		s := g.grams[start:]
		slices.Sort(s)
		s = slices.Compact(s)
		g.grams = g.grams[:start+len(s)]
		if len(s) > 0 {
			g.ends = append(g.ends, int32(len(g.grams)))
		}
		start, n = len(g.grams), 0
	}
	q := false // inside a quotation
	for i, r := range text {
		f := gramRune(text, i, r, prevDigit)
		if f == sentenceBreak {
			end()
		}
		if prevDigit = f >= '0' && f <= '9'; f < 0 {
			q = quoteState(q, r)
			continue
		}
		letters++
		if q {
			if quoted++; bare {
				continue
			}
		}
		key = key<<16 | uint64(uint16(f)^uint16(f>>16))
		if n++; n >= alignGram {
			g.grams = append(g.grams, uint32((key*0x9e3779b97f4a7c15)>>32))
		}
	}
	end()
	return letters, quoted
}

// quoteState applies rune r, which is no letter or digit, to the
// quotation state q, as the shingler reads quotation marks (straight,
// curly, guillemets, low-high, corner brackets): a quotation ends at its
// closing mark or at the end of its paragraph.
func quoteState(q bool, r rune) bool {
	switch r {
	case '"', '“', '«', '»', '＂':
		return !q
	case '„', '‟', '「', '『':
		return true
	case '”', '」', '』', '\n', '\r', '\u2029':
		return false
	}
	return q
}

// sentence returns sentence i's grams.
func (g *sentenceGrams) sentence(i int) []uint32 {
	from := int32(0)
	if i > 0 {
		from = g.ends[i-1]
	}
	return g.grams[from:g.ends[i]]
}

// withoutQuotes returns g's text without its quotations (g itself when
// it has none, or is almost all quotation).
func (g *sentenceGrams) withoutQuotes() *sentenceGrams {
	if g.bare != nil {
		return g.bare
	}
	return g
}

// alignWhole returns the share of der's grams in sentences with at least
// alignSentence of their grams in one sentence of src, and the share of
// src's grams in the sentences so aligned to. When either text quotes,
// both shares must also hold on the texts without their quotations (the
// lower of the two is returned): independent reports of one event carry
// the same quotes of a speech or a press conference, sentence for
// sentence, and a copy is told by the reporting around them, as the
// clusterer's quotation rule (isCopy) tells it. Two independent English
// reports of one match in crossposts-real align 0.62 with their quotes
// and 0.28 without.
func alignWhole(der, src *sentenceGrams) (share, cover float64) {
	share, cover = alignSentences(der, src)
	if der.bare != nil || src.bare != nil {
		s, c := alignSentences(der.withoutQuotes(), src.withoutQuotes())
		share, cover = min(share, s), min(cover, c)
	}
	return share, cover
}

// alignSentences is alignWhole on the grams as they are.
func alignSentences(der, src *sentenceGrams) (share, cover float64) {
	total, hit := 0, 0
	used := make([]bool, len(src.ends))
	bs := newBestSentence(src)
	for i := range der.ends {
		s := der.sentence(i)
		if len(s) < alignMinGrams {
			continue
		}
		total += len(s)
		need := max(1, int(alignSentence*float64(len(s))+0.999999))
		if bi := bs.best(s, need); bi >= 0 {
			hit += len(s)
			used[bi] = true
		}
	}
	srcTotal, covered := 0, 0
	for j := range src.ends {
		n := len(src.sentence(j))
		srcTotal += n
		if used[j] {
			covered += n
		}
	}
	if total == 0 || srcTotal == 0 {
		return 0, 0
	}
	return float64(hit) / float64(total), float64(covered) / float64(srcTotal)
}

// verifyWhole is the verifying stage (see above): it runs after
// clustering, in order of publication, over the dated articles. It
// returns how many articles could not be read again (left as they were)
// and the first such error.
func (ix *Clusterer) verifyWhole(ctx context.Context, src *lineSource, wc *wordCounts) (int, error, error) {
	if ix.cfg.Verify <= 0 || wc.docs.Load() == 0 {
		return 0, nil, nil
	}
	order := ix.toVerify()
	v := verifier{ix: ix, src: src, wc: wc, postings: map[uint32][]uint32{}, score: map[uint32]float64{},
		shared: map[uint32]int{}, n: float64(wc.docs.Load())}
	for k, x := range order {
		if k%256 == 0 && ctx.Err() != nil {
			return v.unread, v.firstErr, ctx.Err()
		}
		v.visit(x)
	}
	return v.unread, v.firstErr, nil
}

// toVerify returns what the stage verifies, in order of publication: the
// dated articles left unique, and one of each cluster, its original (a
// rewrite of the story is a rewrite of that text, which its copies
// carry, and the copies are most of what a large input holds).
func (ix *Clusterer) toVerify() []uint32 {
	var order []uint32
	for i := range ix.docs {
		d := &ix.docs[i]
		if d.dead || d.published == 0 || ix.furniture(uint32(i)) {
			continue
		}
		if d.cluster == noCluster || ix.clusters[d.cluster].original == uint32(i) {
			order = append(order, uint32(i))
		}
	}
	slices.SortStableFunc(order, func(a, b uint32) int { return cmp.Compare(ix.docs[a].published, ix.docs[b].published) })
	return order
}

// verifier is the state of one verifying pass: the rare words of the
// articles of the last verifyDays (postings, in publication order, and
// the window of articles that posted them).
type verifier struct {
	ix       *Clusterer
	src      *lineSource
	wc       *wordCounts
	n        float64
	postings map[uint32][]uint32
	window   []posted
	head     int
	score    map[uint32]float64
	shared   map[uint32]int
	words    []uint32
	sh       shingle.Shingler
	bad      map[uint32]bool // documents that could not be read again
	unread   int
	firstErr error
	a, b     sentenceGrams
}

type posted struct {
	doc   uint32
	words []uint32 // the top 32 bits of each rare word's hash
}

// text reads document di's text again; an article that cannot be read
// (the input changed since it was read, a disk error) is not verified,
// counted once in unread, with the first such error kept.
func (v *verifier) text(di uint32) (string, bool) {
	if v.bad[di] {
		return "", false
	}
	text, err := v.src.text(di)
	if err != nil {
		if v.bad == nil {
			v.bad = map[uint32]bool{}
		}
		v.bad[di] = true
		if v.unread++; v.firstErr == nil {
			v.firstErr = fmt.Errorf("verify %s: %w", v.ix.docs[di].id, err)
		}
		return "", false
	}
	return text, true
}

// visit verifies article x, when it is unique, against the earlier
// articles that share its rare words, then posts x's rare words.
func (v *verifier) visit(x uint32) {
	ix := v.ix
	dx := &ix.docs[x]
	v.expire(dx.published - verifyDays*alignDay)
	text, ok := v.text(x)
	if !ok {
		return
	}
	v.words = v.words[:0]
	for _, h := range v.sh.Words(text) {
		if v.wc.of(h) <= verifyRare {
			v.words = append(v.words, uint32(h>>32))
		}
	}
	slices.Sort(v.words)
	words := slices.Clone(slices.Compact(v.words))
	if dx.cluster == noCluster && len(words) >= verifyMinShared {
		v.verify(x, text, words)
	}
	if len(words) > 0 {
		for _, w := range words {
			v.postings[w] = append(v.postings[w], x)
		}
		v.window = append(v.window, posted{x, words})
	}
}

// expire drops the posts of articles published before since.
func (v *verifier) expire(since int64) {
	for v.head < len(v.window) && v.ix.docs[v.window[v.head].doc].published < since {
		p := v.window[v.head]
		for _, w := range p.words {
			ps := v.postings[w]
			if len(ps) > 0 && ps[0] == p.doc {
				ps = ps[1:]
			}
			if len(ps) == 0 {
				delete(v.postings, w)
			} else {
				v.postings[w] = ps
			}
		}
		v.window[v.head] = posted{}
		v.head++
	}
	if v.head > 1024 && v.head*2 > len(v.window) {
		v.window = append(v.window[:0], v.window[v.head:]...)
		v.head = 0
	}
}

// verify looks for the earlier article unique article x is a rewrite
// of, and joins it to that article's cluster.
func (v *verifier) verify(x uint32, text string, words []uint32) {
	cands := v.candidates(x, words)
	if len(cands) == 0 {
		return
	}
	v.a.of(text)
	for _, e := range cands[:min(len(cands), verifyCands)] {
		if v.joinRewrite(x, e) {
			return
		}
	}
}

// candidates returns the live articles of other sites in the window that
// share verifyMinShared of x's rare words, best first (rankCandidates).
func (v *verifier) candidates(x uint32, words []uint32) []uint32 {
	ix := v.ix
	dx := &ix.docs[x]
	clear(v.score)
	clear(v.shared)
	for _, w := range words {
		idf := math.Log(v.n / float64(max(1, v.wc.of(uint64(w)<<32))))
		for _, e := range v.postings[w] {
			if ix.docs[e].site != dx.site && !ix.docs[e].dead {
				v.score[e] += idf
				v.shared[e]++
			}
		}
	}
	return rankCandidates(v.score, v.shared)
}

// joinRewrite reads candidate e again and joins x to it when x is a
// rewrite of it, or e to x when e is unique, published the same day, and
// the rewrite (the earlier in the input may be); it reports whether it
// joined them. v.a holds x's sentences.
func (v *verifier) joinRewrite(x, e uint32) bool {
	ix := v.ix
	te, ok := v.text(e)
	if !ok {
		return false
	}
	v.b.of(te)
	if v.rewriteOf(&v.a, &v.b) {
		ix.joinVerified(x, e)
		return true
	}
	if ix.docs[e].cluster == noCluster && !ix.publishedBefore(e, x) && v.rewriteOf(&v.b, &v.a) {
		ix.joinVerified(e, x)
		return true
	}
	return false
}

// rewriteOf reports whether der is a rewrite of src (alignWhole,
// Config.Verify, verifyCover).
func (v *verifier) rewriteOf(der, src *sentenceGrams) bool {
	share, cover := alignWhole(der, src)
	return share >= v.ix.cfg.Verify && cover >= verifyCover
}

// rankCandidates returns the documents that share at least
// verifyMinShared rare words, by their words' summed IDF, best first (ties
// by number).
func rankCandidates(score map[uint32]float64, shared map[uint32]int) []uint32 {
	var cands []uint32
	for e, n := range shared {
		if n >= verifyMinShared {
			cands = append(cands, e)
		}
	}
	slices.SortFunc(cands, func(a, b uint32) int {
		if c := cmp.Compare(score[b], score[a]); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
	return cands
}

// joinVerified makes unique article later a copy in the cluster of
// earlier (a new one, earlier its original, when earlier is unique).
func (ix *Clusterer) joinVerified(later, earlier uint32) {
	fresh := ix.docs[earlier].cluster == noCluster
	ix.attach(later, earlier)
	c := ix.docs[later].cluster
	cl := &ix.clusters[c]
	if fresh {
		cl.original = earlier
		d := &ix.docs[earlier]
		d.role, d.original, d.sim = article.RoleOriginal, earlier, 1
		if ix.publishedBefore(earlier, later) {
			cl.evidence = []string{article.EvidenceEarliest}
		}
	}
	d := &ix.docs[later]
	d.role, d.original = article.RoleCopy, cl.original
	d.sim = float32(ix.verify(later, cl.original).inA())
}
