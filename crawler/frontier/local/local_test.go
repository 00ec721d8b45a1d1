package local_test

import (
	"path/filepath"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/syndex/syndex/crawler/frontier"
	"github.com/syndex/syndex/crawler/frontier/frontiertest"
	"github.com/syndex/syndex/crawler/frontier/local"
)

// TestConformance runs the frontier conformance suite on the local
// frontier, in a bbolt store of its own; the next run is a new frontier
// on the same store, as a restarted process opens it.
func TestConformance(t *testing.T) {
	frontiertest.Run(t, func(t *testing.T, lim frontier.Limits) frontiertest.Env {
		db, err := bolt.Open(filepath.Join(t.TempDir(), "store.db"), 0o600, &bolt.Options{NoSync: true})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		open := func(lim frontier.Limits) frontier.Frontier {
			f, err := local.New(db, local.Options{Limits: lim, Job: "test", Policy: frontiertest.Policy(lim), UserAgent: "syndex",
				RobotsTTL: 24 * time.Hour, Timeout: time.Minute, MaxCrawlDelay: time.Minute})
			if err != nil {
				t.Fatal(err)
			}
			return f
		}
		return frontiertest.Env{Frontier: open(lim), Log: func() ([]frontier.LogRecord, error) { return local.FetchLog(db) }, Next: open}
	})
}
