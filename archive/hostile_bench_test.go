//go:build linux

package archive

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/syndex/syndex/crawler"
	"github.com/syndex/syndex/internal/farm"
)

// BenchmarkHostileCrawl crawls the farm's hostile outlet (a 40 MiB page,
// a gzip bomb, 10 MiB of unclosed <div>s, 100,000 links, 500-deep <div>s)
// through the whole pipeline (fetch, WARC, extraction, dedup, store,
// index) and reports the process's peak RSS, its CPU, and the most CPU one
// page cost in the pipeline (extraction, dedup, store and index, on the
// handler's thread):
//
//	go test ./archive -run '^$' -bench HostileCrawl -benchtime 1x
//
// The farm runs in this process but streams its pages, so it adds little
// to the peak.
func BenchmarkHostileCrawl(b *testing.B) {
	ctx := context.Background()
	f, err := farm.Start(ctx, farm.Options{BaseIP: "127.0.0.230", Hostile: true})
	if err != nil {
		b.Skipf("farm: %v", err)
	}
	defer f.Close()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	var peak, pages, articles float64
	var cpu, worst time.Duration
	var worstURL string
	for range b.N {
		runtime.GC()
		resetPeakRSS()
		c0 := cpuTime()
		dir := b.TempDir()
		a, err := Open(ctx, dir, Options{Log: log})
		if err != nil {
			b.Fatal(err)
		}
		counts := &PageCounts{}
		var mu sync.Mutex
		cfg := crawler.Config{Seeds: []string{f.HostileBase() + "/"}, Delay: 10 * time.Millisecond, MaxDelay: 50 * time.Millisecond,
			AllowPrivate: true, Logger: log, StatsFile: "-", WARCDir: filepath.Join(dir, WARCDir)}
		cr, err := crawler.New(cfg, a.Store, func(ctx context.Context, p *crawler.Page) error {
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			t0 := threadCPU()
			err := a.HandlePage(ctx, p, counts)
			d := threadCPU() - t0
			mu.Lock()
			if d > worst {
				worst, worstURL = d, p.URL
			}
			mu.Unlock()
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
		st, err := cr.Run(ctx)
		cr.Close()
		if cerr := a.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			b.Fatal(err)
		}
		cpu += cpuTime() - c0
		peak = max(peak, peakRSS())
		pages += float64(st.Pages)
		articles += float64(counts.Articles.Load())
	}
	b.Logf("most costly page: %s (%v of CPU)", worstURL, worst.Round(time.Millisecond))
	b.ReportMetric(peak/(1<<20), "peak-rss-MiB")
	b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s")
	b.ReportMetric(float64(worst.Milliseconds()), "max-page-cpu-ms")
	b.ReportMetric(pages/float64(b.N), "pages")
	b.ReportMetric(articles/float64(b.N), "articles")
	b.ReportMetric(0, "ns/op")
}

// threadCPU is the CPU time of the calling OS thread (Linux
// RUSAGE_THREAD).
func threadCPU() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(1, &ru) // RUSAGE_THREAD
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// resetPeakRSS starts the process's peak-RSS count afresh (Linux 4.0+).
func resetPeakRSS() { os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) }

// peakRSS is the process's peak resident set size in bytes (VmHWM).
func peakRSS() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "VmHWM:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 64)
			return kb * 1024
		}
	}
	return 0
}
