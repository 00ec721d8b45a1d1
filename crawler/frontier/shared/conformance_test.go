package shared

import (
	"sync"
	"testing"
	"time"

	"github.com/syndex/syndex/crawler/frontier"
	"github.com/syndex/syndex/crawler/frontier/frontiertest"
	"github.com/syndex/syndex/internal/redistest"
)

// TestConformance runs the frontier conformance suite on a worker's run
// of the shared frontier (Redis; skipped without a redis-server), its
// fetch log kept in memory; the next run is a new run of the same worker
// on the same namespace.
func TestConformance(t *testing.T) {
	frontiertest.Run(t, func(t *testing.T, lim frontier.Limits) frontiertest.Env {
		fr := openTestShared(t, redistest.URL(t), redistest.Namespace(t), "w", 5*time.Second)
		var mu sync.Mutex
		var log []frontier.LogRecord
		open := func(lim frontier.Limits) frontier.Frontier {
			return NewRun(fr, RunOptions{Limits: lim, Policy: frontiertest.Policy(lim), UserAgent: "syndex",
				Log: func(r *frontier.LogRecord) error {
					mu.Lock()
					defer mu.Unlock()
					log = append(log, *r)
					return nil
				}})
		}
		return frontiertest.Env{Frontier: open(lim), Next: open, Log: func() ([]frontier.LogRecord, error) {
			mu.Lock()
			defer mu.Unlock()
			return append([]frontier.LogRecord(nil), log...), nil
		}}
	})
}

// TestLimitsLua: the claim script's budget rule (luaLimits' admits) is
// frontier.Limits.Admits, case by case.
func TestLimitsLua(t *testing.T) {
	fr := openTestShared(t, redistest.URL(t), redistest.Namespace(t), "w", time.Second)
	ctx := t.Context()
	n := 0
	for _, maxPages := range []int{-1, 0, 1, 3} {
		for _, maxHost := range []int{-1, 0, 1, 2} {
			for pages := 0; pages <= 4; pages++ {
				for onHost := 0; onHost <= min(pages, 3); onHost++ {
					lim := frontier.Limits{MaxPages: maxPages, MaxPagesPerHost: maxHost}
					got, err := fr.rdb.Eval(ctx, luaLimits+"return admits(tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])) and 1 or 0",
						nil, maxPages, maxHost, pages, onHost).Int()
					if err != nil {
						t.Fatal(err)
					}
					if want := lim.Admits(pages, onHost); (got == 1) != want {
						t.Errorf("MaxPages %d, MaxPagesPerHost %d, %d pages claimed, %d on the host: Lua admits %v, Go %v", maxPages, maxHost, pages, onHost, got == 1, want)
					}
					n++
				}
			}
		}
	}
	t.Logf("%d cases", n)
}
