package main

import (
	"bufio"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/syndex/syndex/archive"
	"github.com/syndex/syndex/internal/farm"
)

// newcomerChecks runs the first-day checks of issue 22 on the demo archive
// that TestEndToEnd keeps in data.
func newcomerChecks(t *testing.T, work, data string) {
	dedupSummary(t, work, data)
	extractWARC(t, work, data)
	searchOutput(t, work, data)
	t.Run("readers beside serve", func(t *testing.T) {
		srv := exec.Command(syndexBin(t), "serve", "--data", data, "--addr", "127.0.0.1:0")
		stderr, _ := srv.StderrPipe()
		if err := srv.Start(); err != nil {
			t.Fatal(err)
		}
		defer func() { srv.Process.Kill(); srv.Wait() }()
		line, _ := bufio.NewReader(stderr).ReadString('\n')
		if !strings.Contains(line, "serving") {
			t.Fatalf("serve said %q", line)
		}
		for _, args := range [][]string{
			{"search", "--data", data, "water"},
			{"search", "--data", data, "--json", "water"},
			{"report", "--data", data},
			{"export", "--data", data},
		} {
			r := syndex(t, work, args...)
			if r.code != 0 || r.stdout == "" {
				t.Errorf("%s beside serve: exit %d, stderr %q", strings.Join(args, " "), r.code, r.stderr)
			}
		}
		// A second web UI on the same archive.
		srv2 := exec.Command(syndexBin(t), "serve", "--data", data, "--addr", "127.0.0.1:0")
		stderr2, _ := srv2.StderrPipe()
		if err := srv2.Start(); err != nil {
			t.Fatal(err)
		}
		defer func() { srv2.Process.Kill(); srv2.Wait() }()
		if line, _ := bufio.NewReader(stderr2).ReadString('\n'); !strings.Contains(line, "serving") {
			t.Errorf("second serve said %q", line)
		}
	})
}

// dedupSummary: on success dedup prints one readable line on stderr, not
// a Go struct dump.
func dedupSummary(t *testing.T, work, data string) {
	t.Run("dedup summary", func(t *testing.T) {
		exp := syndex(t, work, "export", "--data", data)
		in := filepath.Join(work, "summary-in.jsonl")
		if err := os.WriteFile(in, []byte(exp.stdout), 0o644); err != nil {
			t.Fatal(err)
		}
		r := syndex(t, work, "dedup", "--in", in, "--out", filepath.Join(work, "summary-out.jsonl"))
		if r.code != 0 {
			t.Fatalf("exit %d: %s", r.code, r.stderr)
		}
		lines := strings.Split(strings.TrimSpace(r.stderr), "\n")
		if len(lines) != 1 || !strings.HasPrefix(lines[0], "dedup: ") || !strings.Contains(lines[0], "syndicated stor") ||
			strings.ContainsAny(lines[0], "{}") || strings.Contains(lines[0], "Lines:") {
			t.Errorf("dedup stderr %q: want one readable summary line", r.stderr)
		}
	})
}

// TestReadersDuringCrawl: while `syndex crawl` holds the archive, search,
// report, export and serve read it through the read API the crawl serves
// (api.addr), and a second writer is told which pid holds it.
func TestReadersDuringCrawl(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test builds and runs the binary")
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	f, err := farm.Start(ctx, farm.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	// A host whose one story answers only when the test is done with the
	// readers: the crawl lasts until then, however fast or slow the
	// machine is.
	release := make(chan struct{})
	var releaseOnce sync.Once
	free := func() { releaseOnce.Do(func() { close(release) }) }
	defer free()
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/robots.txt":
			io.WriteString(w, "User-agent: *\nDisallow:\n")
		case "/":
			w.Header().Set("Content-Type", "text/html")
			io.WriteString(w, `<html><body><a href="/held">held</a></body></html>`)
		case "/held":
			select {
			case <-release:
			case <-r.Context().Done():
			}
			w.Header().Set("Content-Type", "text/html")
			io.WriteString(w, `<html><body><p>Held until the readers are done.</p></body></html>`)
		default:
			http.NotFound(w, r)
		}
	}))
	defer slow.Close()
	seeds := []string{"--seed", slow.URL + "/"}
	for _, o := range f.Outlets() {
		seeds = append(seeds, "--seed", o.BaseURL+"/")
	}
	work := t.TempDir()
	data := filepath.Join(work, "data")
	cr := &daemon{stderr: &syncBuffer{}, done: make(chan struct{})}
	cr.cmd = exec.Command(syndexBin(t), append([]string{"crawl", "--data", data, "--allow-private", "--delay", "100ms"}, seeds...)...)
	cr.cmd.Dir = work
	cr.cmd.Stderr = cr.stderr
	if err := cr.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		err := cr.cmd.Wait()
		if ee, ok := err.(*exec.ExitError); ok {
			cr.code = ee.ExitCode()
		} else if err != nil {
			cr.code = -1
		}
		close(cr.done)
	}()
	defer func() {
		select {
		case <-cr.done:
		default:
			cr.cmd.Process.Kill()
			<-cr.done
		}
	}()
	waitFor(t, cr, patience, "api.addr", func() bool {
		b, err := os.ReadFile(filepath.Join(data, archive.APIAddrFile))
		return err == nil && len(b) > 0
	})
	waitFor(t, cr, patience, "a first article in search", func() bool {
		r := syndex(t, work, "search", "--data", data, "--json", "harbor")
		var res struct{ Total int }
		return r.code == 0 && json.Unmarshal([]byte(r.stdout), &res) == nil && res.Total > 0
	})
	for _, args := range [][]string{
		{"report", "--data", data},
		{"export", "--data", data},
	} {
		if r := syndex(t, work, append(args, "--log-level", "info")...); r.code != 0 || r.stdout == "" || !strings.Contains(r.stderr, "reading through its API") {
			t.Errorf("%s during crawl: exit %d, stderr %q", args[0], r.code, r.stderr)
		}
	}
	// serve started during the crawl reads through its API, and goes on
	// serving from the archive itself once the crawl has ended.
	srv := exec.Command(syndexBin(t), "serve", "--data", data, "--addr", "127.0.0.1:0")
	stderr, _ := srv.StderrPipe()
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { srv.Process.Kill(); srv.Wait() }()
	line, _ := bufio.NewReader(stderr).ReadString('\n')
	ui := regexp.MustCompile(`http://[0-9.:]+/`).FindString(line)
	if !strings.Contains(line, "serving") || ui == "" {
		t.Fatalf("serve during crawl said %q", line)
	}
	searchPage := func() string {
		code, body := httpGet(t, ui+"?q=harbor")
		if code != http.StatusOK || !strings.Contains(body, "Stories 1") {
			return fmt.Sprintf("%d %.300q", code, body)
		}
		return ""
	}
	if bad := searchPage(); bad != "" {
		t.Errorf("serve's search page during the crawl: %s", bad)
	}
	if r := syndex(t, work, "import", "--data", data, "--in", "-"); r.code != 1 || !regexp.MustCompile(`in use by pid \d+`).MatchString(r.stderr) {
		t.Errorf("second writer during crawl: exit %d, stderr %q", r.code, r.stderr)
	}
	select {
	case <-cr.done:
		t.Errorf("the crawl ended before every reader was tried; stderr:\n%s", cr.stderr)
	default:
	}
	free()
	<-cr.done
	if cr.code != 0 {
		t.Fatalf("crawl exit %d\n%s", cr.code, cr.stderr)
	}
	if _, err := os.Stat(filepath.Join(data, archive.APIAddrFile)); !os.IsNotExist(err) {
		t.Errorf("api.addr left behind after the crawl: %v", err)
	}
	if bad := searchPage(); bad != "" {
		t.Errorf("serve's search page after the crawl ended: %s", bad)
	}
	if !strings.Contains(cr.stderr.String(), "read API on http://127.0.0.1:") {
		t.Errorf("crawl did not say where it serves:\n%s", cr.stderr)
	}
}

// syndexEnv is syndex with extra environment variables.
func syndexEnv(t *testing.T, dir string, env []string, args ...string) result {
	t.Helper()
	cmd := exec.Command(syndexBin(t), args...)
	cmd.Dir = dir
	cmd.Env = append(append(os.Environ(), "SYNDEX_DATA=", "SYNDEX_CONFIG="), env...)
	var out, errb strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("run syndex %v: %v", args, err)
	}
	return result{code, out.String(), errb.String()}
}

// TestConfigDiscovery: every command that reads configuration finds it
// the same way: --config, else $SYNDEX_CONFIG, else ./syndex.yaml.
func TestConfigDiscovery(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	work := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(work, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	write("syndex.yaml", "crawl:\n  delay: soon\n")
	for _, args := range [][]string{
		{"crawl", "--seed", "http://x.example/"},
		{"run"},
		{"search", "x"},
		{"report"},
		{"export"},
		{"serve", "--addr", "127.0.0.1:0"},
		{"import", "--in", "-"},
		{"reindex"},
		{"extract", "-"},
		{"dedup", "--in", "-"},
		{"config", "check"},
	} {
		r := syndexEnv(t, work, nil, args...)
		if r.code != 2 || !strings.Contains(r.stderr, "syndex.yaml:2: crawl.delay") {
			t.Errorf("%s in a directory with a broken ./syndex.yaml: exit %d, stderr %q; want exit 2 naming syndex.yaml:2", args[0], r.code, r.stderr)
		}
	}
	if r := syndexEnv(t, work, nil, "version"); r.code != 0 {
		t.Errorf("version reads the configuration: exit %d %s", r.code, r.stderr)
	}

	// A good ./syndex.yaml names the archive every command uses.
	write("syndex.yaml", "data: ./from-config\n")
	in := write("in.jsonl", `{"id":"a","url":"https://one.example/a","text":"The harbour ferry resumed its crossings on Monday after a week of storms kept the boats in port."}`+"\n")
	if r := syndexEnv(t, work, nil, "import", "--in", in); r.code != 0 {
		t.Fatalf("import: exit %d %s", r.code, r.stderr)
	}
	if _, err := os.Stat(filepath.Join(work, "from-config", "syndex.db")); err != nil {
		t.Fatalf("import did not write the archive ./syndex.yaml names: %v", err)
	}
	for _, args := range [][]string{{"export"}, {"search", "ferry"}, {"report", "--format", "json"}} {
		if r := syndexEnv(t, work, nil, args...); r.code != 0 || !strings.Contains(r.stdout, "one.example") {
			t.Errorf("%s does not read ./from-config: exit %d, stdout %q, stderr %q", args[0], r.code, r.stdout, r.stderr)
		}
	}
	// $SYNDEX_CONFIG wins over ./syndex.yaml, --config over both, --data over the file.
	other := write("other.yaml", "data: ./elsewhere\n")
	if r := syndexEnv(t, work, []string{"SYNDEX_CONFIG=" + other}, "export"); r.code != 1 || !strings.Contains(r.stderr, "elsewhere") {
		t.Errorf("$SYNDEX_CONFIG not honoured: exit %d, stderr %q", r.code, r.stderr)
	}
	if r := syndexEnv(t, work, []string{"SYNDEX_CONFIG=" + other}, "export", "--config", filepath.Join(work, "syndex.yaml")); r.code != 0 {
		t.Errorf("--config not winning over $SYNDEX_CONFIG: exit %d, stderr %q", r.code, r.stderr)
	}
	if r := syndexEnv(t, work, nil, "export", "--data", filepath.Join(work, "none")); r.code != 1 || !strings.Contains(r.stderr, "none") {
		t.Errorf("--data not winning over the file: exit %d, stderr %q", r.code, r.stderr)
	}
	if r := syndexEnv(t, work, []string{"SYNDEX_CONFIG=" + filepath.Join(work, "missing.yaml")}, "export"); r.code != 2 || !strings.Contains(r.stderr, "missing.yaml") {
		t.Errorf("a missing $SYNDEX_CONFIG file: exit %d, stderr %q; want exit 2 naming it", r.code, r.stderr)
	}
}

// jsonLines parses JSONL output; every line must be one compact object.
func jsonLines(t *testing.T, out string) []map[string]any {
	t.Helper()
	var res []map[string]any
	for i, l := range strings.Split(strings.TrimRight(out, "\n"), "\n") {
		if l == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("line %d is not one JSON object: %v\n%.200s", i+1, err, l)
		}
		res = append(res, m)
	}
	return res
}

// TestExtractBatch: extract prints one compact line per Article with its
// id always set, reads many files, directories (gzipped pages too) and
// stdin, reports a bad file by name and goes on, and its output feeds
// dedup and import.
func TestExtractBatch(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	work := t.TempDir()
	page, err := os.ReadFile("../../extract/testdata/two_headlines.html")
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(work, "pages")
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.MkdirAll(filepath.Join(dir, "sub"), 0o755))
	must(os.WriteFile(filepath.Join(dir, "story.html"), page, 0o644))
	var gz strings.Builder
	zw := gzip.NewWriter(&gz)
	zw.Write(page)
	zw.Close()
	must(os.WriteFile(filepath.Join(dir, "sub", "story-copy.html.gz"), []byte(gz.String()), 0o644))
	must(os.WriteFile(filepath.Join(dir, "sub", "broken.htm.gz"), []byte("not gzip"), 0o644))
	must(os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("not a page"), 0o644))
	home := `<html><head><title>Front page</title></head><body><ul><li><a href="/a">A</a></li><li><a href="/b">B</a></li></ul></body></html>`
	must(os.WriteFile(filepath.Join(dir, "index.html"), []byte(home), 0o644))

	t.Run("one file without --url", func(t *testing.T) {
		r := syndex(t, work, "extract", filepath.Join(dir, "story.html"))
		if r.code != 0 || strings.Count(r.stdout, "\n") != 1 || r.stderr != "" {
			t.Fatalf("exit %d, %d lines, stderr %q", r.code, strings.Count(r.stdout, "\n"), r.stderr)
		}
		a := jsonLines(t, r.stdout)[0]
		if id, _ := a["id"].(string); id == "" {
			t.Errorf("id not set: %v", a["id"])
		}
		if u, _ := a["url"].(string); !strings.HasPrefix(u, "file:///") || !strings.HasSuffix(u, "/pages/story.html") {
			t.Errorf("url %q, want the file's file:// URL", u)
		}
	})
	t.Run("stdin", func(t *testing.T) {
		cmd := exec.Command(syndexBin(t), "extract", "-")
		cmd.Dir, cmd.Stdin = work, strings.NewReader(string(page))
		out, err := cmd.Output()
		if err != nil {
			t.Fatal(err)
		}
		if id, _ := jsonLines(t, string(out))[0]["id"].(string); !strings.HasPrefix(id, "content-") {
			t.Errorf("stdin id %q, want a content id", id)
		}
	})
	t.Run("a directory, a named file and a bad file", func(t *testing.T) {
		out := filepath.Join(work, "articles.jsonl")
		r := syndex(t, work, "extract", "--out", out, dir, filepath.Join(dir, "index.html"))
		if r.code != 1 || !strings.Contains(r.stderr, "broken.htm.gz") || !strings.Contains(r.stderr, "2 articles") {
			t.Errorf("exit %d, stderr %q; want exit 1 naming broken.htm.gz and a summary", r.code, r.stderr)
		}
		b, _ := os.ReadFile(out)
		arts := jsonLines(t, string(b))
		// story.html and the gzipped copy (articles, from the directory),
		// index.html named on the command line (printed though not an
		// article); index.html found in the directory is not printed.
		if len(arts) != 3 {
			t.Fatalf("%d Articles, want 3:\n%s", len(arts), b)
		}
		ids := map[string]bool{}
		for _, a := range arts {
			id, _ := a["id"].(string)
			if id == "" || ids[id] {
				t.Errorf("id %q empty or repeated", id)
			}
			ids[id] = true
		}
		d := syndex(t, work, "dedup", "--in", out)
		if d.code != 0 || len(jsonLines(t, d.stdout)) != 3 {
			t.Errorf("dedup of extract's output: exit %d, stderr %q", d.code, d.stderr)
		}
		imp := syndex(t, work, "import", "--data", filepath.Join(work, "data"), "--in", out)
		if imp.code != 0 {
			t.Errorf("import of extract's output: exit %d, stderr %q", imp.code, imp.stderr)
		}
		all := syndex(t, work, "extract", "--all", dir)
		if n := len(jsonLines(t, all.stdout)); n != 3 {
			t.Errorf("--all printed %d pages, want 3", n)
		}
	})
	t.Run("usage", func(t *testing.T) {
		if r := syndex(t, work, "extract", "--url", "https://x.example/", dir); r.code != 2 || !strings.Contains(r.stderr, "--url") {
			t.Errorf("--url with a directory: exit %d, stderr %q", r.code, r.stderr)
		}
		if r := syndex(t, work, "extract", filepath.Join(work, "none.html")); r.code != 2 || !strings.Contains(r.stderr, "none.html") {
			t.Errorf("missing file: exit %d, stderr %q", r.code, r.stderr)
		}
	})
}

// extractWARC: extract reads the demo archive's WARC files, one Article
// per article page, the same pages the crawl stored.
func extractWARC(t *testing.T, work, data string) {
	t.Run("extract from WARC", func(t *testing.T) {
		r := syndex(t, work, "extract", filepath.Join(data, "warc"))
		if r.code != 0 {
			t.Fatalf("exit %d: %s", r.code, r.stderr)
		}
		got := map[string]bool{}
		for _, a := range jsonLines(t, r.stdout) {
			u, _ := a["url"].(string)
			got[u] = true
		}
		exp := syndex(t, work, "export", "--data", data)
		stored := jsonLines(t, exp.stdout)
		for _, a := range stored {
			if u, _ := a["url"].(string); !got[u] {
				t.Errorf("article %s stored by the crawl not extracted from its WARC", u)
			}
		}
		if len(got) != len(stored) {
			t.Errorf("extracted %d Articles from the WARC, the crawl stored %d", len(got), len(stored))
		}
	})
}

// TestCrawlScopeFlags: --seed-file, --include/--exclude and --proxy on the
// command line, and their usage errors.
func TestCrawlScopeFlags(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test builds and runs the binary")
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	f, err := farm.Start(ctx, farm.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var ledger farm.Outlet
	for _, o := range f.Outlets() {
		if o.Key == "ledger" {
			ledger = o
		}
	}
	work := t.TempDir()
	seeds := filepath.Join(work, "seeds.txt")
	if err := os.WriteFile(seeds, []byte("# the ledger only\n\n"+ledger.BaseURL+"/\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var proxied []string
	px := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		proxied = append(proxied, r.RequestURI)
		mu.Unlock()
		out, _ := http.NewRequest(r.Method, r.RequestURI, nil)
		out.Header = r.Header.Clone()
		resp, err := http.DefaultTransport.RoundTrip(out)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		maps.Copy(w.Header(), resp.Header)
		w.WriteHeader(resp.StatusCode)
		io.Copy(w, resp.Body)
	}))
	defer px.Close()

	// The ledger's stories live under /news/YYYY/MM/DD/: exclude one day.
	r := syndex(t, work, "crawl", "--data", filepath.Join(work, "data"), "--seed-file", seeds, "--allow-private", "--delay", "20ms",
		"--exclude", `/news/\d+/\d+/03/`, "--proxy", px.URL, "--addr", "off")
	if r.code != 0 {
		t.Fatalf("crawl: exit %d\n%s", r.code, r.stderr)
	}
	fetched := map[string]bool{}
	for _, q := range f.Requests() {
		if q.Host == ledger.Host {
			fetched[q.Path] = true
		} else {
			t.Errorf("%s%s fetched: only the seed file's host is in scope", q.Host, q.Path)
		}
	}
	stories := 0
	for p := range fetched {
		if strings.Contains(p, "/news/") {
			stories++
			if regexp.MustCompile(`/news/\d+/\d+/03/`).MatchString(p) {
				t.Errorf("%s fetched despite --exclude", p)
			}
		}
	}
	if stories == 0 {
		t.Errorf("no story fetched: %v", fetched)
	}
	mu.Lock()
	if len(proxied) < len(fetched) || !strings.HasPrefix(proxied[0], ledger.BaseURL) {
		t.Errorf("--proxy: the proxy saw %d requests for %d fetched paths: %v", len(proxied), len(fetched), proxied)
	}
	mu.Unlock()

	// --include keeps only matching URLs (the seed is always fetched).
	r = syndex(t, work, "crawl", "--data", filepath.Join(work, "data2"), "--seed", ledger.BaseURL+"/", "--allow-private", "--delay", "20ms",
		"--include", `/news/\d+/\d+/02/`, "--addr", "off", "--proxy", "direct")
	if r.code != 0 {
		t.Fatalf("crawl --include: exit %d\n%s", r.code, r.stderr)
	}
	exp := syndex(t, work, "export", "--data", filepath.Join(work, "data2"))
	kept := jsonLines(t, exp.stdout)
	if len(kept) == 0 {
		t.Errorf("--include kept no article")
	}
	for _, a := range kept {
		if u, _ := a["url"].(string); !strings.Contains(u, "/02/") {
			t.Errorf("article %s stored despite --include", u)
		}
	}

	bad := filepath.Join(work, "bad-seeds.txt")
	os.WriteFile(bad, []byte("https://ok.example/\nnot a url\n"), 0o644)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--seed-file", bad}, "bad-seeds.txt:2"},
		{[]string{"--seed-file", filepath.Join(work, "none.txt")}, "none.txt"},
		{[]string{"--seed", "https://x.example/", "--include", "("}, "--include"},
		{[]string{"--seed", "https://x.example/", "--exclude", "[z-a]"}, "--exclude"},
		{[]string{"--seed", "https://x.example/", "--proxy", "proxy.example:3128"}, "--proxy"},
	} {
		r := syndex(t, work, append([]string{"crawl", "--data", filepath.Join(work, "data3")}, tc.args...)...)
		if r.code != 2 || !strings.Contains(r.stderr, tc.want) {
			t.Errorf("crawl %v: exit %d, stderr %q; want exit 2 naming %q", tc.args, r.code, r.stderr, tc.want)
		}
	}
}

// searchOutput: Lucene's AND narrows a search; --json carries plain-text
// snippets whose offsets point at the matches, no word cut at either end
// of a snippet, copies by date; the table has no doubled ellipsis.
func searchOutput(t *testing.T, work, data string) {
	t.Run("search operators, snippets, copy order", func(t *testing.T) {
		or := syndex(t, work, "search", "--data", data, "--json", "crossings terminal")
		and := syndex(t, work, "search", "--data", data, "--json", "crossings AND terminal")
		type hit struct {
			Snippets     []string `json:"snippets"`
			TextSnippets []struct {
				Text    string   `json:"text"`
				Matches [][2]int `json:"matches"`
			} `json:"text_snippets"`
			Copies []struct {
				Published time.Time `json:"published"`
			} `json:"copies"`
		}
		var ro, ra struct {
			Total int   `json:"total"`
			Hits  []hit `json:"hits"`
		}
		if json.Unmarshal([]byte(or.stdout), &ro) != nil || json.Unmarshal([]byte(and.stdout), &ra) != nil {
			t.Fatalf("not JSON: %s %s", or.stderr, and.stderr)
		}
		if ra.Total == 0 || ra.Total >= ro.Total {
			t.Errorf("'crossings AND terminal' found %d stories, 'crossings terminal' %d: AND must narrow", ra.Total, ro.Total)
		}
		for _, h := range ro.Hits {
			if len(h.TextSnippets) != len(h.Snippets) || len(h.TextSnippets) == 0 {
				t.Errorf("%d text snippets for %d snippets", len(h.TextSnippets), len(h.Snippets))
			}
			for _, s := range h.TextSnippets {
				rs := []rune(s.Text)
				for _, m := range s.Matches {
					w := strings.ToLower(string(rs[m[0]:m[1]]))
					if !strings.HasPrefix(w, "cross") && w != "terminal" {
						t.Errorf("match %v of %q is %q", m, s.Text, w)
					}
				}
				if strings.Count(s.Text, "…") > 2 {
					t.Errorf("snippet %q", s.Text)
				}
			}
			for i := 1; i < len(h.Copies); i++ {
				if !h.Copies[i].Published.IsZero() && h.Copies[i].Published.Before(h.Copies[i-1].Published) {
					t.Errorf("copies not in date order: %v before %v", h.Copies[i-1].Published, h.Copies[i].Published)
				}
			}
		}
		table := syndex(t, work, "search", "--data", data, "crossings terminal")
		if strings.Contains(table.stdout, "… …") || strings.Contains(table.stdout, "……") {
			t.Errorf("doubled ellipsis in the search table:\n%s", table.stdout)
		}
		if strings.Contains(or.stdout, `\u003cmark`) {
			t.Errorf("--json escapes <mark> as \\u003c")
		}
	})
}
