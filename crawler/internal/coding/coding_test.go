package coding

import (
	"bytes"
	"compress/gzip"
	"errors"
	"testing"
)

func TestDecodeContentBomb(t *testing.T) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(make([]byte, 8<<20))
	zw.Close()
	if _, err := Decode("gzip", buf.Bytes(), 1<<20); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("bomb: err = %v", err)
	}
	out, err := Decode("gzip", buf.Bytes(), 16<<20)
	if err != nil || len(out) != 8<<20 {
		t.Fatalf("within limit: %d bytes, %v", len(out), err)
	}
}

// FuzzDecodeContent: no content-coded body decodes to more than the
// limit, whatever it claims.
func FuzzDecodeContent(f *testing.F) {
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(bytes.Repeat([]byte("<div>"), 100000))
	zw.Close()
	f.Add("gzip", gz.Bytes())
	f.Add("deflate", []byte{0x4b, 0x4c, 0x4a, 0x06, 0x00})
	f.Add("br", []byte("x"))
	f.Add("", []byte("plain"))
	f.Fuzz(func(t *testing.T, coding string, raw []byte) {
		const limit = 64 << 10
		out, err := Decode(coding, raw, limit)
		if err == nil && coding != "" && coding != "identity" && len(out) > limit {
			t.Fatalf("decoded %d bytes, limit %d", len(out), limit)
		}
	})
}
