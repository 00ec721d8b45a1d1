package progress

import (
	"fmt"
	"time"

	"github.com/syndex/syndex/crawler"
)

// waitingNote is the status line's account of the hosts that wait beyond
// their politeness gap: the soonest one, what it waits for and until when
// (with the seconds left), and how many more wait; "" when none does.
func waitingNote(waiting []crawler.HostWait, now time.Time) string {
	if len(waiting) == 0 {
		return ""
	}
	w := waiting[0]
	s := fmt.Sprintf("  waiting: %s %s until %s (%s)", w.Host, w.Reason, w.Until.Local().Format(time.TimeOnly),
		max(w.Until.Sub(now), 0).Round(time.Second))
	if n := len(waiting) - 1; n > 0 {
		s += fmt.Sprintf(" +%d more", n)
	}
	return s
}
