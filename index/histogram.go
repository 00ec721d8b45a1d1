package index

import (
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2/search"

	"github.com/syndex/syndex/article"
)

// Attention over time. Each story document carries the day its original
// was published (FieldDay: the publication date, else the day it was
// first fetched) and, per day on which copies appeared, that day with the
// number of copies ("2024-03-05#2", FieldCopyDays). Term facets on the two
// fields count, over every matching story, originals and copies per day in
// the same pass as the other facets; Histogram then groups the days into
// days, weeks or months.

// Histogram field names.
const (
	FieldDay      = "day"   // keyword: the original's day, 2006-01-02 (UTC)
	FieldCopyDays = "cdays" // keyword: "day#n", n copies of the story that day
)

// histogramTerms bounds the distinct terms read per facet: 40 years of
// days.
const histogramTerms = 40 * 366

// Histogram intervals.
const (
	IntervalDay   = "day"
	IntervalWeek  = "week"
	IntervalMonth = "month"
)

// Histogram counts the publications of the matching stories over time:
// originals by their date, copies by their own.
type Histogram struct {
	// Interval is day, week (starting Monday) or month: chosen from the
	// span of the dates (day up to 92 days, week up to two years, else
	// month) unless the query named one.
	Interval string   `json:"interval"`
	Buckets  []Bucket `json:"buckets"`
	// Undated counts originals and copies without any date.
	UndatedOriginals int `json:"undated_originals"`
	UndatedCopies    int `json:"undated_copies"`
}

// Bucket is one interval of a histogram, empty ones included.
type Bucket struct {
	Start     string `json:"start"` // first day, 2006-01-02
	Originals int    `json:"originals"`
	Copies    int    `json:"copies"`
}

// dayOf is the day a story or copy is dated on: its publication, else
// its first fetch; "" when neither is known.
func dayOf(published, fetched time.Time) string {
	t := published
	if t.IsZero() {
		t = fetched
	}
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.DateOnly)
}

// undatedTerm stands for "no date" in the day fields.
const undatedTerm = "none"

// noIndexSuffix marks the day terms that count copies marked noindex, so
// that the histogram follows the noindex filter.
const noIndexSuffix = "#n"

// copyDayTerms returns the copies' day terms: each day with the number of
// copies dated on it ("2024-03-05#2"), the copies marked noindex (noindex[i]
// for days[i]) counted apart ("2024-03-05#1#n").
func copyDayTerms(days []string, noindex []bool) []string {
	n := map[string]int{}
	for i, d := range days {
		if d == "" {
			d = undatedTerm
		}
		if noindex[i] {
			d += noIndexSuffix
		}
		n[d]++
	}
	out := make([]string, 0, len(n))
	for d, k := range n {
		day, marked := strings.CutSuffix(d, noIndexSuffix)
		t := day + "#" + strconv.Itoa(k)
		if marked {
			t += noIndexSuffix
		}
		out = append(out, t)
	}
	sort.Strings(out)
	return out
}

// buildHistogram reads the two day facets into a histogram, counting the
// copies that the noindex mode lists.
func buildHistogram(orig, copies *search.FacetResult, interval string, mode article.NoIndexMode) (*Histogram, error) {
	days := map[string]*Bucket{}
	h := &Histogram{Buckets: []Bucket{}}
	at := func(d string) *Bucket {
		b := days[d]
		if b == nil {
			b = &Bucket{Start: d}
			days[d] = b
		}
		return b
	}
	if orig != nil && orig.Terms != nil {
		for _, t := range orig.Terms.Terms() {
			if t.Term == undatedTerm {
				h.UndatedOriginals += t.Count
				continue
			}
			at(t.Term).Originals += t.Count
		}
	}
	if copies != nil && copies.Terms != nil {
		for _, t := range copies.Terms.Terms() {
			term, marked := strings.CutSuffix(t.Term, noIndexSuffix)
			if !mode.Keeps(marked) {
				continue
			}
			d, k, ok := strings.Cut(term, "#")
			n, err := strconv.Atoi(k)
			if !ok || err != nil {
				continue
			}
			if d == undatedTerm {
				h.UndatedCopies += n * t.Count
				continue
			}
			at(d).Copies += n * t.Count
		}
	}
	if len(days) == 0 {
		if interval == "" {
			interval = IntervalDay
		}
		h.Interval = interval
		return h, nil
	}
	var first, last time.Time
	for d := range days {
		t, err := time.Parse(time.DateOnly, d)
		if err != nil {
			return nil, fmt.Errorf("histogram: bad day %q in the index", d)
		}
		if first.IsZero() || t.Before(first) {
			first = t
		}
		if t.After(last) {
			last = t
		}
	}
	if interval == "" {
		interval = ChooseInterval(first, last)
	}
	h.Interval = interval
	grouped := map[string]*Bucket{}
	for d, b := range days {
		t, _ := time.Parse(time.DateOnly, d)
		s := BucketStart(t, interval).Format(time.DateOnly)
		g := grouped[s]
		if g == nil {
			g = &Bucket{Start: s}
			grouped[s] = g
		}
		g.Originals += b.Originals
		g.Copies += b.Copies
	}
	for t, end := BucketStart(first, interval), BucketStart(last, interval); !t.After(end); t = nextBucket(t, interval) {
		s := t.Format(time.DateOnly)
		if g := grouped[s]; g != nil {
			h.Buckets = append(h.Buckets, *g)
		} else {
			h.Buckets = append(h.Buckets, Bucket{Start: s})
		}
	}
	return h, nil
}

// ChooseInterval picks the histogram interval for dates from first to
// last: days up to 92 days, weeks up to two years, else months.
func ChooseInterval(first, last time.Time) string {
	switch span := last.Sub(first); {
	case span <= 92*24*time.Hour:
		return IntervalDay
	case span <= 2*366*24*time.Hour:
		return IntervalWeek
	}
	return IntervalMonth
}

// BucketStart returns the first day of t's bucket: the day, the Monday of
// its week, or the first of its month (UTC).
func BucketStart(t time.Time, interval string) time.Time {
	t = time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	switch interval {
	case IntervalWeek:
		return t.AddDate(0, 0, -((int(t.Weekday()) + 6) % 7))
	case IntervalMonth:
		return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
	}
	return t
}

// BucketEnd returns the last day of the bucket starting at start.
func BucketEnd(start time.Time, interval string) time.Time {
	return nextBucket(start, interval).AddDate(0, 0, -1)
}

func nextBucket(t time.Time, interval string) time.Time {
	switch interval {
	case IntervalWeek:
		return t.AddDate(0, 0, 7)
	case IntervalMonth:
		return t.AddDate(0, 1, 0)
	}
	return t.AddDate(0, 0, 1)
}

// WriteTable prints the histogram for a terminal: one line per bucket
// with a bar of originals (o) and copies (c).
func (h *Histogram) WriteTable(w io.Writer) error {
	ew := &errWriter{w: w}
	maxN := 1
	for _, b := range h.Buckets {
		maxN = max(maxN, b.Originals+b.Copies)
	}
	ew.printf("\noriginals and copies per %s\n", h.Interval)
	for _, b := range h.Buckets {
		no := (b.Originals*50 + maxN - 1) / maxN
		nc := (b.Copies*50 + maxN - 1) / maxN
		ew.printf("  %s  %5d %5d  %s%s\n", b.Start, b.Originals, b.Copies, strings.Repeat("o", no), strings.Repeat("c", nc))
	}
	if h.UndatedOriginals+h.UndatedCopies > 0 {
		ew.printf("  undated     %5d %5d\n", h.UndatedOriginals, h.UndatedCopies)
	}
	return ew.err
}
