// Package gzfile reads a file that may be gzipped: a saved page
// (page.html.gz), a corpus file. It is the one gzip-or-plain file reader
// of extract, the evaluations and the corpus readers; web archives have
// their own member-by-member reader in package warc.
package gzfile

import (
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"strings"
)

// Gzipped reports whether a file name ends in .gz (in any case).
func Gzipped(name string) bool { return strings.HasSuffix(strings.ToLower(name), ".gz") }

// Open opens path for reading its content, gunzipped when its name ends
// in .gz. Errors are those of os.Open and gzip.NewReader, unwrapped.
func Open(path string) (io.ReadCloser, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	return content(path, f)
}

// content reads f, gunzipped when path ends in .gz; it closes f on error.
func content(path string, f *os.File) (io.ReadCloser, error) {
	if !Gzipped(path) {
		return f, nil
	}
	zr, err := gzip.NewReader(f)
	if err != nil {
		f.Close()
		return nil, err
	}
	return gzipFile{zr, f}, nil
}

type gzipFile struct {
	*gzip.Reader
	f *os.File
}

func (g gzipFile) Close() error {
	err := g.Reader.Close()
	if cerr := g.f.Close(); err == nil {
		err = cerr
	}
	return err
}

// ReadFile reads the content of path (gunzipped when its name ends in
// .gz), at most max bytes when max > 0. An error opening the file is
// os.Open's; a later one names the file.
func ReadFile(path string, max int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	rc, err := content(path, f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	defer rc.Close()
	var r io.Reader = rc
	if max > 0 {
		r = io.LimitReader(rc, max)
	}
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return b, nil
}
