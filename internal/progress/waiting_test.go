package progress

import (
	"testing"
	"time"

	"github.com/syndex/syndex/crawler"
)

func TestWaitingNote(t *testing.T) {
	now := time.Date(2025, 5, 1, 12, 0, 0, 0, time.Local)
	tests := []struct {
		in   []crawler.HostWait
		want string
	}{
		{nil, ""},
		{[]crawler.HostWait{{Host: "a.example", Reason: "robots.txt HTTP 503, Retry-After 2s", Until: now.Add(2 * time.Second)}},
			"  waiting: a.example robots.txt HTTP 503, Retry-After 2s until 12:00:02 (2s)"},
		{[]crawler.HostWait{{Host: "a.example", Reason: "HTTP 429, back-off 5s", Until: now.Add(5 * time.Second)}, {Host: "b.example"}, {Host: "c.example"}},
			"  waiting: a.example HTTP 429, back-off 5s until 12:00:05 (5s) +2 more"},
	}
	for _, tc := range tests {
		if got := waitingNote(tc.in, now); got != tc.want {
			t.Errorf("waitingNote = %q, want %q", got, tc.want)
		}
	}
}
