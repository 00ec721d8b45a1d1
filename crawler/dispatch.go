package crawler

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/syndex/syndex/crawler/frontier"
)

// Run performs one crawl pass on the local frontier (or resumes the
// unfinished one) and returns when the frontier is exhausted, the page
// budget is spent, or ctx is cancelled. Pages in flight at cancellation
// stay queued for the next run.
func (c *Crawler) Run(ctx context.Context) (Stats, error) {
	return c.run(ctx, c.local, func() ([]*frontier.Entry, error) { return c.dueRevisits(c.s.now()) })
}

// run crawls from fr: it checks and queues the seeds (with more, when
// given), dispatches leases until fr has nothing left, and writes the
// final stats.
func (c *Crawler) run(ctx context.Context, fr frontier.Frontier, more func() ([]*frontier.Entry, error)) (Stats, error) {
	if err := c.begin(ctx, fr, more); err != nil {
		return c.Stats(), err
	}
	statsDone, statsStopped := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(statsStopped)
		c.statsLoop(statsDone)
	}()
	errs := []error{c.dispatch(ctx, fr)}
	close(statsDone)
	<-statsStopped // the final stats below must not race a periodic write of the same file
	return c.end(ctx, fr, errs)
}

// begin starts a pass: fresh stats, the seeds checked, then queued in fr
// with the entries more gives (revisits due).
func (c *Crawler) begin(ctx context.Context, fr frontier.Frontier, more func() ([]*frontier.Entry, error)) error {
	c.mu.Lock()
	c.started = time.Now()
	c.stats = Stats{Started: c.started, Status: map[string]int64{}}
	c.fr = nil
	c.mu.Unlock()
	if err := CheckSeeds(ctx, c.s.Config); err != nil {
		return err
	}
	seeds := c.seedEntries()
	if more != nil {
		due, err := more()
		if err != nil {
			return err
		}
		seeds = append(seeds, due...)
	}
	rs, err := fr.Begin(ctx, seeds)
	if err != nil {
		return err
	}
	c.mu.Lock()
	c.pass, c.fr = int(rs.Pass), fr
	c.mu.Unlock()
	c.log.Info("crawl pass", "pass", rs.Pass, "resumed", rs.Resumed, "seeds", len(c.s.Seeds), "queued", rs.Queued)
	return nil
}

// end ends the pass after the dispatch loop (errs: its error): the
// frontier's run and the WARC file closed, the final stats written.
func (c *Crawler) end(ctx context.Context, fr frontier.Frontier, errs []error) (Stats, error) {
	errs = append(errs, fr.End(context.WithoutCancel(ctx)))
	if c.w != nil {
		errs = append(errs, c.w.EndFile())
	}
	st := c.Stats()
	errs = append(errs, c.writeStats(st))
	c.log.Info("crawl done", "pages", st.Pages, "requests", st.Requests, "errors", st.Errors, "queue", st.Queue, "elapsed", time.Since(c.started).Round(time.Millisecond))
	if ctx.Err() != nil {
		errs = append(errs, ctx.Err())
	}
	return st, errors.Join(errs...)
}

// seedEntries are the entries of the configured seeds (each with its
// host's /sitemap.xml unless sitemaps are off), feeds and sitemaps.
func (c *Crawler) seedEntries() []*frontier.Entry {
	var out []*frontier.Entry
	for _, raw := range c.s.Seeds {
		if e := c.newEntry(raw, frontier.KindPage, 0, true); e != nil {
			out = append(out, e)
			if !c.s.DisableSitemaps {
				if sm := c.newEntry(e.URL[:len(e.URL)-len(mustURL(e.URL).RequestURI())]+"/sitemap.xml", frontier.KindSitemap, 0, true); sm != nil {
					out = append(out, sm)
				}
			}
		}
	}
	for _, l := range []struct {
		k    frontier.Kind
		urls []string
	}{{frontier.KindFeed, c.s.Feeds}, {frontier.KindSitemap, c.s.Sitemaps}} {
		for _, raw := range l.urls {
			if e := c.newEntry(raw, l.k, 0, true); e != nil {
				out = append(out, e)
			}
		}
	}
	return out
}

// maxFrontierFails is how many failed claims in a row (a shared frontier
// unreachable) end the crawl.
const maxFrontierFails = 20

// dispatch is the one dispatch loop: while fewer than Concurrency hosts
// are being worked on it claims the next ready host from fr and works on
// it in a goroutine; when none is ready it waits for a worker to finish
// or for the time fr names. It returns when fr has nothing left (nothing
// queued that this run may fetch, no host leased) or ctx ends, after the
// workers under way have finished.
func (c *Crawler) dispatch(ctx context.Context, fr frontier.Frontier) error {
	slots := make(chan struct{}, c.s.Concurrency)
	freed := make(chan struct{}, 1)
	var wg sync.WaitGroup
	defer wg.Wait()
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	fails := 0
	wake := func() { signal(freed) }
	for {
		if !acquire(ctx, slots) {
			return nil
		}
		l, err := fr.Claim(ctx)
		if err != nil {
			<-slots
			if stop, err := c.claimFailed(ctx, err, &fails); stop {
				return err
			}
			continue
		}
		fails = 0
		if l.Reclaimed > 0 {
			c.log.Warn("reclaimed expired host leases", "hosts", l.Reclaimed)
		}
		if l.Host != "" {
			wg.Add(1)
			go func() {
				defer wg.Done()
				c.work(ctx, fr, l, wake)
				<-slots
				wake()
			}()
			continue
		}
		<-slots
		if l.Over() {
			return nil
		}
		if !waitIdle(ctx, timer, freed, l.Wait) {
			return nil
		}
	}
}

// claimFailed decides what dispatch does after a failed claim (err): it
// stops when ctx has ended (no error) or after maxFrontierFails failures
// in a row (err); otherwise it logs the failure and pauses a little
// longer each time before the next claim.
func (c *Crawler) claimFailed(ctx context.Context, err error, fails *int) (stop bool, _ error) {
	if ctx.Err() != nil {
		return true, nil
	}
	if *fails++; *fails >= maxFrontierFails {
		return true, err
	}
	c.log.Warn("frontier", "error", err, "attempt", *fails)
	sleepCtx(ctx, time.Duration(*fails)*100*time.Millisecond)
	return false, nil
}

// acquire takes a worker slot, waiting for one; it reports false when ctx
// ends first.
func acquire(ctx context.Context, slots chan<- struct{}) bool {
	select {
	case slots <- struct{}{}:
		return true
	case <-ctx.Done():
		return false
	}
}

// signal sends on ch unless a send is already pending (ch has a buffer
// of one).
func signal(ch chan<- struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}

// waitIdle waits, with no host ready, for the time the frontier named
// (wait; negative: none is due, so until a worker finishes) or for a
// worker to finish (freed), whichever comes first. It reports false when
// ctx ends.
func waitIdle(ctx context.Context, timer *time.Timer, freed <-chan struct{}, wait time.Duration) bool {
	if wait < 0 {
		wait = time.Hour // until a worker finishes
	}
	timer.Reset(wait)
	select {
	case <-timer.C:
	case <-freed:
		timer.Stop()
	case <-ctx.Done():
		return false
	}
	return true
}

func sleepCtx(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}
