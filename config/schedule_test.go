package config

import (
	"path/filepath"
	"testing"
	"time"
)

// TestForSchedule: each source becomes a runner source with its own job
// and stats file, re-checking known pages from one poll interval on (a
// cron schedule's gap, or DefaultPoll without a schedule).
func TestForSchedule(t *testing.T) {
	c, err := Parse("t.yaml", []byte(`sources:
  - name: ledger news
    seeds: [https://ledger.example/]
    schedule: 15m
  - name: wire/feeds
    feeds: [https://wire.example/rss]
    schedule: "0 */2 * * *"
  - name: quiet
    seeds: [https://quiet.example/]
`))
	if err != nil {
		t.Fatal(err)
	}
	srcs := c.ForSchedule("/data")
	if len(srcs) != 3 {
		t.Fatalf("%d sources, want 3", len(srcs))
	}
	for i, want := range []struct {
		name, job, stats string
		revisit          time.Duration
		poll             bool
	}{
		{"ledger news", "source:ledger news", "stats-ledger_news.json", 15 * time.Minute, true},
		{"wire/feeds", "source:wire/feeds", "stats-wire_feeds.json", 2 * time.Hour, true},
		{"quiet", "source:quiet", "stats-quiet.json", DefaultPoll, false},
	} {
		s := srcs[i]
		if s.Name != want.name || s.Crawl.Job != want.job || s.Crawl.StatsFile != filepath.Join("/data", want.stats) ||
			s.Crawl.RevisitMin != want.revisit || (s.Poll != nil) != want.poll {
			t.Errorf("source %d: name %q job %q stats %q revisit %v poll %v; want %+v", i, s.Name, s.Crawl.Job, s.Crawl.StatsFile,
				s.Crawl.RevisitMin, s.Poll != nil, want)
		}
	}
}
