package dates

import (
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/syndex/syndex/extract/internal/scan"
)

// This file reads dates as pages print them ("31. Januar 2022",
// "January 31, 2022 at 9:25 pm", 31/01/2022), in the languages of the
// corpora.

// visibleDateRE matches the common printed date forms: 31.01.2022 (with
// an optional ", 12:01"), 2022-01-31, "31. Januar 2022", "31 January
// 2022", "31 de enero de 2022", "January 31, 2022" and 31/01/2022 when
// the order of day and month is plain.
var (
	numericDateRE = regexp.MustCompile(`(?:^|[^\d.])(\d{1,2})\.\s?(\d{1,2})\.\s?((?:19|20)\d\d|\d\d)(?:[^\d]{1,8}(\d{1,2}):(\d\d))?`)
	isoDateRE     = regexp.MustCompile(`(?:^|[^\d])((?:19|20)\d\d)-(\d\d)-(\d\d)(?:[T\s](\d\d):(\d\d))?`)
	dayMonthRE    = regexp.MustCompile(`(?i)(?:^|[^\d])(\d{1,2})\.?\s+(?:de\s+)?(\p{L}+)\.?,?\s+(?:de\s+)?((?:19|20)\d\d)` + clockTail)
	monthDayRE    = regexp.MustCompile(`(?i)(\p{L}+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+((?:19|20)\d\d)` + clockTail)
	slashDateRE   = regexp.MustCompile(`(?i)(?:^|[^\d/])(\d{1,2})/(\d{1,2})/((?:19|20)\d\d)(?:[^\d/:]{1,8}(\d{1,2}):(\d\d)(?:\s*([ap])\.?m\b)?|[^\d/]|$)`)
)

// utcClockRE matches a time of day printed in UTC ("13:10 GMT").
var utcClockRE = regexp.MustCompile(`(?i)\d:\d\d(?::\d\d)?\s*(?:gmt|utc|z)\b`)

// clockTail matches an optional time of day printed after a date
// ("… 2022, 21:25", "… 2022 at 9:25 pm"), captured as hour, minute and
// the a/p of a 12-hour clock.
const clockTail = `(?:[^\d]{1,8}?(\d{1,2}):(\d\d)(?:\s*([ap])\.?m\b)?)?`

// monthNames maps lower-cased English and German month names and their
// three-letter forms, and Spanish, French and Italian month names, to
// months.
var monthNames = func() map[string]time.Month {
	m := map[string]time.Month{}
	for i, names := range [][]string{
		{"january", "januar", "jänner"}, {"february", "februar"}, {"march", "märz", "maerz"}, {"april"},
		{"may", "mai"}, {"june", "juni"}, {"july", "juli"}, {"august"}, {"september", "sept"},
		{"october", "oktober"}, {"november"}, {"december", "dezember"},
	} {
		for _, n := range names {
			m[n] = time.Month(i + 1)
			if len(n) > 3 {
				m[n[:3]] = time.Month(i + 1)
			}
		}
	}
	// Spanish, French and Italian names, in full only (their short
	// forms collide: juin and juillet).
	for i, names := range [][]string{
		{"enero", "janvier", "gennaio"}, {"febrero", "février", "fevrier", "febbraio"}, {"marzo", "mars"},
		{"abril", "avril", "aprile"}, {"mayo", "mai", "maggio"}, {"junio", "juin", "giugno"},
		{"julio", "juillet", "luglio"}, {"agosto", "août", "aout"}, {"septiembre", "setiembre", "septembre", "settembre"},
		{"octubre", "octobre", "ottobre"}, {"noviembre", "novembre"}, {"diciembre", "décembre", "decembre", "dicembre"},
	} {
		for _, n := range names {
			m[n] = time.Month(i + 1)
		}
	}
	m["mär"] = time.March
	m["okt"] = time.October
	m["dez"] = time.December
	return m
}()

// Visible reads a printed date such as a <time> element's text or a
// dateline; the result is a zone-less wall clock (returned as UTC). A
// date whose order of day and month is not plain (03/04/2022) is not read.
func Visible(s string) (time.Time, bool) {
	r := visibleDates(s)
	if len(r) != 1 {
		return time.Time{}, false
	}
	return r[0], true
}

// visibleDates reads a printed date and returns its possible readings as
// zone-less wall clocks (returned as UTC), with the time of day when one
// is printed after the date: one reading, or two for a slashed date whose
// numbers could both be the month (03/04/2022: day first, then month
// first), or none.
func visibleDates(s string) []time.Time {
	s = scan.CollapseSpace(s)
	if len(s) > 120 {
		return nil
	}
	// A clock printed in UTC is not the publisher's wall clock; the
	// date alone is read.
	utc := utcClockRE.MatchString(s)
	if sm := numericDateRE.FindStringSubmatch(s); sm != nil {
		return wallClock(atoi(sm[3]), atoi(sm[2]), atoi(sm[1]), utc, sm[4], sm[5])
	}
	if sm := isoDateRE.FindStringSubmatch(s); sm != nil {
		return wallClock(atoi(sm[1]), atoi(sm[2]), atoi(sm[3]), utc, sm[4], sm[5])
	}
	if r, ok := namedMonthDate(s, utc); ok {
		return r
	}
	if sm := slashDateRE.FindStringSubmatch(s); sm != nil {
		return slashReadings(sm, utc)
	}
	return nil
}

// namedMonthDate reads a date whose month is a name, day first ("31.
// Januar 2022", "31 de enero de 2022") or month first ("January 31,
// 2022"); ok is false when neither form matches with a known month.
func namedMonthDate(s string, utc bool) ([]time.Time, bool) {
	if sm := dayMonthRE.FindStringSubmatch(s); sm != nil {
		if mo, ok := monthNames[strings.ToLower(sm[2])]; ok {
			return wallClock(atoi(sm[3]), int(mo), atoi(sm[1]), utc, sm[4], sm[5], sm[6]), true
		}
	}
	if sm := monthDayRE.FindStringSubmatch(s); sm != nil {
		if mo, ok := monthNames[strings.ToLower(sm[1])]; ok {
			return wallClock(atoi(sm[3]), int(mo), atoi(sm[2]), utc, sm[4], sm[5], sm[6]), true
		}
	}
	return nil, false
}

// slashReadings reads 17/02/2022 or 02/17/2022 (sm is slashDateRE's
// match): one reading when one of the two numbers cannot be a month, two
// (day first, then month first) when both can.
func slashReadings(sm []string, utc bool) []time.Time {
	a, b, y := atoi(sm[1]), atoi(sm[2]), atoi(sm[3])
	clock := sm[4:7]
	switch {
	case a > 12 && b <= 12:
		return wallClock(y, b, a, utc, clock...)
	case b > 12 && a <= 12:
		return wallClock(y, a, b, utc, clock...)
	case a == b:
		return wallClock(y, a, b, utc, clock...)
	}
	return append(wallClock(y, b, a, utc, clock...), wallClock(y, a, b, utc, clock...)...)
}

// wallClock returns the date y-mo-d at the time of day clock holds (see
// timeOfDay) as a one-element slice, or nil when the date or time does
// not exist or the year is implausible. A two-digit year is this
// century's.
func wallClock(y, mo, d int, utc bool, clock ...string) []time.Time {
	if y < 100 {
		y += 2000
	}
	h, mi, ok := timeOfDay(clock, utc)
	if !ok {
		return nil
	}
	t := time.Date(y, time.Month(mo), d, h, mi, 0, 0, time.UTC)
	if t.Month() != time.Month(mo) || t.Day() != d || h > 23 || mi > 59 || y < 1990 || y > 2100 {
		return nil
	}
	return []time.Time{t}
}

// timeOfDay reads the hour and minute of clock (hour, minute and, on a
// 12-hour clock, "a" or "p"): midnight when no clock is printed or it is
// printed in UTC (utc), not the publisher's; ok is false for an hour a
// 12-hour clock does not have.
func timeOfDay(clock []string, utc bool) (h, mi int, ok bool) {
	if len(clock) < 2 || clock[0] == "" || utc {
		return 0, 0, true
	}
	h, mi = atoi(clock[0]), atoi(clock[1])
	if len(clock) == 3 && clock[2] != "" {
		if h < 1 || h > 12 {
			return 0, 0, false
		}
		h %= 12
		if strings.EqualFold(clock[2], "p") {
			h += 12
		}
	}
	return h, mi, true
}

// atoi is strconv.Atoi for the digits a date expression matched.
func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}
