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
