package main

import (
	"io"
	"os"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"
)

// bars shows the progress of long bulk work (import, reindex, an index
// catch-up) as a bar on stderr, only when stderr is a terminal; one bar at
// a time, a new one when the unit changes.
type bars struct {
	on   bool
	mu   sync.Mutex
	bar  *progressbar.ProgressBar
	unit string
}

func newBars() *bars { return &bars{on: isTerminal(os.Stderr)} }

func (b *bars) newBar(max int64, desc string, bytes bool) *progressbar.ProgressBar {
	if b.bar != nil {
		_ = b.bar.Finish()
	}
	b.bar = progressbar.NewOptions64(max,
		progressbar.OptionSetWriter(os.Stderr),
		progressbar.OptionSetDescription(desc),
		progressbar.OptionShowBytes(bytes),
		progressbar.OptionShowCount(),
		progressbar.OptionShowIts(),
		progressbar.OptionSetItsString(desc),
		progressbar.OptionThrottle(200*time.Millisecond),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionClearOnFinish(),
		progressbar.OptionFullWidth(),
	)
	return b.bar
}

// reader counts what is read from r (size bytes, -1 when unknown).
func (b *bars) reader(r io.Reader, size int64, desc string) io.Reader {
	if !b.on {
		return r
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.unit = "bytes"
	bar := b.newBar(size, desc, true)
	rd := progressbar.NewReader(r, bar)
	return &rd
}

// update is archive.Options.Progress.
func (b *bars) update(done, total int64, unit string) {
	if !b.on {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.bar == nil || b.unit != unit {
		b.unit = unit
		b.newBar(total, "indexing "+unit, false)
	}
	_ = b.bar.Set64(done)
}

// finish clears the bar.
func (b *bars) finish() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.bar != nil {
		_ = b.bar.Finish()
		b.bar = nil
	}
}
