// Package memlimit keeps the Go runtime's soft memory limit
// (runtime/debug.SetMemoryLimit) in step with the live heap.
//
// A fixed soft limit keeps a process's memory flat while its live heap is
// small: the collector runs before garbage doubles the heap. But once the
// live heap itself grows past the limit (an import of a million articles
// holds a dedup index of more than a gigabyte), the collector runs
// without pause and the process spends up to half its CPU on it. Follow
// raises the limit with the live heap instead: never below a floor, and
// above it a fixed share of headroom over what the last collection found
// live, which keeps a large heap at about 1.5 times its live size where
// the default (GOGC=100) lets it reach twice.
package memlimit

import (
	"math"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
)

// Headroom is the share of the live heap that Follow allows above it.
const Headroom = 0.5

const liveMetric = "/gc/heap/live:bytes"

// Follower keeps the memory limit; see Follow.
type Follower struct {
	floor int64
	prev  int64
	mu    sync.Mutex
	done  bool
	ms    []metrics.Sample
}

// Start follows the live heap from floor (Follow) until the returned
// function is called, unless GOMEMLIMIT is set in the environment: the
// user's limit then wins and nothing is started. Every command that
// keeps a soft limit starts it here, so the rule is the same for all.
func Start(floor int64) (stop func()) {
	if os.Getenv("GOMEMLIMIT") != "" {
		return func() {}
	}
	return Follow(floor).Stop
}

// Follow sets the soft memory limit to floor, or to the live heap plus
// Headroom of it when that is more, and adjusts it after every garbage
// collection until Stop. A floor of 0 or less sets nothing and returns a
// Follower whose Stop does nothing.
func Follow(floor int64) *Follower {
	f := &Follower{floor: floor, ms: []metrics.Sample{{Name: liveMetric}}}
	if floor <= 0 {
		f.done = true
		return f
	}
	f.prev = debug.SetMemoryLimit(-1)
	f.adjust()
	f.arm()
	return f
}

// Limit returns the limit Follow would set for a live heap of live bytes.
func (f *Follower) Limit(live uint64) int64 {
	want := float64(live) * (1 + Headroom)
	if want >= math.MaxInt64/2 {
		return math.MaxInt64
	}
	return max(f.floor, int64(want))
}

// adjust sets the limit from the live heap the last collection found.
func (f *Follower) adjust() {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.done {
		return
	}
	metrics.Read(f.ms)
	var live uint64
	if f.ms[0].Value.Kind() == metrics.KindUint64 {
		live = f.ms[0].Value.Uint64()
	}
	debug.SetMemoryLimit(f.Limit(live))
}

// arm runs adjust once after the next garbage collection, and arms
// itself again from there.
func (f *Follower) arm() {
	// Large enough not to come from the tiny allocator, whose objects
	// may never be cleaned up alone.
	p := new([64]byte)
	runtime.AddCleanup(p, func(f *Follower) {
		f.mu.Lock()
		done := f.done
		f.mu.Unlock()
		if !done {
			f.adjust()
			f.arm()
		}
	}, f)
}

// Stop ends the adjustments and puts back the limit there was before
// Follow.
func (f *Follower) Stop() {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.done {
		return
	}
	f.done = true
	debug.SetMemoryLimit(f.prev)
}
