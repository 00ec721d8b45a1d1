package fetch

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/syndex/syndex/warc"
)

// replay answers f from the WARC record f.Replay instead of the network:
// the response as archived, its content coding removed within
// MaxDecodedSize. Nothing is written to the WARC again.
func (t *transport) replay(in *http.Request, f *Fetch) (*http.Response, error) {
	capt, err := readCapture(f.Ctx, t.s.WARCDir, f.Replay, t.s.MaxDecodedSize)
	if err != nil {
		return nil, fmt.Errorf("replay %s from %s: %w", in.URL, f.Replay, err)
	}
	if capt.URI != in.URL.String() && capt.URI != f.URL {
		return nil, fmt.Errorf("replay %s from %s: the record is for %s", in.URL, f.Replay, capt.URI)
	}
	if capt.DecodeErr != nil {
		return nil, fmt.Errorf("replay %s from %s: %w", in.URL, f.Replay, capt.DecodeErr)
	}
	f.Started, f.Status, f.RespHead = capt.Date, capt.Status, capt.Header
	f.Body, f.WARC, f.Digest = capt.Body, f.Replay, capt.PayloadDigest
	f.Revisit = capt.Type == "revisit"
	if capt.Truncated == "length" {
		f.Truncated = "length"
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
	file, off, ok := splitLocation(loc)
	if !ok {
		return nil, fmt.Errorf("bad WARC location %q", loc)
	}
	srcs, err := warc.Sources(filepath.Join(dir, filepath.Base(file)))
	if err != nil {
		return nil, err
	}
	if len(srcs) != 1 {
		return nil, fmt.Errorf("%s: not one record stream", file)
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

// splitLocation splits a capture's WARC location, "file#offset".
func splitLocation(loc string) (file string, off int64, ok bool) {
	i := strings.LastIndexByte(loc, '#')
	if i <= 0 {
		return "", 0, false
	}
	off, err := strconv.ParseInt(loc[i+1:], 10, 64)
	if err != nil || off < 0 {
		return "", 0, false
	}
	return loc[:i], off, true
}
