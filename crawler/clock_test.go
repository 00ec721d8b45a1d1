package crawler

import (
	"sync"
	"time"
)

// testClock is the clock of a crawl's robots.txt cache and re-check
// dates (Config.now) in a test: it stands still until the test moves it,
// so whether a cached robots.txt or a re-check date is due never depends
// on how fast the machine runs the crawl.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

// newTestClock returns a clock standing at the present (without a
// monotonic reading, like the times the frontiers store).
func newTestClock() *testClock { return &testClock{t: time.Now().Round(0)} }

// Now returns the clock's time.
func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Advance moves the clock d forward.
func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}
