package warc

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/syndex/syndex/internal/testalloc"
)

// FuzzReader feeds arbitrary bytes to the reader as a file: it must not
// panic, must end, must report bad input as *RecordError (or refuse the
// file as not an archive), and must not blow up: each pass takes at most
// one step per input byte (plus ten) and allocates at most testalloc.Bound
// (the Reader's fixed buffers, two of 256 KiB, gzip state and the record
// parsers, fit in its fixed part).
// Those bounds count work, not time, so they hold on a loaded machine;
// SYNDEX_FUZZ_WATCH=DIR still saves an input that takes over a minute (a
// hang the bounds cannot see, e.g. a loop that neither steps nor
// allocates) to DIR/hang.
func FuzzReader(f *testing.F) {
	for _, p := range []string{"testdata/warcio.warc.gz", "testdata/handmade.arc.gz", "testdata/handmade-v2.arc", "testdata/ccnews-like.warc.gz"} {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add(gunzipAll(f, "testdata/warcio.warc.gz"))
	f.Add(badRecords(2000)) // each bad record once allocated a 1 MiB window: 2 GiB for 30 KB
	f.Add([]byte("WARC/1.1\r\nWARC-Type: response\r\nWARC-Target-URI: http://x/\r\nContent-Type: application/http\r\nContent-Length: 10\r\n\r\nHTTP/1.1 2\r\n\r\n\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if dir := os.Getenv("SYNDEX_FUZZ_WATCH"); dir != "" {
			tm := time.AfterFunc(time.Minute, func() {
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
			alloc := testalloc.Allocated(func() {
				r, err := srcs[0].Open(Position{}, ReadOptions{All: all, MaxBody: 1 << 16})
				if err != nil {
					t.Fatal(err)
				}
				defer r.Close()
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
			})
			if b := testalloc.Bound(len(data)); alloc > b {
				t.Fatalf("All %v: allocated %d MiB reading %d bytes, over %d MiB: the work grows faster than the input", all, alloc>>20, len(data), b>>20)
			}
		}
	})
}
