package gzfile

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestReadFile(t *testing.T) {
	dir := t.TempDir()
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte("<p>zipped</p>"))
	zw.Close()
	files := map[string][]byte{
		"page.html":    []byte("<p>plain</p>"),
		"page.html.gz": gz.Bytes(),
		"PAGE.HTML.GZ": gz.Bytes(),
		"bad.html.gz":  []byte("<html>not gzip at all</html>"),
	}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name    string
		max     int64
		want    string
		wantErr string
	}{
		{"page.html", 0, "<p>plain</p>", ""},
		{"page.html", 4, "<p>p", ""},
		{"page.html.gz", 0, "<p>zipped</p>", ""},
		{"PAGE.HTML.GZ", 0, "<p>zipped</p>", ""},
		{"bad.html.gz", 0, "", "bad.html.gz: gzip: invalid header"},
		{"none.html", 0, "", "no such file"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b, err := ReadFile(filepath.Join(dir, tc.name), tc.max)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || string(b) != tc.want {
				t.Fatalf("got %q, %v; want %q", b, err, tc.want)
			}
		})
	}
	if _, err := ReadFile(filepath.Join(dir, "none"), 0); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file: %v, want fs.ErrNotExist", err)
	}
	if _, err := Open(filepath.Join(dir, "bad.html.gz")); !errors.Is(err, gzip.ErrHeader) || strings.Contains(err.Error(), "bad.html.gz") {
		t.Errorf("Open of a bad gzip file: %v, want gzip.ErrHeader unwrapped", err)
	}
}
