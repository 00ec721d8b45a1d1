package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestManPages writes the manual pages from the command tree: one per
// command, each naming its options, and (when groff is installed) every
// page renders without a warning.
func TestManPages(t *testing.T) {
	dir := t.TempDir()
	n, err := writeManPages(newRootCommand(), dir, "2026-01-02")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []struct{ page, text string }{
		{"syndex.1", `.SH ENVIRONMENT`},
		{"syndex-crawl.1", `\-\-seed\-file`},
		{"syndex-crawl.1", `\-\-proxy`},
		{"syndex-search.1", `.SH EXAMPLES`},
		{"syndex-config-check.1", `.TH "SYNDEX-CONFIG-CHECK" 1 "2026-01-02"`},
		{"syndex-man.1", `\[u2026]`},
	} {
		b, err := os.ReadFile(filepath.Join(dir, want.page))
		if err != nil {
			t.Errorf("no page %s: %v", want.page, err)
			continue
		}
		if !strings.Contains(string(b), want.text) {
			t.Errorf("%s lacks %q", want.page, want.text)
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != n || n < 20 {
		t.Errorf("%d files for %d pages", len(entries), n)
	}
	groff, err := exec.LookPath("groff")
	if err != nil {
		t.Log("groff not installed: pages not rendered")
		return
	}
	for _, e := range entries {
		out, err := exec.Command(groff, "-man", "-Tutf8", "-ww", "-z", filepath.Join(dir, e.Name())).CombinedOutput()
		if err != nil || len(out) > 0 {
			t.Errorf("groff on %s: %v %s", e.Name(), err, out)
		}
	}
}
