package index

import (
	"time"

	"github.com/syndex/syndex/index/histogram"
)

// The histogram of a search's stories over time is package histogram:
// these are its names in a Result and a Query.

// Histogram counts the publications of the matching stories over time
// (histogram.Histogram).
type Histogram = histogram.Histogram

// Bucket is one interval of a histogram (histogram.Bucket).
type Bucket = histogram.Bucket

// Histogram intervals (Query.Interval).
const (
	IntervalDay   = histogram.Day
	IntervalWeek  = histogram.Week
	IntervalMonth = histogram.Month
)

// The day terms a story document carries (index.go writes them).

const undatedTerm = histogram.UndatedTerm

func dayOf(published, fetched time.Time) string { return histogram.DayOf(published, fetched) }

func copyDayTerms(days []string, noindex []bool) []string {
	return histogram.CopyDayTerms(days, noindex)
}
