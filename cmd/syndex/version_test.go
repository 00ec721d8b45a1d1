package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func TestVersionCommand(t *testing.T) {
	oldC, oldD := commit, buildDate
	t.Cleanup(func() { commit, buildDate = oldC, oldD })

	commit, buildDate = "", ""
	b := currentBuild()
	if b.Commit == "" || b.BuildDate != "unknown" || b.Version == "" || !strings.HasPrefix(b.Go, "go") {
		t.Errorf("unstamped build: %+v", b)
	}

	commit, buildDate = "0123456789abcdef0123456789abcdef01234567", "2026-01-02T03:04:05Z"
	b = currentBuild()
	if b.Commit != commit || b.BuildDate != buildDate {
		t.Errorf("ldflags not honoured: %+v", b)
	}
	var out bytes.Buffer
	if err := b.write(&out); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"syndex " + version, "commit  " + commit, "built   2026-01-02T03:04:05Z", "go      go"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("version output lacks %q:\n%s", want, out.String())
		}
	}
}

func TestVersionJSON(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	r := syndex(t, t.TempDir(), "version", "--json")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var b buildInfo
	if err := json.Unmarshal([]byte(r.stdout), &b); err != nil || b.Version == "" || b.Commit == "" || b.BuildDate == "" {
		t.Errorf("version --json = %q (%v)", r.stdout, err)
	}
}
