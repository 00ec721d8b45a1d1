package crawler

import (
	"bytes"
	"compress/gzip"
	"context"
	"net/netip"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/syndex/syndex/store"
)

// FuzzRobots: any robots.txt body parses without panicking, and any path
// gets an answer.
func FuzzRobots(f *testing.F) {
	f.Add(200, []byte("User-agent: *\nDisallow: /private/\nCrawl-delay: 2\nSitemap: http://x/s.xml\n"), "/private/a")
	f.Add(200, []byte("User-agent: syndex\nAllow: /$\nDisallow: /*?\n"), "/a?b")
	f.Add(503, []byte(""), "/")
	f.Add(200, []byte("\xff\xfe\x00garbage\nDisallow: [\n"), "/%zz")
	f.Fuzz(func(t *testing.T, status int, body []byte, path string) {
		r := newRobots(status, body, "syndex", time.Now())
		if r == nil {
			t.Fatal("nil robots")
		}
		if r.crawlDelay < 0 {
			t.Fatalf("negative crawl delay %v", r.crawlDelay)
		}
		u, err := url.Parse("http://x.example" + path)
		if err != nil {
			return
		}
		r.allowed(u)
		if (status >= 500 || status == 0 || status == 429) && r.allowed(u) {
			t.Fatalf("status %d allows %s", status, path)
		}
	})
}

// FuzzParseFeed: any body parses or fails without panicking, and every
// item has a link.
func FuzzParseFeed(f *testing.F) {
	f.Add([]byte(`<rss version="2.0"><channel><item><title>t</title><link>http://x/a</link><pubDate>Mon, 02 Jan 2006 15:04:05 MST</pubDate></item></channel></rss>`))
	f.Add([]byte(`<feed xmlns="http://www.w3.org/2005/Atom"><entry><link href="http://x/b"/><updated>2024-01-01T00:00:00Z</updated></entry></feed>`))
	f.Add([]byte(`{"version":"https://jsonfeed.org/version/1.1","items":[{"url":"http://x/c"}]}`))
	f.Add([]byte("\x00<rss><channel><item><link>"))
	f.Fuzz(func(t *testing.T, body []byte) {
		items, err := parseFeed(body)
		if err != nil {
			return
		}
		for _, it := range items {
			if it.Link == "" {
				t.Fatalf("item without link: %+v", it)
			}
		}
	})
}

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

// FuzzDecodeContent: no content-coded body decodes to more than the
// limit, whatever it claims.
func FuzzDecodeContent(f *testing.F) {
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(bytes.Repeat([]byte("<div>"), 100000))
	zw.Close()
	f.Add("gzip", gz.Bytes())
	f.Add("deflate", []byte{0x4b, 0x4c, 0x4a, 0x06, 0x00})
	f.Add("br", []byte("x"))
	f.Add("", []byte("plain"))
	f.Fuzz(func(t *testing.T, coding string, raw []byte) {
		const limit = 64 << 10
		out, err := decodeContent(coding, raw, limit)
		if err == nil && coding != "" && coding != "identity" && len(out) > limit {
			t.Fatalf("decoded %d bytes, limit %d", len(out), limit)
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

// FuzzAddrKind: every address is either public or named, and an address
// embedding a refused IPv4 address is refused.
func FuzzAddrKind(f *testing.F) {
	for _, s := range []string{"8.8.8.8", "127.0.0.1", "64:ff9b::a00:1", "2002:c0a8:101::1", "fe80::1%eth0", "::ffff:10.0.0.1", "2001:db8::1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ip, err := netip.ParseAddr(s)
		if err != nil {
			return
		}
		kind := addrKind(ip)
		if publicIP(ip) != (kind == "") {
			t.Fatalf("publicIP(%s) = %v but kind %q", ip, publicIP(ip), kind)
		}
		if v4, ok := embeddedIPv4(ip.Unmap()); ok && !publicIP(v4) && publicIP(ip) {
			t.Fatalf("%s embeds refused %s but is public", ip, v4)
		}
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
