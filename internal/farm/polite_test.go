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
	v := f.Violations("rude/1", 50*time.Millisecond)
	want := []string{"first request was /search?q=harbor", "which robots.txt disallows", "want at least 50ms", "want at least 300ms"}
	if len(v) != len(want) {
		t.Fatalf("rude agent: %d violations %v, want %d", len(v), v, len(want))
	}
	for i, w := range want {
		if !strings.Contains(v[i], w) {
			t.Errorf("violation %d = %q, want it to mention %q", i, v[i], w)
		}
	}
}
