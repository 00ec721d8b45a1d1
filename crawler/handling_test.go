package crawler

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/syndex/syndex/store"
)

// TestHostFreedWhileHandling: a host's next request does not wait for the
// handler to finish with its previous page. The handler holds the first
// story until the server has answered the second: a crawler that kept the
// host until the handler returned would never get there. robots.txt's
// Crawl-delay still holds between every two requests, and every page is
// handled once. When the pages waiting for the handler would pass
// maxAheadBytes, the page keeps its host: nothing more is asked of the
// host while the handler holds the story.
func TestHostFreedWhileHandling(t *testing.T) {
	for _, tc := range []struct {
		name  string
		ahead int64 // maxAheadBytes
		ip    string
	}{
		{"freed", maxAheadBytes, "127.0.0.83"},
		{"held beyond the bound", 1, "127.0.0.84"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer func(v int64) { maxAheadBytes = v }(maxAheadBytes)
			maxAheadBytes = tc.ahead
			h := newFarmHost(t, tc.ip)
			h.setRobots("User-agent: *\nCrawl-delay: 0.2\nDisallow:\n")
			h.html("/", articleHTML("Home", "/a/1", "/a/2", "/a/3"))
			h.html("/a/1", articleHTML("One"))
			h.html("/a/3", articleHTML("Three"))
			served := make(chan struct{})
			var once sync.Once
			h.mux.HandleFunc("/a/2", func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/html; charset=utf-8")
				io.WriteString(w, articleHTML("Two"))
				once.Do(func() { close(served) })
			})
			st, err := store.Open(t.TempDir(), store.Options{NoSync: true})
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			var pl pageLog
			handler := func(ctx context.Context, p *Page) error {
				if !strings.HasSuffix(p.URL, "/a/1") {
					return pl.handler(ctx, p)
				}
				if tc.ahead == 1 {
					// Three gaps' time: a freed host would have been asked
					// for /a/2 by then (on a busy machine it may not, and
					// this passes without proving anything).
					time.Sleep(600 * time.Millisecond)
					if n := h.count("/a/2", 0); n != 0 {
						return fmt.Errorf("/a/2 requested while /a/1, beyond maxAheadBytes, was being handled")
					}
					return pl.handler(ctx, p)
				}
				select {
				case <-served:
				case <-time.After(patience):
					return fmt.Errorf("hung: /a/2 was not requested while /a/1 was being handled, after %v", patience)
				}
				return pl.handler(ctx, p)
			}
			c, err := New(Config{Seeds: []string{h.base + "/"}, Delay: 10 * time.Millisecond, AllowPrivate: true,
				DisableSitemaps: true, Logger: quietLogger()}, st, handler)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			s, err := c.Run(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if s.HandlerErrors != 0 || s.Pages != 4 {
				t.Errorf("pages %d, handler errors %d; want 4 pages, no error", s.Pages, s.HandlerErrors)
			}
			for _, p := range []string{"/", "/a/1", "/a/2", "/a/3"} {
				if pl.get(h.base+p) == nil {
					t.Errorf("%s not handled", p)
				}
				if n := h.count(p, 0); n != 1 {
					t.Errorf("%s requested %d times, want 1", p, n)
				}
			}
			if c.ahead.Load() != 0 {
				t.Errorf("%d bytes still counted as waiting for the handler", c.ahead.Load())
			}
			checkPoliteness(t, h, 200*time.Millisecond)
			checkRobots(t, h)
		})
	}
}
