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

// count returns the runs recorded so far.
func (r *recorder) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.spans)
}

// kinds returns the runs recorded so far by kind.
func (r *recorder) kinds() map[Kind]int {
	r.mu.Lock()
	defer r.mu.Unlock()
	m := map[Kind]int{}
	for _, s := range r.spans {
		m[s.kind]++
	}
	return m
}

// patience bounds every wait of these tests. No assertion depends on how
// soon something happens: a test waits for the runs it needs, however
// slow the machine, and fails only when they never come.
const patience = 2 * time.Minute

// runUntil runs the jobs until done holds (checked every few
// milliseconds), then stops the scheduler and waits for Run to return.
// It returns the scheduler and when Run was called.
func runUntil(t *testing.T, done func() bool, jobs ...Job) (*Scheduler, time.Time) {
	t.Helper()
	s := New(jobs, quiet())
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	start := time.Now()
	returned := make(chan struct{})
	go func() {
		s.Run(ctx)
		close(returned)
	}()
	tick := time.NewTicker(2 * time.Millisecond)
	defer tick.Stop()
	for deadline := time.After(patience); !done(); {
		select {
		case <-tick.C:
		case <-deadline:
			t.Fatalf("the runs waited for did not happen within %v", patience)
		case <-returned:
			t.Fatal("Run returned before its context ended")
		}
	}
	cancel()
	select {
	case <-returned:
	case <-time.After(patience):
		t.Fatalf("Run had not returned %v after its context ended", patience)
	}
	return s, start
}

// TestSlowRunDelaysNext: a run starts at least Poll after the previous
// one ended, so a slow run delays the next instead of stacking.
func TestSlowRunDelaysNext(t *testing.T) {
	tests := []struct {
		name       string
		took, poll time.Duration
	}{
		{"fast runs", 10 * time.Millisecond, 50 * time.Millisecond},
		{"slow runs", 120 * time.Millisecond, 30 * time.Millisecond},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := &recorder{took: tc.took}
			s, _ := runUntil(t, func() bool { return r.count() >= 4 }, Job{Name: "j", Poll: every(tc.poll), Run: r.run})
			if r.overlap.Load() > 0 {
				t.Errorf("%d runs overlapped", r.overlap.Load())
			}
			// Timers never fire early: each gap is at least Poll
			// whatever the load, and each run took at least its time
			// unless the shutdown cut it short (the last).
			for i := 1; i < len(r.spans); i++ {
				if gap := r.spans[i].start.Sub(r.spans[i-1].end); gap < tc.poll {
					t.Errorf("run %d started %v after the previous ended, want ≥ %v", i, gap, tc.poll)
				}
				if d := r.spans[i-1].end.Sub(r.spans[i-1].start); d < tc.took {
					t.Errorf("run %d took %v, want ≥ %v", i-1, d, tc.took)
				}
			}
			if st := s.Status()[0]; st.Runs[Poll] != int64(len(r.spans)) || st.LastSuccess.IsZero() || st.Running {
				t.Errorf("status %+v after %d runs", st, len(r.spans))
			}
		})
	}
}

// firstIsPoll reports whether the first run is the poll at start, as it
// must be unless the machine was so slow that the first recrawl was
// already due when that run began (the scheduler then recrawls, which
// does all a poll does).
func firstIsPoll(r *recorder, start time.Time, recrawl time.Duration) bool {
	return r.spans[0].kind == Poll || r.spans[0].start.Sub(start) >= recrawl
}

// TestRecrawlTimer: the first run is a poll; recrawls come on their own
// timer, counted from the end of the previous recrawl, and polls go on
// between them.
func TestRecrawlTimer(t *testing.T) {
	r := &recorder{took: 5 * time.Millisecond}
	const poll, recrawl = 40 * time.Millisecond, 200 * time.Millisecond
	_, start := runUntil(t, func() bool { k := r.kinds(); return k[Recrawl] >= 2 && k[Poll] >= 3 },
		Job{Name: "j", Poll: every(poll), Recrawl: every(recrawl), Run: r.run})
	if !firstIsPoll(r, start, recrawl) {
		t.Errorf("first run is a %s %v after the start, want a poll at start", r.spans[0].kind, r.spans[0].start.Sub(start))
	}
	prev := start
	for i, s := range r.spans {
		if s.kind != Recrawl {
			continue
		}
		if s.start.Sub(prev) < recrawl {
			t.Errorf("recrawl (run %d) started %v after the previous recrawl (or the start), want ≥ %v", i, s.start.Sub(prev), recrawl)
		}
		prev = s.end
	}
}

// TestRecrawlOnly: with only a recrawl timer the job polls once, at
// start, and then only recrawls.
func TestRecrawlOnly(t *testing.T) {
	r := &recorder{took: time.Millisecond}
	const recrawl = 100 * time.Millisecond
	_, start := runUntil(t, func() bool { return r.kinds()[Recrawl] >= 3 }, Job{Name: "j", Recrawl: every(recrawl), Run: r.run})
	polls := r.kinds()[Poll]
	if !firstIsPoll(r, start, recrawl) || polls > 1 || polls == 1 && r.spans[0].kind != Poll {
		t.Errorf("runs by kind %v, first a %s: want one poll, at start, then recrawls only", r.kinds(), r.spans[0].kind)
	}
	prev := start
	for i, s := range r.spans {
		if s.kind != Recrawl {
			continue
		}
		if s.start.Sub(prev) < recrawl {
			t.Errorf("recrawl (run %d) started %v after the previous run, want ≥ %v", i, s.start.Sub(prev), recrawl)
		}
		prev = s.end
	}
}

// TestSharedLocksTakeTurns: jobs sharing a lock never run at once; a job
// with its own lock still runs.
func TestSharedLocksTakeTurns(t *testing.T) {
	r := &recorder{took: 30 * time.Millisecond} // one recorder: overlap across jobs is counted
	other := &recorder{took: 30 * time.Millisecond}
	runUntil(t, func() bool { return r.count() >= 6 && other.count() >= 2 },
		Job{Name: "a", Poll: every(10 * time.Millisecond), Locks: []string{"h1", "h2"}, Run: r.run},
		Job{Name: "b", Poll: every(10 * time.Millisecond), Locks: []string{"h2", "h1"}, Run: r.run},
		Job{Name: "c", Poll: every(10 * time.Millisecond), Locks: []string{"h3"}, Run: other.run},
	)
	if r.overlap.Load() > 0 {
		t.Errorf("jobs sharing locks overlapped %d times", r.overlap.Load())
	}
}

// TestFailuresAndPanics: a failing or panicking run is counted as a
// failure and the job keeps its schedule.
func TestFailuresAndPanics(t *testing.T) {
	failing := &recorder{took: time.Millisecond, fail: errors.New("site down")}
	panicky := &recorder{took: time.Millisecond, panics: true}
	s, _ := runUntil(t, func() bool { return failing.count() >= 2 && panicky.count() >= 2 },
		Job{Name: "failing", Poll: every(50 * time.Millisecond), Run: failing.run},
		Job{Name: "panicky", Poll: every(50 * time.Millisecond), Run: panicky.run},
	)
	for _, st := range s.Status() {
		if st.Failures[Poll] < 2 || st.Failures[Poll] != st.Runs[Poll] || st.LastError == "" || !st.LastSuccess.IsZero() {
			t.Errorf("%s: %d runs, %d failures, last error %q, last success %v", st.Name, st.Runs[Poll], st.Failures[Poll], st.LastError, st.LastSuccess)
		}
	}
}
