package check

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
	"net/textproto"
	"os"
	"strconv"
	"strings"
	"time"
)

// warcRecord is what the check keeps of one WARC record.
type warcRecord struct {
	off, length   int64
	typ, uri      string
	date          time.Time
	status        int
	mime          string // the HTTP response's media type
	payloadDigest string
}

// badSpan is a stretch of a WARC file that could not be read.
type badSpan struct {
	off int64
	err error
}

// warcScan is one WARC file read member by member.
type warcScan struct {
	path    string
	size    int64
	records []warcRecord
	byOff   map[int64]*warcRecord
	bad     []badSpan
	// tail is the offset from which nothing readable follows (a record cut
	// short by a crash, or garbage), -1 when the file ends cleanly.
	tail int64
}

// scanWARC reads every gzip member of a WARC file written by syndex (one
// record per member), checking the member's own CRC, the WARC header, the
// block's length and WARC-Block-Digest and, for a response, its
// WARC-Payload-Digest.
func scanWARC(path string) (*warcScan, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	ws := &warcScan{path: path, size: fi.Size(), byOff: map[int64]*warcRecord{}, tail: -1}
	var zr *gzip.Reader
	pos := int64(0)
	for pos < ws.size {
		cr := &countingReader{r: io.NewSectionReader(f, pos, ws.size-pos)}
		br := bufio.NewReaderSize(cr, 256<<10)
		head, _ := br.Peek(3)
		if len(head) < 3 || head[0] != 0x1f || head[1] != 0x8b || head[2] != 8 {
			if allZero(br) {
				break // zero padding at the end
			}
			next := resync(f, pos+1, ws.size)
			ws.bad = append(ws.bad, badSpan{pos, errors.New("no gzip member starts here")})
			if next < 0 {
				ws.tail = pos
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
		var rec warcRecord
		if err == nil {
			zr.Multistream(false)
			rec, err = readRecord(zr)
		}
		if err != nil {
			next := resync(f, pos+1, ws.size)
			ws.bad = append(ws.bad, badSpan{pos, err})
			if next < 0 {
				ws.tail = pos
				break
			}
			pos = next
			continue
		}
		end := pos + cr.n - int64(br.Buffered())
		rec.off, rec.length = pos, end-pos
		ws.records = append(ws.records, rec)
		pos = end
	}
	for i := range ws.records {
		ws.byOff[ws.records[i].off] = &ws.records[i]
	}
	// Whatever cannot be read after the last readable record is the
	// file's torn end.
	ws.tail = -1
	for _, b := range ws.bad {
		if b.off >= ws.goodEnd() {
			ws.tail = b.off
			break
		}
	}
	return ws, nil
}

// goodEnd is where the last readable record ends.
func (ws *warcScan) goodEnd() int64 {
	if len(ws.records) == 0 {
		return 0
	}
	r := ws.records[len(ws.records)-1]
	return r.off + r.length
}

// readRecord reads the one record of a gzip member, to the member's end.
func readRecord(zr io.Reader) (warcRecord, error) {
	var rec warcRecord
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
	rec.typ = h.Get("WARC-Type")
	rec.uri = strings.Trim(h.Get("WARC-Target-URI"), "<>")
	rec.date, _ = time.Parse(time.RFC3339Nano, h.Get("WARC-Date"))
	rec.payloadDigest = h.Get("WARC-Payload-Digest")
	n, err := strconv.ParseInt(h.Get("Content-Length"), 10, 64)
	if err != nil || n < 0 {
		return rec, fmt.Errorf("record %s: bad Content-Length %q", rec.uri, h.Get("Content-Length"))
	}
	block := sha1.New()
	var payload hash.Hash
	lr := io.LimitReader(br, n)
	if rec.typ == "response" || rec.typ == "revisit" {
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
		parseHTTPHead(headBuf.Bytes(), &rec)
		if rec.typ == "response" {
			payload = sha1.New()
			if _, err := io.Copy(payload, hr); err != nil {
				return rec, fmt.Errorf("record %s: block: %w", rec.uri, err)
			}
		} else if _, err := io.Copy(io.Discard, hr); err != nil {
			return rec, fmt.Errorf("record %s: block: %w", rec.uri, err)
		}
	} else if _, err := io.Copy(block, lr); err != nil {
		return rec, fmt.Errorf("record %s: block: %w", rec.uri, err)
	}
	if lr.(*io.LimitedReader).N > 0 {
		return rec, fmt.Errorf("record %s: block shorter than its Content-Length %d", rec.uri, n)
	}
	// The member must end after the record's trailer, its CRC matching.
	rest, err := io.Copy(io.Discard, br)
	if err != nil {
		return rec, fmt.Errorf("record %s: gzip member: %w", rec.uri, err)
	}
	if rest > 4 {
		return rec, fmt.Errorf("record %s: %d bytes after the block", rec.uri, rest)
	}
	if d := h.Get("WARC-Block-Digest"); d != "" && d != digest(block) {
		return rec, fmt.Errorf("record %s: block digest mismatch", rec.uri)
	}
	if payload != nil && rec.payloadDigest != "" && rec.payloadDigest != digest(payload) {
		return rec, fmt.Errorf("record %s: payload digest mismatch", rec.uri)
	}
	return rec, nil
}

func parseHTTPHead(b []byte, rec *warcRecord) {
	line, rest, _ := bytes.Cut(b, []byte("\n"))
	f := strings.Fields(string(line))
	if len(f) >= 2 {
		rec.status, _ = strconv.Atoi(f[1])
	}
	for _, l := range bytes.Split(rest, []byte("\n")) {
		k, v, ok := bytes.Cut(l, []byte(":"))
		if ok && strings.EqualFold(string(bytes.TrimSpace(k)), "Content-Type") {
			if mt, _, err := mime.ParseMediaType(string(bytes.TrimSpace(v))); err == nil {
				rec.mime = mt
			}
		}
	}
}

func digest(h hash.Hash) string {
	return "sha1:" + base32.StdEncoding.EncodeToString(h.Sum(nil))
}

// resync finds the next offset at or after from where a gzip member may
// start, or -1.
func resync(f *os.File, from, size int64) int64 {
	buf := make([]byte, 1<<20)
	for off := from; off < size; {
		n, err := f.ReadAt(buf, off)
		if n <= 0 {
			return -1
		}
		if i := bytes.Index(buf[:n], []byte{0x1f, 0x8b, 8}); i >= 0 {
			return off + int64(i)
		}
		if err != nil {
			return -1
		}
		off += int64(n) - 2
	}
	return -1
}

func allZero(br *bufio.Reader) bool {
	for {
		b, err := br.ReadByte()
		if err != nil {
			return true
		}
		if b != 0 {
			return false
		}
	}
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}
