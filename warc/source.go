package warc

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Source is one stream of records to read: a WARC or ARC file (gzipped or
// not), or one WARC or ARC file inside a WACZ.
type Source struct {
	// Path is the file on disk (the .wacz for an entry of one).
	Path string
	// Entry is the record file's name inside a WACZ ("archive/x.warc.gz");
	// empty for a plain WARC or ARC file.
	Entry string
	// Size is the length of the record stream in bytes.
	Size int64
	// base is where a stored WACZ entry's data starts in Path; offsets of
	// its records are reported relative to Path, so they address the
	// record in the .wacz directly.
	base int64
	// deflated marks a WACZ entry compressed by zip itself (the WACZ
	// specification asks for stored entries); its records are read from a
	// temporary copy and their offsets are relative to the entry.
	deflated bool
}

// String names the source as messages show it: the path, and the entry
// after "!" for a file inside a WACZ.
func (s Source) String() string {
	if s.Entry == "" {
		return s.Path
	}
	return s.Path + "!" + s.Entry
}

// Base is the offset in Path where the record stream starts (non-zero for
// a WACZ entry stored without compression).
func (s Source) Base() int64 { return s.base }

// NotArchiveError reports a file that is neither a WARC, an ARC nor a WACZ.
type NotArchiveError struct {
	Path string
	Head string // the first bytes, quoted, to show what the file is instead
}

func (e *NotArchiveError) Error() string {
	return fmt.Sprintf("%s at offset 0: not a WARC, ARC or WACZ file (starts with %s)", e.Path, e.Head)
}

// ErrNotArchive is matched by errors.Is for a *NotArchiveError.
var ErrNotArchive = errors.New("not a WARC, ARC or WACZ file")

// Is lets errors.Is(err, ErrNotArchive) match.
func (e *NotArchiveError) Is(target error) bool { return target == ErrNotArchive }

// archiveExts are the names Expand picks in directories.
var archiveExts = []string{".warc", ".warc.gz", ".arc", ".arc.gz", ".wacz"}

// HasArchiveName reports whether name ends like a WARC, ARC or WACZ file.
func HasArchiveName(name string) bool {
	l := strings.ToLower(name)
	for _, e := range archiveExts {
		if strings.HasSuffix(l, e) {
			return true
		}
	}
	return false
}

// Expand turns command-line arguments into files: a file stays as given, a
// directory yields the WARC, ARC and WACZ files below it (recursively, by
// name, sorted), and a pattern with *, ? or [ is expanded as a glob. An
// argument that matches nothing is an error naming it; the others are
// still returned.
func Expand(args []string) ([]string, error) {
	var out []string
	var errs []error
	seen := map[string]bool{}
	add := func(ps []string) {
		for _, p := range ps {
			if !seen[p] {
				seen[p] = true
				out = append(out, p)
			}
		}
	}
	for _, a := range args {
		st, err := os.Stat(a)
		switch {
		case err == nil && st.IsDir():
			found, ferrs := archivesIn(a)
			errs = append(errs, ferrs...)
			add(found)
		case err == nil:
			add([]string{a})
		case strings.ContainsAny(a, "*?["):
			matches, err := globFiles(a)
			if err != nil {
				errs = append(errs, err)
			}
			add(matches)
		default:
			errs = append(errs, fmt.Errorf("%s: %w", a, err))
		}
	}
	return out, errors.Join(errs...)
}

// archivesIn returns the web archives below directory a, sorted by name,
// and what could not be read (or that there are none).
func archivesIn(a string) (found []string, errs []error) {
	werr := filepath.WalkDir(a, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			errs = append(errs, fmt.Errorf("read %s: %w", p, err))
			return nil
		}
		if !d.IsDir() && HasArchiveName(d.Name()) {
			found = append(found, p)
		}
		return nil
	})
	if werr != nil {
		errs = append(errs, werr)
	}
	if len(found) == 0 {
		errs = append(errs, fmt.Errorf("%s: no .warc, .warc.gz, .arc, .arc.gz or .wacz files in this directory", a))
	}
	sort.Strings(found)
	return found, errs
}

// globFiles returns the files (not directories) pattern a matches,
// sorted; an error when the pattern is malformed or matches nothing.
func globFiles(a string) ([]string, error) {
	matches, gerr := filepath.Glob(a)
	if gerr != nil {
		return nil, fmt.Errorf("pattern %q: %w", a, gerr)
	}
	if len(matches) == 0 {
		return nil, fmt.Errorf("%s: no file matches", a)
	}
	sort.Strings(matches)
	files := matches[:0]
	for _, m := range matches {
		if st, err := os.Stat(m); err == nil && !st.IsDir() {
			files = append(files, m)
		}
	}
	return files, nil
}

// Sources opens path and lists the record streams it holds: the file
// itself for a WARC or ARC file, each WARC or ARC file under archive/ for a
// WACZ. A file of any other kind returns a *NotArchiveError.
func Sources(path string) ([]Source, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	head := make([]byte, 512)
	n, _ := io.ReadFull(f, head)
	head = head[:n]
	if bytes.HasPrefix(head, []byte("PK\x03\x04")) {
		return waczSources(f, path, st.Size())
	}
	if err := sniffArchive(f, head); err != nil {
		return nil, &NotArchiveError{Path: path, Head: quoteHead(head)}
	}
	return []Source{{Path: path, Size: st.Size()}}, nil
}

// sniffArchive checks that a stream starts like a WARC or ARC file,
// decompressing the first gzip member's start if it is gzipped.
func sniffArchive(ra io.ReaderAt, head []byte) error {
	if isGzipStart(head) {
		start, err := gunzipStart(io.NewSectionReader(ra, 0, 1<<62), 64)
		if err != nil {
			return err
		}
		head = start
	}
	if recordStart(head) == kindNone {
		return ErrNotArchive
	}
	return nil
}

func quoteHead(b []byte) string {
	if len(b) > 24 {
		b = b[:24]
	}
	return fmt.Sprintf("%q", b)
}

// waczSources lists the WARC and ARC files of a WACZ (a zip file).
func waczSources(f *os.File, path string, size int64) ([]Source, error) {
	zr, err := zip.NewReader(f, size)
	if err != nil {
		return nil, fmt.Errorf("%s: read WACZ (zip): %w", path, err)
	}
	var out []Source
	for _, zf := range zr.File {
		name := zf.Name
		if !strings.HasPrefix(name, "archive/") || !HasArchiveName(name) || strings.HasSuffix(strings.ToLower(name), ".wacz") {
			continue
		}
		s := Source{Path: path, Entry: name, Size: int64(zf.UncompressedSize64)}
		switch zf.Method {
		case zip.Store:
			off, err := zf.DataOffset()
			if err != nil {
				return nil, fmt.Errorf("%s!%s: %w", path, name, err)
			}
			s.base = off
		default:
			s.deflated = true
		}
		out = append(out, s)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: a zip file without WARC files under archive/ (not a WACZ)", path)
	}
	return out, nil
}

// fingerprintBytes is how much of a stream its fingerprint covers.
const fingerprintBytes = 64 << 10

// Fingerprint identifies a record stream by its content (a hash of its
// first 64 KiB and, inside a WACZ, the entry's name), so a file imported
// once is recognised under another name or path, and a file that grew
// (a crawl still writing it) keeps its identity.
func (s Source) Fingerprint() (string, error) {
	rc, err := s.open()
	if err != nil {
		return "", err
	}
	defer rc.Close()
	h := sha256.New()
	if _, err := io.Copy(h, io.LimitReader(rc.r, fingerprintBytes)); err != nil {
		return "", fmt.Errorf("%s: %w", s, err)
	}
	if s.Entry != "" {
		h.Write([]byte("\x00" + s.Entry))
	}
	return hex.EncodeToString(h.Sum(nil)[:16]), nil
}

// opened is a source opened for reading: r reads the stream from its
// start; ra reads it at offsets relative to the stream.
type opened struct {
	ra    io.ReaderAt
	r     io.Reader
	close func() error
}

func (o *opened) Close() error { return o.close() }

// open gives random access to the record stream. A deflated WACZ entry is
// first copied to a temporary file, removed on Close.
func (s Source) open() (*opened, error) {
	f, err := os.Open(s.Path)
	if err != nil {
		return nil, err
	}
	if s.Entry == "" {
		return &opened{ra: f, r: io.NewSectionReader(f, 0, s.Size), close: f.Close}, nil
	}
	if !s.deflated {
		sec := io.NewSectionReader(f, s.base, s.Size)
		return &opened{ra: sec, r: io.NewSectionReader(f, s.base, s.Size), close: f.Close}, nil
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	zr, err := zip.NewReader(f, st.Size())
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", s.Path, err)
	}
	zf, err := zr.Open(s.Entry)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", s, err)
	}
	tmp, err := os.CreateTemp("", "syndex-wacz-entry-*")
	if err != nil {
		zf.Close()
		f.Close()
		return nil, err
	}
	os.Remove(tmp.Name()) // unlinked: the space is freed when it is closed
	_, err = io.Copy(tmp, zf)
	zf.Close()
	f.Close()
	if err != nil {
		tmp.Close()
		return nil, fmt.Errorf("%s: inflate: %w", s, err)
	}
	return &opened{ra: tmp, r: io.NewSectionReader(tmp, 0, s.Size), close: tmp.Close}, nil
}
