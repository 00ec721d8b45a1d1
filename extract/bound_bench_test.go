//go:build unix

package extract

import (
	"context"
	"strings"
	"syscall"
	"testing"
	"time"
)

// BenchmarkExtractHostile extracts each hostile page shape and reports
// the CPU one such page costs (cpu-ms/op: process CPU, which a loaded
// machine does not inflate as it does ns/op):
//
//	go test ./extract -run '^$' -bench ExtractHostile -benchmem
func BenchmarkExtractHostile(b *testing.B) {
	ex := New(Options{})
	pages := hostilePages()
	for _, name := range []string{"unclosed divs", "100k links", "500-deep divs", "huge article", "huge declared article"} {
		page := []byte(pages[name])
		b.Run(strings.ReplaceAll(name, " ", "-"), func(b *testing.B) {
			b.SetBytes(int64(len(page)))
			c0 := cpuTime()
			for range b.N {
				if _, err := ex.Extract(context.Background(), Input{URL: "https://hostile.example/news/2024/05/01/big-story", HTML: page}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64((cpuTime()-c0).Microseconds())/1000/float64(b.N), "cpu-ms/op")
		})
	}
}

// cpuTime is the process's CPU time so far (user and system).
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
