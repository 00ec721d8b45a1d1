package warc

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/textproto"
	"strconv"
	"strings"
	"time"

	"github.com/klauspost/compress/flate"
	"github.com/klauspost/compress/gzip"
	gowarc "github.com/nlnwa/gowarc/v2"
)

// DefaultMaxBody is how much of a payload a Reader keeps by default; the
// crawler archives at most as much per response (its --max-body).
const DefaultMaxBody = 10 << 20

// maxHeader bounds a WARC header block or an ARC header line; a record
// whose header is longer is reported as bad input.
const maxHeader = 128 << 10

// warcMarker ends every WARC record, after its block.
const warcMarker = "\r\n\r\n"

// ReadOptions tune what a Reader yields.
type ReadOptions struct {
	// MaxBody is the most bytes of a payload kept in memory (default
	// DefaultMaxBody), before and after removing content coding; a longer
	// payload is cut and the capture marked Truncated "length".
	MaxBody int64
	// All yields every response, resource and revisit record of an http(s)
	// URI. By default only those that may be HTML pages are decoded and
	// yielded: a 2xx status and an HTML (or undeclared, then sniffed)
	// content type, or a revisit that does not declare another type.
	All bool
	// Keep, when set, is asked about each candidate's URI and capture date
	// before its block is read; false skips the record cheaply.
	Keep func(uri string, date time.Time) bool
	// TempDir holds blocks too large for memory while they are parsed
	// (default os.TempDir()).
	TempDir string
	// Progress, when set, is called every 256 records read (wanted or
	// not) with the records read so far and the stream offset reached,
	// so a long stretch of records that are not wanted still shows.
	Progress func(records, offset int64)
}

// Position is where a record stream is read from: the offset of a record
// or of the gzip member holding it, and how many records of that member
// were already read (a member usually holds one; a WARC gzipped as a whole
// holds them all). Offsets are relative to the stream (Source.Base added
// gives the offset in Source.Path).
type Position struct {
	Offset int64 `json:"offset"`
	Skip   int   `json:"skip,omitempty"`
}

// RecordError reports bad input: a record that could not be read (a
// truncated or corrupt gzip member, a block shorter or longer than its
// Content-Length, a malformed header). The Reader has skipped it and goes
// on at Resumed.
type RecordError struct {
	Source  Source
	Offset  int64 // where the bad record starts, in Source.Path
	Resumed int64 // where reading went on, in Source.Path; -1 when nothing readable followed
	Err     error
	// For a record inside a gzip member that holds several (a WARC
	// gzipped as a whole), Offset is the member's start: Record is the
	// bad record's place in the member (0 the first), and Damage, when
	// not 0, where in Source.Path the member's compressed data stopped
	// decoding (the cut or the corruption; the decoder reads a little
	// ahead, so within a few kilobytes after it).
	Record int
	Damage int64
}

func (e *RecordError) Error() string {
	next := "nothing readable after it"
	if e.Resumed >= 0 {
		next = "skipped to offset " + strconv.FormatInt(e.Resumed, 10)
	}
	where := ""
	if e.Record > 0 {
		where = fmt.Sprintf(" (record %d of the gzip member there", e.Record+1)
		if e.Damage > 0 {
			where += fmt.Sprintf("; its compressed data breaks off at offset %d", e.Damage)
		}
		where += ")"
	}
	return fmt.Sprintf("%s at offset %d%s: %v (%s)", e.Source, e.Offset, where, e.Err, next)
}

func (e *RecordError) Unwrap() error { return e.Err }

// Reader reads the captures of one record stream, in order, with bounded
// memory whatever the stream's size: one record's header and at most
// MaxBody of its payload are held at a time; larger blocks are streamed
// past (or parsed through a temporary file).
type Reader struct {
	src  Source
	o    *opened
	opt  ReadOptions
	full gowarc.Unmarshaler // parses blocks too large for memory
	// light parses the header of a record already in memory.
	light   gowarc.Unmarshaler
	lightIn *bufio.Reader

	gzipped bool           // the stream is a sequence of gzip members
	start   int64          // stream offset where cr started
	cr      countingReader // raw bytes from start
	br      *bufio.Reader
	gz      *gzip.Reader
	dc      countingReader // decompressed bytes of the current member
	dr      *bufio.Reader

	pos      int64 // offset of the current unit: a gzip member, or the next plain record
	inMember bool
	idx      int // records read from the current member
	skip     int // records of the first member to pass over (resuming)
	done     bool

	records, bad int64

	scanBuf []byte // scan's window over the stream, kept for the next bad record
}

// Open starts reading s at pos (the zero Position is the beginning).
func (s Source) Open(pos Position, opt ReadOptions) (*Reader, error) {
	if opt.MaxBody <= 0 {
		opt.MaxBody = DefaultMaxBody
	}
	o, err := s.open()
	if err != nil {
		return nil, err
	}
	r := &Reader{src: s, o: o, opt: opt,
		br: bufio.NewReaderSize(nil, 256<<10),
		dr: bufio.NewReaderSize(nil, 256<<10),
	}
	bufOpts := []gowarc.WarcRecordOption{
		gowarc.WithBufferMaxMemBytes(4 << 20),
		gowarc.WithFixDigest(false), gowarc.WithFixContentLength(false), gowarc.WithAddMissingDigest(false),
		gowarc.WithAddMissingRecordId(false), gowarc.WithAddMissingContentLength(false),
	}
	if opt.TempDir != "" {
		bufOpts = append(bufOpts, gowarc.WithBufferTmpDir(opt.TempDir))
	}
	r.full = gowarc.NewUnmarshaler(bufOpts...)
	r.light = gowarc.NewUnmarshaler(gowarc.WithSkipParseBlock(), gowarc.WithSpecViolationPolicy(gowarc.ErrIgnore),
		gowarc.WithFixDigest(false), gowarc.WithFixContentLength(false), gowarc.WithAddMissingDigest(false),
		gowarc.WithAddMissingRecordId(false), gowarc.WithAddMissingContentLength(false))
	r.lightIn = bufio.NewReaderSize(nil, 4096)
	head := make([]byte, 3)
	n, _ := o.ra.ReadAt(head, 0)
	r.gzipped = isGzipStart(head[:n])
	if pos.Offset < 0 || pos.Offset > s.Size {
		o.Close()
		return nil, fmt.Errorf("%s: position %d is outside the file (%d bytes)", s, pos.Offset, s.Size)
	}
	r.seek(pos.Offset)
	r.skip = pos.Skip
	return r, nil
}

// Close releases the file (and a WACZ entry's temporary copy).
func (r *Reader) Close() error { return r.o.Close() }

// Source is the stream being read.
func (r *Reader) Source() Source { return r.src }

// Records is how many records (of any type) were read so far, bad ones
// included.
func (r *Reader) Records() int64 { return r.records }

// Bad is how many bad records were skipped so far.
func (r *Reader) Bad() int64 { return r.bad }

// Pos is where the next record starts: reading again from it continues
// after the last record Next returned.
func (r *Reader) Pos() Position {
	if r.done {
		return Position{Offset: r.src.Size}
	}
	if r.inMember {
		return Position{Offset: r.pos, Skip: r.idx}
	}
	return Position{Offset: r.rawPos()}
}

// Offset is how far into the stream reading has got, for progress.
func (r *Reader) Offset() int64 {
	if r.done {
		return r.src.Size
	}
	return r.rawPos()
}

func (r *Reader) rawPos() int64 { return r.start + r.cr.n - int64(r.br.Buffered()) }

func (r *Reader) seek(off int64) {
	r.start = off
	r.cr = countingReader{r: io.NewSectionReader(r.o.ra, off, r.src.Size-off)}
	r.br.Reset(&r.cr)
	r.pos = off
	r.inMember = false
	r.idx = 0
}

// errSkipped marks a record that was read but is not yielded.
var errSkipped = errors.New("record skipped")

// Next returns the next capture. At the end of the stream it returns
// io.EOF. Bad input returns a *RecordError and the Reader goes on with the
// next readable record; any other error is final.
func (r *Reader) Next() (*Capture, error) {
	for {
		c, err := r.step()
		if err == errSkipped {
			continue
		}
		return c, err
	}
}

func (r *Reader) step() (*Capture, error) {
	if r.done {
		return nil, io.EOF
	}
	if r.opt.Progress != nil && r.records&255 == 255 {
		r.opt.Progress(r.records, r.Offset())
	}
	if !r.gzipped {
		return r.stepPlain()
	}
	if !r.inMember {
		if err := r.openMember(); err != nil {
			return nil, err
		}
	}
	return r.stepMember()
}

// stepPlain reads the next record of an uncompressed stream.
func (r *Reader) stepPlain() (*Capture, error) {
	if err := skipNewlines(r.br); err == io.EOF {
		r.done = true
		return nil, io.EOF
	} else if err != nil {
		return nil, fmt.Errorf("%s: %w", r.src, err)
	}
	off := r.rawPos()
	r.records++
	c, err := r.record(r.br, &r.cr, off, 0)
	if err != nil {
		return nil, r.fail(off, err, false)
	}
	if c == nil {
		return nil, errSkipped
	}
	return c, nil
}

// openMember starts decompressing the gzip member at the read position.
// It returns io.EOF at the end of the stream (or of its zero padding).
func (r *Reader) openMember() error {
	r.pos = r.rawPos()
	head, err := r.br.Peek(3)
	if len(head) == 0 && err == io.EOF {
		r.done = true
		return io.EOF
	}
	if !isGzipStart(head) {
		if allZero(r.br) {
			r.done = true // zero padding at the end of the file
			return io.EOF
		}
		r.records++
		return r.fail(r.pos, fmt.Errorf("expected the next gzip member, found %s", quoteHead(head)), false)
	}
	if r.gz == nil {
		r.gz, err = gzip.NewReader(r.br)
	} else {
		err = r.gz.Reset(r.br)
	}
	if err != nil {
		r.records++
		return r.fail(r.pos, fmt.Errorf("gzip header: %w", err), false)
	}
	r.gz.Multistream(false)
	r.dc = countingReader{r: r.gz}
	r.dr.Reset(&r.dc)
	r.inMember, r.idx = true, 0
	return nil
}

// stepMember reads the next record of the open gzip member.
func (r *Reader) stepMember() (*Capture, error) {
	if err := skipNewlines(r.dr); err != nil {
		if err != io.EOF {
			r.records++
			return nil, r.fail(r.pos, fmt.Errorf("gzip member: %w", err), false)
		}
		// The member ended and its checksum matched.
		r.inMember, r.skip = false, 0
		return nil, errSkipped
	}
	idx := r.idx
	r.idx++
	if idx < r.skip {
		// Resuming inside a member holding several records: pass over
		// those read before.
		if _, err := r.record(r.dr, &r.dc, r.pos, idx); err != nil {
			r.records++
			return nil, r.fail(r.pos, err, true)
		}
		return nil, errSkipped
	}
	r.records++
	c, err := r.record(r.dr, &r.dc, r.pos, idx)
	if err != nil {
		return nil, r.fail(r.pos, err, true)
	}
	// Find out now whether the member ends here, so Pos names the next
	// member rather than this one, and so a member whose checksum fails
	// does not yield the record it garbled.
	if err := skipNewlines(r.dr); err == io.EOF {
		r.inMember, r.skip = false, 0
	} else if err != nil {
		return nil, r.fail(r.pos, fmt.Errorf("gzip member: %w", err), true)
	}
	if c == nil {
		return nil, errSkipped
	}
	return c, nil
}

// fail skips a bad record at off and positions the reader at the next
// readable one. inMember says the record was inside a gzip member that may
// itself be sound: then reading goes on after the member.
func (r *Reader) fail(off int64, cause error, inMember bool) error {
	r.bad++
	record, damage := 0, int64(0)
	if inMember && r.inMember {
		record = max(r.idx-1, 0)
		_, err := io.Copy(io.Discard, r.dr)
		if damagedAt(err) {
			damage = r.rawPos() + r.src.base
		}
		if err != nil {
			cause = memberCause(cause, err)
		}
		if err == nil {
			r.inMember, r.skip = false, 0
			next := r.rawPos()
			if next >= r.src.Size {
				r.done = true
				next = -1
			}
			return r.recordError(off, next, cause, record, 0)
		}
	}
	r.inMember, r.skip = false, 0
	next := r.scan(off + 1)
	if next < 0 {
		r.done = true
	} else {
		r.seek(next)
	}
	return r.recordError(off, next, cause, record, damage)
}

func (r *Reader) recordError(off, next int64, cause error, record int, damage int64) error {
	if next >= 0 {
		next += r.src.base
	}
	if record == 0 {
		damage = 0
	}
	return &RecordError{Source: r.src, Offset: off + r.src.base, Resumed: next, Err: cause, Record: record, Damage: damage}
}

// record reads one WARC or ARC record from in, which starts at it;
// cnt counts the bytes in has consumed from its source. off and idx locate
// the record for the Capture. A nil Capture with a nil error is a record
// that is not wanted.
func (r *Reader) record(in *bufio.Reader, cnt *countingReader, off int64, idx int) (*Capture, error) {
	head, _ := in.Peek(512)
	switch recordStart(head) {
	case kindWARC:
		return r.warcRecord(in, cnt, off, idx)
	case kindARC:
		return r.arcRecord(in, cnt, off, idx)
	default:
		return nil, fmt.Errorf("no WARC or ARC record here (found %s)", quoteHead(head))
	}
}

// warcRecord reads a WARC record: its header is looked at first, so that
// records that are not wanted are streamed past without parsing their
// block; wanted ones are parsed by gowarc.
func (r *Reader) warcRecord(in *bufio.Reader, cnt *countingReader, off int64, idx int) (*Capture, error) {
	begin := cnt.n - int64(in.Buffered())
	h, err := readWARCHead(in)
	if err != nil {
		return nil, err
	}
	if !r.wantWARC(in, h) {
		return nil, r.skipRecord(in, int64(len(h.raw)), h.cl, warcMarker)
	}
	if h.cl <= r.opt.MaxBody+inMemorySlack {
		return r.warcRecordInMemory(in, h, off, idx)
	}
	return r.warcRecordStreamed(in, cnt, begin, h, off, idx)
}

// warcHead is a WARC record's header block, not yet consumed, and what it
// says.
type warcHead struct {
	raw  []byte            // the header block, up to and including its blank line
	f    map[string]string // its fields (parseFields)
	cl   int64             // Content-Length: the block's length
	typ  string            // WARC-Type, lower-cased
	uri  string            // WARC-Target-URI
	date time.Time         // WARC-Date
}

// readWARCHead reads the header of the WARC record in starts with,
// without consuming it.
func readWARCHead(in *bufio.Reader) (warcHead, error) {
	hdr, err := peekHeader(in)
	if err != nil {
		return warcHead{}, err
	}
	f := parseFields(hdr)
	clText, ok := f["content-length"]
	cl, cerr := strconv.ParseInt(strings.TrimSpace(clText), 10, 64)
	if !ok || cerr != nil || cl < 0 {
		return warcHead{}, fmt.Errorf("WARC record without a valid Content-Length (%q)", clText)
	}
	return warcHead{raw: hdr, f: f, cl: cl,
		typ:  strings.ToLower(f["warc-type"]),
		uri:  strings.Trim(strings.TrimSpace(f["warc-target-uri"]), "<>"),
		date: parseWARCDate(f["warc-date"]),
	}, nil
}

// skipRecord streams a record that is not wanted past: its header of
// hdrLen bytes, its block of length bytes and the marker ending it.
func (r *Reader) skipRecord(in *bufio.Reader, hdrLen, length int64, marker string) error {
	if n, err := io.CopyN(io.Discard, in, hdrLen+length); err != nil {
		return blockErr(n-hdrLen, length, err)
	}
	return r.trailer(in, marker)
}

// warcRecordStreamed reads a wanted record whose block is larger than
// MaxBody: gowarc streams it through its buffer (spilling to a temporary
// file) and MaxBody of the payload is kept. begin is where the record
// starts in cnt's count.
func (r *Reader) warcRecordStreamed(in *bufio.Reader, cnt *countingReader, begin int64, h warcHead, off int64, idx int) (*Capture, error) {
	hdrLen := int64(len(h.raw))
	rec, err := unmarshal(r.full, in)
	if rec != nil {
		defer rec.Close()
	}
	if err != nil {
		return nil, parseErr(err, cnt.n-int64(in.Buffered())-begin-hdrLen, h.cl)
	}
	// gowarc consumes the end-of-record marker when it is there.
	got := cnt.n - int64(in.Buffered()) - begin
	expected := hdrLen + h.cl
	if got < expected {
		return nil, blockErr(got-hdrLen, h.cl, io.ErrUnexpectedEOF)
	}
	markerSeen := got >= expected+int64(len(warcMarker))
	f := h.f
	c := &Capture{Source: r.src, Offset: off + r.src.base, Index: idx, Type: h.typ, URI: h.uri, Date: h.date,
		RecordID: f["warc-record-id"], PayloadDigest: f["warc-payload-digest"], Truncated: f["warc-truncated"],
		IP: f["warc-ip-address"]}
	raw, keep, err := r.streamedPayload(rec.Block(), c, h)
	if err != nil || !keep {
		return nil, err
	}
	if !markerSeen {
		if err := r.trailer(in, warcMarker); err != nil {
			return nil, err
		}
	}
	if h.typ == "revisit" {
		c.setRevisit(f["warc-profile"], f["warc-refers-to"], f["warc-refers-to-target-uri"], f["warc-refers-to-date"])
		return c, nil
	}
	return r.decoded(c, raw), nil
}

// parseErr is what an error parsing a record becomes: a block shorter
// than its Content-Length cl (got bytes of it read) when the input ended
// in it.
func parseErr(err error, got, cl int64) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return blockErr(got, cl, io.ErrUnexpectedEOF)
	}
	return fmt.Errorf("parse WARC record: %w", err)
}

// streamedPayload reads into c what a parsed record's block says (its HTTP
// status and header) and returns at most MaxBody of its payload: an HTTP
// response's body, a resource's whole block, nothing for a revisit. keep
// is false for a response record whose block is not HTTP after all.
func (r *Reader) streamedPayload(block gowarc.Block, c *Capture, h warcHead) (raw []byte, keep bool, err error) {
	switch b := block.(type) {
	case gowarc.HttpResponseBlock:
		c.Status, c.Header = parseHTTPHead(b.ProtocolHeaderBytes())
		if c.Status == 0 {
			c.Status = b.HttpStatusCode()
		}
		p, err := b.PayloadBytes()
		if err != nil {
			return nil, false, fmt.Errorf("read payload: %w", err)
		}
		raw, err = readCapped(p, r.opt.MaxBody, h.cl-int64(len(b.ProtocolHeaderBytes())), &c.Truncated)
		if err != nil {
			return nil, false, fmt.Errorf("read payload: %w", err)
		}
		return raw, true, nil
	case gowarc.ProtocolHeaderBlock: // a revisit: the response head only
		c.Status, c.Header = parseHTTPHead(b.ProtocolHeaderBytes())
		return nil, true, nil
	}
	c.ContentType = h.f["content-type"]
	if h.typ == "response" { // not HTTP after all
		return nil, false, nil
	}
	p, err := block.RawBytes()
	if err != nil {
		return nil, false, fmt.Errorf("read block: %w", err)
	}
	raw, err = readCapped(p, r.opt.MaxBody, h.cl, &c.Truncated)
	if err != nil {
		return nil, false, fmt.Errorf("read block: %w", err)
	}
	return raw, true, nil
}

// setRevisit records what a revisit refers to, and the content type its
// HTTP head declares.
func (c *Capture) setRevisit(profile, refersTo, refersToURI, refersToDate string) {
	c.Profile = profile
	c.RefersTo = refersTo
	c.RefersToURI = strings.Trim(strings.TrimSpace(refersToURI), "<>")
	c.RefersToDate = parseWARCDate(refersToDate)
	if c.Header != nil {
		c.ContentType = c.Header.Get("Content-Type")
	}
}

// decoded decodes a capture's payload raw and returns the capture, or nil
// when it is not HTML and only pages are wanted.
func (r *Reader) decoded(c *Capture, raw []byte) *Capture {
	c.decode(raw, r.opt.MaxBody)
	if !r.opt.All && !c.HTML {
		return nil
	}
	return c
}

// damagedAt reports whether err, from reading the rest of a gzip member,
// places its damage where the reading stopped: cut or undecodable there
// (a checksum mismatch, found at the member's end, says nothing of where).
func damagedAt(err error) bool {
	var corrupt flate.CorruptInputError
	return errors.Is(err, io.ErrUnexpectedEOF) || errors.As(err, &corrupt)
}

// memberCause is a record's error, cause, with what reading the rest of
// its gzip member found (err), unless cause says it already.
func memberCause(cause, err error) error {
	if strings.Contains(cause.Error(), err.Error()) {
		return fmt.Errorf("gzip member cut short or corrupt: %w", cause)
	}
	return fmt.Errorf("%w; its gzip member is cut short or corrupt (%v)", cause, err)
}

// capBody cuts a payload at MaxBody, marking the capture truncated by
// length unless its record already says why it was truncated.
func (r *Reader) capBody(c *Capture, raw []byte) []byte {
	if int64(len(raw)) > r.opt.MaxBody {
		raw = raw[:r.opt.MaxBody]
		if c.Truncated == "" {
			c.Truncated = "length"
		}
	}
	return raw
}

// inMemorySlack is what a wanted record's block may hold beyond MaxBody
// (its HTTP head) and still be read into memory in one piece.
const inMemorySlack = 1 << 20

// warcRecordInMemory reads a wanted record whose block fits in memory: the
// header and block are read in one piece, gowarc parses the header, and
// the payload is a slice of the block (no second copy).
func (r *Reader) warcRecordInMemory(in *bufio.Reader, wh warcHead, off int64, idx int) (*Capture, error) {
	hdrLen, cl := len(wh.raw), wh.cl
	rec := make([]byte, hdrLen+int(cl), hdrLen+int(cl)+len(warcMarker))
	if n, err := io.ReadFull(in, rec); err != nil {
		return nil, blockErr(int64(n-hdrLen), cl, err)
	}
	if err := r.trailer(in, warcMarker); err != nil {
		return nil, err
	}
	r.lightIn.Reset(bytes.NewReader(append(rec, warcMarker...)))
	wr, err := unmarshal(r.light, r.lightIn)
	if wr != nil {
		wr.Close()
	}
	if err != nil {
		return nil, fmt.Errorf("parse WARC record: %w", err)
	}
	h := wr.WarcHeader()
	typ := strings.ToLower(h.Get(gowarc.WarcType))
	c := &Capture{Source: r.src, Offset: off + r.src.base, Index: idx, Type: typ,
		URI:      strings.Trim(strings.TrimSpace(h.Get(gowarc.WarcTargetURI)), "<>"),
		Date:     parseWARCDate(h.Get(gowarc.WarcDate)),
		RecordID: h.Get(gowarc.WarcRecordID), PayloadDigest: wh.f["warc-payload-digest"], Truncated: h.Get(gowarc.WarcTruncated),
		IP: h.Get(gowarc.WarcIPAddress)}
	raw, keep := c.blockPayload(rec[hdrLen:], h.Get(gowarc.ContentType))
	if !keep {
		return nil, nil
	}
	if typ == "revisit" {
		c.setRevisit(h.Get(gowarc.WarcProfile), h.Get(gowarc.WarcRefersTo), h.Get(gowarc.WarcRefersToTargetURI), h.Get(gowarc.WarcRefersToDate))
		return c, nil
	}
	return r.decoded(c, r.capBody(c, raw)), nil
}

// blockPayload reads into c what a record's block in memory says, given
// the record's Content-Type, and returns its payload: a resource's whole
// block, an HTTP response's body (a revisit's HTTP head only, if any).
// keep is false for a record that is neither.
func (c *Capture) blockPayload(block []byte, contentType string) (raw []byte, keep bool) {
	switch {
	case c.Type == "resource":
		c.ContentType = contentType
		return block, true
	case strings.HasPrefix(strings.ToLower(contentType), "application/http"):
		status, hh, body := splitHTTP(block)
		if status == 0 && c.Type != "revisit" {
			return nil, false // not an HTTP response
		}
		c.Status, c.Header = status, hh
		return body, true
	}
	return nil, c.Type == "revisit"
}

// splitHTTP splits an HTTP response into its status, header and body;
// status is 0 when b does not start with a status line.
func splitHTTP(b []byte) (int, http.Header, []byte) {
	status, h := parseHTTPHead(b)
	if status == 0 {
		return 0, nil, nil
	}
	at := -1
	if i := bytes.Index(b, []byte("\r\n\r\n")); i >= 0 {
		at = i + 4
	}
	if j := bytes.Index(b, []byte("\n\n")); j >= 0 && (at < 0 || j+2 < at) {
		at = j + 2
	}
	if at < 0 || at > len(b) {
		return status, h, nil
	}
	return status, h, b[at:]
}

// keeps reports whether a record of uri captured at date is one to read:
// a web page's (isWebURI) that the Keep filter, when set, takes.
func (r *Reader) keeps(uri string, date time.Time) bool {
	return isWebURI(uri) && (r.opt.Keep == nil || r.opt.Keep(uri, date))
}

// wantWARC decides from a record's header (and the HTTP head that starts
// its block, when it fits the read buffer) whether to parse it.
func (r *Reader) wantWARC(in *bufio.Reader, h warcHead) bool {
	if h.typ != "response" && h.typ != "resource" && h.typ != "revisit" {
		return false
	}
	if !r.keeps(h.uri, h.date) {
		return false
	}
	if r.opt.All {
		return true
	}
	if h.typ == "resource" {
		return htmlCandidate(h.f["content-type"])
	}
	if !strings.HasPrefix(strings.ToLower(strings.TrimSpace(h.f["content-type"])), "application/http") {
		return false
	}
	return wantHTTP(in, h)
}

// wantHTTP looks at the HTTP head that starts a record's block, without
// consuming it: a page is a 2xx response with an HTML (or sniffed) content
// type, or a revisit of one (or of an undeclared type). When the head is
// not in the read buffer, or not an HTTP head, the parse decides.
func wantHTTP(in *bufio.Reader, h warcHead) bool {
	hdrLen := len(h.raw)
	n := hdrLen + int(min(h.cl, 32<<10))
	b, _ := in.Peek(min(n, in.Size()))
	if len(b) < hdrLen {
		return true
	}
	status, hh := parseHTTPHead(b[hdrLen:])
	if status == 0 {
		return true // the parse below decides
	}
	if h.typ == "revisit" {
		return (status/100 == 2 || status == http.StatusNotModified) && (hh.Get("Content-Type") == "" || htmlCandidate(hh.Get("Content-Type")))
	}
	return status/100 == 2 && htmlCandidate(hh.Get("Content-Type"))
}

// trailer consumes the end of a record: marker ("\r\n\r\n" for WARC,
// "\n" for ARC) when it is there; otherwise any blank lines, after which
// the next record or the end of the stream must follow: anything else means
// the record's length was wrong.
func (r *Reader) trailer(in *bufio.Reader, marker string) error {
	if b, _ := in.Peek(len(marker)); string(b) == marker {
		_, err := in.Discard(len(marker))
		return err
	}
	if err := skipNewlines(in); err != nil {
		if err == io.EOF {
			return nil
		}
		return err
	}
	b, _ := in.Peek(512)
	if recordStart(b) != kindNone || isGzipStart(b) {
		return nil
	}
	return fmt.Errorf("the record's block is followed by %s instead of the end of the record (wrong Content-Length?)", quoteHead(b))
}

func blockErr(got, want int64, err error) error {
	if got < 0 {
		got = 0
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("block ends after %d of the %d bytes its Content-Length announces (truncated, or a wrong Content-Length)", got, want)
	}
	return fmt.Errorf("read block: %w", err)
}

// unmarshal parses one record with gowarc, turning a panic on malformed
// input into an error.
func unmarshal(u gowarc.Unmarshaler, in *bufio.Reader) (rec gowarc.WarcRecord, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("malformed WARC record (%v)", p)
		}
	}()
	rec, _, _, err = u.Unmarshal(in)
	return rec, err
}

// peekHeader returns a WARC header block, up to and including the blank
// line that ends it, without consuming it.
func peekHeader(in *bufio.Reader) ([]byte, error) {
	for n := 4096; ; n *= 2 {
		n = min(n, in.Size(), maxHeader)
		b, err := in.Peek(n)
		if i := bytes.Index(b, []byte("\r\n\r\n")); i >= 0 {
			return b[:i+4], nil
		}
		if i := bytes.Index(b, []byte("\n\n")); i >= 0 {
			return b[:i+2], nil
		}
		if err != nil {
			if errors.Is(err, io.EOF) {
				return nil, fmt.Errorf("WARC header cut short after %d bytes", len(b))
			}
			if errors.Is(err, bufio.ErrBufferFull) {
				return nil, fmt.Errorf("WARC header longer than %d bytes", len(b))
			}
			return nil, err
		}
		if n == min(in.Size(), maxHeader) {
			return nil, fmt.Errorf("WARC header longer than %d bytes", n)
		}
	}
}

// parseFields reads the named fields of a WARC header block (lower-cased
// names, first value wins; continuation lines are joined).
func parseFields(hdr []byte) map[string]string {
	f := make(map[string]string, 16)
	lines := strings.Split(string(hdr), "\n")
	last := ""
	for _, l := range lines[1:] {
		l = strings.TrimRight(l, "\r")
		if l == "" {
			continue
		}
		if (l[0] == ' ' || l[0] == '\t') && last != "" {
			f[last] += " " + strings.TrimSpace(l)
			continue
		}
		k, v, ok := strings.Cut(l, ":")
		if !ok {
			continue
		}
		k = strings.ToLower(strings.TrimSpace(k))
		if _, dup := f[k]; dup {
			last = ""
			continue
		}
		f[k] = strings.TrimSpace(v)
		last = k
	}
	return f
}

// parseWARCDate reads a WARC-Date (W3C-ISO8601, any fraction of a second).
func parseWARCDate(s string) time.Time {
	s = strings.TrimSpace(s)
	for _, l := range []string{time.RFC3339Nano, "2006-01-02T15:04:05Z0700", "2006-01-02T15:04Z07:00", "2006-01-02"} {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC()
		}
	}
	return time.Time{}
}

// parseHTTPHead reads a response's status line and header as archived
// (Transfer-Encoding included, which net/http would take out), tolerating
// a head without its final blank line. It returns status 0 when b does
// not start with a status line.
func parseHTTPHead(b []byte) (int, http.Header) {
	if !bytes.HasPrefix(b, []byte("HTTP/")) {
		return 0, nil
	}
	line, rest, _ := bytes.Cut(b, []byte("\n"))
	parts := strings.Fields(string(line))
	if len(parts) < 2 {
		return 0, nil
	}
	status, err := strconv.Atoi(parts[1])
	if err != nil || status < 100 || status > 999 {
		return 0, nil
	}
	if i := bytes.Index(rest, []byte("\r\n\r\n")); i >= 0 {
		rest = rest[:i+4]
	} else if i := bytes.Index(rest, []byte("\n\n")); i >= 0 {
		rest = rest[:i+2]
	} else {
		rest = append(bytes.Clone(rest), "\r\n\r\n"...)
	}
	mh, _ := textproto.NewReader(bufio.NewReader(bytes.NewReader(rest))).ReadMIMEHeader()
	return status, http.Header(mh)
}

// readCapped reads r up to limit bytes, marking truncated "length" when
// there was more (the rest is not read); size is how much r should hold.
func readCapped(r io.Reader, limit, size int64, truncated *string) ([]byte, error) {
	var buf bytes.Buffer
	buf.Grow(int(max(0, min(size, limit)+bytes.MinRead)))
	n, err := io.Copy(&buf, io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	b := buf.Bytes()
	if n > limit {
		b = b[:limit]
		if *truncated == "" {
			*truncated = "length"
		}
	}
	return b, nil
}

// skipNewlines consumes CR and LF bytes. It returns io.EOF when the
// stream ends.
func skipNewlines(in *bufio.Reader) error {
	for {
		b, err := in.ReadByte()
		if err != nil {
			return err
		}
		if b != '\r' && b != '\n' {
			return in.UnreadByte()
		}
	}
}

// allZero reports whether the rest of in is zero bytes (padding some
// writers leave at the end of a file). It consumes what it reads.
func allZero(in *bufio.Reader) bool {
	for {
		b, err := in.ReadByte()
		if err == io.EOF {
			return true
		}
		if err != nil || b != 0 {
			return false
		}
	}
}

func isWebURI(u string) bool {
	l := strings.ToLower(u)
	return strings.HasPrefix(l, "http://") || strings.HasPrefix(l, "https://")
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
