package dedup

import (
	"encoding/binary"
	"encoding/gob"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"

	"github.com/cespare/xxhash/v2"
)

// The checkpoint of the incremental verifying stage (verifyinc.go),
// written after the clusters: a header, the word counts in chunks, then
// the postings in chunks. An older checkpoint ends before it (the stage
// then starts from nothing).
//
// Every part carries an xxhash of its contents, checked on load. The
// rest of the checkpoint is mostly references that ReadClusterer checks to
// be in range, so random damage there shows; the stage's counts are
// bytes, and any byte is a valid count, so without a sum damage there
// would read as a sound checkpoint with wrong counts. A checkpoint
// written before the sums (verify format 0: counts in uint32, no sums)
// is still read, its counts cut to bytes.

// verifyFormat is the stage section's format: 1 since the counts are
// bytes and every part is summed.
const verifyFormat = 1

// snapVerify is the stage section's header.
type snapVerify struct {
	Docs                int64
	CountChunks, Posted int
	Verified            []uint32 // pairs: document, the document it aligns to
	Format              int      // 0 (absent) before the sums, else verifyFormat
	Sum                 uint64   // of the fields above (sum)
}

// snapCounts is a chunk of the word counts.
type snapCounts struct {
	Counts []uint8
	Sum    uint64 // of the chunk's number and Counts
}

// snapPosts is a chunk of the postings: Lens[i] documents of Docs for
// word Words[i], in order.
type snapPosts struct {
	Words []uint32
	Lens  []uint8
	Docs  []uint32
	Sum   uint64 // of the chunk's number and the fields above (format 1)
}

// summer computes the sums of the stage section's parts.
type summer struct {
	d   xxhash.Digest
	buf [1024]byte
}

func (s *summer) start(chunk int) {
	s.d.Reset()
	s.ints(uint64(chunk))
}

func (s *summer) ints(vs ...uint64) {
	for _, v := range vs {
		s.d.Write(binary.LittleEndian.AppendUint64(s.buf[:0], v))
	}
}

func (s *summer) words(a []uint32) {
	for len(a) > 0 {
		n := min(len(a), len(s.buf)/4)
		for i, v := range a[:n] {
			binary.LittleEndian.PutUint32(s.buf[4*i:], v)
		}
		s.d.Write(s.buf[:4*n])
		a = a[n:]
	}
}

func (s *summer) head(h *snapVerify) uint64 {
	s.start(-1)
	s.ints(uint64(h.Docs), uint64(h.CountChunks), uint64(h.Posted), uint64(len(h.Verified)), uint64(h.Format))
	s.words(h.Verified)
	return s.d.Sum64()
}

func (s *summer) counts(chunk int, c []uint8) uint64 {
	s.start(chunk)
	s.d.Write(c)
	return s.d.Sum64()
}

func (s *summer) posts(chunk int, p *snapPosts) uint64 {
	s.start(chunk)
	s.ints(uint64(len(p.Words)), uint64(len(p.Docs)))
	s.words(p.Words)
	s.d.Write(p.Lens)
	s.words(p.Docs)
	return s.d.Sum64()
}

// countChunks is how many chunks the word counts are written in.
func countChunks() int { return (1<<wordTableBits + chunkEntries - 1) / chunkEntries }

func (ix *Clusterer) writeVerify(enc *gob.Encoder) error {
	iv := ix.inc
	if iv == nil {
		return nil
	}
	var s summer
	h := snapVerify{Docs: iv.docs, CountChunks: countChunks(), Posted: len(iv.posts), Format: verifyFormat}
	for d, e := range iv.verified {
		h.Verified = append(h.Verified, d, e)
	}
	h.Sum = s.head(&h)
	if err := enc.Encode(&h); err != nil {
		return err
	}
	for i, c := 0, iv.count; len(c) > 0; i++ {
		n := min(len(c), chunkEntries)
		if err := enc.Encode(&snapCounts{Counts: c[:n], Sum: s.counts(i, c[:n])}); err != nil {
			return err
		}
		c = c[n:]
	}
	return iv.writePosts(enc, &s)
}

// writePosts writes the postings, by word, in chunks of about
// chunkEntries documents.
func (iv *incVerify) writePosts(enc *gob.Encoder, s *summer) error {
	words := make([]uint32, 0, len(iv.posts))
	for w := range iv.posts {
		words = append(words, w)
	}
	slices.Sort(words)
	var p snapPosts
	chunk := 0
	for i, w := range words {
		ds := iv.posts[w]
		p.Words, p.Lens, p.Docs = append(p.Words, w), append(p.Lens, uint8(len(ds))), append(p.Docs, ds...)
		if len(p.Docs) >= chunkEntries || i == len(words)-1 {
			p.Sum = s.posts(chunk, &p)
			if err := enc.Encode(&p); err != nil {
				return err
			}
			chunk++
			p = snapPosts{Words: p.Words[:0], Lens: p.Lens[:0], Docs: p.Docs[:0]}
		}
	}
	return nil
}

// readVerify restores the stage's state after the clusters, if the
// checkpoint has it (cr counts what dec has read: the section's errors
// say at which byte of the checkpoint the damaged part starts).
func (ix *Clusterer) readVerify(dec *gob.Decoder, cr *countReader) error {
	var h snapVerify
	at := cr.n
	if err := dec.Decode(&h); err != nil {
		if errors.Is(err, io.EOF) && cr.n == at {
			return nil // written before the stage ran on the incremental path
		}
		return fmt.Errorf("verify state at byte %d: damaged: %w", at, err)
	}
	var s summer
	iv, err := ix.verifyHead(&h, &s)
	if err != nil {
		return fmt.Errorf("verify state at byte %d: %w", at, err)
	}
	if err := iv.readCounts(dec, cr, h.Format, &s); err != nil {
		return err
	}
	if err := iv.readPosts(dec, cr, &h, uint32(len(ix.docs)), &s); err != nil {
		return err
	}
	ix.inc = iv
	return nil
}

// verifyHead checks the stage section's header and returns the state it
// starts.
func (ix *Clusterer) verifyHead(h *snapVerify, s *summer) (*incVerify, error) {
	if err := h.checkSum(s); err != nil {
		return nil, err
	}
	if h.Docs < 0 || h.CountChunks != countChunks() || h.Posted < 0 || len(h.Verified)%2 != 0 {
		return nil, fmt.Errorf("malformed header (%d documents, %d count chunks, %d words)", h.Docs, h.CountChunks, h.Posted)
	}
	iv := newIncVerify()
	iv.docs = h.Docs
	if err := iv.readVerified(h.Verified, uint32(len(ix.docs))); err != nil {
		return nil, err
	}
	return iv, nil
}

// checkSum checks the header's checksum (a header of before the
// checksum has none: format 0, sum 0).
func (h *snapVerify) checkSum(s *summer) error {
	switch {
	case h.Format == verifyFormat && h.Sum != s.head(h):
		return errors.New("the header is damaged (its checksum does not match)")
	case h.Format != verifyFormat && (h.Format != 0 || h.Sum != 0):
		return fmt.Errorf("the header is damaged (format %d)", h.Format)
	}
	return nil
}

// readVerified restores the stage's verified links from pairs (member,
// the document it aligns to) of nd documents.
func (iv *incVerify) readVerified(pairs []uint32, nd uint32) error {
	for i := 0; i < len(pairs); i += 2 {
		if pairs[i] >= nd || pairs[i+1] >= nd {
			return fmt.Errorf("document %d out of range", max(pairs[i], pairs[i+1]))
		}
		iv.verified[pairs[i]] = pairs[i+1]
	}
	return nil
}

// readCounts reads the word counts: byte chunks, each checked against
// its sum, or, in format 0, uint32 chunks, cut to bytes.
func (iv *incVerify) readCounts(dec *gob.Decoder, cr *countReader, format int, s *summer) error {
	iv.count = iv.count[:0]
	for i := 0; len(iv.count) < 1<<wordTableBits; i++ {
		left := 1<<wordTableBits - len(iv.count)
		at := cr.n
		if format == 0 {
			var chunk []uint32
			if err := decodeChunk(dec, &chunk, left, "verify word counts"); err != nil {
				return fmt.Errorf("at byte %d: %w", at, err)
			}
			for _, n := range chunk {
				iv.count = append(iv.count, uint8(min(n, math.MaxUint8)))
			}
			continue
		}
		var c snapCounts
		if err := dec.Decode(&c); err != nil {
			return fmt.Errorf("verify word counts, chunk %d of %d at byte %d: damaged: %w", i+1, countChunks(), at, err)
		}
		if len(c.Counts) == 0 || len(c.Counts) > left || c.Sum != s.counts(i, c.Counts) {
			return fmt.Errorf("verify word counts, chunk %d of %d at byte %d: damaged (%d counts where %d remain; the checksum does not match)",
				i+1, countChunks(), at, len(c.Counts), left)
		}
		iv.count = append(iv.count, c.Counts...)
	}
	return nil
}

// readPosts reads the postings, each chunk checked against its sum (from
// format 1 on) and every document to be in range.
func (iv *incVerify) readPosts(dec *gob.Decoder, cr *countReader, h *snapVerify, nd uint32, s *summer) error {
	for chunk := 0; len(iv.posts) < h.Posted; chunk++ {
		at := cr.n
		var p snapPosts
		if err := dec.Decode(&p); err != nil {
			return fmt.Errorf("verify postings, chunk %d at byte %d: damaged: %w", chunk+1, at, err)
		}
		if h.Format == verifyFormat && p.Sum != s.posts(chunk, &p) {
			return fmt.Errorf("verify postings, chunk %d at byte %d: damaged (the checksum does not match)", chunk+1, at)
		}
		if len(p.Words) == 0 || len(p.Lens) != len(p.Words) || len(iv.posts)+len(p.Words) > h.Posted {
			return fmt.Errorf("verify postings, chunk %d at byte %d: malformed", chunk+1, at)
		}
		if err := iv.restorePosts(&p, nd); err != nil {
			return fmt.Errorf("verify postings, chunk %d at byte %d: %w", chunk+1, at, err)
		}
	}
	return nil
}

// restorePosts adds a chunk's postings, every document checked to be in
// range.
func (iv *incVerify) restorePosts(p *snapPosts, nd uint32) error {
	at := 0
	for i, w := range p.Words {
		n := int(p.Lens[i])
		if at+n > len(p.Docs) {
			return errors.New("malformed")
		}
		ds := slices.Clone(p.Docs[at : at+n])
		for _, d := range ds {
			if d >= nd {
				return fmt.Errorf("document %d out of range", d)
			}
		}
		iv.posts[w] = ds
		at += n
	}
	return nil
}
