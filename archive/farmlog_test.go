package archive

import (
	"bufio"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// farmLogPath is where the benchmark farm's first host serves the log of
// every request its hosts answered since the last read (and forgets it).
const farmLogPath = "/_farm/requests"

// farmHit is one request as the farm's server saw it.
type farmHit struct {
	host       int
	start, end time.Time
	status     int
	path       string
}

// statusRecorder keeps the status a handler answered.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

// farmHits records the requests of the farm's hosts.
type farmHits struct {
	mu   sync.Mutex
	list []farmHit
}

// record wraps host's handler so that each request it answers is logged.
func (f *farmHits) record(host int, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == farmLogPath {
			next.ServeHTTP(w, r)
			return
		}
		start := time.Now()
		sw := &statusRecorder{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		end := time.Now()
		if sw.status == 0 {
			sw.status = http.StatusOK
		}
		f.mu.Lock()
		f.list = append(f.list, farmHit{host: host, start: start, end: end, status: sw.status, path: r.URL.Path})
		f.mu.Unlock()
	})
}

// serve writes the log, one request a line (host, start and end in Unix
// nanoseconds, status, path), and empties it.
func (f *farmHits) serve(w http.ResponseWriter, _ *http.Request) {
	f.mu.Lock()
	list := f.list
	f.list = nil
	f.mu.Unlock()
	bw := bufio.NewWriter(w)
	for _, h := range list {
		fmt.Fprintf(bw, "%d %d %d %d %s\n", h.host, h.start.UnixNano(), h.end.UnixNano(), h.status, h.path)
	}
	bw.Flush()
}

// readFarmHits fetches (and so empties) the farm's request log; seed is
// the base URL of the farm's first host.
func readFarmHits(tb testing.TB, seed string) []farmHit {
	resp, err := http.Get(strings.TrimSuffix(seed, "/") + farmLogPath)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	var out []farmHit
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		var h farmHit
		var s, e int64
		if _, err := fmt.Sscanf(sc.Text(), "%d %d %d %d %s", &h.host, &s, &e, &h.status, &h.path); err != nil {
			tb.Fatalf("farm log line %q: %v", sc.Text(), err)
		}
		h.start, h.end = time.Unix(0, s), time.Unix(0, e)
		out = append(out, h)
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	return out
}

// hostGaps is what the farm saw of a crawl's politeness: the intervals
// between the starts of two consecutive requests to one host (gaps) and
// between a response's end and the host's next request (idle, what the
// politeness delay bounds), across all hosts.
type hostGaps struct {
	gaps, idle  []time.Duration // sorted
	maxRequests int             // the most requests one host answered
	first, last time.Time       // first request's start, last response's end
	missing     int             // requests the farm answered 404
	busiest     []farmHit       // the requests of the host with most
}

func gapsOf(hits []farmHit) hostGaps {
	var g hostGaps
	by := map[int][]farmHit{}
	for _, h := range hits {
		by[h.host] = append(by[h.host], h)
		if g.first.IsZero() || h.start.Before(g.first) {
			g.first = h.start
		}
		if h.end.After(g.last) {
			g.last = h.end
		}
	}
	for _, hs := range by {
		slices.SortFunc(hs, func(a, b farmHit) int { return a.start.Compare(b.start) })
		if len(hs) > g.maxRequests {
			g.maxRequests, g.busiest = len(hs), hs
		}
		for _, h := range hs {
			if h.status == http.StatusNotFound {
				g.missing++
			}
		}
		for k := 1; k < len(hs); k++ {
			g.gaps = append(g.gaps, hs[k].start.Sub(hs[k-1].start))
			g.idle = append(g.idle, hs[k].start.Sub(hs[k-1].end))
		}
	}
	slices.Sort(g.gaps)
	slices.Sort(g.idle)
	return g
}

func mean(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	var s time.Duration
	for _, d := range ds {
		s += d
	}
	return s / time.Duration(len(ds))
}

// pct is the p-quantile of the sorted ds.
func pct(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	return ds[min(len(ds)-1, int(p*float64(len(ds))))]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func TestGapsOf(t *testing.T) {
	t0 := time.Unix(1000, 0)
	at := func(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }
	hits := []farmHit{
		{host: 1, start: at(1000), end: at(1003)},
		{host: 0, start: at(0), end: at(2)},
		{host: 0, start: at(502), end: at(510)},
		{host: 1, start: at(1510), end: at(1511)},
		{host: 0, start: at(1020), end: at(1021)},
	}
	g := gapsOf(hits)
	if want := []time.Duration{502 * time.Millisecond, 510 * time.Millisecond, 518 * time.Millisecond}; !slices.Equal(g.gaps, want) {
		t.Errorf("gaps = %v, want %v", g.gaps, want)
	}
	if want := []time.Duration{500 * time.Millisecond, 507 * time.Millisecond, 510 * time.Millisecond}; !slices.Equal(g.idle, want) {
		t.Errorf("idle = %v, want %v", g.idle, want)
	}
	if g.maxRequests != 3 || !g.first.Equal(at(0)) || !g.last.Equal(at(1511)) {
		t.Errorf("maxRequests %d first %v last %v", g.maxRequests, g.first, g.last)
	}
	if m := mean(g.gaps); m != 510*time.Millisecond {
		t.Errorf("mean = %v", m)
	}
}
