// Package daterange reads the date bounds users give (--from, --to and
// --since on the command line, from= and to= in the web UI) by one rule: a
// day (2024-05-31), a month (2024-05) or an RFC 3339 instant. A lower
// bound starts at the beginning of its day or month; an upper bound covers
// all of it, to its last nanosecond, so that both bounds are inclusive
// (--to 2024-05-31 keeps what was published at 23:59 that day). Days and
// months are in UTC. It owns nothing else: callers name the flag or field
// in their messages.
package daterange

import (
	"fmt"
	"time"
)

// layouts are the calendar forms a bound may take, with the span each
// covers.
var layouts = []struct {
	layout string
	next   func(time.Time) time.Time
}{
	{time.DateOnly, func(t time.Time) time.Time { return t.AddDate(0, 0, 1) }},
	{"2006-01", func(t time.Time) time.Time { return t.AddDate(0, 1, 0) }},
}

// From parses a lower bound: the first instant of a day or month, or an
// RFC 3339 instant. The empty string is the zero time (no bound).
func From(s string) (time.Time, error) { return parse(s, false) }

// To parses an upper bound: the last instant of a day or month, or an RFC
// 3339 instant. The empty string is the zero time (no bound).
func To(s string) (time.Time, error) { return parse(s, true) }

func parse(s string, end bool) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	for _, l := range layouts {
		if t, err := time.Parse(l.layout, s); err == nil {
			if end {
				t = l.next(t).Add(-time.Nanosecond)
			}
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a date like 2024-05-31, a month like 2024-05 or an RFC 3339 time", s)
}

// Bound names the bound a Range error is about: "from" or "to".
type Bound string

// RangeError is what Range refuses: the bound at fault and why.
type RangeError struct {
	Bound    Bound
	Err      error
	Reversed bool // the upper bound is before the lower one
}

func (e *RangeError) Error() string { return string(e.Bound) + ": " + e.Err.Error() }

func (e *RangeError) Unwrap() error { return e.Err }

// Range parses a lower and an upper bound together, by From and To, and
// refuses an upper bound before the lower one (an empty range asked for by
// mistake, which would otherwise answer with nothing and no reason). Its
// errors are *RangeError, so that each caller names the bound in its own
// words (--to on the command line, to= in the web UI).
func Range(fromS, toS string) (from, to time.Time, err error) {
	if from, err = From(fromS); err != nil {
		return from, to, &RangeError{Bound: "from", Err: err}
	}
	if to, err = To(toS); err != nil {
		return from, to, &RangeError{Bound: "to", Err: err}
	}
	if !from.IsZero() && !to.IsZero() && to.Before(from) {
		return from, to, &RangeError{Bound: "to", Reversed: true, Err: fmt.Errorf("%s is before from %s", toS, fromS)}
	}
	return from, to, nil
}
