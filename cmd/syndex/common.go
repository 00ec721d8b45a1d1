package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/syndex/syndex/archive"
)

// openArchive opens the archive named by --data for writing.
func openArchive(ctx context.Context, cmd *cobra.Command) (*archive.Archive, error) {
	return archive.Open(ctx, dataDir(cmd), archive.Options{})
}

// openArchiveStore opens the archive named by --data for reading its store
// only, without the search index.
func openArchiveStore(ctx context.Context, cmd *cobra.Command) (*archive.Archive, error) {
	return archive.Open(ctx, dataDir(cmd), archive.Options{ReadOnly: true, NoIndex: true})
}

// openArchiveRead opens the archive named by --data for reading only.
func openArchiveRead(ctx context.Context, cmd *cobra.Command) (*archive.Archive, error) {
	return archive.Open(ctx, dataDir(cmd), archive.Options{ReadOnly: true})
}

// signalContext is cancelled on SIGINT or SIGTERM.
func signalContext(parent context.Context) (context.Context, context.CancelFunc) {
	return signal.NotifyContext(parent, os.Interrupt, syscall.SIGTERM)
}

// isTerminal reports whether f is an interactive terminal.
func isTerminal(f *os.File) bool { return term.IsTerminal(int(f.Fd())) }

// parseDate reads a --from/--to value: a date (2006-01-02) or RFC 3339.
func parseDate(flag, s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	for _, layout := range []string{time.RFC3339, "2006-01-02", "2006-01"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, usagef("--%s %q: want a date like 2024-05-31 or RFC 3339", flag, s)
}

// output opens the --out file, or stdout when it is empty or "-".
func output(path string) (io.Writer, func() error, error) {
	if path == "" || path == "-" {
		return os.Stdout, func() error { return nil }, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, nil, fmt.Errorf("create %s: %w", path, err)
	}
	return f, f.Close, nil
}

// input opens the --in file, or stdin for "-".
func input(path string) (io.Reader, func() error, error) {
	if path == "-" {
		return os.Stdin, func() error { return nil }, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, usagef("open input: %v", err)
	}
	return f, f.Close, nil
}
