package polite

import (
	"testing"
	"time"

	"github.com/syndex/syndex/crawler/robots"
)

// TestPolitenessGap: the gap is max(Delay, Crawl-delay), longer for a slow
// host up to MaxDelay, but that bound never brings it under a larger
// Crawl-delay or Delay.
func TestPolitenessGap(t *testing.T) {
	tests := []struct {
		name                   string
		delay, crawlDelay, rtt time.Duration
		want                   time.Duration
	}{
		{"delay only", time.Second, 0, 10 * time.Millisecond, time.Second},
		{"crawl-delay wins", time.Second, 3 * time.Second, 0, 3 * time.Second},
		{"slow host scales", time.Second, 0, 2 * time.Second, 4 * time.Second},
		{"slow host bounded", time.Second, 0, time.Minute, 10 * time.Second},
		{"crawl-delay over MaxDelay, slow host", time.Second, 30 * time.Second, 20 * time.Second, 30 * time.Second},
		{"delay over MaxDelay, slow host", 20 * time.Second, 0, 20 * time.Second, 20 * time.Second},
		{"slow host under the bound", time.Second, 2 * time.Second, 3 * time.Second, 6 * time.Second},
		{"slow host over the bound", time.Second, 2 * time.Second, time.Minute, 10 * time.Second},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := Policy{Delay: tc.delay, SlowFactor: 2, MaxDelay: 10 * time.Second}
			if got := p.HostGap(&robots.Rules{CrawlDelay: tc.crawlDelay}, tc.rtt); got != tc.want {
				t.Errorf("gap = %v, want %v", got, tc.want)
			}
		})
	}
}

// TestPolitenessBackoff: Retry-After when given, else BackoffBase doubled
// per failure up to MaxBackoff; parked (at least ParkFor) at ParkAfter.
func TestPolitenessBackoff(t *testing.T) {
	p := Policy{BackoffBase: time.Second, MaxBackoff: 10 * time.Second, ParkAfter: 5, ParkFor: time.Minute}
	tests := []struct {
		fails      int
		retryAfter time.Duration
		want       time.Duration
		parked     bool
	}{
		{1, 0, time.Second, false},
		{3, 0, 4 * time.Second, false},
		{4, 0, 8 * time.Second, false},
		{2, 30 * time.Second, 30 * time.Second, false},
		{5, 0, time.Minute, true},
		{6, 2 * time.Minute, 2 * time.Minute, true},
		{70, 0, time.Minute, true}, // no overflow
	}
	for _, tc := range tests {
		got, parked := p.Backoff(tc.fails, tc.retryAfter)
		if got != tc.want || parked != tc.parked {
			t.Errorf("backoff(%d, %v) = %v, %v; want %v, %v", tc.fails, tc.retryAfter, got, parked, tc.want, tc.parked)
		}
	}
}

// TestPolitenessRobots: an unavailable robots.txt waits its Retry-After or
// a doubling back-off up to RobotsRetry; every RobotsRetries failures the
// host sits out the run and at RobotsRetries × MaxRetries it is given up.
func TestPolitenessRobots(t *testing.T) {
	p := Policy{BackoffBase: time.Second, RobotsRetry: 5 * time.Second, RobotsRetries: 3, MaxRetries: 3}
	waits := []struct {
		fails      int
		retryAfter time.Duration
		want       time.Duration
	}{{1, 0, time.Second}, {2, 0, 2 * time.Second}, {4, 0, 5 * time.Second}, {1, time.Hour, time.Hour}}
	for _, tc := range waits {
		if got := p.RobotsWait(tc.retryAfter, tc.fails); got != tc.want {
			t.Errorf("robotsWait(%v, %d) = %v, want %v", tc.retryAfter, tc.fails, got, tc.want)
		}
	}
	for fails, want := range map[int][2]bool{1: {false, false}, 2: {false, false}, 3: {true, false}, 4: {false, false}, 6: {true, false}, 9: {true, true}, 10: {true, true}} {
		if sitOut, giveUp := p.RobotsFailed(fails); sitOut != want[0] || giveUp != want[1] {
			t.Errorf("robotsFailed(%d) = %v, %v; want %v, %v", fails, sitOut, giveUp, want[0], want[1])
		}
	}
}

// TestPolitenessAcrossRuns: the gap after a killed run's last request
// counts from this run's start unless that request must have ended
// earlier; failures older than ParkFor are forgotten; robots.txt is asked
// again after its TTL, its recorded wait or RobotsRetry.
func TestPolitenessAcrossRuns(t *testing.T) {
	p := Policy{MaxDelay: 10 * time.Second, MaxCrawlDelay: 30 * time.Second, Timeout: 60 * time.Second,
		ParkFor: time.Hour, RobotsTTL: 24 * time.Hour, RobotsRetry: 5 * time.Minute}
	t0 := time.Date(2026, 1, 2, 10, 0, 0, 0, time.UTC)
	gaps := []struct {
		name          string
		last, started time.Time
		want          time.Time
	}{
		{"just killed: from this run's start", t0, t0.Add(20 * time.Second), t0.Add(20 * time.Second)},
		{"long ago: a gap and a timeout after last", t0, t0.Add(time.Hour), t0.Add(90 * time.Second)},
		{"clock went back: never before last", t0, t0.Add(-time.Minute), t0},
	}
	for _, tc := range gaps {
		if got := p.GapStart(tc.last, tc.started); !got.Equal(tc.want) {
			t.Errorf("%s: GapStart = %v, want %v", tc.name, got, tc.want)
		}
	}
	if !p.KeepsFailures(t0, t0.Add(59*time.Minute)) || p.KeepsFailures(t0, t0.Add(time.Hour)) {
		t.Error("KeepsFailures: want failures kept for ParkFor, then forgotten")
	}
	for _, tc := range []struct {
		unavailable bool
		wait        time.Duration
		want        time.Duration
	}{{false, 0, 24 * time.Hour}, {true, 0, 5 * time.Minute}, {true, 30 * time.Second, 30 * time.Second}} {
		if got := p.RobotsDue(t0, tc.unavailable, tc.wait); !got.Equal(t0.Add(tc.want)) {
			t.Errorf("RobotsDue(unavailable %v, wait %v) = %v, want +%v", tc.unavailable, tc.wait, got.Sub(t0), tc.want)
		}
	}
}
