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
	var zr *gzip.Reader
	pos := int64(0)
	for pos < ws.Size {
		cr := &countingReader{r: io.NewSectionReader(f, pos, ws.Size-pos)}
		br := bufio.NewReaderSize(cr, 256<<10)
		head, _ := br.Peek(3)
		if len(head) < 3 || !isGzipStart(head) {
			if allZero(br) {
				break // zero padding at the end
			}
			next := nextMember(f, pos+1, ws.Size)
			ws.Bad = append(ws.Bad, BadSpan{pos, errors.New("no gzip member starts here")})
			if next < 0 {
				ws.Tail = pos
				break
			}
			pos = next
			continue
		}
		if zr == nil {
			zr, err = gzip.NewReader(br)
		} else {
			err = zr.Reset(br)
		}
		var rec VerifiedRecord
		if err == nil {
			zr.Multistream(false)
			rec, err = verifyRecord(zr)
		}
		if err != nil {
			next := nextMember(f, pos+1, ws.Size)
			ws.Bad = append(ws.Bad, BadSpan{pos, err})
			if next < 0 {
				ws.Tail = pos
				break
			}
			pos = next
			continue
		}
		end := pos + cr.n - int64(br.Buffered())
		rec.Offset, rec.Length = pos, end-pos
		ws.Records = append(ws.Records, rec)
		pos = end
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
	var rec VerifiedRecord
	br := bufio.NewReaderSize(zr, 64<<10)
	tp := textproto.NewReader(br)
	first, err := tp.ReadLine()
	if err != nil {
		return rec, fmt.Errorf("record header: %w", err)
	}
	if !strings.HasPrefix(first, "WARC/") {
		return rec, fmt.Errorf("not a WARC record (%.20q)", first)
	}
	h, err := tp.ReadMIMEHeader()
	if err != nil {
		return rec, fmt.Errorf("record header: %w", err)
	}
	rec.Type = h.Get("WARC-Type")
	rec.URI = strings.Trim(h.Get("WARC-Target-URI"), "<>")
	rec.Date, _ = time.Parse(time.RFC3339Nano, h.Get("WARC-Date"))
	rec.PayloadDigest = h.Get("WARC-Payload-Digest")
	n, err := strconv.ParseInt(h.Get("Content-Length"), 10, 64)
	if err != nil || n < 0 {
		return rec, fmt.Errorf("record %s: bad Content-Length %q", rec.URI, h.Get("Content-Length"))
	}
	block := sha1.New()
	var payload hash.Hash
	lr := io.LimitReader(br, n)
	if rec.Type == "response" || rec.Type == "revisit" {
		// The HTTP head: status line, headers and the blank line.
		var headBuf bytes.Buffer
		hr := bufio.NewReader(io.TeeReader(lr, block))
		for {
			line, err := hr.ReadSlice('\n')
			headBuf.Write(line)
			if err != nil || len(bytes.TrimRight(line, "\r\n")) == 0 || headBuf.Len() > 1<<20 {
				break
			}
		}
		var head http.Header
		rec.Status, head = parseHTTPHead(headBuf.Bytes())
		if mt, _, err := mime.ParseMediaType(head.Get("Content-Type")); err == nil {
			rec.MIME = mt
		}
		if rec.Type == "response" {
			payload = sha1.New()
			if _, err := io.Copy(payload, hr); err != nil {
				return rec, fmt.Errorf("record %s: block: %w", rec.URI, err)
			}
		} else if _, err := io.Copy(io.Discard, hr); err != nil {
			return rec, fmt.Errorf("record %s: block: %w", rec.URI, err)
		}
	} else if _, err := io.Copy(block, lr); err != nil {
		return rec, fmt.Errorf("record %s: block: %w", rec.URI, err)
	}
	if lr.(*io.LimitedReader).N > 0 {
		return rec, fmt.Errorf("record %s: block shorter than its Content-Length %d", rec.URI, n)
	}
	// The member must end after the record's trailer, its CRC matching.
	rest, err := io.Copy(io.Discard, br)
	if err != nil {
		return rec, fmt.Errorf("record %s: gzip member: %w", rec.URI, err)
	}
	if rest > 4 {
		return rec, fmt.Errorf("record %s: %d bytes after the block", rec.URI, rest)
	}
	if d := h.Get("WARC-Block-Digest"); d != "" && d != hashDigest(block) {
		return rec, fmt.Errorf("record %s: block digest mismatch", rec.URI)
	}
	if payload != nil && rec.PayloadDigest != "" && rec.PayloadDigest != hashDigest(payload) {
		return rec, fmt.Errorf("record %s: payload digest mismatch", rec.URI)
	}
	return rec, nil
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
