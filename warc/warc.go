// Package warc writes WARC/1.1 archives: warcinfo, request, response and
// revisit records, each compressed as its own gzip member so any record can
// be read from its offset alone, with size-based file rotation and a CDXJ
// index beside each file.
//
// It also reads web archives written by any tool: WARC (1.0 and 1.1,
// gzipped per record, as a whole, or not at all), ARC (versions 1 and 2)
// and the WARC files inside a WACZ. A Reader streams the captures of one
// file with bounded memory, removes transfer and content coding, picks HTML
// pages by declared type and sniffing, skips bad records (reporting file
// and offset) and can resume at any record; WARC records are parsed with
// github.com/nlnwa/gowarc/v2.
//
// The package owns the byte layout of the archive files only. It does not
// fetch anything, decide what to archive or extract articles; the crawler
// hands it raw HTTP bytes exactly as they were exchanged.
package warc

import (
	"bytes"
	"compress/gzip"
	"crypto/rand"
	"crypto/sha1"
	"encoding/base32"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Record types of WARC/1.1 written by this package.
const (
	TypeWarcinfo = "warcinfo"
	TypeRequest  = "request"
	TypeResponse = "response"
	TypeRevisit  = "revisit"
)

// Revisit profiles of WARC/1.1 (section 6.7).
const (
	ProfileIdenticalPayload  = "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest"
	ProfileServerNotModified = "http://netpreserve.org/warc/1.1/revisit/server-not-modified"
)

// DefaultMaxFileSize is the size after which a WARC file is closed and the
// next one started (1 GB, the size the WARC guidelines recommend).
const DefaultMaxFileSize = 1 << 30

// Field is one WARC named field; order is preserved when written.
type Field struct{ Name, Value string }

// Record is one WARC record to write. The writer fills WARC-Record-ID,
// WARC-Date (when zero), Content-Length and WARC-Block-Digest.
type Record struct {
	Type        string
	TargetURI   string
	Date        time.Time
	ContentType string
	Fields      []Field // extra named fields, written after the standard ones
	Block       []byte
	ID          string // "<urn:uuid:…>"; generated when empty
}

// Location says where a record was written.
type Location struct {
	File   string // base name of the WARC file
	Offset int64  // byte offset of the record's gzip member
	Length int64  // compressed length of the member
}

// String formats the location as "file.warc.gz#offset".
func (l Location) String() string {
	if l.File == "" {
		return ""
	}
	return l.File + "#" + strconv.FormatInt(l.Offset, 10)
}

// Options tune a Writer.
type Options struct {
	// Prefix starts every file name (default "syndex").
	Prefix string
	// MaxFileSize rotates to a new file once a file reaches it
	// (default DefaultMaxFileSize).
	MaxFileSize int64
	// Info is written as the warcinfo record at the start of every file
	// (e.g. software, operator, http-header-user-agent, robots).
	Info []Field
	// Logger receives rotation events; slog.Default when nil.
	Logger *slog.Logger
}

// Writer appends records to WARC files in one directory. It is safe for
// concurrent use; records are written whole, one at a time.
type Writer struct {
	mu     sync.Mutex
	dir    string
	opt    Options
	f      *os.File
	name   string
	size   int64
	cdx    *os.File
	seq    int
	infoID string // WARC-Record-ID of the current file's warcinfo
	closed bool
}

// NewWriter creates dir if needed and returns a writer whose first file is
// opened lazily on the first record. Existing files are never appended to:
// after a crash a file may end in a partial record, so every writer starts
// a new file. CDXJ files left unsorted by a crash are sorted here.
func NewWriter(dir string, opt Options) (*Writer, error) {
	if opt.Prefix == "" {
		opt.Prefix = "syndex"
	}
	if opt.MaxFileSize <= 0 {
		opt.MaxFileSize = DefaultMaxFileSize
	}
	if opt.Logger == nil {
		opt.Logger = slog.Default()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create warc dir %s: %w", dir, err)
	}
	cdxs, _ := filepath.Glob(filepath.Join(dir, "*.cdxj"))
	for _, c := range cdxs {
		if err := SortCDXJ(c); err != nil {
			return nil, err
		}
	}
	return &Writer{dir: dir, opt: opt}, nil
}

// Dir is the directory the writer writes into.
func (w *Writer) Dir() string { return w.dir }

// Write appends one record and returns where it went.
func (w *Writer) Write(r *Record) (Location, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if err := w.readyLocked(); err != nil {
		return Location{}, err
	}
	return w.writeLocked(r, nil)
}

// readyLocked opens the first file, or the next one when the current file
// is full. It is called once per record group (a request and its response
// or revisit), so a group never spans two files.
func (w *Writer) readyLocked() error {
	if w.closed {
		return errors.New("warc writer closed")
	}
	if w.f == nil || w.size >= w.opt.MaxFileSize {
		return w.rotateLocked()
	}
	return nil
}

// writeLocked appends r to the current file (readyLocked first), naming
// the file's warcinfo record in WARC-Warcinfo-ID.
func (w *Writer) writeLocked(r *Record, cdx *cdxEntry) (Location, error) {
	if w.closed {
		return Location{}, errors.New("warc writer closed")
	}
	if w.f == nil {
		return Location{}, errors.New("warc writer: no open file")
	}
	member, err := encodeRecord(w.linked(r))
	if err != nil {
		return Location{}, err
	}
	loc := Location{File: w.name, Offset: w.size, Length: int64(len(member))}
	if _, err := w.f.Write(member); err != nil {
		return Location{}, fmt.Errorf("write warc %s at %d: %w", w.name, w.size, err)
	}
	w.size += int64(len(member))
	if cdx != nil && w.cdx != nil {
		cdx.loc = loc
		if _, err := w.cdx.WriteString(cdx.line()); err != nil {
			return Location{}, fmt.Errorf("write cdxj for %s: %w", w.name, err)
		}
	}
	return loc, nil
}

// linked returns the record to write for r: r itself, or, after the file's
// warcinfo record, a copy that names it (WARC-Warcinfo-ID). r gets its
// record ID then, filled on the caller's record, as documented.
func (w *Writer) linked(r *Record) *Record {
	if r.Type == TypeWarcinfo || w.infoID == "" {
		return r
	}
	if r.ID == "" {
		r.ID = newID()
	}
	rc := *r
	rc.Fields = append([]Field{{"WARC-Warcinfo-ID", w.infoID}}, r.Fields...)
	return &rc
}

func (w *Writer) rotateLocked() error {
	if err := w.closeFileLocked(); err != nil {
		return err
	}
	for {
		w.seq++
		name := fmt.Sprintf("%s-%s-%05d-%d.warc.gz", w.opt.Prefix, time.Now().UTC().Format("20060102150405"), w.seq, os.Getpid())
		f, err := os.OpenFile(filepath.Join(w.dir, name), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if errors.Is(err, os.ErrExist) {
			continue
		}
		if err != nil {
			return fmt.Errorf("create warc file %s: %w", name, err)
		}
		cdxName := strings.TrimSuffix(name, ".warc.gz") + ".cdxj"
		cdx, err := os.OpenFile(filepath.Join(w.dir, cdxName), os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
		if err != nil {
			f.Close()
			return fmt.Errorf("create cdxj %s: %w", cdxName, err)
		}
		w.f, w.name, w.size, w.cdx = f, name, 0, cdx
		w.opt.Logger.Debug("warc file opened", "file", name)
		break
	}
	info := &Record{Type: TypeWarcinfo, ContentType: "application/warc-fields", Block: fieldsBlock(w.opt.Info), ID: newID()}
	info.Fields = append(info.Fields, Field{"WARC-Filename", w.name})
	w.infoID = ""
	if _, err := w.writeLocked(info, nil); err != nil {
		return err
	}
	w.infoID = info.ID
	return nil
}

func (w *Writer) closeFileLocked() error {
	if w.f == nil {
		return nil
	}
	var errs []error
	if err := w.f.Sync(); err != nil {
		errs = append(errs, fmt.Errorf("sync warc %s: %w", w.name, err))
	}
	if err := w.f.Close(); err != nil {
		errs = append(errs, fmt.Errorf("close warc %s: %w", w.name, err))
	}
	cdxPath := w.cdx.Name()
	if err := w.cdx.Close(); err != nil {
		errs = append(errs, fmt.Errorf("close cdxj %s: %w", cdxPath, err))
	}
	if err := SortCDXJ(cdxPath); err != nil {
		errs = append(errs, err)
	}
	w.f, w.cdx = nil, nil
	return errors.Join(errs...)
}

// EndFile finishes the current file (synced, CDXJ sorted); the next
// record starts a new one. Callers use it at the end of a crawl pass so
// the files on disk are complete even if Close is never called.
func (w *Writer) EndFile() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.closeFileLocked()
}

// Sync flushes the current file to stable storage.
func (w *Writer) Sync() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.f == nil {
		return nil
	}
	return w.f.Sync()
}

// Close finishes the current file and sorts its CDXJ index.
func (w *Writer) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return nil
	}
	w.closed = true
	return w.closeFileLocked()
}

// Exchange is one HTTP request/response pair as it went over the wire.
type Exchange struct {
	URI     string    // the request URI
	SURT    string    // CDXJ key; computed from URI when empty
	Date    time.Time // when the request was sent
	IP      string    // the server address, for WARC-IP-Address
	Request []byte    // request line and headers, CRLF-terminated, blank line included
	// ResponseHead is the status line and headers, ending with the blank line.
	ResponseHead []byte
	// Body is the response body as received (transfer coding removed,
	// content coding kept), possibly cut short.
	Body []byte
	// Truncated names why Body is incomplete ("length", "time",
	// "disconnect"), empty when complete.
	Truncated string
	Status    int
	MIME      string // the response's media type, for the CDXJ index
}

// PayloadDigest returns the WARC digest ("sha1:BASE32") of b.
func PayloadDigest(b []byte) string {
	s := sha1.Sum(b)
	return "sha1:" + base32.StdEncoding.EncodeToString(s[:])
}

// WriteExchange writes a request record and the response record that
// answers it, linked by WARC-Concurrent-To, and indexes the response in the
// CDXJ file. It returns the response's location.
func (w *Writer) WriteExchange(ex *Exchange) (Location, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if err := w.readyLocked(); err != nil {
		return Location{}, err
	}
	reqID, respID := newID(), newID()
	date := ex.Date.UTC()
	req := &Record{Type: TypeRequest, TargetURI: ex.URI, Date: date, ID: reqID,
		ContentType: "application/http;msgtype=request", Block: ex.Request,
		Fields: []Field{{"WARC-Concurrent-To", respID}}}
	if _, err := w.writeLocked(req, nil); err != nil {
		return Location{}, err
	}
	digest := PayloadDigest(ex.Body)
	resp := &Record{Type: TypeResponse, TargetURI: ex.URI, Date: date, ID: respID,
		ContentType: "application/http;msgtype=response",
		Block:       concat(ex.ResponseHead, ex.Body),
		Fields:      []Field{{"WARC-Concurrent-To", reqID}, {"WARC-Payload-Digest", digest}}}
	if ex.IP != "" {
		resp.Fields = append(resp.Fields, Field{"WARC-IP-Address", ex.IP})
	}
	if ex.Truncated != "" {
		resp.Fields = append(resp.Fields, Field{"WARC-Truncated", ex.Truncated})
	}
	return w.writeLocked(resp, w.entry(ex, ex.MIME, digest))
}

// Revisit names the earlier capture a revisit record refers to.
type Revisit struct {
	Profile       string    // ProfileIdenticalPayload or ProfileServerNotModified
	RefersToURI   string    // the earlier capture's target URI
	RefersToDate  time.Time // the earlier capture's date
	PayloadDigest string    // the earlier (identical) payload's digest, if known
}

// WriteRevisit writes a request record and a revisit record for an
// exchange whose content was already archived: only the response head is
// kept in the block, as both revisit profiles allow.
func (w *Writer) WriteRevisit(ex *Exchange, rv Revisit) (Location, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if err := w.readyLocked(); err != nil {
		return Location{}, err
	}
	reqID, revID := newID(), newID()
	date := ex.Date.UTC()
	req := &Record{Type: TypeRequest, TargetURI: ex.URI, Date: date, ID: reqID,
		ContentType: "application/http;msgtype=request", Block: ex.Request,
		Fields: []Field{{"WARC-Concurrent-To", revID}}}
	if _, err := w.writeLocked(req, nil); err != nil {
		return Location{}, err
	}
	rec := &Record{Type: TypeRevisit, TargetURI: ex.URI, Date: date, ID: revID,
		ContentType: "application/http;msgtype=response", Block: ex.ResponseHead,
		Fields: []Field{{"WARC-Concurrent-To", reqID}, {"WARC-Profile", rv.Profile}}}
	if rv.RefersToURI != "" {
		rec.Fields = append(rec.Fields, Field{"WARC-Refers-To-Target-URI", rv.RefersToURI})
	}
	if !rv.RefersToDate.IsZero() {
		rec.Fields = append(rec.Fields, Field{"WARC-Refers-To-Date", rv.RefersToDate.UTC().Format(time.RFC3339)})
	}
	if rv.PayloadDigest != "" {
		rec.Fields = append(rec.Fields, Field{"WARC-Payload-Digest", rv.PayloadDigest})
	}
	if ex.IP != "" {
		rec.Fields = append(rec.Fields, Field{"WARC-IP-Address", ex.IP})
	}
	return w.writeLocked(rec, w.entry(ex, "warc/revisit", rv.PayloadDigest))
}

func (w *Writer) entry(ex *Exchange, mime, digest string) *cdxEntry {
	key := ex.SURT
	if key == "" {
		key = SURT(ex.URI)
	}
	return &cdxEntry{key: key, date: ex.Date, url: ex.URI, mime: mime, status: ex.Status, digest: digest}
}

func concat(a, b []byte) []byte {
	out := make([]byte, 0, len(a)+len(b))
	return append(append(out, a...), b...)
}

// gzipPool reuses compressors: a gzip.Writer costs ~800 KB to set up,
// more than most records.
var gzipPool = sync.Pool{New: func() any { return gzip.NewWriter(io.Discard) }}

// encodeRecord renders r as one gzip member.
func encodeRecord(r *Record) ([]byte, error) {
	if r.ID == "" {
		r.ID = newID()
	}
	if r.Date.IsZero() {
		r.Date = time.Now()
	}
	var h bytes.Buffer
	h.WriteString("WARC/1.1\r\n")
	field := func(n, v string) {
		h.WriteString(n)
		h.WriteString(": ")
		h.WriteString(strings.NewReplacer("\r", " ", "\n", " ").Replace(v))
		h.WriteString("\r\n")
	}
	field("WARC-Type", r.Type)
	field("WARC-Record-ID", r.ID)
	field("WARC-Date", r.Date.UTC().Format("2006-01-02T15:04:05.000000Z"))
	if r.TargetURI != "" {
		field("WARC-Target-URI", r.TargetURI)
	}
	for _, f := range r.Fields {
		field(f.Name, f.Value)
	}
	field("WARC-Block-Digest", PayloadDigest(r.Block))
	if r.ContentType != "" {
		field("Content-Type", r.ContentType)
	}
	field("Content-Length", strconv.Itoa(len(r.Block)))
	h.WriteString("\r\n")

	var out bytes.Buffer
	zw := gzipPool.Get().(*gzip.Writer)
	defer gzipPool.Put(zw)
	zw.Reset(&out)
	for _, part := range [][]byte{h.Bytes(), r.Block, []byte("\r\n\r\n")} {
		if _, err := zw.Write(part); err != nil {
			return nil, fmt.Errorf("compress warc record %s: %w", r.ID, err)
		}
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("compress warc record %s: %w", r.ID, err)
	}
	return out.Bytes(), nil
}

func fieldsBlock(fs []Field) []byte {
	var b bytes.Buffer
	has := map[string]bool{}
	for _, f := range fs {
		has[strings.ToLower(f.Name)] = true
	}
	if !has["format"] {
		fs = append(fs, Field{"format", "WARC File Format 1.1"})
	}
	if !has["conformsto"] {
		fs = append(fs, Field{"conformsTo", "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/"})
	}
	for _, f := range fs {
		fmt.Fprintf(&b, "%s: %s\r\n", f.Name, f.Value)
	}
	return b.Bytes()
}

func newID() string {
	var u [16]byte
	_, _ = rand.Read(u[:])
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	return fmt.Sprintf("<urn:uuid:%x-%x-%x-%x-%x>", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16])
}
