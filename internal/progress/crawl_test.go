package progress

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/syndex/syndex/archive"
	"github.com/syndex/syndex/crawler"
)

func TestStatusLine(t *testing.T) {
	counts := &archive.PageCounts{}
	counts.Pages.Store(120)
	counts.Articles.Store(100)
	line := statusLine(75*time.Second, 3.25, counts, &crawler.Stats{Hosts: 6, HostsActive: 2, Queue: 40})
	for _, want := range []string{"1:15  ", "3.2 pages/s", "pages 120", "articles 100", "hosts 2/6", "queue 40"} {
		if !strings.Contains(line, want) {
			t.Errorf("status line %q lacks %q", line, want)
		}
	}
	if got := clock(3*time.Hour + 4*time.Minute + 5*time.Second); got != "3:04:05" {
		t.Errorf("clock = %q", got)
	}
}

func TestPageRate(t *testing.T) {
	r := &pageRate{}
	t0 := time.Unix(1000, 0)
	if got := r.add(t0, 0); got != 0 {
		t.Errorf("first sample rate = %v", got)
	}
	// 5 pages/s for 20 s, then a stall: the rate falls to 0 within the window.
	var got float64
	for i := 1; i <= 20; i++ {
		got = r.add(t0.Add(time.Duration(i)*time.Second), int64(5*i))
	}
	if math.Abs(got-5) > 0.01 {
		t.Errorf("steady rate = %v, want 5", got)
	}
	for i := 21; i <= 32; i++ {
		got = r.add(t0.Add(time.Duration(i)*time.Second), 100)
	}
	if got != 0 {
		t.Errorf("rate after a %v stall = %v, want 0", rateWindow+2*time.Second, got)
	}
	if len(r.at) > 12 {
		t.Errorf("pageRate keeps %d samples", len(r.at))
	}
}
