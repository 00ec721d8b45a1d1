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
	atoi := func(s string) int { n, _ := strconv.Atoi(s); return n }
	// A clock printed in UTC is not the publisher's wall clock; the
	// date alone is read.
	utcClock := utcClockRE.MatchString(s)
	mk := func(y, mo, d int, clock ...string) []time.Time {
		if y < 100 {
			y += 2000
		}
		h, mi := 0, 0
		if len(clock) >= 2 && clock[0] != "" && !utcClock {
			h, mi = atoi(clock[0]), atoi(clock[1])
			if len(clock) == 3 && clock[2] != "" {
				if h < 1 || h > 12 {
					return nil
				}
				h %= 12
				if strings.EqualFold(clock[2], "p") {
					h += 12
				}
			}
		}
		t := time.Date(y, time.Month(mo), d, h, mi, 0, 0, time.UTC)
		if t.Month() != time.Month(mo) || t.Day() != d || h > 23 || mi > 59 || y < 1990 || y > 2100 {
			return nil
		}
		return []time.Time{t}
	}
	if sm := numericDateRE.FindStringSubmatch(s); sm != nil {
		return mk(atoi(sm[3]), atoi(sm[2]), atoi(sm[1]), sm[4], sm[5])
	}
	if sm := isoDateRE.FindStringSubmatch(s); sm != nil {
		return mk(atoi(sm[1]), atoi(sm[2]), atoi(sm[3]), sm[4], sm[5])
	}
	if sm := dayMonthRE.FindStringSubmatch(s); sm != nil {
		if mo, ok := monthNames[strings.ToLower(sm[2])]; ok {
			return mk(atoi(sm[3]), int(mo), atoi(sm[1]), sm[4], sm[5], sm[6])
		}
	}
	if sm := monthDayRE.FindStringSubmatch(s); sm != nil {
		if mo, ok := monthNames[strings.ToLower(sm[1])]; ok {
			return mk(atoi(sm[3]), int(mo), atoi(sm[2]), sm[4], sm[5], sm[6])
		}
	}
	// 17/02/2022 or 02/17/2022: one reading when one of the two numbers
	// cannot be a month, two when both can.
	if sm := slashDateRE.FindStringSubmatch(s); sm != nil {
		a, b, y := atoi(sm[1]), atoi(sm[2]), atoi(sm[3])
		clock := sm[4:7]
		switch {
		case a > 12 && b <= 12:
			return mk(y, b, a, clock...)
		case b > 12 && a <= 12:
			return mk(y, a, b, clock...)
		case a == b:
			return mk(y, a, b, clock...)
		}
		return append(mk(y, b, a, clock...), mk(y, a, b, clock...)...)
	}
	return nil
}
