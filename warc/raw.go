package warc

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/klauspost/compress/gzip"
)

// ParseLocation splits a location written by Capture.Location (or by the
// crawler, "file.warc.gz#offset") into the source and the record's offset
// and index in its gzip member.
func ParseLocation(loc string) (src Source, offset int64, index int, err error) {
	i := strings.LastIndexByte(loc, '#')
	if i < 0 {
		return Source{}, 0, 0, fmt.Errorf("warc location %q has no #offset", loc)
	}
	path, num := loc[:i], loc[i+1:]
	if o, idx, ok := strings.Cut(num, "+"); ok {
		index, err = strconv.Atoi(idx)
		if err != nil || index < 0 {
			return Source{}, 0, 0, fmt.Errorf("warc location %q: bad record index", loc)
		}
		num = o
	}
	offset, err = strconv.ParseInt(num, 10, 64)
	if err != nil || offset < 0 {
		return Source{}, 0, 0, fmt.Errorf("warc location %q: bad offset", loc)
	}
	if path == "" {
		return Source{}, 0, 0, fmt.Errorf("warc location %q has no file", loc)
	}
	return locationSource(path), offset, index, nil
}

// locationSource is the source a location's path names: the file, or,
// when no such file exists, "x.wacz!archive/y.warc.gz", a zip-compressed
// entry of a WACZ.
func locationSource(path string) Source {
	if _, err := os.Stat(path); err != nil {
		if j := strings.LastIndex(path, ".wacz!"); j >= 0 {
			return Source{Path: path[:j+5], Entry: path[j+6:], deflated: true}
		}
	}
	return Source{Path: path}
}

// ReadRaw copies the record at loc (see Capture.Location), as archived, to
// w: its header and at most max bytes of its block, decompressed when its
// file is gzipped.
func ReadRaw(w io.Writer, loc string, max int64) error {
	src, off, idx, err := ParseLocation(loc)
	if err != nil {
		return err
	}
	if src, err = src.sized(); err != nil {
		return err
	}
	o, err := src.open()
	if err != nil {
		return err
	}
	defer o.Close()
	if off >= src.Size {
		return fmt.Errorf("%s: offset %d is past the end (%d bytes)", src, off, src.Size)
	}
	in, err := memberReader(bufio.NewReaderSize(io.NewSectionReader(o.ra, off, src.Size-off), 64<<10))
	if err != nil {
		return fmt.Errorf("%s at offset %d: %w", src, off, err)
	}
	for i := 0; i < idx; i++ {
		if err := copyRecord(io.Discard, in, 1<<62); err != nil {
			return fmt.Errorf("%s at offset %d: record %d: %w", src, off, i, err)
		}
		skipNewlines(in)
	}
	if err := copyRecord(w, in, max); err != nil {
		return fmt.Errorf("%s at offset %d: %w", src, off, err)
	}
	return nil
}

// sized completes a Source parsed from a location with its size: a WACZ
// entry's as the WACZ lists it, a file's from the file system.
func (src Source) sized() (Source, error) {
	if src.Entry == "" {
		st, err := os.Stat(src.Path)
		if err != nil {
			return src, err
		}
		src.Size = st.Size()
		return src, nil
	}
	srcs, err := Sources(src.Path)
	if err != nil {
		return src, err
	}
	found := false
	for _, s := range srcs {
		if s.Entry == src.Entry {
			src, found = s, true
		}
	}
	if !found {
		return src, fmt.Errorf("%s: no entry %s", src.Path, src.Entry)
	}
	return src, nil
}

// copyRecord copies one WARC or ARC record from in to w, cutting its block
// at max bytes.
func copyRecord(w io.Writer, in *bufio.Reader, max int64) error {
	hdrLen, length, err := peekRecordSize(in)
	if err != nil {
		return err
	}
	if _, err := io.CopyN(w, in, int64(hdrLen)); err != nil {
		return err
	}
	n, err := io.CopyN(w, in, min(length, max))
	if err != nil {
		return blockErr(n, length, err)
	}
	if length > max {
		_, err := io.CopyN(io.Discard, in, length-max)
		return err
	}
	return nil
}

// memberReader reads in from its start, through gzip when a gzip member
// starts there (that member only).
func memberReader(in *bufio.Reader) (*bufio.Reader, error) {
	if head, _ := in.Peek(3); !isGzipStart(head) {
		return in, nil
	}
	zr, err := gzip.NewReader(in)
	if err != nil {
		return nil, err
	}
	zr.Multistream(false)
	return bufio.NewReaderSize(zr, 64<<10), nil
}

// peekRecordSize reads the header of the WARC or ARC record that starts
// in without consuming it: its length and its block's.
func peekRecordSize(in *bufio.Reader) (hdrLen int, length int64, err error) {
	head, _ := in.Peek(512)
	switch recordStart(head) {
	case kindWARC:
		hdr, err := peekHeader(in)
		if err != nil {
			return 0, 0, err
		}
		f := parseFields(hdr)
		length, err = strconv.ParseInt(strings.TrimSpace(f["content-length"]), 10, 64)
		if err != nil {
			return 0, 0, errors.New("WARC record without a valid Content-Length")
		}
		return len(hdr), length, nil
	case kindARC:
		b, _ := in.Peek(min(in.Size(), 16<<10))
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			return 0, 0, errors.New("ARC header line cut short")
		}
		fields := strings.Fields(string(b[:i]))
		length, err = strconv.ParseInt(fields[len(fields)-1], 10, 64)
		if err != nil {
			return 0, 0, errors.New("ARC header line without a length")
		}
		return i + 1, length, nil
	}
	return 0, 0, fmt.Errorf("no WARC or ARC record here (found %s)", quoteHead(head))
}

// locate turns a location into the source holding the record and the
// record's position in that source's stream.
func locate(loc string) (Source, Position, error) {
	src, off, idx, err := ParseLocation(loc)
	if err != nil {
		return Source{}, Position{}, err
	}
	srcs, err := Sources(src.Path)
	if err != nil {
		return Source{}, Position{}, err
	}
	for _, s := range srcs {
		if pos, ok := s.positionOf(src, off, idx); ok {
			return s, pos, nil
		}
	}
	return Source{}, Position{}, fmt.Errorf("warc location %q: no record stream there", loc)
}

// positionOf returns the position in s of record idx at offset off of a
// location's source at: in s when at names s's WACZ entry, or, for a
// plain file, when off falls in s's record stream.
func (s Source) positionOf(at Source, off int64, idx int) (Position, bool) {
	switch {
	case at.Entry != "" && s.Entry == at.Entry:
		return Position{Offset: off, Skip: idx}, true
	case at.Entry == "" && !s.deflated && off >= s.base && off < s.base+s.Size:
		return Position{Offset: off - s.base, Skip: idx}, true
	}
	return Position{}, false
}

// ReadCapture reads the one capture at loc (see Capture.Location), for
// instance the original a revisit record refers to. opt.All is implied.
func ReadCapture(loc string, opt ReadOptions) (*Capture, error) {
	s, pos, err := locate(loc)
	if err != nil {
		return nil, err
	}
	opt.All = true
	r, err := s.Open(pos, opt)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	c, err := r.Next()
	if err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return nil, fmt.Errorf("read %s: %w", loc, err)
	}
	if c.Offset != pos.Offset+s.base || c.Index != pos.Skip {
		return nil, fmt.Errorf("read %s: no capture at that offset (the next one is at %d)", loc, c.Offset)
	}
	return c, nil
}
