package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/syndex/syndex/article"
	"github.com/syndex/syndex/warc"
)

func warcFixture(name string) string {
	p, _ := filepath.Abs(filepath.Join("..", "..", "warc", "testdata", name))
	return p
}

// exported runs `syndex export` and decodes its articles, by URL.
func exported(t *testing.T, data string) map[string]*article.Article {
	t.Helper()
	r := syndex(t, ".", "export", "--data", data)
	if r.code != 0 {
		t.Fatalf("export: %d %s", r.code, r.stderr)
	}
	out := map[string]*article.Article{}
	sc := bufio.NewScanner(strings.NewReader(r.stdout))
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		var a article.Article
		if err := json.Unmarshal(sc.Bytes(), &a); err != nil {
			t.Fatal(err)
		}
		out[a.URL] = &a
	}
	return out
}

func TestImportWARCCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test builds and runs the binary")
	}
	work := t.TempDir()
	data := filepath.Join(work, "data")
	r := syndex(t, work, "import", "--data", data, "--warc", warcFixture("warcio.warc.gz"), warcFixture("handmade.arc.gz"))
	if r.code != 0 || !strings.Contains(r.stderr, "imported 8 new and 0 updated articles") {
		t.Fatalf("import: exit %d\n%s", r.code, r.stderr)
	}
	if runtime.GOOS == "linux" && !regexp.MustCompile(`; CPU \d+\.\ds \(\d+\.\d HTML per CPU-second\)`).MatchString(r.stderr) {
		t.Errorf("the summary does not give the CPU time:\n%s", r.stderr)
	}
	if !regexp.MustCompile(`; waits: workers idle \d+\.\ds over workers, reader held back \d+\.\ds, writer waiting for extraction \d+\.\ds`).MatchString(r.stderr) {
		t.Errorf("the summary does not say where the pipeline waited:\n%s", r.stderr)
	}
	arts := exported(t, data)
	flood := arts["http://wire.example/news/river-flood"]
	if len(arts) != 8 || flood == nil || flood.WARC != warcFixture("warcio.warc.gz")+"#596" || flood.Fetched.Format(time.RFC3339) != "2023-03-14T09:00:01Z" {
		t.Fatalf("%d articles; flood %+v", len(arts), flood)
	}
	r = syndex(t, work, "import", "--data", data, "--warc", warcFixture("warcio.warc.gz"))
	if r.code != 0 || !strings.Contains(r.stderr, "1 already imported, skipped") {
		t.Errorf("second import: exit %d\n%s", r.code, r.stderr)
	}

	// Bad input: reported with file and offset, the rest imported, exit 1.
	good, _ := os.ReadFile(warcFixture("warcio.warc.gz"))
	cut := filepath.Join(work, "cut.warc.gz")
	os.WriteFile(cut, good[:len(good)-40], 0o644)
	junk := filepath.Join(work, "junk.warc")
	os.WriteFile(junk, []byte("not an archive\n"), 0o644)
	r = syndex(t, work, "import", "--data", filepath.Join(work, "other"), "--warc", junk, cut)
	if r.code != 1 || !strings.Contains(r.stderr, junk+" at offset 0: not a WARC") || !strings.Contains(r.stderr, cut+" at offset 6199: ") ||
		!strings.Contains(r.stderr, "imported 5 new") || !strings.Contains(r.stderr, "everything else was imported") {
		t.Errorf("bad input: exit %d\n%s", r.code, r.stderr)
	}

	// Usage errors exit 2 before anything is done.
	sites := filepath.Join(work, "sites.txt")
	os.WriteFile(sites, []byte("# outlets of the study\nwire.example\n"), 0o644)
	for _, args := range [][]string{
		{"--warc", cut, "--in", "x.jsonl"},
		{"--warc", cut, "--url-include", "("},
		{"--warc", cut, "--from", "yesterday"},
		{"--warc", cut, "--sites", filepath.Join(work, "none.txt")},
		{"--warc", cut, "--from", "2024-02", "--to", "2024-01"},
		{"--warc", cut, "--memory-limit", "lots"},
		{cut},
	} {
		r := syndex(t, work, append([]string{"import", "--data", filepath.Join(work, "usage")}, args...)...)
		if r.code != 2 {
			t.Errorf("import %q: exit %d, want 2\n%s", args, r.code, r.stderr)
		}
	}
	if _, err := os.Stat(filepath.Join(work, "usage")); err == nil {
		t.Error("a usage error created the archive")
	}
	// Filters.
	r = syndex(t, work, "import", "--data", filepath.Join(work, "filtered"), "--warc", warcFixture("warcio.warc.gz"),
		"--sites", sites, "--url-exclude", "cafe", "--to", "2023-03-14T09:15:00Z")
	if r.code != 0 {
		t.Fatalf("filtered import: %d %s", r.code, r.stderr)
	}
	got := slices.Sorted(maps.Keys(exported(t, filepath.Join(work, "filtered"))))
	want := []string{"http://wire.example/news/council-budget", "http://wire.example/news/harbour-ferry", "http://wire.example/news/river-flood"}
	if !slices.Equal(got, want) {
		t.Errorf("filtered import: %q, want %q", got, want)
	}
}

// TestExportWACZRoundTrip exports a cluster as a WACZ and imports that
// WACZ into a fresh archive: the same articles come back, in the same
// cluster.
func TestExportWACZRoundTrip(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test builds and runs the binary")
	}
	work := t.TempDir()
	data := filepath.Join(work, "data")
	if r := syndex(t, work, "import", "--data", data, "--warc", warcFixture("warcio.warc.gz"), warcFixture("handmade.arc.gz")); r.code != 0 {
		t.Fatal(r.stderr)
	}
	src := exported(t, data)
	flood := src["http://wire.example/news/river-flood"]
	wacz := filepath.Join(work, "flood.wacz")
	r := syndex(t, work, "export", "--data", data, "--format", "wacz", "--cluster", flood.Cluster, "--out", wacz)
	if r.code != 0 || !strings.Contains(r.stderr, "exported 2 captures of cluster "+flood.Cluster) {
		t.Fatalf("export wacz: %d %s", r.code, r.stderr)
	}
	all := filepath.Join(work, "all.wacz")
	if r := syndex(t, work, "export", "--data", data, "--format", "wacz", "--out", all); r.code != 0 {
		t.Fatalf("export all: %s", r.stderr)
	}
	for _, tc := range []struct {
		file string
		want int
	}{{wacz, 2}, {all, len(src)}} {
		fresh := filepath.Join(work, "fresh-"+filepath.Base(tc.file))
		if r := syndex(t, work, "import", "--data", fresh, "--warc", tc.file); r.code != 0 {
			t.Fatalf("import %s: %s", tc.file, r.stderr)
		}
		back := exported(t, fresh)
		if len(back) != tc.want {
			t.Errorf("%s: %d articles back, want %d", tc.file, len(back), tc.want)
		}
		for u, b := range back {
			a := src[u]
			if a == nil || a.Text != b.Text || a.Title != b.Title || !a.Fetched.Equal(b.Fetched) || a.Role != b.Role || (a.Cluster == flood.Cluster) != (b.Cluster == back[flood.URL].Cluster) {
				t.Errorf("%s: %s came back different:\n%+v\n%+v", tc.file, u, a, b)
			}
		}
	}
	if r := syndex(t, work, "export", "--data", data, "--format", "wacz", "--cluster", "nosuchcluster", "--out", filepath.Join(work, "x.wacz")); r.code == 0 {
		t.Errorf("an unknown cluster exported: %s", r.stderr)
	}
	if r := syndex(t, work, "export", "--data", data, "--site", "wire.example"); r.code != 2 {
		t.Errorf("--site with jsonl: exit %d", r.code)
	}
	exportCollections(t, work, data, src)
}

// exportCollections exports the captures of a site and of a collection
// (NAME and @NAME) in both capture formats: a collection selects its
// sites' articles as the site itself does, and an unknown one is a usage
// error.
func exportCollections(t *testing.T, work, data string, src map[string]*article.Article) {
	t.Helper()
	cfg := filepath.Join(work, "collections.yaml")
	if err := os.WriteFile(cfg, []byte("collections:\n  wires: [wire.example]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, a := range src {
		if a.Site == "wire.example" {
			n++
		}
	}
	if n == 0 || n == len(src) {
		t.Fatalf("%d of %d articles on wire.example: the test needs some and not all", n, len(src))
	}
	for _, tc := range []struct{ format, site, desc string }{
		{"wacz", "wire.example", "site wire.example"},
		{"wacz", "wires", "collection wires (wire.example)"},
		{"warc", "@wires", "collection wires (wire.example)"},
		{"warc", "WWW.Wire.example", "site WWW.Wire.example"},
	} {
		out := filepath.Join(work, "sel."+tc.format)
		r := syndex(t, work, "export", "--data", data, "--config", cfg, "--format", tc.format, "--site", tc.site, "--out", out)
		if want := fmt.Sprintf("exported %d captures of %s\n", n, tc.desc); r.code != 0 || r.stderr != want {
			t.Errorf("--format %s --site %s: exit %d, stderr %q, want %q", tc.format, tc.site, r.code, r.stderr, want)
		}
	}
	for _, site := range []string{"@nope", "wire"} {
		r := syndex(t, work, "export", "--data", data, "--config", cfg, "--format", "warc", "--site", site, "--out", filepath.Join(work, "x.warc.gz"))
		if r.code != 2 || !strings.Contains(r.stderr, "--site: ") || !strings.Contains(r.stderr, "collections: wires") {
			t.Errorf("--site %s: exit %d: %s", site, r.code, r.stderr)
		}
	}
}

// TestImportWARCKill kills an import with SIGKILL and runs it again: the
// archive ends as one uninterrupted import leaves it.
func TestImportWARCKill(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test builds and runs the binary")
	}
	work := t.TempDir()
	big := writeManyPages(t, filepath.Join(work, "warc"), 1200)

	clean := filepath.Join(work, "clean")
	if r := syndex(t, work, "import", "--data", clean, "--warc", big); r.code != 0 {
		t.Fatal(r.stderr)
	}
	want := exported(t, clean)

	// Kill once a few batches of 50 are stored (the store has grown; bulk
	// loads build no index before the end), then once more soon after a
	// restart.
	data := filepath.Join(work, "data")
	db := filepath.Join(data, "syndex.db")
	for round := 0; round < 2; round++ {
		// Kill as soon as the store has grown by some batches since the
		// start of the round: a fixed sleep let a fast machine finish the
		// file before the kill.
		var start int64
		if st, err := os.Stat(db); err == nil {
			start = st.Size()
		}
		cmd := exec.Command(syndexBin(t), "import", "--data", data, "--warc", big, "--batch", "50")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		grow := int64(256 << 10)
		if round == 0 {
			grow = 1 << 20
		}
		deadline := time.Now().Add(2 * time.Minute)
	wait:
		for time.Now().Before(deadline) {
			select {
			case <-done:
				break wait
			default:
			}
			if st, err := os.Stat(db); err == nil && st.Size() > start+grow {
				break
			}
			time.Sleep(5 * time.Millisecond)
		}
		cmd.Process.Signal(syscall.SIGKILL)
		<-done
	}
	partial := len(exported(t, data))
	r := syndex(t, work, "import", "--data", data, "--warc", big)
	if r.code != 0 {
		t.Fatalf("import after kill: %d %s", r.code, r.stderr)
	}
	t.Logf("killed twice with %d of %d articles stored; then: %s", partial, len(want), strings.TrimSpace(r.stderr))
	if partial == 0 || partial >= len(want) {
		t.Errorf("the kills did not land mid-file (%d of %d stored)", partial, len(want))
	}
	got := exported(t, data)
	if len(got) != len(want) {
		t.Fatalf("%d articles after the kills, %d in one go", len(got), len(want))
	}
	for u, w := range want {
		g := got[u]
		if g == nil || g.Text != w.Text || g.Cluster != w.Cluster || g.Role != w.Role || !g.Fetched.Equal(w.Fetched) {
			t.Errorf("%s differs after the kills", u)
		}
	}
}

// writeManyPages writes n distinct article pages (two sites, one copying
// some stories of the other) as a WARC.
func writeManyPages(t *testing.T, dir string, n int) string {
	t.Helper()
	w, err := warc.NewWriter(dir, warc.Options{})
	if err != nil {
		t.Fatal(err)
	}
	words := strings.Fields(`the harbor authority voted on tuesday to close the northern breakwater for eighteen months while engineers rebuild the crumbling seawall that protects the fishing fleet repairs will cost an estimated forty two million dollars most of it from a federal resilience grant awarded last spring after two winter storms tore holes in the structure captains said the closure would force them to use the smaller southern channel which silts up quickly`)
	day := time.Date(2024, 5, 1, 8, 0, 0, 0, time.UTC)
	for i := range n {
		var paras []string
		story := i
		if i%5 == 4 {
			story = i - 1 // a copy of the previous story
		}
		for j := range 5 {
			var ws []string
			for k := range 45 {
				ws = append(ws, words[(story*97+j*31+k*13+story*k)%len(words)])
			}
			paras = append(paras, fmt.Sprintf("<p>Dispatch %d, part %d: %s.</p>", story, j, strings.Join(ws, " ")))
		}
		site := "ledger.example"
		if i%5 == 4 {
			site = "copier.example"
		}
		body := fmt.Sprintf(`<!DOCTYPE html><html><head><meta charset="utf-8"><title>Dispatch %d</title><meta property="og:type" content="article"></head><body><article><h1>Dispatch %d</h1>%s</article></body></html>`,
			story, story, strings.Join(paras, "\n"))
		ex := &warc.Exchange{URI: fmt.Sprintf("http://%s/news/%d", site, i), Date: day.Add(time.Duration(i) * time.Minute),
			Request: []byte("GET / HTTP/1.1\r\n\r\n"), ResponseHead: []byte("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n"),
			Body: []byte(body), Status: 200, MIME: "text/html"}
		if _, err := w.WriteExchange(ex); err != nil {
			t.Fatal(err)
		}
	}
	w.Close()
	files, _ := filepath.Glob(filepath.Join(dir, "*.warc.gz"))
	return files[0]
}
