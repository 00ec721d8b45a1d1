package dates

import (
	"strings"
	"time"
)

// dateLayouts are tried in order; layouts without a zone give UTC.
var dateLayouts = []string{
	time.RFC3339Nano, time.RFC3339, "2006-01-02T15:04:05Z0700", "2006-01-02T15:04:05-0700",
	"2006-01-02T15:04:05.000Z0700", "2006-01-02T15:04:05", "2006-01-02T15:04Z07:00", "2006-01-02T15:04Z0700", "2006-01-02T15:04",
	"2006-01-02 15:04:05Z07:00", "2006-01-02 15:04:05 -0700", "2006-01-02 15:04:05 -0700 MST", "2006-01-02 15:04:05", "2006-01-02 15:04",
	"2006-01-02", "2006/01/02", "20060102", "20060102T150405Z0700",
	time.RFC1123Z, time.RFC1123, time.RFC850, time.ANSIC, "Mon, 2 Jan 2006 15:04:05 -0700", "Mon, 2 Jan 2006 15:04:05 MST",
	"January 2, 2006", "Jan 2, 2006", "2 January 2006", "02.01.2006", "2.1.2006", "02.01.2006 15:04",
}

// Parse reads a machine date in any of the common layouts, keeping
// the zone when the string has one. Implausible years are refused.
func Parse(s string) (time.Time, bool) {
	t, _, ok := ParseZone(s)
	return t, ok
}

// ParseZone is parseDate that also reports whether the string named
// its zone (a zone-less wall clock is returned as if it were UTC).
func ParseZone(s string) (t time.Time, zoned, ok bool) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 64 {
		return time.Time{}, false, false
	}
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, s); err == nil {
			if t.Year() < 1990 || t.Year() > 2100 {
				return time.Time{}, false, false
			}
			return t, strings.Contains(l, "07") || strings.Contains(l, "MST"), true
		}
	}
	return time.Time{}, false, false
}
