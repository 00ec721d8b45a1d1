package main

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/syndex/syndex/archive"
	"github.com/syndex/syndex/internal/farm"
)

// newcomerChecks runs the first-day checks of issue 22 on the demo archive
// that TestEndToEnd keeps in data.
func newcomerChecks(t *testing.T, work, data string) {
	dedupSummary(t, work, data)
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
	f, err := farm.Start(ctx, farm.Options{Delay: 150 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var seeds []string
	for _, o := range f.Outlets() {
		seeds = append(seeds, "--seed", o.BaseURL+"/")
	}
	work := t.TempDir()
	data := filepath.Join(work, "data")
	cr := &daemon{stderr: &syncBuffer{}, done: make(chan struct{})}
	cr.cmd = exec.Command(syndexBin(t), append([]string{"crawl", "--data", data, "--allow-private", "--delay", "1s"}, seeds...)...)
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
	waitFor(t, cr, 20*time.Second, "api.addr", func() bool {
		b, err := os.ReadFile(filepath.Join(data, archive.APIAddrFile))
		return err == nil && len(b) > 0
	})
	waitFor(t, cr, 30*time.Second, "a first article in search", func() bool {
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
	srv := exec.Command(syndexBin(t), "serve", "--data", data, "--addr", "127.0.0.1:0")
	stderr, _ := srv.StderrPipe()
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	line, _ := bufio.NewReader(stderr).ReadString('\n')
	srv.Process.Kill()
	srv.Wait()
	if !strings.Contains(line, "serving") {
		t.Errorf("serve during crawl said %q", line)
	}
	if r := syndex(t, work, "import", "--data", data, "--in", "-"); r.code != 1 || !regexp.MustCompile(`in use by pid \d+`).MatchString(r.stderr) {
		t.Errorf("second writer during crawl: exit %d, stderr %q", r.code, r.stderr)
	}
	select {
	case <-cr.done:
		t.Logf("the crawl ended before every reader was tried; stderr:\n%s", cr.stderr)
	default:
	}
	<-cr.done
	if cr.code != 0 {
		t.Fatalf("crawl exit %d\n%s", cr.code, cr.stderr)
	}
	if _, err := os.Stat(filepath.Join(data, archive.APIAddrFile)); !os.IsNotExist(err) {
		t.Errorf("api.addr left behind after the crawl: %v", err)
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
