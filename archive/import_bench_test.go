package archive

import (
	"context"
	"os"
	"syscall"
	"testing"
	"time"
)

// BenchmarkImportJSONL imports the JSONL file SYNDEX_BENCH_JSONL into a new
// archive (a bulk load with its index build), as `syndex import --in` does.
// Use -cpuprofile to see where the import's CPU goes.
func BenchmarkImportJSONL(b *testing.B) {
	file := os.Getenv("SYNDEX_BENCH_JSONL")
	if file == "" {
		b.Skip("set SYNDEX_BENCH_JSONL to a JSONL file of articles")
	}
	for range b.N {
		b.StopTimer()
		a, err := Open(context.Background(), b.TempDir(), Options{})
		if err != nil {
			b.Fatal(err)
		}
		f, err := os.Open(file)
		if err != nil {
			b.Fatal(err)
		}
		var ru0, ru1 syscall.Rusage
		syscall.Getrusage(syscall.RUSAGE_SELF, &ru0)
		start := time.Now()
		b.StartTimer()
		st, err := a.ImportJSONL(context.Background(), f, DefaultImportBatch)
		if cerr := a.Close(); err == nil {
			err = cerr
		}
		b.StopTimer()
		took := time.Since(start)
		syscall.Getrusage(syscall.RUSAGE_SELF, &ru1)
		f.Close()
		if err != nil {
			b.Fatal(err)
		}
		cpu := time.Duration(ru1.Utime.Nano() + ru1.Stime.Nano() - ru0.Utime.Nano() - ru0.Stime.Nano()).Seconds()
		b.ReportMetric(float64(st.Stored)/took.Seconds(), "articles/s")
		b.ReportMetric(cpu, "cpu-s")
		b.StartTimer()
	}
}
