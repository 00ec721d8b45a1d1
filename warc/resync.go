package warc

import (
	"bytes"
	"errors"
	"io"

	"github.com/klauspost/compress/gzip"
)

// After a bad record the Reader looks for the next place where a record
// starts: in a gzipped stream, a gzip member header whose first bytes
// decompress to a WARC or ARC record; in a plain one, a line that starts
// a WARC header ("WARC/1.1") or an ARC header line.

var gzipMagic = []byte{0x1f, 0x8b, 0x08}

func isGzipStart(b []byte) bool { return bytes.HasPrefix(b, gzipMagic) }

// gunzipStart decompresses up to n bytes from the start of the gzip
// member r begins with.
func gunzipStart(r io.Reader, n int) ([]byte, error) {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return nil, err
	}
	zr.Multistream(false)
	buf := make([]byte, n)
	m, err := io.ReadFull(zr, buf)
	if m > 0 && (err == nil || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF)) {
		return buf[:m], nil
	}
	if err == nil {
		err = io.ErrUnexpectedEOF
	}
	return nil, err
}

// scan returns the stream offset of the first record start at or after
// from, or -1 when there is none.
func (r *Reader) scan(from int64) int64 {
	const chunk = 1 << 20
	const overlap = 8
	if r.scanBuf == nil { // once per Reader, not once per bad record
		r.scanBuf = make([]byte, chunk)
	}
	buf := r.scanBuf
	for off := from; off < r.src.Size; {
		n, err := r.o.ra.ReadAt(buf, off)
		b := buf[:n]
		if n == 0 {
			return -1
		}
		if p := r.scanChunk(b, off); p >= 0 {
			return p
		}
		if err != nil || n < chunk {
			return -1
		}
		off += int64(n - overlap)
	}
	return -1
}

// scanChunk returns the offset of the first record start in b, read at
// off, that candidate accepts; -1 when none.
func (r *Reader) scanChunk(b []byte, off int64) int64 {
	for i := 0; i < len(b); {
		var j int
		if r.gzipped {
			j = bytes.Index(b[i:], gzipMagic)
		} else if j = bytes.IndexByte(b[i:], '\n'); j >= 0 {
			j++ // a plain record starts a line
		}
		if j < 0 || i+j >= len(b) {
			return -1
		}
		p := off + int64(i+j)
		if r.candidate(p) {
			return p
		}
		i += j + 1
	}
	return -1
}

// candidate checks whether a record starts at stream offset p.
func (r *Reader) candidate(p int64) bool {
	if r.gzipped {
		head, err := gunzipStart(io.NewSectionReader(r.o.ra, p, r.src.Size-p), 512)
		return err == nil && recordStart(head) != kindNone
	}
	head := make([]byte, 512)
	n, _ := r.o.ra.ReadAt(head, p)
	head = head[:n]
	if bytes.HasPrefix(head, []byte("WARC/")) {
		// A version, then the end of the line.
		line, _, ok := bytes.Cut(head, []byte("\n"))
		return ok && len(line) <= 16
	}
	return looksLikeARCLine(head) && bytes.IndexByte(head, '\n') >= 0
}
