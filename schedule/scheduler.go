// Package schedule runs syndex's scheduled crawls (`syndex run`): each
// source is polled on its schedule (feeds, sitemaps, seeds and the known
// pages whose re-check is due) and fully re-crawled on its recrawl
// schedule, incrementally, into one archive, until the context ends. It
// also reports what the runs did as Prometheus metrics and a health check.
//
// The Scheduler underneath is generic: jobs with two timers each, never
// two runs of one job at once, a slow run delaying the next instead of
// stacking, and named locks so that jobs sharing a host take turns. The
// package does not crawl (package crawler), extract or index (package
// archive), or parse the configuration (package config).
package schedule

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"
)

// Kind is what a run does.
type Kind string

// The kinds of run.
const (
	Poll    Kind = "poll"    // seeds, feeds and sitemaps again; new pages; due re-checks
	Recrawl Kind = "recrawl" // every reachable page again, with conditional GET
)

// Timer says when something recurs; config.Schedule implements it.
type Timer interface {
	// Next returns the first activation strictly after t.
	Next(t time.Time) time.Time
	// IsZero reports that the timer never fires.
	IsZero() bool
}

// Job is one recurring piece of work.
type Job struct {
	Name    string
	Poll    Timer         // when to poll; nil or zero: only at start (and on Recrawl)
	Recrawl Timer         // when to re-crawl fully; nil or zero: never
	Every   time.Duration // poll interval when neither timer is set (default 1h)
	Locks   []string      // names held exclusively while the job runs (e.g. hosts)
	// Run does the work; it must return soon after ctx is cancelled.
	Run func(ctx context.Context, kind Kind) error
}

// Status is what the scheduler knows about one job.
type Status struct {
	Name         string
	Running      bool
	Kind         Kind           // of the current or last run
	Runs         map[Kind]int64 // finished runs (not those a shutdown interrupted)
	Failures     map[Kind]int64 // finished runs that failed
	LastStart    time.Time
	LastEnd      time.Time
	LastSuccess  time.Time
	LastError    string
	LastDuration time.Duration
	NextRun      time.Time
}

// Scheduler runs jobs on their timers.
type Scheduler struct {
	jobs  []Job
	log   *slog.Logger
	locks *lockSet

	mu     sync.Mutex
	status []Status
}

// New returns a scheduler for jobs; log may be nil (slog.Default()).
func New(jobs []Job, log *slog.Logger) *Scheduler {
	if log == nil {
		log = slog.Default()
	}
	s := &Scheduler{jobs: jobs, log: log, locks: newLockSet()}
	for _, j := range jobs {
		s.status = append(s.status, Status{Name: j.Name, Runs: map[Kind]int64{}, Failures: map[Kind]int64{}})
	}
	return s
}

// Status returns a snapshot of every job's status, in job order.
func (s *Scheduler) Status() []Status {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Status, len(s.status))
	for i, st := range s.status {
		st.Runs, st.Failures = clone(st.Runs), clone(st.Failures)
		out[i] = st
	}
	return out
}

func clone(m map[Kind]int64) map[Kind]int64 {
	out := make(map[Kind]int64, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func (s *Scheduler) update(i int, f func(*Status)) {
	s.mu.Lock()
	f(&s.status[i])
	s.mu.Unlock()
}

// Run starts every job at once and then on its timers, and returns when
// ctx is done and every run in flight has returned.
func (s *Scheduler) Run(ctx context.Context) error {
	var wg sync.WaitGroup
	for i := range s.jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.loop(ctx, i)
		}()
	}
	wg.Wait()
	return nil
}

func set(t Timer) bool { return t != nil && !t.IsZero() }

// loop runs job i until ctx is done: one run at a time, the next planned
// from the end of the previous one, so a slow run delays the next and
// activations missed meanwhile collapse into one.
func (s *Scheduler) loop(ctx context.Context, i int) {
	j := s.jobs[i]
	p := j.firstPlan(time.Now())
	for {
		due := p.due()
		if due.IsZero() {
			s.log.Info("job has nothing more scheduled", "job", j.Name)
			<-ctx.Done()
			return
		}
		s.update(i, func(st *Status) { st.NextRun = due })
		if !sleepUntil(ctx, due) {
			return
		}
		kind := p.kind(time.Now())
		end, ok := s.runJob(ctx, i, kind)
		if !ok {
			return
		}
		p.ran(j, kind, end)
	}
}

// plan is when a job polls and re-crawls next; a zero time is never.
type plan struct {
	poll, recrawl time.Time
}

// firstPlan is a job's plan when the scheduler starts at now: a poll
// at once, the re-crawl on its timer.
func (j Job) firstPlan(now time.Time) plan {
	p := plan{poll: now}
	if set(j.Recrawl) {
		p.recrawl = j.Recrawl.Next(now)
	}
	return p
}

// due is when the next run is: the earlier of the poll and the re-crawl
// (zero when neither is planned).
func (p plan) due() time.Time {
	if p.poll.IsZero() || (!p.recrawl.IsZero() && p.recrawl.Before(p.poll)) {
		return p.recrawl
	}
	return p.poll
}

// kind is the run due at now: a re-crawl when its time has come, else a
// poll.
func (p plan) kind(now time.Time) Kind {
	if !p.recrawl.IsZero() && !p.recrawl.After(now) {
		return Recrawl
	}
	return Poll
}

// ran plans the next runs after a run of kind that ended at end: the
// re-crawl on its timer after a re-crawl, the poll after any run
// (pollAfter; every hour when the job sets no interval).
func (p *plan) ran(j Job, kind Kind, end time.Time) {
	if kind == Recrawl {
		p.recrawl = j.Recrawl.Next(end)
	}
	every := j.Every
	if every <= 0 {
		every = time.Hour
	}
	p.poll = j.pollAfter(end, every)
}

// runJob runs job i once, holding its locks, and records the run in its
// status; it returns when the run ended, or false when ctx ended first.
func (s *Scheduler) runJob(ctx context.Context, i int, kind Kind) (time.Time, bool) {
	j := s.jobs[i]
	release, err := s.locks.acquire(ctx, j.Locks)
	if err != nil {
		return time.Time{}, false
	}
	start := time.Now()
	s.update(i, func(st *Status) { st.Running, st.Kind, st.LastStart = true, kind, start })
	s.log.Info("run starts", "job", j.Name, "kind", kind)
	err = run(ctx, j, kind)
	release()
	end := time.Now()
	cancelled := ctx.Err() != nil
	s.update(i, func(st *Status) {
		st.Running, st.LastEnd, st.LastDuration = false, end, end.Sub(start)
		switch {
		case err == nil:
			st.Runs[kind]++
			st.LastSuccess, st.LastError = end, ""
		case !cancelled:
			st.Runs[kind]++
			st.Failures[kind]++
			st.LastError = err.Error()
		}
	})
	switch {
	case cancelled:
		s.log.Info("run interrupted by shutdown", "job", j.Name, "kind", kind, "took", end.Sub(start).Round(time.Millisecond))
		return end, false
	case err != nil:
		s.log.Error("run failed", "job", j.Name, "kind", kind, "err", err, "took", end.Sub(start).Round(time.Millisecond))
	default:
		s.log.Info("run done", "job", j.Name, "kind", kind, "took", end.Sub(start).Round(time.Millisecond))
	}
	return end, true
}

// pollAfter is when the job polls next after a run that ended at end: on
// its poll timer, never when only a recrawl timer is set, else every.
func (j Job) pollAfter(end time.Time, every time.Duration) time.Time {
	switch {
	case set(j.Poll):
		return j.Poll.Next(end)
	case set(j.Recrawl):
		return time.Time{}
	}
	return end.Add(every)
}

// run calls j.Run, turning a panic into an error so that one bad run does
// not end the process.
func run(ctx context.Context, j Job, kind Kind) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%s run of %s panicked: %v", kind, j.Name, r)
		}
	}()
	return j.Run(ctx, kind)
}

// sleepUntil waits for t; false when ctx ended first.
func sleepUntil(ctx context.Context, t time.Time) bool {
	d := time.Until(t)
	if d <= 0 {
		return ctx.Err() == nil
	}
	tm := time.NewTimer(d)
	defer tm.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-tm.C:
		return true
	}
}

// lockSet is a set of named exclusive locks, taken in sorted order so that
// jobs sharing several names cannot deadlock.
type lockSet struct {
	mu sync.Mutex
	m  map[string]chan struct{}
}

func newLockSet() *lockSet { return &lockSet{m: map[string]chan struct{}{}} }

func (l *lockSet) ch(name string) chan struct{} {
	l.mu.Lock()
	defer l.mu.Unlock()
	c := l.m[name]
	if c == nil {
		c = make(chan struct{}, 1)
		l.m[name] = c
	}
	return c
}

// acquire takes every lock in names, or none when ctx ends first.
func (l *lockSet) acquire(ctx context.Context, names []string) (release func(), err error) {
	names = slices.Compact(slices.Sorted(slices.Values(names)))
	var held []chan struct{}
	release = func() {
		for _, c := range held {
			<-c
		}
	}
	for _, n := range names {
		c := l.ch(n)
		select {
		case c <- struct{}{}:
			held = append(held, c)
		case <-ctx.Done():
			release()
			return nil, ctx.Err()
		}
	}
	return release, nil
}
