package crawler

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/syndex/syndex/store"
)

// BenchmarkPoliteness crawls 100 loopback hosts (127.0.0.10 … 127.0.0.109)
// with a 500 ms per-host delay: the politeness-bound ideal is 200 pages/s.
// It reports the achieved pages/s and the politeness violations seen by
// the servers.
func BenchmarkPoliteness(b *testing.B) {
	const hosts, perHost = 100, 10
	const delay = 500 * time.Millisecond
	var farm []*farmHost
	var seeds []string
	for i := 0; i < hosts; i++ {
		h := newFarmHost(b, fmt.Sprintf("127.0.0.%d", 10+i))
		h.setRobots("User-agent: *\nDisallow:\n")
		var links []string
		for j := 1; j < perHost; j++ {
			p := fmt.Sprintf("/a/%d", j)
			links = append(links, p)
			h.html(p, articleHTML(p))
		}
		h.html("/", articleHTML("home", links...))
		farm = append(farm, h)
		seeds = append(seeds, h.base+"/")
	}
	b.ResetTimer()
	var pages, requests int64
	var elapsed time.Duration
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		st, err := store.Open(b.TempDir(), store.Options{NoSync: true})
		if err != nil {
			b.Fatal(err)
		}
		var pl pageLog
		c, err := New(Config{Seeds: seeds, Delay: delay, AllowPrivate: true, DisableSitemaps: true, Logger: quietLogger()}, st, pl.handler)
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		start := time.Now()
		s, err := c.Run(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		elapsed += time.Since(start)
		pages += s.Pages
		requests += s.Requests
		b.StopTimer()
		c.Close()
		st.Close()
		b.StartTimer()
	}
	b.StopTimer()
	violations, gaps := 0, 0
	var excess time.Duration // time beyond the required gap, summed
	for _, h := range farm {
		hits := h.hitList()
		for k := 1; k < len(hits); k++ {
			d := hits[k].start.Sub(hits[k-1].end)
			if d < delay-2*time.Millisecond {
				violations++
			}
			if d < 2*delay { // same run
				excess += d - delay
				gaps++
			}
		}
	}
	if gaps > 0 {
		b.ReportMetric(float64(excess.Microseconds())/float64(gaps)/1000, "excess-gap-ms")
	}
	if pages != int64(b.N*hosts*perHost) {
		b.Errorf("pages = %d, want %d", pages, b.N*hosts*perHost)
	}
	b.ReportMetric(float64(pages)/elapsed.Seconds(), "pages/s")
	b.ReportMetric(float64(requests)/elapsed.Seconds(), "requests/s")
	b.ReportMetric(float64(violations), "violations")
}
