package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// TestFeedCapSetting: crawl.max_feeds_per_host, given as the flag or in
// the config file, reaches the crawler. A page links ten feeds: with a cap
// of 2 the first two (in the order met) are read and the third is not; by
// default the first 8 are; with 0 (unlimited) all ten.
func TestFeedCapSetting(t *testing.T) {
	var feeds []string
	for i := 1; i <= 10; i++ {
		feeds = append(feeds, fmt.Sprintf("/f%d.xml", i))
	}
	var mu sync.Mutex
	hits := map[string]int{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		hits[r.URL.Path]++
		mu.Unlock()
		switch r.URL.Path {
		case "/":
			w.Header().Set("Content-Type", "text/html")
			fmt.Fprint(w, "<html><head><title>Harbour news</title>\n")
			for _, f := range feeds {
				fmt.Fprintf(w, "<link rel=\"alternate\" type=\"application/rss+xml\" href=%q>\n", f)
			}
			fmt.Fprint(w, "</head><body><h1>Harbour news</h1><p>The ferry timetable changes next week.</p></body></html>")
		case "/f1.xml", "/f2.xml", "/f3.xml", "/f4.xml", "/f5.xml", "/f6.xml", "/f7.xml", "/f8.xml", "/f9.xml", "/f10.xml":
			w.Header().Set("Content-Type", "application/rss+xml")
			fmt.Fprintf(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>%s</title><link>http://%s/</link></channel></rss>`, r.URL.Path, r.Host)
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	work := t.TempDir()
	file := filepath.Join(t.TempDir(), "feeds.yaml") // not ./syndex.yaml, which crawl reads unasked
	if err := os.WriteFile(file, []byte("crawl:\n  max_feeds_per_host: 2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		want []string // feeds read
	}{
		{"flag", []string{"--max-feeds-per-host", "2"}, feeds[:2]},
		{"config file", []string{"--config", file}, feeds[:2]},
		{"default", nil, feeds[:8]},
		{"flag over the file, 0 = unlimited", []string{"--config", file, "--max-feeds-per-host", "0"}, feeds},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			mu.Lock()
			clear(hits)
			mu.Unlock()
			args := append([]string{"crawl", "--data", filepath.Join(work, fmt.Sprint("data", i)), "--seed", srv.URL + "/",
				"--allow-private", "--delay", "10ms", "--addr", "off"}, tc.args...)
			if r := syndex(t, work, args...); r.code != 0 {
				t.Fatalf("crawl %v: exit %d: %s", tc.args, r.code, r.stderr)
			}
			mu.Lock()
			defer mu.Unlock()
			var got []string
			for _, f := range feeds {
				if hits[f] > 0 {
					got = append(got, f)
				}
			}
			if hits["/"] == 0 || strings.Join(got, " ") != strings.Join(tc.want, " ") {
				t.Errorf("crawl %v: front page read %d times, feeds read %v, want %v", tc.args, hits["/"], got, tc.want)
			}
		})
	}
}
