package warc

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// FuzzReader feeds arbitrary bytes to the reader as a file: it must not
// panic, must end, and must report bad input as *RecordError (or refuse
// the file as not an archive).
func FuzzReader(f *testing.F) {
	for _, p := range []string{"testdata/warcio.warc.gz", "testdata/handmade.arc.gz", "testdata/handmade-v2.arc", "testdata/ccnews-like.warc.gz"} {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add(gunzipAll(f, "testdata/warcio.warc.gz"))
	f.Add([]byte("WARC/1.1\r\nWARC-Type: response\r\nWARC-Target-URI: http://x/\r\nContent-Type: application/http\r\nContent-Length: 10\r\n\r\nHTTP/1.1 2\r\n\r\n\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if dir := os.Getenv("SYNDEX_FUZZ_WATCH"); dir != "" {
			tm := time.AfterFunc(5*time.Second, func() {
				os.WriteFile(filepath.Join(dir, "hang"), data, 0o644)
				panic("slow input saved")
			})
			defer tm.Stop()
		}
		path := filepath.Join(t.TempDir(), "f.warc")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		srcs, err := Sources(path)
		if err != nil {
			return
		}
		for _, all := range []bool{false, true} {
			r, err := srcs[0].Open(Position{}, ReadOptions{All: all, MaxBody: 1 << 16})
			if err != nil {
				t.Fatal(err)
			}
			for i := 0; ; i++ {
				if i > len(data)+10 {
					t.Fatalf("reader does not advance (%d steps on %d bytes)", i, len(data))
				}
				_, err := r.Next()
				if err == io.EOF {
					break
				}
				var re *RecordError
				if err != nil && !errors.As(err, &re) {
					t.Fatalf("unexpected error %v", err)
				}
			}
			r.Close()
		}
	})
}
