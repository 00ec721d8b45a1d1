package index

import (
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/syndex/syndex/article"
)

// Attention over time. Each story document carries the day its original
// was published (FieldDay: the publication date, else the day it was
// first fetched) and, per day on which copies appeared, that day with the
// number of copies ("2024-03-05#2", FieldCopyDays). Term facets on the two
// fields count, over every matching story, originals and copies per day in
// the same pass as the other facets; Histogram then groups the days into
// days, weeks or months.

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

// buildHistogram reads the counts of the two day fields (a term may come
// more than once, from several segments) into a histogram, counting the
// copies that the noindex mode lists.
func buildHistogram(orig, copies []termCount, interval string, mode article.NoIndexMode) (*Histogram, error) {
	h := &Histogram{Buckets: []Bucket{}}
	type dated struct {
		day       int // days since 1970-01-01
		originals int
		copies    int
	}
	var ds []dated
	for _, t := range orig {
		if t.term == undatedTerm {
			h.UndatedOriginals += t.n
			continue
		}
		d, ok := parseDay(t.term)
		if !ok {
			return nil, fmt.Errorf("histogram: bad day %q in the index", t.term)
		}
		ds = append(ds, dated{day: d, originals: t.n})
	}
	for _, t := range copies {
		term, marked := strings.CutSuffix(t.term, noIndexSuffix)
		if !mode.Keeps(marked) {
			continue
		}
		day, k, ok := strings.Cut(term, "#")
		n, err := strconv.Atoi(k)
		if !ok || err != nil {
			continue
		}
		if day == undatedTerm {
			h.UndatedCopies += n * t.n
			continue
		}
		d, ok := parseDay(day)
		if !ok {
			return nil, fmt.Errorf("histogram: bad day %q in the index", day)
		}
		ds = append(ds, dated{day: d, copies: n * t.n})
	}
	if len(ds) == 0 {
		if interval == "" {
			interval = IntervalDay
		}
		h.Interval = interval
		return h, nil
	}
	first, last := ds[0].day, ds[0].day
	for _, d := range ds {
		first, last = min(first, d.day), max(last, d.day)
	}
	if interval == "" {
		interval = ChooseInterval(dayTime(first), dayTime(last))
	}
	h.Interval = interval
	start := BucketStart(dayTime(first), interval)
	h.Buckets = make([]Bucket, bucketIndex(BucketStart(dayTime(last), interval), start, interval)+1)
	for i, t := 0, start; i < len(h.Buckets); i, t = i+1, nextBucket(t, interval) {
		h.Buckets[i].Start = t.Format(time.DateOnly)
	}
	for _, d := range ds {
		b := &h.Buckets[bucketIndex(dayTime(d.day), start, interval)]
		b.Originals += d.originals
		b.Copies += d.copies
	}
	return h, nil
}

// bucketIndex is the number of the bucket holding t, counted from the
// bucket starting at start.
func bucketIndex(t, start time.Time, interval string) int {
	switch interval {
	case IntervalWeek:
		return int(BucketStart(t, interval).Sub(start).Hours()+1) / (7 * 24)
	case IntervalMonth:
		return (t.Year()*12 + int(t.Month())) - (start.Year()*12 + int(start.Month()))
	}
	return int(t.Sub(start).Hours()+1) / 24
}

// parseDay reads a day term (2006-01-02) as days since 1970-01-01,
// without the cost of time.Parse (a histogram reads thousands).
func parseDay(s string) (int, bool) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return 0, false
	}
	num := func(s string) (int, bool) {
		n := 0
		for _, c := range []byte(s) {
			if c < '0' || c > '9' {
				return 0, false
			}
			n = n*10 + int(c-'0')
		}
		return n, true
	}
	y, ok1 := num(s[:4])
	m, ok2 := num(s[5:7])
	d, ok3 := num(s[8:])
	if !ok1 || !ok2 || !ok3 || m < 1 || m > 12 || d < 1 || d > daysIn(y, m) {
		return 0, false
	}
	// Days from the civil date (proleptic Gregorian), after H. Hinnant's
	// algorithm: years start in March so the leap day comes last.
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era--
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468, true
}

func daysIn(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// dayTime is midnight UTC of a day counted from 1970-01-01.
func dayTime(day int) time.Time { return time.Unix(int64(day)*86400, 0).UTC() }

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
