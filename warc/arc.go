package warc

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// The ARC format (Internet Archive, 1996; Heritrix wrote it until WARC
// replaced it): a header line "URL IP-address Archive-date Content-type
// [Result-code Checksum Location Offset Filename] Archive-length", the
// Archive-length bytes of the HTTP response, then a newline. The first
// record, filedesc://, describes the file.

type kind int

const (
	kindNone kind = iota
	kindWARC
	kindARC
)

// arcSchemes are the URI schemes that start ARC records.
var arcSchemes = []string{"http:", "https:", "filedesc:", "dns:", "ftp:", "ftps:", "whois:", "mms:", "rtsp:"}

// recordStart tells what kind of record b starts with.
func recordStart(b []byte) kind {
	if bytes.HasPrefix(b, []byte("WARC/")) {
		return kindWARC
	}
	if looksLikeARCLine(b) {
		return kindARC
	}
	return kindNone
}

// looksLikeARCLine checks the start of an ARC header line: a URI of a
// known scheme, an IP address, a 14-digit (or shorter) date. When b ends
// before the line does, the fields seen so far are checked.
func looksLikeARCLine(b []byte) bool {
	lower := bytes.ToLower(b[:min(len(b), 10)])
	ok := false
	for _, s := range arcSchemes {
		if bytes.HasPrefix(lower, []byte(s)) {
			ok = true
			break
		}
	}
	if !ok {
		return false
	}
	line, _, complete := bytes.Cut(b, []byte("\n"))
	fields := strings.Fields(string(line))
	if !complete {
		return len(fields) < 3 || isDigits(fields[2])
	}
	if len(fields) < 5 || !isDigits(fields[2]) || !isDigits(fields[len(fields)-1]) {
		return false
	}
	return true
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// parseARCDate reads an ARC archive date (YYYYMMDDhhmmss, or a prefix of it).
func parseARCDate(s string) time.Time {
	const layout = "20060102150405"
	if len(s) > len(layout) {
		s = s[:len(layout)]
	}
	if len(s) < 4 {
		return time.Time{}
	}
	t, err := time.Parse(layout[:len(s)], s)
	if err != nil {
		return time.Time{}
	}
	return t.UTC()
}

// arcRecord reads one ARC record.
func (r *Reader) arcRecord(in *bufio.Reader, cnt *countingReader, off int64, idx int) (*Capture, error) {
	h, err := readARCHead(in)
	if err != nil {
		return nil, err
	}
	fields := h.fields
	uri, date, arcType := fields[0], parseARCDate(fields[2]), fields[3]
	if !r.wantARC(uri, date, arcType) {
		return nil, r.skipRecord(in, h.hdrLen, h.length, "\n")
	}
	block, err := r.readARCBlock(in, h)
	if err != nil {
		return nil, err
	}
	c := &Capture{Source: r.src, Offset: off + r.src.base, Index: idx, Type: "response", URI: uri, Date: date, IP: fields[1],
		PayloadDigest: arcDigest(fields)}
	body := c.arcPayload(block, arcType)
	c.decode(r.capBody(c, body), r.opt.MaxBody)
	if !r.opt.All && (c.Status/100 != 2 || !c.HTML) {
		return nil, nil
	}
	return c, nil
}

// wantARC decides from an ARC record's header line whether to read it: a
// web page's the filters keep, of an HTML type unless Options.All.
func (r *Reader) wantARC(uri string, date time.Time, arcType string) bool {
	return r.keeps(uri, date) && (r.opt.All || htmlCandidate(arcType))
}

// arcDigest is the payload digest of an ARC version 2 header line
// (fields), "" when it has none.
func arcDigest(fields []string) string {
	if len(fields) >= 10 && fields[5] != "-" {
		return fields[5]
	}
	return ""
}

// arcHead is an ARC record's header line, not yet consumed.
type arcHead struct {
	fields []string // URL, IP address, date, content type, …, length
	hdrLen int64    // the line's length, newline included
	length int64    // the block's length
}

// readARCHead reads the header line of the ARC record in starts with,
// without consuming it.
func readARCHead(in *bufio.Reader) (arcHead, error) {
	b, _ := in.Peek(min(in.Size(), 16<<10))
	i := bytes.IndexByte(b, '\n')
	if i < 0 {
		return arcHead{}, fmt.Errorf("ARC header line longer than %d bytes or cut short", len(b))
	}
	line := string(bytes.TrimRight(b[:i], "\r"))
	fields := strings.Fields(line)
	if len(fields) < 5 {
		return arcHead{}, fmt.Errorf("malformed ARC header line %q", line)
	}
	length, err := strconv.ParseInt(fields[len(fields)-1], 10, 64)
	if err != nil || length < 0 {
		return arcHead{}, fmt.Errorf("ARC header line %q: bad length", line)
	}
	return arcHead{fields: fields, hdrLen: int64(i + 1), length: length}, nil
}

// readARCBlock consumes a wanted ARC record and returns its block, an
// HTTP response: its head and at most MaxBody of the body are kept.
func (r *Reader) readARCBlock(in *bufio.Reader, h arcHead) ([]byte, error) {
	if _, err := in.Discard(int(h.hdrLen)); err != nil {
		return nil, err
	}
	keep := min(h.length, r.opt.MaxBody+256<<10)
	block := make([]byte, keep)
	if n, err := io.ReadFull(in, block); err != nil {
		return nil, blockErr(int64(n), h.length, err)
	}
	if rest := h.length - keep; rest > 0 {
		if n, err := io.CopyN(io.Discard, in, rest); err != nil {
			return nil, blockErr(keep+n, h.length, err)
		}
	}
	if err := r.trailer(in, "\n"); err != nil {
		return nil, err
	}
	return block, nil
}

// arcPayload reads an ARC block's HTTP head into c and returns its body.
// A block without an HTTP head (HTTP/0.9) is the body, served 200 with the
// record's content type.
func (c *Capture) arcPayload(block []byte, arcType string) []byte {
	status, h, body := splitHTTP(block)
	if status == 0 {
		c.ContentType = arcType
		c.Status = 200
		return block
	}
	c.Status, c.Header = status, h
	return body
}
