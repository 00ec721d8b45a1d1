package crawler

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	gowarc "github.com/nlnwa/gowarc/v2"

	"github.com/syndex/syndex/crawler/fetch"
	"github.com/syndex/syndex/store"
)

// TestWARCRawHeads serves hand-written HTTP responses and checks that the
// WARC keeps their heads byte for byte (case, order, duplicate fields),
// that a chunked body is archived de-chunked without its
// Transfer-Encoding line, and that the request head is the one sent.
func TestWARCRawHeads(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.20:0")
	if err != nil {
		t.Skip(err)
	}
	defer ln.Close()
	base := "http://" + ln.Addr().String()
	home := `<html><body><a href="/chunked">c</a></body></html>`
	heads := map[string]string{
		"/robots.txt": "HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n",
		"/":           "HTTP/1.1 200 OK\r\nx-odd-Case: keep me\r\nContent-Type: text/html\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\ncontent-length: " + fmt.Sprint(len(home)) + "\r\n\r\n",
		"/chunked":    "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\nX-After: 1\r\n\r\n",
	}
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go func(conn net.Conn) {
				defer conn.Close()
				br := bufio.NewReader(conn)
				for {
					req, err := http.ReadRequest(br)
					if err != nil {
						return
					}
					head, ok := heads[req.URL.Path]
					if !ok {
						io.WriteString(conn, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
						continue
					}
					io.WriteString(conn, head)
					switch req.URL.Path {
					case "/":
						io.WriteString(conn, home)
					case "/chunked":
						io.WriteString(conn, "6\r\n<p>one\r\n7\r\n two</p\r\n1\r\n>\r\n0\r\n\r\n")
					}
				}
			}(conn)
		}
	}()
	dir := t.TempDir()
	st, err := store.Open(dir, store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var pages pageLog
	c, err := New(Config{Seeds: []string{base + "/"}, Delay: 5 * time.Millisecond, AllowPrivate: true, DisableSitemaps: true,
		Logger: quietLogger()}, st, pages.handler)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	c.Close()
	blockOf := func(loc string) []byte {
		rec := warcRecordAt(t, filepath.Join(dir, "warc"), loc)
		r, err := rec.Block().RawBytes()
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(r)
		return b
	}
	p := pages.get(base + "/")
	if p == nil {
		t.Fatal("home not fetched")
	}
	if got, want := blockOf(p.WARC), heads["/"]+home; string(got) != want {
		t.Errorf("home block:\n%q\nwant\n%q", got, want)
	}
	pc := pages.get(base + "/chunked")
	if pc == nil || string(pc.Body) != "<p>one two</p>" {
		t.Fatalf("chunked page: %+v", pc)
	}
	if got, want := blockOf(pc.WARC), "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nX-After: 1\r\n\r\n<p>one two</p>"; string(got) != want {
		t.Errorf("chunked block:\n%q\nwant\n%q", got, want)
	}
	// The request record holds the head Go sent, with our User-Agent and
	// without the crawler's internal header.
	file, _, _ := strings.Cut(p.WARC, "#")
	r, err := gowarc.NewWarcFileReader(filepath.Join(dir, "warc", file), 0, gowarc.WithStrictValidation())
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	found := false
	for {
		rec, _, _, err := r.Next()
		if err != nil {
			break
		}
		if rec.Type() != gowarc.Request || rec.WarcHeader().Get(gowarc.WarcTargetURI) != base+"/" {
			continue
		}
		raw, _ := rec.Block().RawBytes()
		b, _ := io.ReadAll(raw)
		found = true
		if !bytes.HasPrefix(b, []byte("GET / HTTP/1.1\r\nHost: "+ln.Addr().String()+"\r\n")) || !bytes.Contains(b, []byte("User-Agent: syndex/")) ||
			bytes.Contains(b, []byte(fetch.IDHeader)) || !bytes.HasSuffix(b, []byte("\r\n\r\n")) {
			t.Errorf("request block %q", b)
		}
	}
	if !found {
		t.Error("no request record for the home page")
	}
}
