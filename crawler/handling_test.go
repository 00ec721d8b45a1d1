package crawler

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/syndex/syndex/crawler/frontier"
	"github.com/syndex/syndex/crawler/frontier/local"
	"github.com/syndex/syndex/store"
)

// claimLog is a local frontier that records the entries its claims hand
// out, so a test can ask, at one moment, what was handed out and what the
// frontier would hand out next.
type claimLog struct {
	*local.Frontier
	mu     sync.Mutex // held across each claim
	leased []string   // URLs of the entries handed out, in order
}

func (f *claimLog) Claim(ctx context.Context) (*frontier.Lease, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.claimLocked(ctx)
}

// claimLocked claims and records the entry handed out; f.mu must be held.
func (f *claimLog) claimLocked(ctx context.Context) (*frontier.Lease, error) {
	l, err := f.Frontier.Claim(ctx)
	if err == nil && l.Entry != nil {
		f.leased = append(f.leased, l.Entry.URL)
	}
	return l, err
}

// held checks that the frontier hands out nothing of the crawl's only
// host, because it is leased, and that none of the URLs in never was
// handed out so far. A host it would hand out is given back untouched.
func (f *claimLog) held(ctx context.Context, never ...string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	l, err := f.claimLocked(ctx)
	switch {
	case err != nil:
		return err
	case l.Host != "":
		f.Frontier.Release(ctx, l, &frontier.Outcome{Failed: -1, Requeue: l.Entry != nil, Refund: l.Entry != nil})
		return fmt.Errorf("host %s free to be claimed again", l.Host)
	case l.Wait >= 0 || l.Leased == 0:
		return fmt.Errorf("host not leased: the frontier would hand one out in %v (%d leased)", l.Wait, l.Leased)
	}
	for _, u := range never {
		if slices.Contains(f.leased, u) {
			return fmt.Errorf("%s handed out (leased so far: %v)", u, f.leased)
		}
	}
	return nil
}

// TestHostFreedWhileHandling: a host's next request does not wait for the
// handler to finish with its previous page. The handler holds the first
// story until the server has answered the second: a crawler that kept the
// host until the handler returned would never get there. robots.txt's
// Crawl-delay still holds between every two requests, and every page is
// handled once. When the pages waiting for the handler would pass
// maxAheadBytes, the page keeps its host: while the handler holds the
// story the frontier has not handed out, and would not hand out, the
// host's next URL.
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
			var fr *claimLog
			handler := func(ctx context.Context, p *Page) error {
				if !strings.HasSuffix(p.URL, "/a/1") {
					return pl.handler(ctx, p)
				}
				if tc.ahead == 1 {
					err := fr.held(ctx, h.base+"/a/2", h.base+"/a/3")
					if n := h.count("/a/2", 0); err == nil && n != 0 {
						err = fmt.Errorf("/a/2 requested %d times", n)
					}
					if err != nil {
						t.Errorf("while /a/1, beyond maxAheadBytes, was being handled: %v", err)
						return err
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
			fr = &claimLog{Frontier: c.local}
			s, err := c.run(context.Background(), fr, nil)
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
