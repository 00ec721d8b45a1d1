package warc

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	gowarc "github.com/nlnwa/gowarc/v2"
)

func exchange(uri, body string, truncated string) *Exchange {
	head := "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: " + strconv.Itoa(len(body)) + "\r\n\r\n"
	return &Exchange{
		URI: uri, Date: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), IP: "127.0.0.1",
		Request:      []byte("GET " + uri[strings.Index(uri[8:], "/")+8:] + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: test\r\n\r\n"),
		ResponseHead: []byte(head), Body: []byte(body), Truncated: truncated, Status: 200, MIME: "text/html",
	}
}

// readAll reads every record of every WARC file in dir with the independent
// nlnwa reader in strict mode and checks the digests.
func readAll(t *testing.T, dir string) map[string][]gowarc.WarcRecord {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "*.warc.gz"))
	out := map[string][]gowarc.WarcRecord{}
	for _, f := range files {
		r, err := gowarc.NewWarcFileReader(f, 0, gowarc.WithStrictValidation())
		if err != nil {
			t.Fatal(err)
		}
		for {
			rec, off, val, err := r.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatalf("%s@%d: %v", f, off, err)
			}
			if !val.Valid() {
				t.Fatalf("%s@%d: invalid: %v", f, off, val)
			}
			if err := rec.ValidateDigest(val); err != nil || !val.Valid() {
				t.Fatalf("%s@%d: digest: %v %v", f, off, err, val)
			}
			out[filepath.Base(f)] = append(out[filepath.Base(f)], rec)
		}
		r.Close()
	}
	return out
}

func TestWriterReadBack(t *testing.T) {
	tests := []struct {
		name      string
		maxSize   int64
		n         int
		wantFiles int
	}{
		{"one file", 0, 5, 1},
		{"rotation", 1500, 6, -1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			w, err := NewWriter(dir, Options{MaxFileSize: tc.maxSize, Info: []Field{{"software", "syndex-test"}}})
			if err != nil {
				t.Fatal(err)
			}
			var locs []Location
			for i := 0; i < tc.n; i++ {
				trunc := ""
				if i == 1 {
					trunc = "length"
				}
				body := strings.Repeat(fmt.Sprintf("<p>page %d</p>", i), 20+i)
				loc, err := w.WriteExchange(exchange(fmt.Sprintf("http://127.0.0.1:8080/p/%d?b=2&a=1", i), body, trunc))
				if err != nil {
					t.Fatal(err)
				}
				locs = append(locs, loc)
			}
			rv, err := w.WriteRevisit(&Exchange{URI: "http://127.0.0.1:8080/p/0?b=2&a=1", Date: time.Now(), Status: 304,
				Request: []byte("GET /p/0 HTTP/1.1\r\nHost: x\r\n\r\n"), ResponseHead: []byte("HTTP/1.1 304 Not Modified\r\nETag: \"x\"\r\n\r\n")},
				Revisit{Profile: ProfileServerNotModified, RefersToURI: "http://127.0.0.1:8080/p/0?b=2&a=1", RefersToDate: time.Now()})
			if err != nil {
				t.Fatal(err)
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			recs := readAll(t, dir)
			if tc.wantFiles < 0 && len(recs) < 2 || tc.wantFiles > 0 && len(recs) != tc.wantFiles {
				t.Fatalf("files = %d, want %d", len(recs), tc.wantFiles)
			}
			counts := map[gowarc.RecordType]int{}
			truncated := 0
			for _, rs := range recs {
				if rs[0].Type() != gowarc.Warcinfo {
					t.Errorf("first record is %v, want warcinfo", rs[0].Type())
				}
				for _, r := range rs {
					counts[r.Type()]++
					if r.WarcHeader().Get(gowarc.WarcTruncated) == "length" {
						truncated++
					}
				}
			}
			if counts[gowarc.Response] != tc.n || counts[gowarc.Request] != tc.n+1 || counts[gowarc.Revisit] != 1 {
				t.Errorf("record counts %v", counts)
			}
			if truncated != 1 {
				t.Errorf("truncated records = %d, want 1", truncated)
			}
			// Every location, and every CDXJ line, must point at the right record.
			for i, loc := range append(locs, rv) {
				r, err := gowarc.NewWarcFileReader(filepath.Join(dir, loc.File), loc.Offset, gowarc.WithStrictValidation())
				if err != nil {
					t.Fatal(err)
				}
				rec, _, _, err := r.Next()
				if err != nil {
					t.Fatalf("record %d at %v: %v", i, loc, err)
				}
				if i < len(locs) && rec.Type() != gowarc.Response {
					t.Errorf("record %d at %v is %v", i, loc, rec.Type())
				}
				if i == len(locs) && rec.Type() != gowarc.Revisit {
					t.Errorf("revisit at %v is %v", loc, rec.Type())
				}
				r.Close()
			}
			cdx, _ := filepath.Glob(filepath.Join(dir, "*.cdxj"))
			lines := 0
			for _, c := range cdx {
				f, _ := os.Open(c)
				sc := bufio.NewScanner(f)
				prev := ""
				for sc.Scan() {
					lines++
					if sc.Text() < prev {
						t.Errorf("%s not sorted", c)
					}
					prev = sc.Text()
					parts := strings.SplitN(sc.Text(), " ", 3)
					if len(parts) != 3 || !strings.HasPrefix(parts[0], "127.0.0.1:8080)/p/") || !strings.Contains(parts[0], "?a=1&b=2") {
						t.Errorf("bad cdxj line %q", sc.Text())
						continue
					}
					var j map[string]string
					if err := json.Unmarshal([]byte(parts[2]), &j); err != nil {
						t.Fatal(err)
					}
					off, _ := strconv.ParseInt(j["offset"], 10, 64)
					r, _ := gowarc.NewWarcFileReader(filepath.Join(dir, j["filename"]), off)
					rec, _, _, err := r.Next()
					if err != nil || rec.WarcHeader().Get(gowarc.WarcTargetURI) != j["url"] {
						t.Errorf("cdxj line %q does not point at its record: %v", sc.Text(), err)
					}
					r.Close()
				}
				f.Close()
			}
			if lines != tc.n+1 {
				t.Errorf("cdxj lines = %d, want %d", lines, tc.n+1)
			}
		})
	}
}

func TestSURT(t *testing.T) {
	tests := []struct{ in, want string }{
		{"http://www.Example.com/a/b?z=1&a=2", "com,example)/a/b?a=2&z=1"},
		{"https://news.example.org:443/", "org,example,news)/"},
		{"http://example.org:8080", "org,example:8080)/"},
		{"http://127.0.0.2:9000/x", "127.0.0.2:9000)/x"},
	}
	for _, tc := range tests {
		if got := SURT(tc.in); got != tc.want {
			t.Errorf("SURT(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestSortCDXJDropsPartialLine(t *testing.T) {
	p := filepath.Join(t.TempDir(), "x.cdxj")
	os.WriteFile(p, []byte("b 1 {}\na 1 {}\nc 1 {"), 0o644)
	if err := SortCDXJ(p); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(p)
	if string(b) != "a 1 {}\nb 1 {}\n" {
		t.Errorf("got %q", b)
	}
}

func TestEndFileStartsNewFile(t *testing.T) {
	dir := t.TempDir()
	w, err := NewWriter(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	a, err := w.WriteExchange(exchange("http://127.0.0.1:8080/z", "zzz", ""))
	if err != nil {
		t.Fatal(err)
	}
	w.WriteExchange(exchange("http://127.0.0.1:8080/a", "aaa", ""))
	if err := w.EndFile(); err != nil {
		t.Fatal(err)
	}
	// The finished file's index is sorted before Close is ever called.
	cdx, _ := os.ReadFile(filepath.Join(dir, strings.TrimSuffix(a.File, ".warc.gz")+".cdxj"))
	lines := strings.Split(strings.TrimSpace(string(cdx)), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "127.0.0.1:8080)/a") {
		t.Errorf("cdxj after EndFile: %q", lines)
	}
	b, err := w.WriteExchange(exchange("http://127.0.0.1:8080/b", "bbb", ""))
	if err != nil {
		t.Fatal(err)
	}
	if b.File == a.File {
		t.Errorf("record after EndFile went to the old file %s", a.File)
	}
	w.Close()
	if n := len(readAll(t, dir)); n != 2 {
		t.Errorf("files = %d, want 2", n)
	}
}
