package config

import (
	"path/filepath"
	"strings"
	"time"

	"github.com/syndex/syndex/schedule"
)

// DefaultPoll is how often a source without a schedule is polled.
const DefaultPoll = time.Hour

// ForSchedule turns the configured sources into what `syndex run`'s
// runner crawls in the archive directory dir:
// each its own frontier (job "source:NAME"), feeds and sitemaps as listed,
// discovery as configured, a stats file, and known pages re-checked from
// one poll interval on.
func (c *Config) ForSchedule(dir string) []schedule.Source {
	var out []schedule.Source
	for i := range c.Sources {
		src := &c.Sources[i]
		cc := c.ForCrawler(src)
		cc.Job = "source:" + src.Name
		cc.StatsFile = filepath.Join(dir, "stats-"+fileSafe(src.Name)+".json")
		cc.RevisitMin = pollInterval(src)
		out = append(out, schedule.Source{Name: src.Name, Crawl: cc, Poll: timer(src.Schedule), Recrawl: timer(src.Recrawl)})
	}
	return out
}

// timer returns s as a schedule.Timer, nil when unset.
func timer(s Schedule) schedule.Timer {
	if s.IsZero() {
		return nil
	}
	return s
}

// pollInterval is the typical gap between two polls of src: the first
// re-check of a known page comes after one.
func pollInterval(src *Source) time.Duration {
	for _, s := range []Schedule{src.Schedule, src.Recrawl} {
		if s.IsZero() {
			continue
		}
		if d := s.Interval(); d > 0 {
			return d
		}
		n1 := s.Next(time.Now())
		if d := s.Next(n1).Sub(n1); d > 0 {
			return d
		}
	}
	return DefaultPoll
}

// fileSafe maps a source name to a file name part.
func fileSafe(name string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.' {
			return r
		}
		return '_'
	}, name)
}
