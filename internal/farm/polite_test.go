package farm

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestViolations(t *testing.T) {
	f := startFarm(t, Options{CrawlDelay: 300 * time.Millisecond})
	var plain, slow Outlet
	for _, o := range f.Outlets() {
		if o.CrawlDelay > 0 {
			slow = o
		} else if plain.Key == "" {
			plain = o
		}
	}
	fetch := func(agent, u string) {
		req, _ := http.NewRequest(http.MethodGet, u, nil)
		req.Header.Set("User-Agent", agent)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	// A polite agent: robots first, then spaced requests.
	fetch("polite/1", plain.BaseURL+"/robots.txt")
	time.Sleep(60 * time.Millisecond)
	fetch("polite/1", plain.BaseURL+"/")
	fetch("polite/1", slow.BaseURL+"/robots.txt")
	time.Sleep(320 * time.Millisecond)
	fetch("polite/1", slow.BaseURL+"/")
	// A rude agent: no robots, a disallowed path, and no pause.
	fetch("rude/1", plain.BaseURL+"/search?q=harbor")
	fetch("rude/1", plain.BaseURL+"/")
	fetch("rude/1", slow.BaseURL+"/robots.txt")
	fetch("rude/1", slow.BaseURL+"/")

	if v := f.Violations("polite/1", 50*time.Millisecond); len(v) != 0 {
		t.Errorf("polite agent flagged: %v", v)
	}
	// The rude agent's requests follow each other at once; how soon
	// depends on the machine, so the checks take gaps no machine makes
	// between two loopback requests: the slow outlet's Crawl-delay
	// (300ms) with no gap of our own, then a gap of an hour.
	for _, tc := range []struct {
		minGap time.Duration
		want   []string
	}{
		{0, []string{"first request was /search?q=harbor", "which robots.txt disallows", "want at least 300ms"}},
		{time.Hour, []string{"first request was /search?q=harbor", "which robots.txt disallows", "want at least 1h0m0s", "want at least 1h0m0s"}},
	} {
		v := f.Violations("rude/1", tc.minGap)
		if len(v) != len(tc.want) {
			t.Fatalf("rude agent, gap %v: %d violations %v, want %d", tc.minGap, len(v), v, len(tc.want))
		}
		for i, w := range tc.want {
			if !strings.Contains(v[i], w) {
				t.Errorf("rude agent, gap %v: violation %d = %q, want it to mention %q", tc.minGap, i, v[i], w)
			}
		}
	}
}
