package crawler

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/syndex/syndex/store"
)

// patience bounds how long a test waits for a crawl that must end. It is
// a hang detector, never a measure: each test that uses it gives the
// crawler a wait it must not make (an hour's Crawl-delay, Retry-After,
// back-off or timeout), so a crawl that made it would still be running
// long after patience, while a right one ends well within it however
// loaded the machine.
const patience = 2 * time.Minute

// runPatiently runs c to its end, failing the test when it is still
// running after patience; why names the wait it must not have made.
func runPatiently(t *testing.T, c *Crawler, why string) (Stats, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), patience)
	defer cancel()
	s, err := c.Run(ctx)
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		t.Fatalf("the crawl was still running after %v: %s", patience, why)
	}
	return s, err
}

// patientContext is the context of work that must end by itself (a
// crawl, workers of a shared one): it ends after patience, a hang
// detector, and the test then fails naming what hung.
func patientContext(t *testing.T, what string) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), patience)
	t.Cleanup(func() {
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			t.Errorf("still running after %v (a hang detector, not a measure): %s", patience, what)
		}
		cancel()
	})
	return ctx
}

// crawlOnce runs one crawl of cfg on st, pages to h (nil: none), to its
// end within patience, and closes the crawler; an error fails t.
func crawlOnce(t *testing.T, cfg Config, st *store.Store, h Handler) Stats {
	t.Helper()
	c, err := New(cfg, st, h)
	if err != nil {
		t.Fatal(err)
	}
	s, err := runPatiently(t, c, "a crawl of a few loopback pages")
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	return s
}
