package crawler

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/syndex/syndex/store"
)

// FuzzRetryAfter: any header value gives a wait in [0, maxRetryAfter].
func FuzzRetryAfter(f *testing.F) {
	for _, s := range []string{"2", "0", "-1", "99999999999999999999", "Fri, 31 Dec 2100 23:59:59 GMT", "soon", " 7 "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		if d := retryAfter(v); d < 0 || d > maxRetryAfter {
			t.Fatalf("retryAfter(%q) = %v", v, d)
		}
	})
}

// FuzzDecodeHTML: any body under any Content-Type decodes without
// panicking.
func FuzzDecodeHTML(f *testing.F) {
	f.Add([]byte("<meta charset=shift_jis>\x82\xa0"), "text/html")
	f.Add([]byte("\xfe\xff\x00<\x00p"), "text/html; charset=utf-16")
	f.Add([]byte("caf\xe9"), "text/html; charset=bogus")
	f.Fuzz(func(t *testing.T, body []byte, ct string) {
		DecodeHTML(body, ct)
		(&Page{Body: body}).Charset()
	})
}

// TestHandlerPanic: a handler that panics on one page costs that page,
// not the crawl: the other pages are handled, and the next page gets the
// handler (its lock was released).
func TestHandlerPanic(t *testing.T) {
	h := newFarmHost(t, "127.0.0.57")
	h.setRobots("User-agent: *\nDisallow:\n")
	h.html("/", articleHTML("Home", "/a", "/b", "/c"))
	for _, p := range []string{"/a", "/b", "/c"} {
		h.html(p, articleHTML(p))
	}
	st, err := store.Open(t.TempDir(), store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var handled []string
	c, err := New(Config{Seeds: []string{h.base + "/"}, Delay: 5 * time.Millisecond, AllowPrivate: true, DisableSitemaps: true,
		WARCDir: "-", StatsFile: "-", Logger: quietLogger()}, st, func(ctx context.Context, p *Page) error {
		if strings.HasSuffix(p.URL, "/b") {
			var m map[string]int
			m["boom"]++ // a nil map: a bug in the pipeline
		}
		handled = append(handled, p.URL)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	s, err := c.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(handled) != 3 || s.HandlerErrors != 1 || s.Pages != 4 {
		t.Errorf("handled %v, %d handler errors, %d pages; want 3 handled, 1 error, 4 pages", handled, s.HandlerErrors, s.Pages)
	}
	if l := outcomeOf(t, st, "/b"); len(l) != 1 || !strings.Contains(l[0].Error, "internal error") {
		t.Errorf("fetch log of the page that panicked: %+v", l)
	}
}
