package crawler

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/syndex/syndex/crawler/frontier"
	"github.com/syndex/syndex/warc"
)

// A page is recorded as fetched (its queue entry names the WARC record of
// the response) as soon as the response is archived, before the handler
// runs. A crawl killed while the handler works on it (extraction, dedup
// and indexing take far longer than the fetch) finds the entry with its
// record on restart and processes the archived response instead of
// asking the server again: nothing fetched is fetched twice.

// shouldRecordFetch reports whether f's outcome is worth recording before
// processing: a complete 2xx page response archived in the WARC, which
// the handler will see.
func shouldRecordFetch(e *frontier.Entry, f *fetch, err error) bool {
	return e.Kind == frontier.KindPage && err == nil && f.err == nil && f.warcLoc != "" && f.replay == "" &&
		f.status >= 200 && f.status < 300 && f.truncated != "time" && f.truncated != "disconnect" &&
		!f.skipped && !f.revisit
}

// haveWARC reports whether the WARC file of location loc is in this
// crawler's WARC directory (a response is only replayed from there, so
// the page's record is in the archive that keeps it).
func (c *Crawler) haveWARC(loc string) bool {
	i := strings.LastIndexByte(loc, '#')
	if i <= 0 || c.s.WARCDir == "-" {
		return false
	}
	_, err := os.Stat(filepath.Join(c.s.WARCDir, filepath.Base(loc[:i])))
	return err == nil
}

// replay answers f from the WARC record f.replay instead of the network:
// the response as archived, its content coding removed within
// MaxDecodedSize. Nothing is written to the WARC again.
func (t *transport) replay(in *http.Request, f *fetch) (*http.Response, error) {
	capt, err := readCapture(f.ctx, t.s.WARCDir, f.replay, t.s.MaxDecodedSize)
	if err != nil {
		return nil, fmt.Errorf("replay %s from %s: %w", in.URL, f.replay, err)
	}
	if capt.URI != in.URL.String() && capt.URI != f.url {
		return nil, fmt.Errorf("replay %s from %s: the record is for %s", in.URL, f.replay, capt.URI)
	}
	if capt.DecodeErr != nil {
		return nil, fmt.Errorf("replay %s from %s: %w", in.URL, f.replay, capt.DecodeErr)
	}
	f.started, f.status, f.respHead = capt.Date, capt.Status, capt.Header
	f.body, f.warcLoc, f.digest = capt.Body, f.replay, capt.PayloadDigest
	f.revisit = capt.Type == "revisit"
	if capt.Truncated == "length" {
		f.truncated = "length"
	}
	h := capt.Header.Clone()
	if h == nil {
		h = http.Header{}
	}
	h.Del("Content-Encoding")
	h.Del("Content-Length")
	h.Del("Transfer-Encoding")
	return &http.Response{
		Status: strconv.Itoa(capt.Status) + " " + http.StatusText(capt.Status), StatusCode: capt.Status,
		Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1, Header: h,
		Body: io.NopCloser(bytes.NewReader(capt.Body)), ContentLength: int64(len(capt.Body)),
		Uncompressed: true, Request: in,
	}, nil
}

// readCapture reads the response record at loc ("file.warc.gz#offset",
// as the crawler writes it) in the WARC directory dir.
func readCapture(ctx context.Context, dir, loc string, maxBody int64) (*warc.Capture, error) {
	i := strings.LastIndexByte(loc, '#')
	if i <= 0 {
		return nil, fmt.Errorf("bad WARC location %q", loc)
	}
	off, err := strconv.ParseInt(loc[i+1:], 10, 64)
	if err != nil || off < 0 {
		return nil, fmt.Errorf("bad WARC location %q", loc)
	}
	srcs, err := warc.Sources(filepath.Join(dir, filepath.Base(loc[:i])))
	if err != nil {
		return nil, err
	}
	if len(srcs) != 1 {
		return nil, fmt.Errorf("%s: not one record stream", loc[:i])
	}
	r, err := srcs[0].Open(warc.Position{Offset: off}, warc.ReadOptions{MaxBody: maxBody, All: true})
	if err != nil {
		return nil, err
	}
	defer r.Close()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	capt, err := r.Next()
	if err != nil {
		return nil, err
	}
	if capt.Offset != off {
		// The record at off was unreadable and the reader skipped on.
		return nil, errors.New("no readable record at the offset")
	}
	return capt, nil
}
