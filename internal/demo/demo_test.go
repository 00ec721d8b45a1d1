package demo

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// TestPrepareDir: a missing directory is created and marked, an old
// demo's files are cleared, and a directory the demo did not write is
// refused untouched.
func TestPrepareDir(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "demo")
	if err := PrepareDir(dir); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, Marker)); err != nil {
		t.Fatalf("no marker: %v", err)
	}
	old := filepath.Join(dir, "store.db")
	if err := os.WriteFile(old, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := PrepareDir(dir); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(old); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("old demo file kept: %v", err)
	}
	real := t.TempDir()
	kept := filepath.Join(real, "store.db")
	if err := os.WriteFile(kept, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := PrepareDir(real); !errors.Is(err, ErrNotDemo) {
		t.Fatalf("real archive: %v, want ErrNotDemo", err)
	}
	if _, err := os.Stat(kept); err != nil {
		t.Errorf("real archive touched: %v", err)
	}
}
