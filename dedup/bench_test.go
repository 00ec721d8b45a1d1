package dedup_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"syscall"
	"testing"
	"time"

	"github.com/syndex/syndex/article"
	"github.com/syndex/syndex/dedup"
	"github.com/syndex/syndex/dedup/synth"
)

// benchInput encodes a synthetic set of ~2.7 KB articles.
func benchInput(b *testing.B, stories int) ([]byte, int) {
	b.Helper()
	opt := synth.Default()
	opt.Stories = stories
	arts := synth.Generate(opt, 42)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	var text int
	for _, a := range arts {
		text += len(a.Text)
		if err := enc.Encode(a); err != nil {
			b.Fatal(err)
		}
	}
	b.Logf("%d articles, mean text %d bytes", len(arts), text/len(arts))
	return buf.Bytes(), len(arts)
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkRun reports docs/s (wall) and the CPU time per document, which
// stays meaningful on a shared machine: 2 cores / cpu-µs/doc bounds the
// throughput on an idle 2-core machine.
func BenchmarkRun(b *testing.B) {
	in, n := benchInput(b, 1500)
	b.SetBytes(int64(len(in)))
	c0 := cpuTime()
	for b.Loop() {
		if _, err := dedup.Run(context.Background(), bytes.NewReader(in), io.Discard, dedup.DefaultConfig()); err != nil {
			b.Fatal(err)
		}
	}
	docs := float64(n * b.N)
	b.ReportMetric(docs/b.Elapsed().Seconds(), "docs/s")
	b.ReportMetric(float64((cpuTime()-c0).Microseconds())/docs, "cpu-µs/doc")
}

func BenchmarkIndexAdd(b *testing.B) {
	opt := synth.Default()
	opt.Stories = 1500
	arts := synth.Generate(opt, 43)
	for b.Loop() {
		ix := dedup.NewClusterer(dedup.DefaultConfig())
		for _, a := range arts {
			ix.Add(a)
		}
	}
	b.ReportMetric(float64(len(arts)*b.N)/b.Elapsed().Seconds(), "docs/s")
}

// BenchmarkCheckpoint times writing a clusterer's checkpoint (WriteTo)
// and reading it back (ReadClusterer), as an archive does on open.
func BenchmarkCheckpoint(b *testing.B) {
	in, _ := benchInput(b, 2000)
	cfg := dedup.DefaultConfig()
	ix := dedup.NewClusterer(cfg)
	dec := json.NewDecoder(bytes.NewReader(in))
	for {
		var a article.Article
		if err := dec.Decode(&a); err == io.EOF {
			break
		} else if err != nil {
			b.Fatal(err)
		}
		ix.Add(&a)
	}
	var buf bytes.Buffer
	if _, err := ix.WriteTo(&buf); err != nil {
		b.Fatal(err)
	}
	b.Logf("checkpoint of %d articles: %d bytes", ix.Len(), buf.Len())
	b.Run("write", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := ix.WriteTo(io.Discard); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("read", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := dedup.ReadClusterer(bytes.NewReader(buf.Bytes()), cfg); err != nil {
				b.Fatal(err)
			}
		}
	})
}
