package dedup_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"testing"

	"github.com/syndex/syndex/dedup"
	"github.com/syndex/syndex/dedup/synth"
)

// benchInput encodes a synthetic set with about n articles of ~3 KB.
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

func BenchmarkRun(b *testing.B) {
	in, n := benchInput(b, 4000)
	b.SetBytes(int64(len(in)))
	b.ResetTimer()
	for b.Loop() {
		if _, err := dedup.Run(context.Background(), bytes.NewReader(in), io.Discard, dedup.DefaultConfig()); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "docs/s")
}

func BenchmarkIndexAdd(b *testing.B) {
	opt := synth.Default()
	opt.Stories = 4000
	arts := synth.Generate(opt, 43)
	b.ResetTimer()
	for b.Loop() {
		ix := dedup.NewIndex(dedup.DefaultConfig())
		for _, a := range arts {
			ix.Add(a)
		}
	}
	b.ReportMetric(float64(len(arts)*b.N)/b.Elapsed().Seconds(), "docs/s")
}
