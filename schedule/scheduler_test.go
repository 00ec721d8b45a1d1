package schedule

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// every is a Timer with a fixed interval (config.Schedule refuses < 1s).
type every time.Duration

func (e every) Next(t time.Time) time.Time { return t.Add(time.Duration(e)) }
func (e every) IsZero() bool               { return e == 0 }

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

type span struct {
	kind       Kind
	start, end time.Time
}

// recorder is a job body that records its runs and checks they never
// overlap with other runs sharing the same recorder.
type recorder struct {
	mu      sync.Mutex
	spans   []span
	active  atomic.Int32
	overlap atomic.Int32
	took    time.Duration
	fail    error
	panics  bool
}

func (r *recorder) run(ctx context.Context, k Kind) error {
	if r.active.Add(1) > 1 {
		r.overlap.Add(1)
	}
	defer r.active.Add(-1)
	s := span{kind: k, start: time.Now()}
	select {
	case <-ctx.Done():
	case <-time.After(r.took):
	}
	s.end = time.Now()
	r.mu.Lock()
	r.spans = append(r.spans, s)
	r.mu.Unlock()
	if r.panics {
		panic("boom")
	}
	return r.fail
}

func runFor(t *testing.T, d time.Duration, jobs ...Job) *Scheduler {
	t.Helper()
	s := New(jobs, quiet())
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	start := time.Now()
	s.Run(ctx)
	if late := time.Since(start) - d; late > time.Second {
		t.Errorf("Run returned %v after its context ended", late)
	}
	return s
}

func TestSlowRunDelaysNext(t *testing.T) {
	tests := []struct {
		name       string
		took, poll time.Duration
		minRuns    int
		maxRuns    int
	}{
		// The upper bounds follow from the rule (a run starts at least
		// Poll after the previous one ended); the lower bounds only ask
		// for progress, as a loaded machine (-race, CI) runs fewer.
		{"fast runs", 10 * time.Millisecond, 50 * time.Millisecond, 2, 13},
		{"slow runs", 120 * time.Millisecond, 30 * time.Millisecond, 2, 5},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := &recorder{took: tc.took}
			s := runFor(t, 600*time.Millisecond, Job{Name: "j", Poll: every(tc.poll), Run: r.run})
			if n := len(r.spans); n < tc.minRuns || n > tc.maxRuns {
				t.Errorf("%d runs in 600ms, want %d..%d", n, tc.minRuns, tc.maxRuns)
			}
			if r.overlap.Load() > 0 {
				t.Errorf("%d runs overlapped", r.overlap.Load())
			}
			for i := 1; i < len(r.spans); i++ {
				if gap := r.spans[i].start.Sub(r.spans[i-1].end); gap < tc.poll-5*time.Millisecond {
					t.Errorf("run %d started %v after the previous ended, want ≥ %v", i, gap, tc.poll)
				}
			}
			if st := s.Status()[0]; st.Runs[Poll] != int64(len(r.spans)) || st.LastSuccess.IsZero() || st.Running {
				t.Errorf("status %+v after %d runs", st, len(r.spans))
			}
		})
	}
}

func TestRecrawlTimer(t *testing.T) {
	r := &recorder{took: 5 * time.Millisecond}
	runFor(t, 700*time.Millisecond, Job{Name: "j", Poll: every(40 * time.Millisecond), Recrawl: every(200 * time.Millisecond), Run: r.run})
	kinds := map[Kind]int{}
	for _, s := range r.spans {
		kinds[s.kind]++
	}
	if r.spans[0].kind != Poll {
		t.Errorf("first run is a %s, want a poll at start", r.spans[0].kind)
	}
	if kinds[Recrawl] < 1 || kinds[Recrawl] > 4 || kinds[Poll] < 2 {
		t.Errorf("runs by kind %v, want 1..4 recrawls and ≥ 2 polls in 700ms", kinds)
	}
}

func TestRecrawlOnly(t *testing.T) {
	r := &recorder{took: time.Millisecond}
	runFor(t, 1500*time.Millisecond, Job{Name: "j", Recrawl: every(400 * time.Millisecond), Run: r.run})
	kinds := map[Kind]int{}
	for _, s := range r.spans {
		kinds[s.kind]++
	}
	// Recrawls are due at 400, 800 and 1200 ms; a loaded machine (-race,
	// other tests) may fire the later ones after the 1.5 s window, and
	// once failed to fire even the first within a window of 350 ms.
	if kinds[Poll] != 1 || kinds[Recrawl] < 1 || kinds[Recrawl] > 3 {
		t.Errorf("runs by kind %v, want one poll at start and 1..3 recrawls", kinds)
	}
}

func TestSharedLocksTakeTurns(t *testing.T) {
	r := &recorder{took: 30 * time.Millisecond} // one recorder: overlap across jobs is counted
	other := &recorder{took: 30 * time.Millisecond}
	runFor(t, 400*time.Millisecond,
		Job{Name: "a", Poll: every(10 * time.Millisecond), Locks: []string{"h1", "h2"}, Run: r.run},
		Job{Name: "b", Poll: every(10 * time.Millisecond), Locks: []string{"h2", "h1"}, Run: r.run},
		Job{Name: "c", Poll: every(10 * time.Millisecond), Locks: []string{"h3"}, Run: other.run},
	)
	if r.overlap.Load() > 0 {
		t.Errorf("jobs sharing locks overlapped %d times", r.overlap.Load())
	}
	if len(r.spans) < 2 || len(other.spans) < 2 {
		t.Errorf("runs: %d sharing locks, %d alone; want each ≥ 2", len(r.spans), len(other.spans))
	}
}

func TestFailuresAndPanics(t *testing.T) {
	failing := &recorder{took: time.Millisecond, fail: errors.New("site down")}
	panicky := &recorder{took: time.Millisecond, panics: true}
	s := runFor(t, 250*time.Millisecond,
		Job{Name: "failing", Poll: every(50 * time.Millisecond), Run: failing.run},
		Job{Name: "panicky", Poll: every(50 * time.Millisecond), Run: panicky.run},
	)
	for _, st := range s.Status() {
		if st.Failures[Poll] < 1 || st.Failures[Poll] != st.Runs[Poll] || st.LastError == "" || !st.LastSuccess.IsZero() {
			t.Errorf("%s: %d runs, %d failures, last error %q, last success %v", st.Name, st.Runs[Poll], st.Failures[Poll], st.LastError, st.LastSuccess)
		}
	}
}
