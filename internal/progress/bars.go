package progress

import (
	"io"
	"os"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// Bars show the progress of long bulk work (import, reindex, an index
// catch-up) as a bar on stderr, only when stderr is a terminal; one bar at
// a time, a new one when the unit changes.
type Bars struct {
	on   bool
	mu   sync.Mutex
	bar  *progressbar.ProgressBar
	unit string
}

// NewBars draws on stderr when it is a terminal.
func NewBars() *Bars { return &Bars{on: term.IsTerminal(int(os.Stderr.Fd()))} }

func (b *Bars) newBar(max int64, desc string, bytes bool) *progressbar.ProgressBar {
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

// Reader counts what is read from r (size bytes, -1 when unknown).
func (b *Bars) Reader(r io.Reader, size int64, desc string) io.Reader {
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

// Update is archive.Options.Progress.
func (b *Bars) Update(done, total int64, unit string) {
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

// Finish clears the bar.
func (b *Bars) Finish() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.bar != nil {
		_ = b.bar.Finish()
		b.bar = nil
	}
}
