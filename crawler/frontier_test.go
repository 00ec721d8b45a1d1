package crawler

import (
	"testing"
	"time"

	"github.com/syndex/syndex/crawler/frontier"
	"github.com/syndex/syndex/crawler/frontier/frontiertest"
	"github.com/syndex/syndex/internal/redistest"
	"github.com/syndex/syndex/store"
)

// TestFrontierShared runs the frontier conformance suite on the shared
// frontier (Redis; skipped without a redis-server) as the crawler's run
// drives it; the worker's fetch log is in its store. The local frontier
// runs the suite in its own package.
func TestFrontierShared(t *testing.T) {
	frontiertest.Run(t, func(t *testing.T, lim frontier.Limits) frontiertest.Env {
		url := redistest.URL(t)
		st, err := store.Open(t.TempDir(), store.Options{NoSync: true})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		cfg := Config{Seeds: []string{"http://a.test/"}, WARCDir: "-", StatsFile: "-", Logger: quietLogger(),
			Delay: lim.Delay, MaxWait: lim.MaxWait, MaxPages: lim.MaxPages, MaxPagesPerHost: lim.MaxPagesPerHost}
		c, err := New(cfg, st, nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		fr := openTestShared(t, url, redistest.Namespace(t), "w", 5*time.Second)
		return frontiertest.Env{
			Frontier: &sharedRun{SharedFrontier: fr, c: c},
			Log:      func() ([]frontier.LogRecord, error) { return FetchLog(st.DB()) },
			Next: func(lim frontier.Limits) frontier.Frontier {
				c.s.Delay, c.s.MaxWait, c.s.MaxPages, c.s.MaxPagesPerHost = lim.Delay, lim.MaxWait, lim.MaxPages, lim.MaxPagesPerHost
				return &sharedRun{SharedFrontier: fr, c: c}
			},
		}
	})
}
