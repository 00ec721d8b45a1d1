package warc

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// members splits a file of concatenated gzip members.
func members(t testing.TB, data []byte) [][]byte {
	t.Helper()
	var out [][]byte
	for off := 0; off < len(data); {
		cr := &countingReader{r: bytes.NewReader(data[off:])}
		br := &byteReader{r: cr}
		zr, err := gzip.NewReader(br)
		if err != nil {
			t.Fatal(err)
		}
		zr.Multistream(false)
		if _, err := io.Copy(io.Discard, zr); err != nil {
			t.Fatal(err)
		}
		n := int(cr.n)
		out = append(out, data[off:off+n])
		off += n
	}
	return out
}

// byteReader reads one byte at a time so that gzip does not read past a
// member's end.
type byteReader struct{ r io.Reader }

func (b *byteReader) Read(p []byte) (int, error) { return b.r.Read(p[:min(len(p), 1)]) }
func (b *byteReader) ReadByte() (byte, error) {
	var x [1]byte
	_, err := io.ReadFull(b.r, x[:])
	return x[0], err
}

func gz(b []byte) []byte {
	var out bytes.Buffer
	zw := gzip.NewWriter(&out)
	zw.Write(b)
	zw.Close()
	return out.Bytes()
}

func without(all []string, drop ...string) []string {
	var out []string
	for _, s := range all {
		if !slices.Contains(drop, s) {
			out = append(out, s)
		}
	}
	return out
}

// The members of testdata/warcio.warc.gz.
const (
	mFlood  = 2
	mBudget = 3
	mCafe   = 11
)

var (
	flood  = "http://wire.example/news/river-flood"
	budget = "http://wire.example/news/council-budget"
	cafe   = "http://wire.example/news/cafe-terraces"
)

// setContentLength changes the Content-Length of the first record of a
// plain WARC text whose target is uri (its response, for the flood page)
// by delta.
func setContentLength(t *testing.T, plain []byte, uri string, delta int) []byte {
	t.Helper()
	re := regexp.MustCompile(`WARC-Target-URI: ` + regexp.QuoteMeta(uri) + `\r\nWARC-Date: [^\r]*\r\nWARC-Type: (response)\r\n(?:[^\r]*\r\n)*?Content-Length: (\d+)\r\n`)
	m := re.FindSubmatchIndex(plain)
	if m == nil {
		t.Fatalf("no response for %s", uri)
	}
	n, _ := strconv.Atoi(string(plain[m[4]:m[5]]))
	out := slices.Clone(plain[:m[4]])
	out = append(out, strconv.Itoa(n+delta)...)
	return append(out, plain[m[5]:]...)
}

func TestBadInput(t *testing.T) {
	data, err := os.ReadFile("testdata/warcio.warc.gz")
	if err != nil {
		t.Fatal(err)
	}
	ms := members(t, data)
	if len(ms) != 12 {
		t.Fatalf("fixture has %d members", len(ms))
	}
	offsetOf := func(parts [][]byte, i int) int64 {
		n := 0
		for _, p := range parts[:i] {
			n += len(p)
		}
		return int64(n)
	}
	replace := func(i int, with []byte) [][]byte {
		parts := slices.Clone(ms)
		parts[i] = with
		return parts
	}
	plain := gunzipAll(t, "testdata/warcio.warc.gz")
	floodAt := int64(bytes.Index(plain, []byte("WARC/1.1\r\nWARC-Target-URI: "+flood+"\r\nWARC-Date: 2023-03-14T09:00:01Z")))
	budgetAt := int64(bytes.Index(plain, []byte("WARC/1.1\r\nWARC-Target-URI: "+budget)))
	junkAt := budgetAt
	withJunk := slices.Concat(plain[:junkAt], []byte("this line is not a record\r\n"), plain[junkAt:])
	corrupt := slices.Clone(ms[mBudget])
	for i := len(corrupt) / 3; i < len(corrupt)/2; i++ {
		corrupt[i] ^= 0x55
	}
	clTooLarge := replace(mFlood, gz(setContentLength(t, gunzipOne(t, ms[mFlood]), flood, 40)))
	clTooSmall := replace(mFlood, gz(setContentLength(t, gunzipOne(t, ms[mFlood]), flood, -40)))
	cases := []struct {
		name     string
		file     string
		data     []byte
		missing  []string
		badAt    int64
		resumeAt int64 // -1: nothing after
		msg      string
	}{
		{"truncated gzip member", "a.warc.gz", bytes.Join(replace(mFlood, ms[mFlood][:len(ms[mFlood])/2]), nil),
			[]string{flood}, offsetOf(ms, mFlood), offsetOf(ms, mFlood) + int64(len(ms[mFlood])/2), "gzip"},
		{"file cut in its last member", "b.warc.gz", bytes.Join(replace(mCafe, ms[mCafe][:len(ms[mCafe])-30]), nil),
			[]string{cafe}, offsetOf(ms, mCafe), -1, "gzip"},
		{"corrupt gzip member", "c.warc.gz", bytes.Join(replace(mBudget, corrupt), nil),
			[]string{budget}, offsetOf(ms, mBudget), offsetOf(ms, mBudget+1), "gzip"},
		{"Content-Length too large, gzipped", "d.warc.gz", bytes.Join(clTooLarge, nil),
			[]string{flood}, offsetOf(ms, mFlood), offsetOf(clTooLarge, mFlood+1), "Content-Length"},
		{"Content-Length too small, gzipped", "e.warc.gz", bytes.Join(clTooSmall, nil),
			[]string{flood}, offsetOf(ms, mFlood), offsetOf(clTooSmall, mFlood+1), "Content-Length"},
		{"Content-Length too large, plain", "f.warc", setContentLength(t, plain, flood, 200),
			[]string{flood}, floodAt, budgetAt, "Content-Length"},
		{"Content-Length too small, plain", "g.warc", setContentLength(t, plain, flood, -200),
			[]string{flood}, floodAt, budgetAt, "Content-Length"},
		{"junk between records", "h.warc", withJunk, nil, junkAt, junkAt + int64(len("this line is not a record\r\n")), "no WARC or ARC record"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), tc.file)
			os.WriteFile(path, tc.data, 0o644)
			caps, bad := collect(t, path, ReadOptions{})
			want := without(warcioPages, tc.missing...)
			if got := uris(caps); !slices.Equal(got, want) {
				t.Errorf("captures\n got %q\nwant %q", got, want)
			}
			if len(bad) != 1 {
				t.Fatalf("want one bad record, got %v", bad)
			}
			e := bad[0]
			t.Log(e)
			if e.Offset != tc.badAt || e.Resumed != tc.resumeAt || e.Source.Path != path || !strings.Contains(e.Error(), tc.msg) {
				t.Errorf("error %q: offset %d resumed %d, want %d and %d, mentioning %q", e, e.Offset, e.Resumed, tc.badAt, tc.resumeAt, tc.msg)
			}
			if !strings.HasPrefix(e.Error(), path+" at offset "+strconv.FormatInt(tc.badAt, 10)+": ") {
				t.Errorf("message does not start with file and offset: %q", e)
			}
		})
	}
}

func gunzipOne(t testing.TB, member []byte) []byte {
	zr, err := gzip.NewReader(bytes.NewReader(member))
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestNotArchive(t *testing.T) {
	dir := t.TempDir()
	files := map[string][]byte{
		"page.warc.gz": []byte("<!DOCTYPE html><html><body>404 Not Found</body></html>"),
		"text.warc.gz": gz([]byte("just some text, gzipped\n")),
		"empty.warc":   nil,
		"fake.wacz":    []byte("PK\x03\x04 but not really a zip"),
	}
	for name, b := range files {
		path := filepath.Join(dir, name)
		os.WriteFile(path, b, 0o644)
		_, err := Sources(path)
		if err == nil || !strings.Contains(err.Error(), path) {
			t.Errorf("%s: err %v", name, err)
			continue
		}
		if name != "fake.wacz" && (!errors.Is(err, ErrNotArchive) || !strings.Contains(err.Error(), "at offset 0")) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestZeroPaddingAtEnd(t *testing.T) {
	data, _ := os.ReadFile("testdata/warcio.warc.gz")
	path := filepath.Join(t.TempDir(), "padded.warc.gz")
	os.WriteFile(path, append(data, make([]byte, 512)...), 0o644)
	caps, bad := collect(t, path, ReadOptions{})
	if len(bad) != 0 || len(caps) != len(warcioPages) {
		t.Errorf("padded file: %d captures, bad %v", len(caps), bad)
	}
}

func TestTruncatedARC(t *testing.T) {
	data, _ := os.ReadFile("testdata/handmade.arc.gz")
	ms := members(t, data)
	path := filepath.Join(t.TempDir(), "cut.arc.gz")
	os.WriteFile(path, bytes.Join(append(slices.Clone(ms[:2]), ms[2][:len(ms[2])/2], ms[3], ms[4]), nil), 0o644)
	caps, bad := collect(t, path, ReadOptions{})
	if got := uris(caps); len(bad) != 1 || !slices.Equal(got, []string{"http://ledger.example/2008/04/30/tolls.html"}) {
		t.Errorf("captures %q, bad %v", got, bad)
	}
}

func TestExpand(t *testing.T) {
	dir := t.TempDir()
	for _, n := range []string{"a.warc.gz", "sub/b.arc.gz", "sub/c.wacz", "notes.txt", "d.warc"} {
		p := filepath.Join(dir, n)
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, []byte("x"), 0o644)
	}
	got, err := Expand([]string{dir, filepath.Join(dir, "*.warc*"), filepath.Join(dir, "notes.txt"), filepath.Join(dir, "missing.warc")})
	want := []string{"a.warc.gz", "d.warc", "sub/b.arc.gz", "sub/c.wacz", "notes.txt"}
	for i := range want {
		want[i] = filepath.Join(dir, want[i])
	}
	if !slices.Equal(got, want) {
		t.Errorf("Expand:\n got %q\nwant %q", got, want)
	}
	if err == nil || !strings.Contains(err.Error(), "missing.warc") {
		t.Errorf("missing file not reported: %v", err)
	}
}

// TestChecksumMismatch: a member whose deflate data still decodes but to
// other bytes (its CRC fails) does not yield the garbled record.
func TestChecksumMismatch(t *testing.T) {
	data, _ := os.ReadFile("testdata/warcio.warc.gz")
	ms := members(t, data)
	plain := gunzipOne(t, ms[mFlood])
	// Re-compress without compression so a changed byte still decodes.
	var b bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&b, gzip.NoCompression)
	zw.Write(plain)
	zw.Close()
	m := b.Bytes()
	i := bytes.Index(m, []byte("four thousand"))
	m[i] = 'F'
	parts := slices.Clone(ms)
	parts[mFlood] = m
	path := filepath.Join(t.TempDir(), "crc.warc.gz")
	os.WriteFile(path, bytes.Join(parts, nil), 0o644)
	caps, bad := collect(t, path, ReadOptions{})
	if got := uris(caps); !slices.Equal(got, without(warcioPages, flood)) || len(bad) != 1 || !strings.Contains(bad[0].Error(), "checksum") {
		t.Errorf("captures %q, bad %v", got, bad)
	}
}

// TestBadInputOtherLayouts: the bad-input cases in the layouts besides a
// WARC gzipped per record: a WARC gzipped as a whole and cut short, an ARC
// record whose length is wrong, a WACZ whose WARC holds a truncated gzip
// member. Each is reported once with its file and offset, and the sound
// records are read.
func TestBadInputOtherLayouts(t *testing.T) {
	dir := t.TempDir()
	plain := gunzipAll(t, "testdata/warcio.warc.gz")
	whole := gz(plain)
	cutWhole := filepath.Join(dir, "whole.warc.gz")
	os.WriteFile(cutWhole, whole[:len(whole)*2/3], 0o644)

	arc, _ := os.ReadFile("testdata/handmade.arc.gz")
	am := members(t, arc)
	shipyard := gunzipOne(t, am[2])
	badLen := bytes.Replace(shipyard, []byte(" text/html 1120\n"), []byte(" text/html 1190\n"), 1)
	if bytes.Equal(badLen, shipyard) {
		t.Fatal("ARC fixture changed")
	}
	arcPath := filepath.Join(dir, "length.arc.gz")
	os.WriteFile(arcPath, bytes.Join(slices.Concat(am[:2], [][]byte{gz(badLen)}, am[3:]), nil), 0o644)

	data, _ := os.ReadFile("testdata/warcio.warc.gz")
	ms := members(t, data)
	cut := slices.Clone(ms)
	cut[mFlood] = ms[mFlood][:len(ms[mFlood])/2]
	var zb bytes.Buffer
	zw := zip.NewWriter(&zb)
	for _, e := range []struct {
		name string
		data []byte
	}{{"datapackage.json", []byte(`{"profile":"data-package","resources":[]}`)}, {"archive/data.warc.gz", bytes.Join(cut, nil)}} {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: e.name, Method: zip.Store})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(e.data)
	}
	zw.Close()
	wacz := filepath.Join(dir, "cut.wacz")
	os.WriteFile(wacz, zb.Bytes(), 0o644)

	cases := []struct {
		name, path string
		check      func([]string) bool
		msg        string
	}{
		{"WARC gzipped as a whole, cut short", cutWhole, func(got []string) bool {
			return len(got) > 0 && len(got) < len(warcioPages) && slices.Equal(got, warcioPages[:len(got)])
		}, "gzip"},
		{"ARC record with a wrong length", arcPath, func(got []string) bool {
			return slices.Equal(got, []string{"http://ledger.example/2008/04/30/tolls.html"})
		}, ""},
		{"WACZ holding a truncated gzip member", wacz, func(got []string) bool { return slices.Equal(got, without(warcioPages, flood)) }, "gzip"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			caps, bad := collect(t, tc.path, ReadOptions{})
			if !tc.check(uris(caps)) {
				t.Errorf("captures %q", uris(caps))
			}
			if len(bad) != 1 {
				t.Fatalf("want one bad record, got %v", bad)
			}
			t.Log(bad[0])
			if !strings.HasPrefix(bad[0].Error(), tc.path) || !strings.Contains(bad[0].Error(), " at offset ") || !strings.Contains(bad[0].Error(), tc.msg) {
				t.Errorf("message does not name file, offset and %q: %q", tc.msg, bad[0])
			}
		})
	}
}

// TestBadInputWholeGzipWhere: in a WARC gzipped as a whole, every record is
// inside the one member at offset 0, so the error also says which record of
// the member is bad and where the compressed data breaks off: the cut, or
// the corrupted stretch.
func TestBadInputWholeGzipWhere(t *testing.T) {
	dir := t.TempDir()
	whole := gz(gunzipAll(t, "testdata/warcio.warc.gz"))
	cut := whole[:len(whole)*2/3]
	corrupt := slices.Clone(whole)
	mid := len(whole) / 2
	for i := mid; i < mid+64; i++ {
		corrupt[i] = 0xff
	}
	for _, tc := range []struct {
		name     string
		data     []byte
		from, to int64 // where the damage must be reported
	}{
		{"cut", cut, int64(len(cut)), int64(len(cut))},
		{"corrupt", corrupt, int64(mid), int64(mid + 64 + 4096)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, tc.name+".warc.gz")
			os.WriteFile(path, tc.data, 0o644)
			caps, bad := collect(t, path, ReadOptions{})
			if len(bad) != 1 {
				t.Fatalf("want one bad record, got %v", bad)
			}
			e := bad[0]
			t.Log(e)
			if e.Offset != 0 || e.Record < len(caps) || e.Damage < tc.from || e.Damage > tc.to {
				t.Errorf("offset %d, record %d (after %d captures), damage at %d: want 0, a later record, damage in [%d, %d]",
					e.Offset, e.Record, len(caps), e.Damage, tc.from, tc.to)
			}
			want := fmt.Sprintf("(record %d of the gzip member there; its compressed data breaks off at offset %d)", e.Record+1, e.Damage)
			if !strings.Contains(e.Error(), want) {
				t.Errorf("message %q does not say %q", e, want)
			}
		})
	}
}
