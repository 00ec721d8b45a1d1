package crawler

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/syndex/syndex/internal/redistest"
	"github.com/syndex/syndex/store"
)

// BenchmarkSharedWorkers measures aggregate pages/s of 1, 2 and 3 workers
// on one shared Redis frontier over a politeness-bound farm: 60 loopback
// hosts (127.0.0.180 …) of 10 pages, each answering after 50 ms, with a
// 200 ms per-host delay, so the farm allows at most 60 / 0.25 s = 240
// pages/s. Each worker fetches from at most 4 hosts at once (about 80
// pages/s alone), so throughput should grow with workers until the farm's
// limit. It also reports the politeness violations the servers saw.
func BenchmarkSharedWorkers(b *testing.B) {
	const hosts, perHost, slots = 60, 10, 4
	const delay, latency = 200 * time.Millisecond, 50 * time.Millisecond
	url := redistest.URL(b)
	var farm []*farmHost
	var seeds []string
	for i := 0; i < hosts; i++ {
		h := newFarmHost(b, fmt.Sprintf("127.0.0.%d", 180+i))
		h.setRobots("User-agent: *\nDisallow:\n")
		var links []string
		for j := 1; j < perHost; j++ {
			links = append(links, fmt.Sprintf("/a/%d", j))
		}
		for j, p := range append([]string{"/"}, links...) {
			body := articleHTML(fmt.Sprintf("%s page %d", h.ip, j), links...)
			h.mux.HandleFunc(p, func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path != p {
					http.NotFound(w, r)
					return
				}
				time.Sleep(latency)
				w.Header().Set("Content-Type", "text/html; charset=utf-8")
				io.WriteString(w, body)
			})
		}
		farm = append(farm, h)
		seeds = append(seeds, h.base+"/")
	}
	for _, workers := range []int{1, 2, 3} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			var pages int64
			var elapsed time.Duration
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				ns := redistest.Namespace(b)
				var crawlers []*Crawler
				var frs []*SharedFrontier
				for w := 0; w < workers; w++ {
					st, err := store.Open(b.TempDir(), store.Options{NoSync: true})
					if err != nil {
						b.Fatal(err)
					}
					defer st.Close()
					c, err := New(Config{Seeds: seeds, Delay: delay, AllowPrivate: true, DisableSitemaps: true,
						Concurrency: slots, WARCDir: "-", StatsFile: "-", Logger: quietLogger()}, st, nil)
					if err != nil {
						b.Fatal(err)
					}
					crawlers = append(crawlers, c)
					frs = append(frs, openTestShared(b, url, ns, fmt.Sprint("w", w), 10*time.Second))
				}
				time.Sleep(delay) // politeness towards the previous iteration
				b.StartTimer()
				start := time.Now()
				var wg sync.WaitGroup
				var mu sync.Mutex
				for w, c := range crawlers {
					wg.Add(1)
					go func() {
						defer wg.Done()
						s, err := c.RunShared(context.Background(), frs[w])
						if err != nil {
							b.Error(err)
						}
						mu.Lock()
						pages += s.Pages
						mu.Unlock()
					}()
				}
				wg.Wait()
				elapsed += time.Since(start)
				b.StopTimer()
				for _, c := range crawlers {
					c.Close()
				}
				b.StartTimer()
			}
			b.StopTimer()
			if pages != int64(b.N*hosts*perHost) {
				b.Errorf("pages = %d, want %d", pages, b.N*hosts*perHost)
			}
			violations := 0
			for _, h := range farm {
				hits := h.hitList()
				for k := 1; k < len(hits); k++ {
					if hits[k].start.Sub(hits[k-1].end) < delay-2*time.Millisecond {
						violations++
					}
				}
			}
			b.ReportMetric(float64(pages)/elapsed.Seconds(), "pages/s")
			b.ReportMetric(float64(violations), "violations")
		})
	}
}
