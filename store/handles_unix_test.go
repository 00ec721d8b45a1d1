//go:build unix

package store

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// TestOutOfFileHandlesIsNotDamage: a store that cannot be opened because
// the process has no file handle left is not damaged; saying so would send
// the user to `check --repair` for nothing.
func TestOutOfFileHandlesIsNotDamage(t *testing.T) {
	dir, _ := fixture(t, 20)
	var old syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &old); err != nil {
		t.Skip(err)
	}
	low := old
	low.Cur = 256
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &low); err != nil {
		t.Skip(err)
	}
	var held []*os.File
	release := func() {
		for _, f := range held {
			f.Close()
		}
		held = nil
		syscall.Setrlimit(syscall.RLIMIT_NOFILE, &old)
	}
	defer release()
	for {
		f, err := os.Open(os.DevNull)
		if err != nil {
			break
		}
		held = append(held, f)
	}
	s, openErr := Open(dir, Options{})
	if s != nil {
		s.Close()
	}
	rep, checkErr := CheckFile(filepath.Join(dir, FileName), 5, true)
	release()

	for what, err := range map[string]error{"Open": openErr, "CheckFile": checkErr} {
		if err == nil || !errors.Is(err, syscall.EMFILE) {
			t.Errorf("%s without a file handle: %v, want an error naming EMFILE", what, err)
		}
		if errors.Is(err, ErrDamaged) {
			t.Errorf("%s without a file handle calls the store damaged: %v", what, err)
		}
	}
	if rep != nil && len(rep.Problems) > 0 {
		t.Errorf("CheckFile without a file handle found problems: %v", rep.Problems)
	}
	// With handles back, the same store opens and is sound.
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
}
