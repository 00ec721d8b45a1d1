package dedup_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/pprof"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/syndex/syndex/dedup"
	"github.com/syndex/syndex/dedup/synth"
	"github.com/syndex/syndex/internal/memlimit"
)

// TestRunScale streams SYNDEX_DEDUP_SCALE synthetic articles (~2.7 KB of
// text each) through Run and reports throughput and peak RSS. It is skipped
// unless the variable is set:
//
//	SYNDEX_DEDUP_SCALE=1000000 go test -run RunScale -v -timeout 60m ./dedup/
//
// With SYNDEX_DEDUP_HEAPPROF=FILE it also writes, every two seconds, a
// heap profile to FILE whenever the heap in use is the largest seen (the
// profile of the peak, where -memprofile sees only the end).
func TestRunScale(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("SYNDEX_DEDUP_SCALE"))
	if n <= 0 {
		t.Skip("set SYNDEX_DEDUP_SCALE=N to run")
	}
	pr, pw := io.Pipe()
	go func() {
		enc := json.NewEncoder(pw)
		written := 0
		for chunk := uint64(0); written < n; chunk++ {
			opt := synth.Default()
			opt.Stories = 500
			opt.Origins, opt.Republishers, opt.SiteSeed = 200, 800, 1
			for _, a := range synth.Generate(opt, chunk+1000) {
				if written == n {
					break
				}
				a.ID = fmt.Sprintf("%d/%s", chunk, a.ID)
				a.URL += fmt.Sprintf("?c=%d", chunk)
				a.TruthCluster = ""
				if err := enc.Encode(a); err != nil {
					pw.CloseWithError(err)
					return
				}
				written++
			}
		}
		pw.Close()
	}()
	if path := os.Getenv("SYNDEX_DEDUP_HEAPPROF"); path != "" {
		done := make(chan struct{})
		defer close(done)
		go peakProfiles(path, done)
	}
	// As syndex dedup does (cmd/syndex/dedup.go): a soft heap limit
	// that follows the live heap, unless GOMEMLIMIT is set.
	if os.Getenv("GOMEMLIMIT") == "" {
		defer memlimit.Follow(256 << 20).Stop()
	}
	var ru0 syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru0)
	start := time.Now()
	st, err := dedup.Run(context.Background(), pr, io.Discard, dedup.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	wall := time.Since(start)
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	t.Logf("%d articles (%d clusters, %d copies) in %v wall; peak RSS %.0f MiB (%.0f B/article incl. generator); heap sys %.0f MiB",
		st.Articles, st.Clusters, st.Copies, wall.Round(time.Millisecond), float64(ru.Maxrss)/1024, float64(ru.Maxrss)*1024/float64(n), float64(ms.HeapSys)/(1<<20))
	if st.Articles != n {
		t.Errorf("wrote %d assignments, want %d", st.Articles, n)
	}
}

// peakProfiles writes a heap profile to path whenever, checked every two
// seconds until done is closed, the heap in use is the largest seen.
func peakProfiles(path string, done <-chan struct{}) {
	var peak uint64
	tick := time.NewTicker(2 * time.Second)
	defer tick.Stop()
	for {
		select {
		case <-done:
			return
		case <-tick.C:
		}
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		if ms.HeapInuse <= peak {
			continue
		}
		peak = ms.HeapInuse
		f, err := os.Create(path)
		if err != nil {
			return
		}
		_ = pprof.WriteHeapProfile(f)
		f.Close()
	}
}
