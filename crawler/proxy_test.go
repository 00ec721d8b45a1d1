package crawler

import (
	"compress/gzip"
	"context"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	gowarc "github.com/nlnwa/gowarc/v2"

	"github.com/syndex/syndex/crawler/fetch"
	"github.com/syndex/syndex/store"
)

// forwardProxy is a minimal HTTP proxy: absolute-form requests are
// forwarded, CONNECT is tunnelled. It records what it was asked for.
type forwardProxy struct {
	*httptest.Server
	mu    sync.Mutex
	seen  []string // "GET http://…" or "CONNECT host:port"
	auths []string // Proxy-Authorization values received
}

func newForwardProxy(t *testing.T) *forwardProxy {
	p := &forwardProxy{}
	p.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		p.seen = append(p.seen, r.Method+" "+r.RequestURI)
		p.auths = append(p.auths, r.Header.Get("Proxy-Authorization"))
		p.mu.Unlock()
		if r.Method == http.MethodConnect {
			up, err := net.Dial("tcp", r.Host)
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadGateway)
				return
			}
			w.WriteHeader(http.StatusOK)
			conn, rw, err := http.NewResponseController(w).Hijack()
			if err != nil {
				up.Close()
				return
			}
			go func() { io.Copy(up, rw); up.Close() }()
			io.Copy(conn, up)
			conn.Close()
			return
		}
		out, err := http.NewRequestWithContext(r.Context(), r.Method, r.RequestURI, nil)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		for k, v := range r.Header {
			if !strings.HasPrefix(k, "Proxy-") {
				out.Header[k] = v
			}
		}
		resp, err := (&http.Transport{DisableCompression: true}).RoundTrip(out)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		for k, v := range resp.Header {
			w.Header()[k] = v
		}
		w.WriteHeader(resp.StatusCode)
		io.Copy(w, resp.Body)
	}))
	t.Cleanup(p.Close)
	return p
}

func (p *forwardProxy) asked(prefix string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := 0
	for _, s := range p.seen {
		if strings.HasPrefix(s, prefix) {
			n++
		}
	}
	return n
}

// count returns how many times the proxy was asked exactly this.
func (p *forwardProxy) count(what string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := 0
	for _, s := range p.seen {
		if s == what {
			n++
		}
	}
	return n
}

func TestProxyHTTP(t *testing.T) {
	h := newFarmHost(t, "127.0.0.71")
	h.setRobots("User-agent: *\nDisallow:\n")
	h.html("/", articleHTML("home", "/a"))
	h.html("/a", articleHTML("a"))
	px := newForwardProxy(t)
	pu, _ := url.Parse(px.URL)
	pu.User = url.UserPassword("crawler", "s3cret")

	dir := t.TempDir()
	st, err := store.Open(dir, store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	warcDir := filepath.Join(dir, "warc")
	c, err := New(Config{Seeds: []string{h.base + "/"}, Proxy: pu.String(), AllowPrivate: true, Delay: 5 * time.Millisecond,
		DisableSitemaps: true, Logger: quietLogger(), WARCDir: warcDir}, st, nil)
	if err != nil {
		t.Fatal(err)
	}
	s, err := c.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
	if s.Pages != 2 {
		t.Errorf("pages = %d, want 2", s.Pages)
	}
	for _, p := range []string{"/robots.txt", "/", "/a"} {
		if px.count("GET "+h.base+p) != 1 {
			t.Errorf("the proxy was not asked for %s: %v", p, px.seen)
		}
	}
	if px.auths[0] == "" {
		t.Error("no Proxy-Authorization sent for a proxy URL with credentials")
	}
	files, _ := filepath.Glob(filepath.Join(warcDir, "*.warc.gz"))
	if len(files) == 0 {
		t.Fatal("no WARC written")
	}
	f, err := os.Open(files[0])
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f) // multistream: every record's member
	if err != nil {
		t.Fatal(err)
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(strings.ToLower(string(raw)), "proxy-authorization") || strings.Contains(string(raw), "s3cret") {
		t.Error("the WARC holds the proxy's credentials")
	}
	if n := warcTypes(t, warcDir)[gowarc.Response]; int64(n) != s.Requests {
		t.Errorf("WARC holds %d responses for %d requests", n, s.Requests)
	}
}

func TestProxyHTTPSConnect(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/robots.txt":
			io.WriteString(w, "User-agent: *\nDisallow:\n")
		case "/":
			w.Header().Set("Content-Type", "text/html")
			io.WriteString(w, articleHTML("secure home"))
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	roots := x509.NewCertPool()
	roots.AddCert(srv.Certificate())
	px := newForwardProxy(t)
	st, err := store.Open(t.TempDir(), store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	c, err := New(Config{Seeds: []string{srv.URL + "/"}, Proxy: px.URL, AllowPrivate: true, RootCAs: roots,
		DisableSitemaps: true, Logger: quietLogger(), WARCDir: "-", Delay: 5 * time.Millisecond}, st, nil)
	if err != nil {
		t.Fatal(err)
	}
	s, err := c.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if s.Pages != 1 || s.Errors != 0 {
		t.Errorf("pages %d, errors %d; want 1, 0", s.Pages, s.Errors)
	}
	if px.asked("CONNECT "+strings.TrimPrefix(srv.URL, "https://")) == 0 {
		t.Errorf("no CONNECT through the proxy: %v", px.seen)
	}
}

// TestProxySSRF: through a proxy, the crawler itself checks that the
// target is public; a loopback target is refused without asking the proxy.
func TestProxySSRF(t *testing.T) {
	h := newFarmHost(t, "127.0.0.72")
	h.html("/", articleHTML("home"))
	px := newForwardProxy(t)
	st, err := store.Open(t.TempDir(), store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	c, err := New(Config{Seeds: []string{h.base + "/"}, Proxy: px.URL, DisableSitemaps: true, Logger: quietLogger(),
		WARCDir: "-", RobotsRetries: 1, MaxRetries: 1, RobotsRetry: time.Millisecond}, st, nil)
	if err != nil {
		t.Fatal(err)
	}
	f := &fetch.Fetch{Ctx: context.Background(), URL: h.base + "/"}
	if err := c.do(f); !errors.Is(err, ErrForbiddenAddress) {
		t.Errorf("proxied loopback fetch: err = %v, want ErrForbiddenAddress", err)
	}
	if n := px.asked(""); n != 0 {
		t.Errorf("the proxy was asked %d times for a refused target", n)
	}
}
