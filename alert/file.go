package alert

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/syndex/syndex/internal/atomicfile"
)

// Files of an alert file path P: P itself (the alerts, JSONL), P.delivered
// (webhook deliveries, JSONL) and P.state (the arrival number evaluated
// up to).
const (
	deliveredSuffix = ".delivered"
	stateSuffix     = ".state"
)

// Delivery records one webhook delivery's outcome.
type Delivery struct {
	ID       string    `json:"id"`
	Status   string    `json:"status"` // delivered or failed
	At       time.Time `json:"at"`
	Attempts int       `json:"attempts"`
	Error    string    `json:"error,omitempty"`
}

// Delivery statuses.
const (
	StatusDelivered = "delivered"
	StatusFailed    = "failed" // gave up: permanent error or retries exhausted
)

// Read returns the alerts of the alert file at path, oldest first, and the
// delivery of each (by alert id). A missing file is no alerts. A torn last
// line (a crash mid-write) is skipped; other bad lines are reported with
// their line number and the rest are returned.
func Read(path string) ([]Alert, map[string]Delivery, error) {
	var alerts []Alert
	err := readLines(path, func(line int, b []byte) error {
		var a Alert
		if err := json.Unmarshal(b, &a); err != nil || a.ID == "" {
			return fmt.Errorf("%s:%d: not an alert", path, line)
		}
		alerts = append(alerts, a)
		return nil
	})
	del := map[string]Delivery{}
	derr := readLines(path+deliveredSuffix, func(line int, b []byte) error {
		var d Delivery
		if err := json.Unmarshal(b, &d); err != nil || d.ID == "" {
			return fmt.Errorf("%s%s:%d: not a delivery", path, deliveredSuffix, line)
		}
		del[d.ID] = d
		return nil
	})
	return alerts, del, errors.Join(err, derr)
}

// readLines calls fn for each complete line of the file at path.
func readLines(path string, fn func(line int, b []byte) error) error {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	defer f.Close()
	r := bufio.NewReaderSize(f, 1<<16)
	var errs []error
	for n := 1; ; n++ {
		b, err := r.ReadBytes('\n')
		if errors.Is(err, io.EOF) {
			return errors.Join(errs...) // a last line without \n is torn: skipped
		}
		if err != nil {
			return errors.Join(append(errs, fmt.Errorf("read %s: %w", path, err))...)
		}
		if b = bytes.TrimSpace(b); len(b) == 0 {
			continue
		}
		if err := fn(n, b); err != nil {
			errs = append(errs, err)
		}
	}
}

// appender appends JSON lines to a file, each write synced, after cutting
// a torn last line left by a crash.
type appender struct {
	f *os.File
}

func openAppender(path string) (*appender, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, fmt.Errorf("alerts: %w", err)
	}
	if err := cutTorn(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("alerts: %s: %w", path, err)
	}
	return &appender{f: f}, nil
}

// cutTorn truncates f after its last newline and leaves the offset at the
// end.
func cutTorn(f *os.File) error {
	st, err := f.Stat()
	if err != nil {
		return err
	}
	size := st.Size()
	keep := size
	buf := make([]byte, 4096)
	for keep > 0 {
		n := int64(len(buf))
		if keep < n {
			n = keep
		}
		if _, err := f.ReadAt(buf[:n], keep-n); err != nil {
			return err
		}
		if i := bytes.LastIndexByte(buf[:n], '\n'); i >= 0 {
			keep = keep - n + int64(i) + 1
			break
		}
		keep -= n
	}
	if keep != size {
		if err := f.Truncate(keep); err != nil {
			return err
		}
	}
	_, err = f.Seek(keep, io.SeekStart)
	return err
}

// add writes values as JSON lines and syncs.
func (a *appender) add(values ...any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	for _, v := range values {
		if err := enc.Encode(v); err != nil {
			return err
		}
	}
	if _, err := a.f.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("alerts: write %s: %w", a.f.Name(), err)
	}
	if err := a.f.Sync(); err != nil {
		return fmt.Errorf("alerts: sync %s: %w", a.f.Name(), err)
	}
	return nil
}

func (a *appender) close() error { return a.f.Close() }

// readState returns the arrival number recorded in the state file, and
// whether there is one.
func readState(path string) (uint64, bool, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, err
	}
	n, err := strconv.ParseUint(strings.TrimSpace(string(b)), 10, 64)
	if err != nil {
		return 0, false, fmt.Errorf("%s: %q is not an arrival number", path, strings.TrimSpace(string(b)))
	}
	return n, true, nil
}

// writeState records the arrival number, atomically.
func writeState(path string, seq uint64) error {
	if err := atomicfile.WriteFile(path, []byte(strconv.FormatUint(seq, 10)+"\n")); err != nil {
		return fmt.Errorf("alerts: write %s: %w", path, err)
	}
	return nil
}
