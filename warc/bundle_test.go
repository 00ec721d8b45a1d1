package warc

import (
	"archive/zip"
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	gowarc "github.com/nlnwa/gowarc/v2"
)

func TestBundleWACZ(t *testing.T) {
	caps, _ := collect(t, "testdata/warcio.warc.gz", ReadOptions{})
	arc, _ := collect(t, "testdata/handmade.arc.gz", ReadOptions{})
	b, err := NewBundle("data.warc.gz", []Field{{"software", "syndex test"}})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	mirrorDate := time.Date(2023, 3, 15, 10, 0, 0, 0, time.UTC)
	for _, c := range caps {
		if c.Type == "revisit" {
			continue
		}
		if err := b.Add(c.Location(), c.URI, c.Date, "T "+c.URI); err != nil {
			t.Fatal(err)
		}
	}
	// A revisit resolved to its original: the original's record under the
	// revisit's URI and date.
	if err := b.Add(caps[0].Location(), "https://mirror.example/2023/river-flood", mirrorDate, "mirror"); err != nil {
		t.Fatal(err)
	}
	if err := b.Add(caps[0].Location(), caps[0].URI, caps[0].Date, "again"); err != nil || b.Len() != 6 {
		t.Fatalf("adding a capture twice: %v, %d captures", err, b.Len())
	}
	if err := b.Add(arc[0].Location(), arc[0].URI, arc[0].Date, "arc"); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "sel.wacz")
	f, _ := os.Create(path)
	if err := b.WriteWACZ(f, WACZInfo{Title: "selection", Software: "syndex test"}); err != nil {
		t.Fatal(err)
	}
	f.Close()

	// The zip: files, stored WARC, hashes in datapackage.json.
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	files := map[string][]byte{}
	for _, zf := range zr.File {
		rc, _ := zf.Open()
		files[zf.Name], _ = io.ReadAll(rc)
		rc.Close()
		if zf.Name == "archive/data.warc.gz" && zf.Method != zip.Store {
			t.Error("the WARC is compressed by zip: replay needs it stored")
		}
	}
	for _, want := range []string{"archive/data.warc.gz", "indexes/index.cdxj", "pages/pages.jsonl", "datapackage.json", "datapackage-digest.json"} {
		if files[want] == nil {
			t.Errorf("no %s in the WACZ", want)
		}
	}
	var dp struct {
		Profile, WACZVersion string
		Resources            []struct {
			Path, Hash string
			Bytes      int64
		}
	}
	json.Unmarshal(files["datapackage.json"], &dp)
	if len(dp.Resources) != 3 {
		t.Fatalf("datapackage resources: %s", files["datapackage.json"])
	}
	for _, r := range dp.Resources {
		sum := sha256.Sum256(files[r.Path])
		if r.Hash != "sha256:"+hex.EncodeToString(sum[:]) || r.Bytes != int64(len(files[r.Path])) {
			t.Errorf("%s: hash %s bytes %d do not match the file", r.Path, r.Hash, r.Bytes)
		}
	}
	sum := sha256.Sum256(files["datapackage.json"])
	if !bytes.Contains(files["datapackage-digest.json"], []byte(hex.EncodeToString(sum[:]))) {
		t.Error("datapackage-digest.json does not hold datapackage.json's hash")
	}

	// Every CDXJ line points at its record in the WARC.
	warcPath := filepath.Join(t.TempDir(), "data.warc.gz")
	os.WriteFile(warcPath, files["archive/data.warc.gz"], 0o644)
	// The independent nlnwa reader, strict, reads every record and checks
	// its block and payload digests; each capture is one record (the
	// fixture's resource record stays one).
	recs := readAll(t, filepath.Dir(warcPath))["data.warc.gz"]
	types := map[gowarc.RecordType]int{}
	for _, r := range recs {
		types[r.Type()]++
	}
	if len(recs) == 0 || recs[0].Type() != gowarc.Warcinfo || types[gowarc.Response] != 6 || types[gowarc.Resource] != 1 || len(recs) != 8 {
		t.Errorf("nlnwa reader: %d records, types %v", len(recs), types)
	}
	sc := bufio.NewScanner(bytes.NewReader(files["indexes/index.cdxj"]))
	n := 0
	prev := ""
	for sc.Scan() {
		line := sc.Text()
		if line < prev {
			t.Errorf("CDXJ not sorted at %q", line)
		}
		prev = line
		var j map[string]string
		json.Unmarshal([]byte(line[strings.IndexByte(line, '{'):]), &j)
		off, _ := strconv.ParseInt(j["offset"], 10, 64)
		if r, err := gowarc.NewWarcFileReader(warcPath, off, gowarc.WithStrictValidation()); err != nil {
			t.Error(err)
		} else {
			rec, _, val, err := r.Next()
			if err != nil || !val.Valid() || rec.WarcHeader().Get(gowarc.WarcTargetURI) != j["url"] {
				t.Errorf("nlnwa reader at CDXJ offset %d: %v %v", off, err, val)
			}
			r.Close()
		}
		got, err := ReadCapture(warcPath+"#"+j["offset"], ReadOptions{})
		if err != nil || got.URI != j["url"] || got.Offset != off || j["filename"] != "data.warc.gz" {
			t.Errorf("CDXJ %q: read %v %v", line, got, err)
		}
		if got != nil && got.Status == 200 && j["status"] != "200" {
			t.Errorf("CDXJ status %q", j["status"])
		}
		n++
	}
	if n != 7 {
		t.Errorf("%d CDXJ lines, want 7", n)
	}
	// Read back as a source: the mirror page carries the flood page's text
	// and the ARC page became a WARC response.
	back, bad := collect(t, path, ReadOptions{})
	if len(bad) > 0 || len(back) != 7 {
		t.Fatalf("WACZ read back: %q %v", uris(back), bad)
	}
	for _, c := range back {
		switch c.URI {
		case "https://mirror.example/2023/river-flood":
			if !c.Date.Equal(mirrorDate) || !bytes.Equal(c.Body, caps[0].Body) || c.Type != "response" {
				t.Errorf("mirror capture: %v %s %.40q", c.Date, c.Type, c.Body)
			}
		case arc[0].URI:
			if !bytes.Equal(c.Body, arc[0].Body) || c.IP != "192.0.2.10" || !c.Date.Equal(arc[0].Date) {
				t.Errorf("ARC capture converted: %+v", c)
			}
		case "http://wire.example/news/council-budget":
			if !bytes.Contains(c.Body, []byte("sixty residents")) {
				t.Error("the chunked, gzipped page does not decode after the copy")
			}
		}
	}
	pages := strings.Split(strings.TrimSpace(string(files["pages/pages.jsonl"])), "\n")
	if len(pages) != 8 || !strings.Contains(pages[0], "json-pages-1.0") || !strings.Contains(pages[6], `"title":"mirror"`) {
		t.Errorf("pages.jsonl:\n%s", files["pages/pages.jsonl"])
	}
}

// TestWACZReplay opens a WACZ written by Bundle in replayweb.page, in
// headless Chromium, and checks that each page replays (see
// testdata/replaycheck.mjs for the setup; skipped without it).
func TestWACZReplay(t *testing.T) {
	dir := os.Getenv("SYNDEX_REPLAYWEB")
	if dir == "" {
		t.Skip("set SYNDEX_REPLAYWEB to a directory with puppeteer-core and replaywebpage (see testdata/replaycheck.mjs)")
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("no node")
	}
	caps, _ := collect(t, "testdata/warcio.warc.gz", ReadOptions{})
	arc, _ := collect(t, "testdata/handmade.arc.gz", ReadOptions{})
	b, err := NewBundle("data.warc.gz", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	want := map[string]string{}
	for _, c := range append(caps, arc...) {
		if c.Type == "revisit" {
			continue
		}
		b.Add(c.Location(), c.URI, c.Date, "")
		want[c.URI] = ""
	}
	b.Add(caps[0].Location(), "https://mirror.example/2023/river-flood", time.Date(2023, 3, 15, 10, 0, 0, 0, time.UTC), "")
	want["http://wire.example/news/river-flood"] = "four thousand people"
	want["https://mirror.example/2023/river-flood"] = "four thousand people"
	want["http://wire.example/news/council-budget"] = "sixty residents" // chunked and gzipped when archived
	want["http://wire.example/news/cafe-terraces"] = "Café owners"      // ISO-8859-1
	want["http://ledger.example/2008/04/30/shipyard.html"] = "research vessels"
	path := filepath.Join(t.TempDir(), "replay.wacz")
	f, _ := os.Create(path)
	if err := b.WriteWACZ(f, WACZInfo{Title: "replay test"}); err != nil {
		t.Fatal(err)
	}
	f.Close()
	for u, text := range want {
		if text == "" {
			continue
		}
		out, err := exec.Command(node, "testdata/replaycheck.mjs", dir, path, u).CombinedOutput()
		if err != nil || !strings.Contains(string(out), text) {
			t.Errorf("%s does not replay (%v):\n%.300s", u, err, out)
		}
	}
}
