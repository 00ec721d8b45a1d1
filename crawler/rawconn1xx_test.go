package crawler

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/syndex/syndex/store"
)

// TestWARCRawHeadsAfterInterim: responses preceded by interim 1xx heads
// (103 Early Hints, 100 Continue) are archived with the final head as it
// was received, not one rebuilt from the parsed response.
func TestWARCRawHeadsAfterInterim(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.51:0")
	if err != nil {
		t.Skip(err)
	}
	defer ln.Close()
	body := `<html><body><a href="/two">two</a></body></html>`
	tests := []struct {
		path, interim, final string
	}{
		{"/", "HTTP/1.1 103 Early Hints\r\nlink: </s.css>; rel=preload\r\n\r\n",
			"HTTP/1.1 200 OK\r\nx-raw: Yes\r\ncontent-type: text/html\r\ncontent-length: " + fmt.Sprint(len(body)) + "\r\n\r\n"},
		{"/two", "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a.js>\r\n\r\n",
			"HTTP/1.1 200 OK\r\nzzz: last-first\r\nContent-Type: text/html\r\nContent-Length: " + fmt.Sprint(len(body)) + "\r\n\r\n"},
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
					found := false
					for _, tc := range tests {
						if tc.path == req.URL.Path {
							io.WriteString(conn, tc.interim+tc.final+body)
							found = true
						}
					}
					if !found {
						io.WriteString(conn, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
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
	base := "http://" + ln.Addr().String()
	c, err := New(Config{Seeds: []string{base + "/"}, Delay: 5 * time.Millisecond, AllowPrivate: true, DisableSitemaps: true,
		StatsFile: "-", Logger: quietLogger()}, st, pages.handler)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	c.Close()
	for _, tc := range tests {
		p := pages.get(base + tc.path)
		if p == nil {
			t.Fatalf("%s not fetched", tc.path)
		}
		r, err := warcRecordAt(t, filepath.Join(dir, "warc"), p.WARC).Block().RawBytes()
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(r)
		if want := tc.final + body; string(got) != want {
			t.Errorf("%s block:\n%q\nwant\n%q", tc.path, got, want)
		}
	}
}
