package warc

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
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

// badRecords is a plain stream of n records that each start like a WARC
// record and are not one: every record is bad, and the Reader looks for
// the next start after each.
func badRecords(n int) []byte { return bytes.Repeat([]byte("WARC/1.0\r\nX\r\n\r\n"), n) }

// BenchmarkBadRecords reads 2,000 bad records (30 KB): the cost of
// skipping damage, per stream (B/op is what bounded memory allows).
//
//	go test -run XXX -bench BadRecords -benchmem ./warc/
func BenchmarkBadRecords(b *testing.B) {
	data := badRecords(2000)
	path := filepath.Join(b.TempDir(), "bad.warc")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		b.Fatal(err)
	}
	srcs, err := Sources(path)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		r, err := srcs[0].Open(Position{}, ReadOptions{})
		if err != nil {
			b.Fatal(err)
		}
		for {
			if _, err := r.Next(); err == io.EOF {
				break
			}
		}
		if r.Bad() != 2000 {
			b.Fatalf("%d bad records, want 2000", r.Bad())
		}
		r.Close()
	}
}
