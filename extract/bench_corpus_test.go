package extract_test

import (
	"context"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/syndex/syndex/extract"
	"github.com/syndex/syndex/extract/evaluate"
)

// BenchmarkExtractCorpus extracts every page of a real corpus per
// iteration: SYNDEX_BENCH_CORPUS=../../shared/corpora/scrapinghub-aeb
// go test -run XXX -bench ExtractCorpus -benchtime 3x ./extract/
// (SYNDEX_BENCH_LAZY=1 sets Options.LazyFallback).
// It reports pages/s and ms/page (wall) and cpu-ms/page (user + system
// time of the process, garbage collection included: what a loaded machine
// does not inflate) beside Go's ns/op, bytes and allocs.
func BenchmarkExtractCorpus(b *testing.B) {
	dir := os.Getenv("SYNDEX_BENCH_CORPUS")
	if dir == "" {
		b.Skip("set SYNDEX_BENCH_CORPUS to a corpus directory")
	}
	pages, err := evaluate.LoadPages(dir)
	if err != nil {
		b.Fatal(err)
	}
	raws := make([][]byte, len(pages))
	size := 0
	for i, p := range pages {
		if raws[i], err = evaluate.ReadFile(p.File); err != nil {
			b.Fatal(err)
		}
		size += len(raws[i])
	}
	ex := extract.New(extract.Options{LazyFallback: os.Getenv("SYNDEX_BENCH_LAZY") != ""})
	ctx := context.Background()
	b.SetBytes(int64(size))
	b.ReportAllocs()
	var ru0, ru1 syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru0)
	for b.Loop() {
		for i, p := range pages {
			if _, err := ex.Extract(ctx, extract.Input{URL: p.URL, HTML: raws[i]}); err != nil {
				b.Fatal(err)
			}
		}
	}
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru1)
	cpu := time.Duration(ru1.Utime.Nano() + ru1.Stime.Nano() - ru0.Utime.Nano() - ru0.Stime.Nano())
	b.ReportMetric(cpu.Seconds()*1000/float64(b.N*len(pages)), "cpu-ms/page")
	perPage := b.Elapsed().Seconds() / float64(b.N*len(pages))
	b.ReportMetric(1/perPage, "pages/s")
	b.ReportMetric(perPage*1000, "ms/page")
}
