package main

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
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
