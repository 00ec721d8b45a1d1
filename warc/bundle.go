package warc

import (
	"archive/zip"
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/syndex/syndex/internal/countio"
)

// Bundle collects archived records (from this archive's WARC files or from
// imported ones, WARC or ARC) into one new WARC file, with a CDXJ index and
// a page list, and writes it out as a .warc.gz or as a WACZ (Web Archive
// Collection Zipped, version 1.1.1) that replay tools such as
// replayweb.page open. The WARC is built in a temporary file, so a
// selection of any size is copied with bounded memory.
type Bundle struct {
	tmp   *os.File
	name  string // the WARC's name inside a WACZ and in the CDXJ
	size  int64
	cdx   []string
	pages []Page
	seen  map[string]bool
}

// Page is an entry of a WACZ's page list: a capture worth opening.
type Page struct {
	URL   string    `json:"url"`
	Date  time.Time `json:"-"`
	Title string    `json:"title,omitempty"`
}

// maxBundleBlock bounds the block of a record copied into a bundle.
const maxBundleBlock = 64 << 20

// NewBundle starts a bundle whose WARC is called name (e.g.
// "data.warc.gz"); info is written in its warcinfo record.
func NewBundle(name string, info []Field) (*Bundle, error) {
	tmp, err := os.CreateTemp("", "syndex-bundle-*.warc.gz")
	if err != nil {
		return nil, err
	}
	os.Remove(tmp.Name()) // freed on Close
	b := &Bundle{tmp: tmp, name: name, seen: map[string]bool{}}
	rec := &Record{Type: TypeWarcinfo, ContentType: "application/warc-fields", Block: fieldsBlock(info),
		Fields: []Field{{"WARC-Filename", name}}}
	if err := b.write(rec, nil); err != nil {
		tmp.Close()
		return nil, err
	}
	return b, nil
}

// Close releases the temporary file.
func (b *Bundle) Close() error { return b.tmp.Close() }

// Len is how many captures were added.
func (b *Bundle) Len() int { return len(b.cdx) }

// Add copies the record at loc (see Capture.Location) into the bundle as
// the capture of uri at date (an article's URL and fetch date), and lists
// it as a page titled title. A record whose target is another URI (a
// revisit resolved to its original) is written under uri; an ARC record is
// converted to a WARC response. Adding the same capture twice writes it
// once.
func (b *Bundle) Add(loc, uri string, date time.Time, title string) error {
	key := loc + " " + uri
	if b.seen[key] {
		return nil
	}
	var raw bytes.Buffer
	if err := ReadRaw(&raw, loc, maxBundleBlock); err != nil {
		return err
	}
	rec, err := recordFromRaw(raw.Bytes())
	if err != nil {
		return fmt.Errorf("%s: %w", loc, err)
	}
	if rec.TargetURI != uri {
		rec.TargetURI, rec.ID = uri, ""
		if !date.IsZero() {
			rec.Date = date
		}
		rec.Fields = slices.DeleteFunc(rec.Fields, func(f Field) bool { return strings.EqualFold(f.Name, "WARC-Refers-To") })
	}
	status, payload, mime := rec.payload()
	digest := fieldValue(rec.Fields, "WARC-Payload-Digest")
	if digest == "" {
		digest = PayloadDigest(payload)
		rec.Fields = append(rec.Fields, Field{"WARC-Payload-Digest", digest})
	}
	entry := &cdxEntry{key: SURT(rec.TargetURI), date: rec.Date, url: rec.TargetURI, mime: mime, status: status, digest: digest}
	if err := b.write(rec, entry); err != nil {
		return err
	}
	b.seen[key] = true
	b.pages = append(b.pages, Page{URL: uri, Date: rec.Date, Title: title})
	return nil
}

// payload returns the record's HTTP status (0: its block is not an HTTP
// message), its payload and the payload's media type.
func (r *Record) payload() (status int, payload []byte, mime string) {
	status, h := parseHTTPHead(r.Block)
	if status == 0 {
		return 0, r.Block, mediaType(r.ContentType)
	}
	payload = r.Block
	if i := bytes.Index(payload, []byte("\r\n\r\n")); i >= 0 {
		payload = payload[i+4:]
	}
	return status, payload, mediaType(h.Get("Content-Type"))
}

func (b *Bundle) write(r *Record, entry *cdxEntry) error {
	member, err := encodeRecord(r)
	if err != nil {
		return err
	}
	if _, err := b.tmp.Write(member); err != nil {
		return fmt.Errorf("write bundle: %w", err)
	}
	if entry != nil {
		entry.loc = Location{File: b.name, Offset: b.size, Length: int64(len(member))}
		b.cdx = append(b.cdx, entry.line())
	}
	b.size += int64(len(member))
	return nil
}

// recordFromRaw parses a record as ReadRaw returns it (a WARC record, or an
// ARC record turned into a WARC response).
func recordFromRaw(raw []byte) (*Record, error) {
	switch recordStart(raw) {
	case kindWARC:
		return warcFromRaw(raw)
	case kindARC:
		return arcFromRaw(raw), nil
	}
	return nil, fmt.Errorf("no WARC or ARC record")
}

// warcFromRaw parses a WARC record, keeping the fields a bundle writes
// again as they were.
func warcFromRaw(raw []byte) (*Record, error) {
	i := bytes.Index(raw, []byte("\r\n\r\n"))
	if i < 0 {
		return nil, fmt.Errorf("WARC header without its end")
	}
	r := &Record{Block: raw[i+4:]}
	for _, l := range strings.Split(string(raw[:i]), "\r\n")[1:] {
		if k, v, ok := strings.Cut(l, ":"); ok {
			r.setField(strings.TrimSpace(k), strings.TrimSpace(v))
		}
	}
	if r.Type == TypeRevisit {
		return nil, fmt.Errorf("a revisit record carries no payload to replay")
	}
	return r, nil
}

// setField sets the WARC header field k of a record read back: the ones
// Record names, the others kept in Fields, except those recomputed or
// naming records a bundle does not hold.
func (r *Record) setField(k, v string) {
	switch strings.ToLower(k) {
	case "warc-type":
		r.Type = v
	case "warc-record-id":
		r.ID = v
	case "warc-date":
		r.Date = parseWARCDate(v)
	case "warc-target-uri":
		r.TargetURI = strings.Trim(v, "<>")
	case "content-type":
		r.ContentType = v
	case "content-length", "warc-block-digest", "warc-warcinfo-id", "warc-concurrent-to", "warc-filename":
		// recomputed, or naming records the bundle does not hold
	default:
		r.Fields = append(r.Fields, Field{k, v})
	}
}

// arcFromRaw turns an ARC record into a WARC response (a resource when its
// block has no HTTP head).
func arcFromRaw(raw []byte) *Record {
	line, block, _ := bytes.Cut(raw, []byte("\n"))
	f := strings.Fields(string(line))
	r := &Record{Type: TypeResponse, TargetURI: f[0], Date: parseARCDate(f[2]), Block: block,
		ContentType: "application/http; msgtype=response"}
	if f[1] != "-" && f[1] != "0.0.0.0" {
		r.Fields = append(r.Fields, Field{"WARC-IP-Address", f[1]})
	}
	if _, h := parseHTTPHead(block); h == nil {
		r.Type, r.ContentType = "resource", f[3]
	}
	return r
}

func fieldValue(fs []Field, name string) string {
	for _, f := range fs {
		if strings.EqualFold(f.Name, name) {
			return f.Value
		}
	}
	return ""
}

// WriteWARC writes the bundle's WARC (gzip per record) to w.
func (b *Bundle) WriteWARC(w io.Writer) error {
	_, err := io.Copy(w, io.NewSectionReader(b.tmp, 0, b.size))
	return err
}

// WriteCDXJ writes the bundle's CDXJ index, sorted.
func (b *Bundle) WriteCDXJ(w io.Writer) error {
	lines := slices.Clone(b.cdx)
	slices.Sort(lines)
	for _, l := range lines {
		if _, err := io.WriteString(w, l); err != nil {
			return err
		}
	}
	return nil
}

// WACZInfo describes a WACZ collection.
type WACZInfo struct {
	Title       string
	Description string
	Software    string
	Created     time.Time // default now
}

// WriteWACZ writes the bundle as a WACZ: archive/NAME (stored, so replay
// tools can read records by offset), indexes/index.cdxj,
// pages/pages.jsonl, datapackage.json (every file with its size and
// SHA-256) and datapackage-digest.json.
func (b *Bundle) WriteWACZ(w io.Writer, info WACZInfo) error {
	if info.Created.IsZero() {
		info.Created = time.Now()
	}
	z := &waczWriter{zw: zip.NewWriter(w), created: info.Created}
	if err := z.add("archive/"+b.name, zip.Store, b.WriteWARC); err != nil {
		return err
	}
	if err := z.add("indexes/index.cdxj", zip.Deflate, b.WriteCDXJ); err != nil {
		return err
	}
	if err := z.add("pages/pages.jsonl", zip.Deflate, b.writePages); err != nil {
		return err
	}
	dpJSON, err := json.MarshalIndent(b.datapackage(info, z.resources), "", "  ")
	if err != nil {
		return err
	}
	if err := z.file("datapackage.json", dpJSON); err != nil {
		return err
	}
	sum := sha256.Sum256(dpJSON)
	digest, _ := json.MarshalIndent(map[string]string{"path": "datapackage.json", "hash": "sha256:" + hex.EncodeToString(sum[:])}, "", "  ")
	if err := z.file("datapackage-digest.json", digest); err != nil {
		return err
	}
	return z.zw.Close()
}

// waczWriter writes a WACZ's files, listing the data files as resources
// of its data package.
type waczWriter struct {
	zw        *zip.Writer
	created   time.Time
	resources []waczResource
}

// waczResource is a data file as datapackage.json lists it.
type waczResource struct {
	Name  string `json:"name"`
	Path  string `json:"path"`
	Hash  string `json:"hash"`
	Bytes int64  `json:"bytes"`
}

// add writes the data file path, stored with method, and lists it with its
// size and SHA-256.
func (z *waczWriter) add(path string, method uint16, write func(io.Writer) error) error {
	fw, err := z.zw.CreateHeader(&zip.FileHeader{Name: path, Method: method, Modified: z.created})
	if err != nil {
		return err
	}
	h := sha256.New()
	cw := &countio.Writer{W: io.MultiWriter(fw, h)}
	if err := write(cw); err != nil {
		return fmt.Errorf("wacz %s: %w", path, err)
	}
	z.resources = append(z.resources, waczResource{Name: path[strings.LastIndexByte(path, '/')+1:], Path: path, Hash: hashString(h), Bytes: cw.N})
	return nil
}

// file writes the (deflated) file name holding data.
func (z *waczWriter) file(name string, data []byte) error {
	fw, err := z.zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: z.created})
	if err != nil {
		return err
	}
	_, err = fw.Write(data)
	return err
}

// datapackage is the WACZ's datapackage.json: what it is, when and by what
// it was made, and its data files.
func (b *Bundle) datapackage(info WACZInfo, resources []waczResource) map[string]any {
	dp := map[string]any{
		"profile":      "data-package",
		"wacz_version": "1.1.1",
		"title":        info.Title,
		"created":      info.Created.UTC().Format(time.RFC3339),
		"software":     info.Software,
		"resources":    resources,
	}
	if info.Description != "" {
		dp["description"] = info.Description
	}
	if len(b.pages) > 0 {
		dp["mainPageURL"] = b.pages[0].URL
		dp["mainPageDate"] = b.pages[0].Date.UTC().Format(time.RFC3339)
	}
	return dp
}

func (b *Bundle) writePages(w io.Writer) error {
	bw := bufio.NewWriter(w)
	bw.WriteString(`{"format": "json-pages-1.0", "id": "pages", "title": "All Pages"}` + "\n")
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	for i, p := range b.pages {
		if err := enc.Encode(struct {
			ID    string `json:"id"`
			URL   string `json:"url"`
			TS    string `json:"ts"`
			Title string `json:"title,omitempty"`
		}{strconv.Itoa(i + 1), p.URL, p.Date.UTC().Format(time.RFC3339), p.Title}); err != nil {
			return err
		}
	}
	return bw.Flush()
}

func hashString(h hash.Hash) string { return "sha256:" + hex.EncodeToString(h.Sum(nil)) }
