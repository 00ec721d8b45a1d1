package warc

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// collect reads every capture of every source in path.
func collect(t testing.TB, path string, opt ReadOptions) ([]*Capture, []*RecordError) {
	t.Helper()
	srcs, err := Sources(path)
	if err != nil {
		t.Fatalf("Sources(%s): %v", path, err)
	}
	var caps []*Capture
	var bad []*RecordError
	for _, s := range srcs {
		r, err := s.Open(Position{}, opt)
		if err != nil {
			t.Fatal(err)
		}
		for {
			c, err := r.Next()
			if err == io.EOF {
				break
			}
			var re *RecordError
			if errors.As(err, &re) {
				bad = append(bad, re)
				continue
			}
			if err != nil {
				t.Fatalf("%s: %v", s, err)
			}
			caps = append(caps, c)
		}
		r.Close()
	}
	return caps, bad
}

func uris(caps []*Capture) []string {
	var out []string
	for _, c := range caps {
		out = append(out, c.URI)
	}
	return out
}

// warcioPages are the HTML captures of testdata/warcio.warc.gz, in order.
var warcioPages = []string{
	"http://wire.example/news/river-flood",
	"http://wire.example/news/council-budget",
	"https://mirror.example/2023/river-flood",
	"http://wire.example/news/harbour-ferry",
	"http://wire.example/news/library-hours",
	"http://wire.example/news/cafe-terraces",
}

func checkWarcio(t *testing.T, caps []*Capture) {
	t.Helper()
	if got := uris(caps); !slices.Equal(got, warcioPages) {
		t.Fatalf("captures:\n got %q\nwant %q", got, warcioPages)
	}
	byURI := map[string]*Capture{}
	for _, c := range caps {
		byURI[c.URI] = c
	}
	flood := byURI["http://wire.example/news/river-flood"]
	if flood.Type != "response" || flood.Status != 200 || !flood.HTML || !bytes.Contains(flood.Body, []byte("four thousand people")) {
		t.Errorf("flood: type %s status %d html %v body %.80q", flood.Type, flood.Status, flood.HTML, flood.Body)
	}
	if want := time.Date(2023, 3, 14, 9, 0, 1, 0, time.UTC); !flood.Date.Equal(want) {
		t.Errorf("flood date %v, want %v", flood.Date, want)
	}
	budget := byURI["http://wire.example/news/council-budget"]
	if !bytes.HasPrefix(budget.Body, []byte("<!DOCTYPE html>")) || !bytes.Contains(budget.Body, []byte("sixty residents")) || budget.DecodeErr != nil {
		t.Errorf("chunked+gzip body not decoded (err %v): %.60q", budget.DecodeErr, budget.Body)
	}
	rv := byURI["https://mirror.example/2023/river-flood"]
	if rv.Type != "revisit" || rv.Body != nil || rv.RefersToURI != "http://wire.example/news/river-flood" ||
		!rv.RefersToDate.Equal(flood.Date) || rv.PayloadDigest != flood.PayloadDigest || !strings.HasSuffix(rv.Profile, "identical-payload-digest") {
		t.Errorf("revisit: %+v (original's digest %s)", rv, flood.PayloadDigest)
	}
	if ferry := byURI["http://wire.example/news/harbour-ferry"]; ferry.ContentType != "" || !ferry.HTML {
		t.Errorf("ferry: content type %q html %v (want sniffed)", ferry.ContentType, ferry.HTML)
	}
	if lib := byURI["http://wire.example/news/library-hours"]; lib.Type != "resource" || lib.Status != 0 || !strings.HasPrefix(lib.ContentType, "text/html") {
		t.Errorf("resource: %s %d %q", lib.Type, lib.Status, lib.ContentType)
	}
	cafe := byURI["http://wire.example/news/cafe-terraces"]
	if !strings.Contains(cafe.ContentType, "iso-8859-1") || !bytes.Contains(cafe.Body, []byte("caf\xe9s")) {
		t.Errorf("latin-1 page: %q %.60q", cafe.ContentType, cafe.Body)
	}
}

func TestReadWarcioFixture(t *testing.T) {
	caps, bad := collect(t, "testdata/warcio.warc.gz", ReadOptions{})
	if len(bad) > 0 {
		t.Fatalf("bad records in a good file: %v", bad)
	}
	checkWarcio(t, caps)
	// Each capture's offset addresses its own gzip member.
	for _, c := range caps {
		var raw bytes.Buffer
		if err := ReadRaw(&raw, c.Location(), 1<<20); err != nil {
			t.Fatalf("ReadRaw(%s): %v", c.Location(), err)
		}
		if !bytes.Contains(raw.Bytes(), []byte("WARC-Target-URI: "+c.URI+"\r\n")) {
			t.Errorf("%s: raw record is not %s:\n%.300s", c.Location(), c.URI, raw.Bytes())
		}
	}
	// The same file uncompressed.
	plain := filepath.Join(t.TempDir(), "warcio.warc")
	os.WriteFile(plain, gunzipAll(t, "testdata/warcio.warc.gz"), 0o644)
	caps, bad = collect(t, plain, ReadOptions{})
	if len(bad) > 0 {
		t.Fatalf("bad records in the uncompressed file: %v", bad)
	}
	checkWarcio(t, caps)
	for _, c := range caps[:2] {
		var raw bytes.Buffer
		if err := ReadRaw(&raw, c.Location(), 1<<20); err != nil || !bytes.HasPrefix(raw.Bytes(), []byte("WARC/1.1\r\n")) ||
			!bytes.Contains(raw.Bytes(), []byte(c.URI)) {
			t.Errorf("ReadRaw(%s) in a plain file: %v %.100q", c.Location(), err, raw.Bytes())
		}
	}
}

func TestReadAllRecords(t *testing.T) {
	caps, _ := collect(t, "testdata/warcio.warc.gz", ReadOptions{All: true})
	want := []string{"river-flood", "council-budget", "2023/river-flood", "flood.png", "missing", "/flood", "harbour-ferry", "library-hours", "cafe-terraces"}
	if len(caps) != len(want) {
		t.Fatalf("All: got %q", uris(caps))
	}
	for i, c := range caps {
		if !strings.HasSuffix(c.URI, want[i]) {
			t.Errorf("capture %d: %s, want …%s", i, c.URI, want[i])
		}
	}
	if caps[3].HTML || caps[4].Status != 404 || caps[5].Status != 301 {
		t.Errorf("png html=%v, 404 status %d, 301 status %d", caps[3].HTML, caps[4].Status, caps[5].Status)
	}
}

func TestReadKeepFilter(t *testing.T) {
	var asked []string
	caps, _ := collect(t, "testdata/warcio.warc.gz", ReadOptions{Keep: func(uri string, date time.Time) bool {
		asked = append(asked, uri)
		return date.Before(time.Date(2023, 3, 14, 9, 6, 0, 0, time.UTC))
	}})
	if got := uris(caps); !slices.Equal(got, warcioPages[:2]) {
		t.Errorf("kept %q", got)
	}
	if slices.Contains(asked, "http://wire.example/news/missing") == false {
		t.Errorf("Keep was not asked about every web capture: %q", asked)
	}
}

func TestReadARC(t *testing.T) {
	caps, bad := collect(t, "testdata/handmade.arc.gz", ReadOptions{})
	if len(bad) > 0 {
		t.Fatal(bad)
	}
	want := []string{"http://ledger.example/2008/04/30/shipyard.html", "http://ledger.example/2008/04/30/tolls.html"}
	if got := uris(caps); !slices.Equal(got, want) {
		t.Fatalf("ARC v1 captures %q", got)
	}
	c := caps[0]
	if c.Status != 200 || !c.HTML || !c.Date.Equal(time.Date(2008, 4, 30, 20, 48, 27, 0, time.UTC)) || c.IP != "192.0.2.10" ||
		!bytes.HasPrefix(c.Body, []byte("<html><head><title>Shipyard")) || c.Header.Get("Server") != "Apache/1.3.41" {
		t.Errorf("ARC capture: %+v", c)
	}
	var raw bytes.Buffer
	if err := ReadRaw(&raw, caps[1].Location(), 1<<20); err != nil || !bytes.HasPrefix(raw.Bytes(), []byte(want[1]+" 192.0.2.10 20080430204829 text/html ")) {
		t.Errorf("ReadRaw(%s): %v %.120q", caps[1].Location(), err, raw.Bytes())
	}
	caps, bad = collect(t, "testdata/handmade-v2.arc", ReadOptions{})
	if len(bad) > 0 || len(caps) != 1 || caps[0].URI != want[1] || !bytes.Contains(caps[0].Body, []byte("twenty-five cents")) ||
		caps[0].PayloadDigest != "4KXBGV3ZDQ2SUNOEXAMPLE" {
		t.Errorf("ARC v2: %v %+v", bad, caps)
	}
}

func TestReadWACZ(t *testing.T) {
	srcs, err := Sources("testdata/jswacz.wacz")
	if err != nil {
		t.Fatal(err)
	}
	if len(srcs) != 1 || srcs[0].Entry != "archive/warcio.warc.gz" || srcs[0].Base() == 0 || srcs[0].Size != 7069 {
		t.Fatalf("WACZ sources: %+v", srcs)
	}
	caps, bad := collect(t, "testdata/jswacz.wacz", ReadOptions{})
	if len(bad) > 0 {
		t.Fatal(bad)
	}
	checkWarcio(t, caps)
	plain, _ := collect(t, "testdata/warcio.warc.gz", ReadOptions{})
	for i, c := range caps {
		if c.Offset != plain[i].Offset+srcs[0].Base() {
			t.Errorf("%s: offset %d in the WACZ, %d in the WARC + base %d", c.URI, c.Offset, plain[i].Offset, srcs[0].Base())
		}
		var raw bytes.Buffer
		if err := ReadRaw(&raw, c.Location(), 1<<20); err != nil || !bytes.Contains(raw.Bytes(), []byte(c.URI)) {
			t.Errorf("ReadRaw(%s): %v", c.Location(), err)
		}
	}
}

// TestReadOwnWriter reads what this package's Writer writes: exchanges, a
// gzip-encoded body, a truncated body and a revisit.
func TestReadOwnWriter(t *testing.T) {
	dir := t.TempDir()
	w, err := NewWriter(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	page := "<html><body><p>" + strings.Repeat("Harbour news. ", 50) + "</p></body></html>"
	if _, err := w.WriteExchange(exchange("http://127.0.0.1/a", page, "")); err != nil {
		t.Fatal(err)
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(page))
	zw.Close()
	ex := exchange("http://127.0.0.1/b", gz.String(), "")
	ex.ResponseHead = []byte("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: gzip\r\n\r\n")
	if _, err := w.WriteExchange(ex); err != nil {
		t.Fatal(err)
	}
	if _, err := w.WriteExchange(exchange("http://127.0.0.1/c", page[:40], "length")); err != nil {
		t.Fatal(err)
	}
	loc, err := w.WriteRevisit(exchange("http://127.0.0.1/a", "", ""), Revisit{Profile: ProfileIdenticalPayload,
		RefersToURI: "http://127.0.0.1/a", RefersToDate: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), PayloadDigest: PayloadDigest([]byte(page))})
	if err != nil {
		t.Fatal(err)
	}
	w.Close()
	files, _ := filepath.Glob(filepath.Join(dir, "*.warc.gz"))
	caps, bad := collect(t, files[0], ReadOptions{})
	if len(bad) > 0 || len(caps) != 4 {
		t.Fatalf("own writer: %d captures %q, bad %v", len(caps), uris(caps), bad)
	}
	if string(caps[0].Body) != page || string(caps[1].Body) != page || caps[1].DecodeErr != nil {
		t.Errorf("bodies not read back: %.40q / %.40q (%v)", caps[0].Body, caps[1].Body, caps[1].DecodeErr)
	}
	if caps[2].Truncated != "length" || caps[0].PayloadDigest != PayloadDigest([]byte(page)) {
		t.Errorf("truncated %q digest %s", caps[2].Truncated, caps[0].PayloadDigest)
	}
	if rv := caps[3]; rv.Type != "revisit" || rv.Offset != loc.Offset || rv.PayloadDigest != caps[0].PayloadDigest || rv.Status != 200 {
		t.Errorf("revisit %+v at %d, want offset %d", rv, rv.Offset, loc.Offset)
	}
}

func TestResume(t *testing.T) {
	// Per-record gzip, plain, and a WARC gzipped as one member.
	dir := t.TempDir()
	plain := gunzipAll(t, "testdata/warcio.warc.gz")
	whole := filepath.Join(dir, "whole.warc.gz")
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(plain)
	zw.Close()
	os.WriteFile(whole, gz.Bytes(), 0o644)
	os.WriteFile(filepath.Join(dir, "plain.warc"), plain, 0o644)
	for _, path := range []string{"testdata/warcio.warc.gz", filepath.Join(dir, "plain.warc"), whole} {
		for stop := 1; stop < len(warcioPages); stop++ {
			srcs, _ := Sources(path)
			r, _ := srcs[0].Open(Position{}, ReadOptions{})
			var got []string
			for range stop {
				c, err := r.Next()
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, c.URI)
			}
			pos := r.Pos()
			r.Close()
			r, err := srcs[0].Open(pos, ReadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			for {
				c, err := r.Next()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, c.URI)
			}
			r.Close()
			if !slices.Equal(got, warcioPages) {
				t.Errorf("%s: stop after %d at %+v: got %q", path, stop, pos, got)
			}
		}
	}
}

func gunzipAll(t testing.TB, path string) []byte {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestReadCapture(t *testing.T) {
	for _, path := range []string{"testdata/warcio.warc.gz", "testdata/jswacz.wacz", "testdata/handmade.arc.gz"} {
		caps, _ := collect(t, path, ReadOptions{})
		for _, c := range caps {
			got, err := ReadCapture(c.Location(), ReadOptions{})
			if err != nil {
				t.Fatalf("%s: %v", c.Location(), err)
			}
			if got.URI != c.URI || !bytes.Equal(got.Body, c.Body) || !got.Date.Equal(c.Date) {
				t.Errorf("%s: read %s, want %s", c.Location(), got.URI, c.URI)
			}
		}
	}
	if _, err := ReadCapture("testdata/warcio.warc.gz#5", ReadOptions{}); err == nil {
		t.Error("a location inside a member read as a capture")
	}
}

// TestReadWARC10 reads a WARC/1.0 file in Common Crawl's news layout: the
// body stored decoded (X-Crawler-Content-Encoding), a truncated record.
func TestReadWARC10(t *testing.T) {
	caps, bad := collect(t, "testdata/ccnews-like.warc.gz", ReadOptions{})
	if len(bad) > 0 || len(caps) != 2 {
		t.Fatalf("captures %q, bad %v", uris(caps), bad)
	}
	if c := caps[0]; c.DecodeErr != nil || !bytes.Contains(c.Body, []byte("nine-day strike")) || c.IP != "198.51.100.7" || c.Date.Year() != 2024 {
		t.Errorf("CC-NEWS style capture: %+v", c)
	}
	if c := caps[1]; c.Truncated != "length" || len(c.Body) != 900 {
		t.Errorf("truncated capture: %q, %d bytes", c.Truncated, len(c.Body))
	}
}
