package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"golang.org/x/term"

	"github.com/syndex/syndex/archive"
	"github.com/syndex/syndex/internal/daterange"
	"github.com/syndex/syndex/internal/memlimit"
)

// openArchive opens the archive named by --data for writing, with opt.
func (g *globals) openArchive(ctx context.Context, opt archive.Options) (*archive.Archive, error) {
	return archive.Open(ctx, g.dataDir(), opt)
}

// signalContext is cancelled on SIGINT or SIGTERM.
func signalContext(parent context.Context) (context.Context, context.CancelFunc) {
	return signal.NotifyContext(parent, os.Interrupt, syscall.SIGTERM)
}

// crawlMemoryLimit is the floor of the soft limit on the Go heap while
// pages are fetched and extracted (crawl, run, worker, demo). A large
// page is held while it is parsed, and without a limit the collector
// lets the garbage of its parse reach the live heap's size again
// before it runs: the hostile demo's peak fell from 430–513 MiB to
// 295–323 MiB with it, at the same CPU.
const crawlMemoryLimit = 256 << 20

// followHeap keeps the soft limit on the Go heap at crawlMemoryLimit, or
// 1.5 times the live heap when that is more (internal/memlimit), until
// the returned function is called. GOMEMLIMIT in the environment wins.
func followHeap() (stop func()) {
	if os.Getenv("GOMEMLIMIT") != "" {
		return func() {}
	}
	return memlimit.Follow(crawlMemoryLimit).Stop
}

// isTerminal reports whether f is an interactive terminal.
func isTerminal(f *os.File) bool { return term.IsTerminal(int(f.Fd())) }

// parseDate reads the date flag named flag by the one rule of package
// daterange: --to is an upper bound (a day or month covers all of it),
// every other flag a lower bound.
func parseDate(flag, s string) (time.Time, error) {
	parse := daterange.From
	if flag == "to" {
		parse = daterange.To
	}
	t, err := parse(s)
	if err != nil {
		return time.Time{}, usagef("--%s %v", flag, err)
	}
	return t, nil
}

// parseRange reads the --from and --to values by the one rule of
// parseDate, and refuses a --to before --from.
func parseRange(fromS, toS string) (from, to time.Time, err error) {
	if from, err = parseDate("from", fromS); err != nil {
		return from, to, err
	}
	if to, err = parseDate("to", toS); err != nil {
		return from, to, err
	}
	if !from.IsZero() && !to.IsZero() && to.Before(from) {
		return from, to, usagef("--to %s is before --from %s", toS, fromS)
	}
	return from, to, nil
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

// input opens the --in file, or stdin for "-". A directory is refused
// before anything else happens (so a command that would create an archive
// does not), and a UTF-8 byte order mark at the start is dropped, as
// editors on Windows write one.
func input(path string) (io.Reader, func() error, error) {
	if path == "-" {
		return skipBOM(os.Stdin), func() error { return nil }, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, usagef("open input: %v", err)
	}
	if fi, err := f.Stat(); err == nil && fi.IsDir() {
		f.Close()
		return nil, nil, usagef("--in %s is a directory, want a JSONL file", path)
	}
	return skipBOM(f), f.Close, nil
}

// skipBOM returns r without a leading UTF-8 byte order mark.
func skipBOM(r io.Reader) io.Reader {
	br := bufio.NewReaderSize(r, 1<<16)
	if b, err := br.Peek(3); err == nil && string(b) == "\ufeff" {
		br.Discard(3)
	}
	return br
}

// warnDuplicates prints the duplicate ids err reports (a warning: the
// later line is kept) and returns err without them.
func warnDuplicates(what string, err error) error {
	var dup *archive.DuplicateIDsError
	if !errors.As(err, &dup) {
		return err
	}
	fmt.Fprintf(os.Stderr, "syndex: %s: warning: %v\n", what, dup)
	var bad *archive.BadLinesError
	if errors.As(err, &bad) {
		return bad
	}
	return nil
}
