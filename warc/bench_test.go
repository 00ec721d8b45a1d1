package warc

import (
	"context"
	"os"
	"testing"
)

// BenchmarkReader reads every HTML capture of a WARC, decoding bodies, with
// no extraction: the reading side of an import.
//
//	SYNDEX_BENCH_WARC=FILE go test -run XXX -bench Reader -benchtime 1x ./warc/
//
// Without SYNDEX_BENCH_WARC it reads the fixtures.
func BenchmarkReader(b *testing.B) {
	files := []string{"testdata/warcio.warc.gz", "testdata/handmade.arc.gz", "testdata/jswacz.wacz"}
	if f := os.Getenv("SYNDEX_BENCH_WARC"); f != "" {
		files = []string{f}
	}
	var size int64
	for _, f := range files {
		st, err := os.Stat(f)
		if err != nil {
			b.Fatal(err)
		}
		size += st.Size()
	}
	b.SetBytes(size)
	b.ReportAllocs()
	for range b.N {
		var n, body int64
		for c, err := range Captures(context.Background(), files, ReadOptions{}) {
			if err != nil {
				b.Fatal(err)
			}
			n++
			body += int64(len(c.Body))
		}
		b.ReportMetric(float64(n)/b.Elapsed().Seconds()*float64(b.N), "captures/s")
	}
}
