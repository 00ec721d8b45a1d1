package cli

import (
	"bufio"
	"context"
	"encoding/json"
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
)

// SignalContext is cancelled on SIGINT or SIGTERM.
func SignalContext(parent context.Context) (context.Context, context.CancelFunc) {
	return signal.NotifyContext(parent, os.Interrupt, syscall.SIGTERM)
}

// IsTerminal reports whether f is an interactive terminal.
func IsTerminal(f *os.File) bool { return term.IsTerminal(int(f.Fd())) }

// ParseDate reads the date flag named flag by the one rule of package
// daterange: --to is an upper bound (a day or month covers all of it),
// every other flag a lower bound.
func ParseDate(flag, s string) (time.Time, error) {
	parse := daterange.From
	if flag == "to" {
		parse = daterange.To
	}
	t, err := parse(s)
	if err != nil {
		return time.Time{}, Usagef("--%s %v", flag, err)
	}
	return t, nil
}

// ParseRange reads the --from and --to values by the one rule of package
// daterange (daterange.Range), which refuses a --to before --from; its
// errors name the flags.
func ParseRange(fromS, toS string) (from, to time.Time, err error) {
	from, to, err = daterange.Range(fromS, toS)
	var re *daterange.RangeError
	switch {
	case err == nil:
		return from, to, nil
	case errors.As(err, &re) && re.Reversed:
		return from, to, Usagef("--to %s is before --from %s", toS, fromS)
	case errors.As(err, &re):
		return from, to, Usagef("--%s %v", re.Bound, re.Err)
	}
	return from, to, err
}

// PrintJSON writes v to w as the commands' --json output: indented by two
// spaces, one value and a newline.
func PrintJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// Output opens the --out file, or stdout when it is empty or "-".
func Output(path string) (io.Writer, func() error, error) {
	if path == "" || path == "-" {
		return os.Stdout, func() error { return nil }, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, nil, fmt.Errorf("create %s: %w", path, err)
	}
	return f, f.Close, nil
}

// Input opens the --in file, or stdin for "-". A directory is refused
// before anything else happens (so a command that would create an archive
// does not), and a UTF-8 byte order mark at the start is dropped, as
// editors on Windows write one.
func Input(path string) (io.Reader, func() error, error) {
	if path == "-" {
		return skipBOM(os.Stdin), func() error { return nil }, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, Usagef("open input: %v", err)
	}
	if fi, err := f.Stat(); err == nil && fi.IsDir() {
		f.Close()
		return nil, nil, Usagef("--in %s is a directory, want a JSONL file", path)
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

// WarnDuplicates prints the duplicate ids err reports (a warning: the
// later line is kept) and returns err without them.
func WarnDuplicates(what string, err error) error {
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
