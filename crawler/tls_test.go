package crawler

import (
	"bytes"
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	gowarc "github.com/nlnwa/gowarc/v2"

	"github.com/syndex/syndex/crawler/fetch"
	"github.com/syndex/syndex/store"
)

// TestWARCRawHeadsHTTPS serves hand-written responses over TLS (the
// handler hijacks the connection and writes raw bytes) and checks, with the
// independent nlnwa reader, that the WARC response and request records hold
// the decrypted heads exactly as exchanged: header case and order that
// net/http would canonicalise and sort, duplicate fields, and the request
// line Go sent.
func TestWARCRawHeadsHTTPS(t *testing.T) {
	home := `<html><body><a href="/b">b</a></body></html>`
	pageB := `<html><body>b</body></html>`
	heads := map[string]string{
		"/robots.txt": "HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n",
		"/":           "HTTP/1.1 200 OK\r\nzz-Last-First: 1\r\nx-odd-Case: keep me\r\nContent-Type: text/html\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\ncontent-length: " + fmt.Sprint(len(home)) + "\r\n\r\n",
		"/b":          "HTTP/1.1 200 OK\r\ncontent-TYPE: text/html; charset=utf-8\r\nContent-Length: " + fmt.Sprint(len(pageB)) + "\r\nAAA: z\r\n\r\n",
	}
	bodies := map[string]string{"/": home, "/b": pageB}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		head, ok := heads[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		conn, rw, err := http.NewResponseController(w).Hijack()
		if err != nil {
			t.Errorf("hijack: %v", err)
			return
		}
		defer conn.Close()
		rw.WriteString(head + bodies[r.URL.Path])
		rw.Flush()
	}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the untrusted case's handshake errors
	srv.StartTLS()
	defer srv.Close()
	roots := x509.NewCertPool()
	roots.AddCert(srv.Certificate())

	tests := []struct {
		name    string
		roots   *x509.CertPool
		host    string // URL host name; resolved to the server's address
		wantErr bool
	}{
		{"trusted", roots, "", false},
		{"untrusted", nil, "", true},
		// The certificate names example.com: it is checked against the
		// URL's host, not the address it resolves to.
		{"resolved-name", roots, "example.com", false},
		{"resolved-wrong-name", roots, "syndex.test", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			st, err := store.Open(dir, store.Options{NoSync: true})
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			var pages pageLog
			base, resolve := srv.URL, map[string]string(nil)
			if tc.host != "" {
				addr := srv.Listener.Addr().(*net.TCPAddr)
				base = fmt.Sprintf("https://%s:%d", tc.host, addr.Port)
				resolve = map[string]string{tc.host: addr.IP.String()}
			}
			c, err := New(Config{Seeds: []string{base + "/"}, Delay: 5 * time.Millisecond, AllowPrivate: true, Resolve: resolve,
				DisableSitemaps: true, RootCAs: tc.roots, RobotsRetries: 1, Logger: quietLogger()}, st, pages.handler)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := c.Run(context.Background()); err != nil {
				t.Fatal(err)
			}
			c.Close()
			if tc.wantErr {
				// An unknown CA fails the handshake: robots.txt is
				// unreachable, so the host is disallowed and nothing is fetched.
				if p := pages.get(base + "/"); p != nil {
					t.Fatalf("page fetched from an untrusted server: %+v", p)
				}
				log, err := FetchLog(st.DB())
				if err != nil {
					t.Fatal(err)
				}
				if len(log) == 0 || !strings.Contains(log[0].Error, "certificate") {
					t.Fatalf("fetch log %+v: want a certificate error", log)
				}
				return
			}
			for _, path := range []string{"/", "/b"} {
				p := pages.get(base + path)
				if p == nil {
					t.Fatalf("%s not fetched", path)
				}
				rec := warcRecordAt(t, filepath.Join(dir, "warc"), p.WARC)
				if rec.Type() != gowarc.Response {
					t.Fatalf("%s: record type %v", path, rec.Type())
				}
				if ip := rec.WarcHeader().Get(gowarc.WarcIPAddress); ip != "127.0.0.1" {
					t.Errorf("%s: WARC-IP-Address %q", path, ip)
				}
				r, err := rec.Block().RawBytes()
				if err != nil {
					t.Fatal(err)
				}
				got, _ := io.ReadAll(r)
				if want := heads[path] + bodies[path]; string(got) != want {
					t.Errorf("%s block:\n%q\nwant\n%q", path, got, want)
				}
			}
			reqs := requestBlocks(t, filepath.Join(dir, "warc"))
			host := strings.TrimPrefix(base, "https://")
			for _, path := range []string{"/robots.txt", "/", "/b"} {
				b, ok := reqs[base+path]
				if !ok {
					t.Errorf("no request record for %s", path)
					continue
				}
				if !bytes.HasPrefix(b, []byte("GET "+path+" HTTP/1.1\r\nHost: "+host+"\r\nUser-Agent: syndex/")) ||
					bytes.Contains(b, []byte(fetch.IDHeader)) || !bytes.HasSuffix(b, []byte("\r\n\r\n")) {
					t.Errorf("request block for %s: %q", path, b)
				}
			}
		})
	}
}

// requestBlocks reads every request record of the WARC files in dir.
func requestBlocks(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "*.warc.gz"))
	out := map[string][]byte{}
	for _, f := range files {
		r, err := gowarc.NewWarcFileReader(f, 0, gowarc.WithStrictValidation())
		if err != nil {
			t.Fatal(err)
		}
		for {
			rec, _, _, err := r.Next()
			if err != nil {
				break
			}
			if rec.Type() != gowarc.Request {
				continue
			}
			raw, err := rec.Block().RawBytes()
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(raw)
			out[rec.WarcHeader().Get(gowarc.WarcTargetURI)] = b
		}
		r.Close()
	}
	return out
}

// TestTLSHandshakeStall: a server that accepts TCP connections but never
// answers the TLS ClientHello costs ConnectTimeout per attempt, not the
// whole request Timeout, and the failure is recorded.
func TestTLSHandshakeStall(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.50:0")
	if err != nil {
		t.Skip(err)
	}
	defer ln.Close()
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go func() { // read and say nothing until the client gives up
				io.Copy(io.Discard, conn)
				conn.Close()
			}()
		}
	}()
	st, err := store.Open(t.TempDir(), store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	c, err := New(Config{Seeds: []string{"https://" + ln.Addr().String() + "/"}, AllowPrivate: true, DisableSitemaps: true,
		ConnectTimeout: 200 * time.Millisecond, Timeout: time.Hour, RobotsRetries: 1,
		WARCDir: "-", StatsFile: "-", Logger: quietLogger()}, st, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := runPatiently(t, c, "the stalled handshake waited for Timeout (1h), not ConnectTimeout"); err != nil {
		t.Fatal(err)
	}
	log, err := FetchLog(st.DB())
	if err != nil {
		t.Fatal(err)
	}
	if len(log) != 1 || log[0].Outcome != "robots-unavailable" || !strings.Contains(log[0].Error, "tls handshake") {
		t.Errorf("fetch log %+v: want one robots-unavailable with a tls handshake error", log)
	}
}

// TestTLSSSRFGuard: HTTPS goes through the same guarded dialer as HTTP, so
// a loopback server is refused without AllowPrivate, even under a name
// that Resolve maps to it.
func TestTLSSSRFGuard(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("request %s reached the server", r.URL)
	}))
	defer srv.Close()
	addr := srv.Listener.Addr().(*net.TCPAddr)
	tests := []struct {
		name    string
		seed    string
		resolve map[string]string
	}{
		{"ip literal", srv.URL + "/", nil},
		{"resolved name", fmt.Sprintf("https://example.com:%d/", addr.Port), map[string]string{"example.com": addr.IP.String()}},
	}
	for _, tc := range tests {
		st, err := store.Open(t.TempDir(), store.Options{NoSync: true})
		if err != nil {
			t.Fatal(err)
		}
		roots := x509.NewCertPool()
		roots.AddCert(srv.Certificate())
		c, err := New(Config{Seeds: []string{tc.seed}, Resolve: tc.resolve, RootCAs: roots, RobotsRetries: 1, DisableSitemaps: true,
			WARCDir: "-", StatsFile: "-", Logger: quietLogger()}, st, nil)
		if err != nil {
			t.Fatal(err)
		}
		// The seed is refused before any request, and so is the TLS
		// dial itself.
		if _, err := c.Run(context.Background()); !errors.Is(err, ErrForbiddenAddress) {
			t.Errorf("%s: Run: %v, want the seed refused", tc.name, err)
		}
		f := &fetch.Fetch{Ctx: context.Background(), URL: tc.seed}
		if err := c.do(f); !errors.Is(err, ErrForbiddenAddress) {
			t.Errorf("%s: TLS dial: %v, want %v", tc.name, err, ErrForbiddenAddress)
		}
		st.Close()
	}
}
