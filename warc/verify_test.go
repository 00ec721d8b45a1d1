package warc

import (
	"os"
	"path/filepath"
	"testing"
)

// TestVerify writes a WARC file, damages it in the ways a crash or a bad
// disk does, and checks what Verify finds.
func TestVerify(t *testing.T) {
	dir := t.TempDir()
	w, err := NewWriter(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var locs []Location
	for _, u := range []string{"http://127.0.0.1:8080/a", "http://127.0.0.1:8080/b", "http://127.0.0.1:8080/c"} {
		loc, err := w.WriteExchange(exchange(u, "<p>"+u+"</p>", ""))
		if err != nil {
			t.Fatal(err)
		}
		locs = append(locs, loc)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, locs[0].File)
	clean, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	b := locs[1] // the second response record
	tests := []struct {
		name      string
		damage    func([]byte) []byte
		responses int
		bad       int
		tail      int64 // -1: the file ends cleanly
	}{
		{"clean", func(f []byte) []byte { return f }, 3, 0, -1},
		{"zero padding at the end", func(f []byte) []byte { return append(f, make([]byte, 100)...) }, 3, 0, -1},
		{"torn end", func(f []byte) []byte { return f[:len(f)-10] }, 2, 1, -2},
		{"garbage appended", func(f []byte) []byte { return append(f, "not a gzip member"...) }, 3, 1, int64(len(clean))},
		{"a flipped byte inside a record", func(f []byte) []byte {
			f = append([]byte(nil), f...)
			f[b.Offset+b.Length/2] ^= 0xff
			return f
		}, 2, 1, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "x.warc.gz")
			if err := os.WriteFile(p, tt.damage(clean), 0o644); err != nil {
				t.Fatal(err)
			}
			v, err := Verify(p)
			if err != nil {
				t.Fatal(err)
			}
			responses := 0
			for _, r := range v.Records {
				if r.Type == "response" {
					responses++
					if v.ByOffset[r.Offset] == nil || r.Status != 200 || r.MIME != "text/html" || r.PayloadDigest == "" {
						t.Errorf("response %+v", r)
					}
				}
			}
			if responses != tt.responses || len(v.Bad) != tt.bad {
				t.Errorf("%d responses, %d bad spans %v; want %d, %d", responses, len(v.Bad), v.Bad, tt.responses, tt.bad)
			}
			switch {
			case tt.tail == -2 && (v.Tail < 0 || v.Tail != v.GoodEnd()):
				t.Errorf("tail %d, want the torn record's start %d", v.Tail, v.GoodEnd())
			case tt.tail != -2 && v.Tail != tt.tail:
				t.Errorf("tail %d, want %d", v.Tail, tt.tail)
			}
		})
	}
	if _, err := Verify(filepath.Join(dir, "missing.warc.gz")); err == nil {
		t.Error("a missing file verified")
	}
}
