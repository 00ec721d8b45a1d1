package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
	// sharedDirs are temporary directories that outlive one test (the
	// built binary, the fault suite's base archive); TestMain removes them.
	sharedDirs []string
)

func TestMain(m *testing.M) {
	code := m.Run()
	for _, d := range sharedDirs {
		os.RemoveAll(d)
	}
	os.Exit(code)
}

// syndexBin builds the real binary once for the end-to-end tests, which
// run it as a subprocess exactly as a user would.
func syndexBin(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "syndex-e2e-")
		if err != nil {
			buildErr = err
			return
		}
		sharedDirs = append(sharedDirs, dir)
		binPath = filepath.Join(dir, "syndex")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			buildErr = err
			binPath = string(out)
		}
	})
	if buildErr != nil {
		t.Fatalf("build syndex: %v\n%s", buildErr, binPath)
	}
	return binPath
}

type result struct {
	code           int
	stdout, stderr string
}

func syndex(t *testing.T, dir string, args ...string) result {
	t.Helper()
	cmd := exec.Command(syndexBin(t), args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "SYNDEX_DATA=")
	var out, errb bytes.Buffer
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

// TestEndToEnd runs the demo into a kept archive, then every command that
// reads or extends it, and checks the data contract's shapes of their output.
func TestEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test builds and runs the binary")
	}
	work := t.TempDir()
	data := filepath.Join(work, "syndex-data")

	r := syndex(t, work, "demo", "--keep", "--data", data, "--delay", "50ms")
	if r.code != 0 {
		t.Fatalf("demo exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{"Who republishes whom", "sample search", "demo finished"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("demo output lacks %q", want)
		}
	}

	t.Run("noindex filter", func(t *testing.T) {
		// The demo's partner marks its copies noindex: they are in every
		// listing by default, and --noindex leaves them out or keeps them alone.
		copiesOf := func(mode string) (marked, unmarked int) {
			r := syndex(t, work, "report", "--data", data, "--format", "json", "--noindex", mode)
			if r.code != 0 {
				t.Fatalf("report --noindex %s: exit %d: %s", mode, r.code, r.stderr)
			}
			var rep struct {
				Clusters []struct {
					Copies []struct {
						NoIndex bool `json:"noindex"`
					} `json:"copies"`
				} `json:"clusters"`
			}
			if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
				t.Fatal(err)
			}
			for _, c := range rep.Clusters {
				for _, cp := range c.Copies {
					if cp.NoIndex {
						marked++
					} else {
						unmarked++
					}
				}
			}
			return marked, unmarked
		}
		m, u := copiesOf("include")
		if m == 0 || u == 0 {
			t.Fatalf("report: %d noindex copies, %d others; the demo has both", m, u)
		}
		if em, eu := copiesOf("exclude"); em != 0 || eu != u {
			t.Errorf("report --noindex exclude: %d noindex copies, %d others; want 0, %d", em, eu, u)
		}
		if om, ou := copiesOf("only"); om != m || ou != 0 {
			t.Errorf("report --noindex only: %d noindex copies, %d others; want %d, 0", om, ou, m)
		}
		for mode, want := range map[string]bool{"only": true, "exclude": false} {
			r := syndex(t, work, "export", "--data", data, "--noindex", mode)
			lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
			if r.code != 0 || len(lines) == 0 || lines[0] == "" {
				t.Fatalf("export --noindex %s: exit %d, %d lines: %s", mode, r.code, len(lines), r.stderr)
			}
			for _, l := range lines {
				if strings.Contains(l, `"noindex":true`) != want {
					t.Errorf("export --noindex %s: %.120s", mode, l)
				}
			}
		}
		r := syndex(t, work, "search", "--data", data, "--json", "--limit", "50", "--noindex", "exclude", "")
		if r.code != 0 || strings.Contains(r.stdout, `"noindex": true`) {
			t.Errorf("search --noindex exclude: exit %d, a noindex copy listed: %v (%s)", r.code, strings.Contains(r.stdout, `"noindex": true`), r.stderr)
		}
		if r := syndex(t, work, "search", "--data", data, "--noindex", "maybe", "x"); r.code != 2 || !strings.Contains(r.stderr, "--noindex") {
			t.Errorf("search --noindex maybe: exit %d, %q", r.code, r.stderr)
		}
	})

	t.Run("report json", func(t *testing.T) {
		r := syndex(t, work, "report", "--data", data, "--format", "json")
		if r.code != 0 {
			t.Fatalf("exit %d: %s", r.code, r.stderr)
		}
		var rep struct {
			Clusters []struct {
				ID       string `json:"id"`
				Original struct {
					ID, URL, Site string
				} `json:"original"`
				Copies []struct {
					ID            string  `json:"id"`
					Site          string  `json:"site"`
					Similarity    float64 `json:"similarity"`
					OriginalShare float64 `json:"original_share"`
					CopyShare     float64 `json:"copy_share"`
					LagSeconds    *int64  `json:"lag_seconds"`
				} `json:"copies"`
				Evidence []string `json:"evidence"`
			} `json:"clusters"`
			Edges []struct {
				Source, Republisher string
				Count               int   `json:"count"`
				MedianLag           int64 `json:"median_lag_seconds"`
			} `json:"edges"`
			Sites []struct {
				Site                        string
				Name                        string `json:"name"`
				Articles, Originals, Copies int
			} `json:"sites"`
		}
		if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
			t.Fatalf("report is not JSON: %v", err)
		}
		// The digest runs the first half of each story: its copies carry
		// about half of the original (their similarity is still ~1); the
		// republishers carry all of it inside their own blocks.
		digest := ""
		for _, s := range rep.Sites {
			if s.Name == "Morning Brief Digest" {
				digest = s.Site
			}
		}
		if digest == "" {
			t.Error("report names no digest site")
		}
		for _, c := range rep.Clusters {
			for _, cp := range c.Copies {
				half := cp.Site == digest
				if half && (cp.OriginalShare < 0.3 || cp.OriginalShare > 0.75 || cp.Similarity < 0.9) ||
					!half && cp.OriginalShare < 0.9 || cp.CopyShare <= 0 || cp.CopyShare > 1 {
					t.Errorf("cluster %s: copy on %s (digest %v): similarity %.2f original_share %.2f copy_share %.2f",
						c.ID, cp.Site, half, cp.Similarity, cp.OriginalShare, cp.CopyShare)
				}
			}
		}
		if len(rep.Clusters) < 4 || len(rep.Edges) < 4 || len(rep.Sites) < 5 {
			t.Fatalf("report too small: %d clusters, %d edges, %d sites", len(rep.Clusters), len(rep.Edges), len(rep.Sites))
		}
		for _, c := range rep.Clusters {
			if c.Original.ID == "" || len(c.Copies) == 0 || len(c.Evidence) == 0 {
				t.Errorf("cluster %s: original %q, %d copies, evidence %v", c.ID, c.Original.ID, len(c.Copies), c.Evidence)
			}
			for _, cp := range c.Copies {
				if cp.Site == c.Original.Site {
					t.Errorf("cluster %s: copy on the original's own site %s", c.ID, cp.Site)
				}
				if cp.LagSeconds == nil || *cp.LagSeconds <= 0 {
					t.Errorf("cluster %s: copy %s has lag %v, want > 0 (copies come later)", c.ID, cp.ID, cp.LagSeconds)
				}
			}
		}
		for _, e := range rep.Edges {
			if e.Count < 1 || e.MedianLag <= 0 || e.Source == e.Republisher {
				t.Errorf("bad edge %+v", e)
			}
		}
	})

	t.Run("search json", func(t *testing.T) {
		r := syndex(t, work, "search", "--data", data, "--json", "water")
		if r.code != 0 {
			t.Fatalf("exit %d: %s", r.code, r.stderr)
		}
		var res struct {
			Total uint64 `json:"total"`
			Hits  []struct {
				Cluster  string `json:"cluster"`
				Title    string `json:"title"`
				Original struct {
					ID, URL string
				} `json:"original"`
				Copies []struct {
					ID, URL, Site string
					OriginalShare float64 `json:"original_share"`
				} `json:"copies"`
			} `json:"hits"`
			Facets map[string]any `json:"facets"`
		}
		if err := json.Unmarshal([]byte(r.stdout), &res); err != nil {
			t.Fatalf("search output is not JSON: %v\n%s", err, r.stdout)
		}
		if res.Total == 0 || len(res.Hits) == 0 || res.Hits[0].Original.URL == "" {
			t.Fatalf("no usable hits: %+v", res)
		}
		withCopies := 0
		for _, h := range res.Hits {
			withCopies += len(h.Copies)
			for _, c := range h.Copies {
				if c.OriginalShare <= 0 || c.OriginalShare > 1 {
					t.Errorf("search hit %s: copy %s has original_share %v", h.Cluster, c.ID, c.OriginalShare)
				}
			}
		}
		if withCopies == 0 {
			t.Errorf("no hit lists its copies")
		}
		if bad := syndex(t, work, "search", "--data", data, `"unclosed phrase`); bad.code != 2 || !strings.Contains(bad.stderr, "column 1") {
			t.Errorf("bad query: exit %d, stderr %q", bad.code, bad.stderr)
		}
	})

	var exported []map[string]any
	t.Run("export jsonl", func(t *testing.T) {
		r := syndex(t, work, "export", "--data", data)
		if r.code != 0 {
			t.Fatalf("exit %d: %s", r.code, r.stderr)
		}
		sc := bufio.NewScanner(strings.NewReader(r.stdout))
		sc.Buffer(nil, 1<<24)
		for sc.Scan() {
			var m map[string]any
			if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
				t.Fatalf("export line not JSON: %v", err)
			}
			for _, k := range []string{"id", "url", "site", "title", "text", "cluster", "role", "original"} {
				if _, ok := m[k]; !ok {
					t.Errorf("article %v lacks %q", m["id"], k)
				}
			}
			if m["role"] == "copy" {
				for _, k := range []string{"original_share", "copy_share"} {
					if v, ok := m[k].(float64); !ok || v <= 0 || v > 1 {
						t.Errorf("copy %v: %s = %v", m["id"], k, m[k])
					}
				}
			}
			exported = append(exported, m)
		}
		if len(exported) < 15 {
			t.Fatalf("exported %d articles, want the demo's ≥ 15", len(exported))
		}
		csv := syndex(t, work, "export", "--data", data, "--format", "csv")
		if csv.code != 0 || strings.Count(csv.stdout, "\n") < len(exported)+1 {
			t.Errorf("csv export: exit %d, %d lines", csv.code, strings.Count(csv.stdout, "\n"))
		}
		if head, _, _ := strings.Cut(csv.stdout, "\n"); !strings.HasSuffix(head, ",text,original_share,copy_share,via,noindex") {
			t.Errorf("csv export header %q", head)
		}
	})

	t.Run("dedup and import with a corrupt line", func(t *testing.T) {
		if len(exported) == 0 {
			t.Skip("export failed")
		}
		var in bytes.Buffer
		for i, m := range exported {
			if i == 1 {
				in.WriteString("{\"id\": broken\n")
			}
			// Strip cluster fields: dedup must find them itself.
			delete(m, "cluster")
			delete(m, "role")
			delete(m, "original")
			b, _ := json.Marshal(m)
			in.Write(b)
			in.WriteByte('\n')
		}
		file := filepath.Join(work, "in.jsonl")
		os.WriteFile(file, in.Bytes(), 0o644)

		r := syndex(t, work, "dedup", "--in", file)
		if r.code != 1 || !strings.Contains(r.stderr, "line 2") {
			t.Errorf("dedup with corrupt line 2: exit %d, stderr %q", r.code, r.stderr)
		}
		lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
		if len(lines) != len(exported) {
			t.Fatalf("dedup wrote %d assignments for %d good lines", len(lines), len(exported))
		}
		copies := 0
		for i, l := range lines {
			var as struct {
				ID, Cluster, Role, Original string
				Similarity                  float64
				Evidence                    []string
			}
			if err := json.Unmarshal([]byte(l), &as); err != nil {
				t.Fatalf("assignment %d: %v", i, err)
			}
			if as.ID != exported[i]["id"] {
				t.Errorf("assignment %d is for %s, want input order (%v)", i, as.ID, exported[i]["id"])
			}
			if as.Role == "copy" {
				copies++
				if as.Original == "" || as.Original == as.ID || len(as.Evidence) == 0 {
					t.Errorf("copy %s: original %q evidence %v", as.ID, as.Original, as.Evidence)
				}
			}
		}
		if copies < 5 {
			t.Errorf("dedup found %d copies in the demo's articles, want ≥ 5", copies)
		}

		fresh := filepath.Join(work, "imported")
		r = syndex(t, work, "import", "--data", fresh, "--in", file)
		if r.code != 1 || !strings.Contains(r.stderr, "line 2") {
			t.Errorf("import with corrupt line 2: exit %d, stderr %q", r.code, r.stderr)
		}
		out := syndex(t, work, "export", "--data", fresh)
		if n := strings.Count(out.stdout, "\n"); n != len(exported) {
			t.Errorf("import kept %d articles, want all %d good lines", n, len(exported))
		}
	})

	newcomerChecks(t, work, data)

	t.Run("second writer is refused", func(t *testing.T) {
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
		r := syndex(t, work, "import", "--data", data, "--in", "-")
		if r.code != 1 || !strings.Contains(r.stderr, "in use") {
			t.Errorf("writer beside a reader: exit %d, stderr %q; want a clear 'in use' error", r.code, r.stderr)
		}
	})
}

// TestUsageErrors checks that bad usage exits 2 with one line naming the
// problem.
func TestUsageErrors(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	work := t.TempDir()
	badYAML := filepath.Join(work, "bad.yaml")
	os.WriteFile(badYAML, []byte("crawl:\n  delay: soon\n"), 0o644)
	unreadable := filepath.Join(work, "dir.yaml")
	os.Mkdir(unreadable, 0o755)
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"unknown flag", []string{"search", "--nope", "x"}, "--nope"},
		{"unknown command", []string{"frobnicate"}, "frobnicate"},
		{"bad report format", []string{"report", "--format", "pdf"}, "pdf"},
		{"dedup without --in", []string{"dedup"}, "--in"},
		{"missing input", []string{"dedup", "--in", filepath.Join(work, "none.jsonl")}, "none.jsonl"},
		{"bad config value", []string{"crawl", "--config", badYAML}, "bad.yaml:2"},
		{"unreadable config", []string{"crawl", "--config", unreadable}, "dir.yaml"},
		{"missing config", []string{"crawl", "--config", filepath.Join(work, "none.yaml")}, "none.yaml"},
		{"bad date", []string{"search", "--from", "yesterday", "x"}, "--from"},
		{"bad body cap", []string{"crawl", "--max-body", "lots", "--seed", "http://x.example/"}, "--max-body"},
		{"negative budget", []string{"crawl", "--max-per-host", "-1", "--seed", "http://x.example/"}, "--max-per-host"},
		{"relative seed", []string{"crawl", "--seed", "example.org/news"}, "example.org/news"},
		{"ftp seed", []string{"crawl", "--seed", "ftp://x/"}, `scheme "ftp"`},
		{"no seed", []string{"crawl"}, "no seeds"},
		{"private seed", []string{"crawl", "--seed", "http://127.0.0.1:9/"}, "127.0.0.1 is not a public address (loopback); refused without --allow-private"},
		{"huge limit", []string{"search", "--limit", "100000000", "x"}, "--limit"},
		{"to before from", []string{"search", "--from", "2025-01-01", "--to", "2024-01-01", "x"}, "--to 2024-01-01 is before --from 2025-01-01"},
		{"report to before from", []string{"report", "--from", "2025-01", "--to", "2024-12"}, "before"},
		{"unknown table", []string{"report", "--format", "csv", "--table", "bogus"}, `"bogus"`},
		{"negative min-count", []string{"report", "--min-count", "-4"}, "--min-count"},
		{"import a directory", []string{"import", "--in", unreadable}, "dir.yaml is a directory"},
		{"dedup a directory", []string{"dedup", "--in", unreadable}, "dir.yaml is a directory"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := syndex(t, work, tc.args...)
			if r.code != 2 {
				t.Errorf("exit %d, want 2; stderr %q", r.code, r.stderr)
			}
			lines := strings.Split(strings.TrimSpace(r.stderr), "\n")
			if len(lines) != 1 || !strings.Contains(r.stderr, tc.want) {
				t.Errorf("stderr %q: want one line naming %q", r.stderr, tc.want)
			}
			if strings.Contains(r.stderr, "crawled") {
				t.Errorf("a refused crawl reports a pass: %q", r.stderr)
			}
		})
	}
	// None of them, nor a reindex of an archive that is not there,
	// creates an archive.
	if r := syndex(t, work, "reindex", "--data", filepath.Join(work, "typo")); r.code != 1 || !strings.Contains(r.stderr, "no store") {
		t.Errorf("reindex of a missing archive: exit %d, %q", r.code, r.stderr)
	}
	for _, d := range []string{"syndex-data", "typo"} {
		if _, err := os.Stat(filepath.Join(work, d)); !os.IsNotExist(err) {
			t.Errorf("a refused command created %s (%v)", d, err)
		}
	}
}

// TestInputQuirks: a UTF-8 byte order mark on line 1 is accepted, and ids
// repeated within one input are reported (a warning: the later line is
// the article's new version) by import and dedup alike.
func TestInputQuirks(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	work := t.TempDir()
	in := filepath.Join(work, "in.jsonl")
	body := "\ufeff" + `{"id":"a","text":"The harbour board approved the new breakwater on Monday after a long debate."}` + "\n" +
		`{"id":"b","text":"Flooding closed the river road for a third day as the water kept rising."}` + "\n" +
		`{"id":"a","text":"The harbour board approved the new breakwater on Monday after a long and heated debate."}` + "\n"
	os.WriteFile(in, []byte(body), 0o644)
	want := `line 3: id "a" as on line 1`
	r := syndex(t, work, "dedup", "--in", in)
	if r.code != 0 || strings.Count(r.stdout, "\n") != 3 || !strings.Contains(r.stderr, want) {
		t.Errorf("dedup: exit %d, stdout %q, stderr %q; want 3 assignments and a warning naming %q", r.code, r.stdout, r.stderr, want)
	}
	r = syndex(t, work, "import", "--in", in, "--data", filepath.Join(work, "d"))
	if r.code != 0 || strings.Contains(r.stderr, "bad line") || !strings.Contains(r.stderr, want) {
		t.Errorf("import: exit %d, stderr %q; want a warning naming %q and no bad line", r.code, r.stderr, want)
	}
	r = syndex(t, work, "export", "--data", filepath.Join(work, "d"))
	if n := strings.Count(r.stdout, "\n"); r.code != 0 || n != 2 || !strings.Contains(r.stdout, "heated") {
		t.Errorf("export after import: exit %d, %d articles, want 2 with the later version of a:\n%s", r.code, n, r.stdout)
	}
}
