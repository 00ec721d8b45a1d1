package main

import (
	"archive/tar"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestReleaseScript builds a release archive for this platform with
// scripts/release and checks what a user downloads: the archive named for
// the version and platform, its checksum in SHA256SUMS, and inside it a
// binary that reports the version, the LICENSE, the README and man pages.
func TestReleaseScript(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a release binary")
	}
	for _, tool := range []string{"bash", "tar", "sha256sum", "git"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed", tool)
		}
	}
	dist := t.TempDir()
	target := runtime.GOOS + "/" + runtime.GOARCH
	cmd := exec.Command("bash", "../../scripts/release", "v9.9.9-test")
	cmd.Env = append(os.Environ(), "DIST="+dist, "RELEASE_TARGETS="+target)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("scripts/release: %v\n%s", err, out)
	}
	name := "syndex_v9.9.9-test_" + runtime.GOOS + "_" + runtime.GOARCH
	archive := filepath.Join(dist, name+".tar.gz")
	data, err := os.ReadFile(archive)
	if err != nil {
		t.Fatal(err)
	}
	sums, err := os.ReadFile(filepath.Join(dist, "SHA256SUMS"))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	if want := hex.EncodeToString(sum[:]) + "  " + name + ".tar.gz"; !strings.Contains(string(sums), want) {
		t.Errorf("SHA256SUMS lacks %q:\n%s", want, sums)
	}

	unpacked := t.TempDir()
	gz, err := gzip.NewReader(strings.NewReader(string(data)))
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(gz)
	files := map[string]bool{}
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		files[h.Name] = true
		if h.Typeflag != tar.TypeReg {
			continue
		}
		p := filepath.Join(unpacked, filepath.FromSlash(h.Name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		f, err := os.OpenFile(p, os.O_CREATE|os.O_WRONLY, os.FileMode(h.Mode))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(f, tr); err != nil {
			t.Fatal(err)
		}
		f.Close()
	}
	for _, want := range []string{name + "/syndex", name + "/LICENSE", name + "/README.md", name + "/man/syndex.1"} {
		if !files[want] {
			t.Errorf("the archive lacks %s", want)
		}
	}
	out, err := exec.Command(filepath.Join(unpacked, name, "syndex"), "version", "--json").Output()
	if err != nil {
		t.Fatalf("released binary: %v", err)
	}
	var b buildInfo
	if err := json.Unmarshal(out, &b); err != nil || b.Version != "v9.9.9-test" || b.BuildDate == "unknown" || b.BuildDate == "" {
		t.Errorf("released binary's version --json = %s (%v)", out, err)
	}
}
