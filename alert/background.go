package alert

import (
	"context"
	"log/slog"
	"time"

	"github.com/syndex/syndex/archive"
	"github.com/syndex/syndex/config"
)

// Background is an Evaluator running beside a writer of the archive:
// all the time in `syndex run`, or for one `syndex crawl` pass, so that
// an hourly crawl from cron alerts too.
type Background struct {
	ev     *Evaluator
	cancel context.CancelFunc
	done   chan struct{}
}

// Start runs an Evaluator of cfg's rules until ctx ends (or Finish). With
// no rules it runs nothing, and its methods do nothing.
func Start(ctx context.Context, a *archive.Archive, cfg config.AlertsConfig, coll map[string][]string) (*Background, error) {
	if len(cfg.Rules) == 0 {
		return &Background{}, nil
	}
	ev, err := New(ctx, a, cfg, coll, Options{Dir: a.Dir})
	if err != nil {
		return nil, err
	}
	rctx, cancel := context.WithCancel(ctx)
	b := &Background{ev: ev, cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(b.done)
		ev.Run(rctx)
	}()
	return b, nil
}

// Evaluator is the running evaluator, nil without rules.
func (b *Background) Evaluator() *Evaluator { return b.ev }

// Stop waits for the evaluator to stop (after its context ends) and
// closes its files.
func (b *Background) Stop() error {
	if b.ev == nil {
		return nil
	}
	b.cancel()
	<-b.done
	return b.ev.Close()
}

// PassDrain bounds how long a finished crawl pass waits for the webhook
// to take the last alerts (the rest are sent by the next pass or run).
const PassDrain = 30 * time.Second

// StartPass starts the evaluator for one crawl pass: it is not stopped by
// ctx, but by FinishPass, so that the articles of an interrupted pass are
// caught up from the checkpoint by the next one.
func StartPass(ctx context.Context, a *archive.Archive, cfg config.AlertsConfig, coll map[string][]string) (*Background, error) {
	return Start(context.WithoutCancel(ctx), a, cfg, coll)
}

// FinishPass indexes what the pass stored, evaluates every article up to
// the last, and, unless the crawl was interrupted (ctx done), waits up to
// PassDrain for the webhook deliveries; then it stops.
func (b *Background) FinishPass(ctx context.Context, a *archive.Archive) {
	if b.ev == nil {
		return
	}
	defer func() {
		if err := b.Stop(); err != nil {
			slog.Warn("close alert files", "err", err)
		}
	}()
	if ctx.Err() != nil {
		return // interrupted: the next pass or run catches up from the checkpoint
	}
	if err := a.Flush(ctx); err != nil {
		slog.Warn("alerts: index flush", "err", err)
	}
	if err := b.ev.catchUp(ctx); err != nil {
		slog.Warn("alerts: evaluation", "err", err)
		return
	}
	if n := b.ev.drain(ctx, PassDrain); n > 0 {
		slog.Warn("alerts not delivered yet; the next crawl or run sends them", "pending", n)
	}
}

// catchUp evaluates steps until none is left: every article archived so
// far has been checked against the rules.
func (e *Evaluator) catchUp(ctx context.Context) error {
	for {
		n, err := e.Step(ctx)
		if err != nil || n == 0 {
			return err
		}
	}
}

// drain waits up to d (or until ctx ends) for the webhook to deliver what
// fired, and returns how many alerts are still pending.
func (e *Evaluator) drain(ctx context.Context, d time.Duration) int {
	deadline := time.Now().Add(d)
	for e.Pending() > 0 && time.Now().Before(deadline) && ctx.Err() == nil {
		time.Sleep(100 * time.Millisecond)
	}
	return e.Pending()
}
