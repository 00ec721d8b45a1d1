package warc

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/sha1"
	"encoding/base32"
	"errors"
	"fmt"
	"hash"
	"io"
	"mime"
	"net/http"
	"net/textproto"
	"os"
	"strconv"
	"strings"
	"time"
)

// Verification reads a WARC file the way `syndex check` needs it: every
// record checked to the last byte (its gzip member's CRC, its header, its
// block's length and digests), and every stretch that cannot be read
// located, so that a torn end can be trimmed and the CDXJ index rebuilt.
// The Reader, by contrast, reads captures for import and skips what it
// cannot use.

// VerifiedRecord is what verification keeps of one WARC record.
type VerifiedRecord struct {
	Offset, Length int64 // the record's gzip member in the file
	Type, URI      string
	Date           time.Time
	Status         int    // the HTTP status of a response or revisit
	MIME           string // the HTTP response's media type
	PayloadDigest  string
}

// BadSpan is a stretch of a WARC file that could not be read.
type BadSpan struct {
	Offset int64
	Err    error
}

// Verified is one WARC file read member by member.
type Verified struct {
	Path     string
	Size     int64
	Records  []VerifiedRecord
	ByOffset map[int64]*VerifiedRecord
	Bad      []BadSpan
	// Tail is the offset from which nothing readable follows (a record cut
	// short by a crash, or garbage), -1 when the file ends cleanly.
	Tail int64
}

// Verify reads every gzip member of a WARC file written by syndex (one
// record per member), checking the member's own CRC, the WARC header, the
// block's length and WARC-Block-Digest and, for a response, its
// WARC-Payload-Digest. It fails only when the file cannot be opened; what
// cannot be read is listed in Bad.
func Verify(path string) (*Verified, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	ws := &Verified{Path: path, Size: fi.Size(), ByOffset: map[int64]*VerifiedRecord{}, Tail: -1}
	v := verifier{ws: ws, f: f}
	for pos := int64(0); pos >= 0 && pos < ws.Size; {
		pos = v.member(pos)
	}
	for i := range ws.Records {
		ws.ByOffset[ws.Records[i].Offset] = &ws.Records[i]
	}
	// Whatever cannot be read after the last readable record is the
	// file's torn end.
	ws.Tail = -1
	for _, b := range ws.Bad {
		if b.Offset >= ws.GoodEnd() {
			ws.Tail = b.Offset
			break
		}
	}
	return ws, nil
}

// verifier reads a WARC file's gzip members one after the other.
type verifier struct {
	ws *Verified
	f  *os.File
	zr *gzip.Reader // reset for each member
}

// member verifies the gzip member at pos, or notes the bad span there. It
// returns where the next member starts, or -1 when nothing readable
// follows (or only zero padding).
func (v *verifier) member(pos int64) int64 {
	ws := v.ws
	cr := &countingReader{r: io.NewSectionReader(v.f, pos, ws.Size-pos)}
	br := bufio.NewReaderSize(cr, 256<<10)
	head, _ := br.Peek(3)
	if len(head) < 3 || !isGzipStart(head) {
		if allZero(br) {
			return -1 // zero padding at the end
		}
		return v.bad(pos, errors.New("no gzip member starts here"))
	}
	var err error
	if v.zr == nil {
		v.zr, err = gzip.NewReader(br)
	} else {
		err = v.zr.Reset(br)
	}
	var rec VerifiedRecord
	if err == nil {
		v.zr.Multistream(false)
		rec, err = verifyRecord(v.zr)
	}
	if err != nil {
		return v.bad(pos, err)
	}
	end := pos + cr.n - int64(br.Buffered())
	rec.Offset, rec.Length = pos, end-pos
	ws.Records = append(ws.Records, rec)
	return end
}

// bad notes that the file cannot be read at pos and returns where the next
// gzip member may start, or -1.
func (v *verifier) bad(pos int64, err error) int64 {
	v.ws.Bad = append(v.ws.Bad, BadSpan{pos, err})
	return nextMember(v.f, pos+1, v.ws.Size)
}

// GoodEnd is where the last readable record ends.
func (ws *Verified) GoodEnd() int64 {
	if len(ws.Records) == 0 {
		return 0
	}
	r := ws.Records[len(ws.Records)-1]
	return r.Offset + r.Length
}

// verifyRecord reads the one record of a gzip member, to the member's end.
func verifyRecord(zr io.Reader) (VerifiedRecord, error) {
	br := bufio.NewReaderSize(zr, 64<<10)
	rec, h, n, err := readVerifiedHeader(br)
	if err != nil {
		return rec, err
	}
	block := sha1.New()
	lr := io.LimitReader(br, n)
	payload, err := rec.hashBlock(lr, block)
	if err != nil {
		return rec, fmt.Errorf("record %s: block: %w", rec.URI, err)
	}
	if lr.(*io.LimitedReader).N > 0 {
		return rec, fmt.Errorf("record %s: block shorter than its Content-Length %d", rec.URI, n)
	}
	if err := memberEnd(br); err != nil {
		return rec, fmt.Errorf("record %s: %w", rec.URI, err)
	}
	if err := rec.checkDigests(h.Get("WARC-Block-Digest"), block, payload); err != nil {
		return rec, fmt.Errorf("record %s: %w", rec.URI, err)
	}
	return rec, nil
}

// hashBlock reads the record's block from lr into block, and its HTTP
// payload into the payload hash it returns for a response or revisit
// (nil for other records).
func (rec *VerifiedRecord) hashBlock(lr io.Reader, block hash.Hash) (hash.Hash, error) {
	if rec.Type == "response" || rec.Type == "revisit" {
		return rec.readHTTPBlock(lr, block)
	}
	_, err := io.Copy(block, lr)
	return nil, err
}

// checkDigests compares the digests the record names (blockDigest, the
// payload's) with the hashes of what was read.
func (rec *VerifiedRecord) checkDigests(blockDigest string, block, payload hash.Hash) error {
	if blockDigest != "" && blockDigest != hashDigest(block) {
		return errors.New("block digest mismatch")
	}
	if payload != nil && rec.PayloadDigest != "" && rec.PayloadDigest != hashDigest(payload) {
		return errors.New("payload digest mismatch")
	}
	return nil
}

// readVerifiedHeader reads a WARC record's header: what verification keeps
// of it, its fields, and the block's length.
func readVerifiedHeader(br *bufio.Reader) (rec VerifiedRecord, h textproto.MIMEHeader, n int64, err error) {
	tp := textproto.NewReader(br)
	first, err := tp.ReadLine()
	if err != nil {
		return rec, nil, 0, fmt.Errorf("record header: %w", err)
	}
	if !strings.HasPrefix(first, "WARC/") {
		return rec, nil, 0, fmt.Errorf("not a WARC record (%.20q)", first)
	}
	h, err = tp.ReadMIMEHeader()
	if err != nil {
		return rec, nil, 0, fmt.Errorf("record header: %w", err)
	}
	rec.Type = h.Get("WARC-Type")
	rec.URI = strings.Trim(h.Get("WARC-Target-URI"), "<>")
	rec.Date, _ = time.Parse(time.RFC3339Nano, h.Get("WARC-Date"))
	rec.PayloadDigest = h.Get("WARC-Payload-Digest")
	n, err = strconv.ParseInt(h.Get("Content-Length"), 10, 64)
	if err != nil || n < 0 {
		return rec, h, 0, fmt.Errorf("record %s: bad Content-Length %q", rec.URI, h.Get("Content-Length"))
	}
	return rec, h, n, nil
}

// readHTTPBlock reads a response's or revisit's block from lr, hashing all
// of it into block: its HTTP head gives rec its status and media type; a
// response's payload (the body) is hashed on its own too, and that hash
// returned.
func (rec *VerifiedRecord) readHTTPBlock(lr io.Reader, block hash.Hash) (hash.Hash, error) {
	hr := bufio.NewReader(io.TeeReader(lr, block))
	var head http.Header
	rec.Status, head = parseHTTPHead(readHTTPHead(hr))
	if mt, _, err := mime.ParseMediaType(head.Get("Content-Type")); err == nil {
		rec.MIME = mt
	}
	if rec.Type != "response" {
		_, err := io.Copy(io.Discard, hr)
		return nil, err
	}
	payload := sha1.New()
	_, err := io.Copy(payload, hr)
	return payload, err
}

// readHTTPHead reads an HTTP head: its status line, header lines and the
// blank line that ends it (at most about 1 MiB).
func readHTTPHead(hr *bufio.Reader) []byte {
	var headBuf bytes.Buffer
	for {
		line, err := hr.ReadSlice('\n')
		headBuf.Write(line)
		if err != nil || len(bytes.TrimRight(line, "\r\n")) == 0 || headBuf.Len() > 1<<20 {
			return headBuf.Bytes()
		}
	}
}

// memberEnd reads what follows a record's block to its gzip member's end,
// where the member's CRC is checked: no more than the record's trailer.
func memberEnd(br *bufio.Reader) error {
	rest, err := io.Copy(io.Discard, br)
	if err != nil {
		return fmt.Errorf("gzip member: %w", err)
	}
	if rest > 4 {
		return fmt.Errorf("%d bytes after the block", rest)
	}
	return nil
}

func hashDigest(h hash.Hash) string {
	return "sha1:" + base32.StdEncoding.EncodeToString(h.Sum(nil))
}

// nextMember finds the next offset at or after from where a gzip member
// may start, or -1.
func nextMember(f *os.File, from, size int64) int64 {
	buf := make([]byte, 1<<20)
	for off := from; off < size; {
		n, err := f.ReadAt(buf, off)
		if n <= 0 {
			return -1
		}
		if i := bytes.Index(buf[:n], gzipMagic); i >= 0 {
			return off + int64(i)
		}
		if err != nil {
			return -1
		}
		off += int64(n) - 2
	}
	return -1
}
