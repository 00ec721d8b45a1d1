// Package histogram counts a search's stories over time: the day terms
// the index holds for each story (its original's day, and its copies'
// days with how many copies each), how to read them back (DayTerm),
// their counts over a search's hits (Counts) and the buckets of a day,
// week or month they are shown in (Histogram). The index writes the terms
// and counts them by hit; this package knows nothing of Bleve.
package histogram

import (
	"fmt"
	"io"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/syndex/syndex/article"
)

// Attention over time. Each story document carries the day its original
// was published (the index's day field: the publication date, else the
// day it was first fetched) and, per day on which copies appeared, that
// day with the number of copies ("2024-03-05#2", the copy-days field).
// The index counts the two fields' terms over every matching story in the
// same pass as its facets; Counts.Histogram then groups the days into
// days, weeks or months.

// Histogram intervals.
const (
	Day   = "day"
	Week  = "week"
	Month = "month"
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

// DayOf is the day a story or copy is dated on: its publication, else
// its first fetch; "" when neither is known.
func DayOf(published, fetched time.Time) string {
	t := published
	if t.IsZero() {
		t = fetched
	}
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.DateOnly)
}

// UndatedTerm stands for "no date" in the day fields.
const UndatedTerm = "none"

// noIndexSuffix marks the day terms that count copies marked noindex, so
// that the histogram follows the noindex filter.
const noIndexSuffix = "#n"

// CopyDayTerms returns the copies' day terms: each day with the number of
// copies dated on it ("2024-03-05#2"), the copies marked noindex (noindex[i]
// for days[i]) counted apart ("2024-03-05#1#n").
func CopyDayTerms(days []string, noindex []bool) []string {
	n := map[string]int{}
	for i, d := range days {
		if d == "" {
			d = UndatedTerm
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

// Counts are the originals and copies of the matching stories by day.
type Counts struct {
	days                            []dated
	undatedOriginals, undatedCopies int
}

// dated counts originals and copies on one day (days since 1970-01-01);
// a histogram of a broad query at 1M stories holds ~100,000 of them.
type dated struct {
	day               int32
	originals, copies int32
}

// Grow makes room for n more days' counts (a caller that knows how many
// terms it will add saves the slice's regrowth).
func (hc *Counts) Grow(n int) { hc.days = slices.Grow(hc.days, n) }

// Day values of a day term that is not a date (DayTerm).
const (
	undatedDay = math.MinInt32 // UndatedTerm
	// BadDay is a term that is not a day the index should hold.
	BadDay = math.MaxInt32
)

// DayTerm reads a term of the day field ("2024-03-05" or "none") or, with
// copies, of the copy-days field ("2024-03-05#2", "…#2#n" for noindex copies):
// its day (or undatedDay, BadDay), the number of copies it stands for (0
// for a copy term that cannot be read: not counted) and whether they are
// marked noindex.
func DayTerm(term string, copies bool) (day int32, k int, marked bool) {
	k = 1
	if copies {
		term, marked = strings.CutSuffix(term, noIndexSuffix)
		d, n, ok := strings.Cut(term, "#")
		var err error
		if k, err = strconv.Atoi(n); !ok || err != nil {
			return 0, 0, marked
		}
		term = d
	}
	if term == UndatedTerm {
		return undatedDay, k, marked
	}
	d, ok := parseDay(term)
	if !ok {
		return BadDay, k, marked
	}
	return int32(d), k, marked
}

// Add counts n stories with a day term read by DayTerm.
func (hc *Counts) Add(day int32, k int, marked, copies bool, n int, mode article.NoIndexMode) {
	switch {
	case k == 0 || (copies && !mode.Keeps(marked)):
	case day == undatedDay && copies:
		hc.undatedCopies += k * n
	case day == undatedDay:
		hc.undatedOriginals += n
	case copies:
		hc.at(day).copies += int32(k * n)
	default:
		hc.at(day).originals += int32(n)
	}
}

// at returns the counts of day: the last ones when they are that day's
// (a segment's day terms come in order, a day's copy terms one after
// another), else new ones.
func (hc *Counts) at(day int32) *dated {
	if n := len(hc.days); n > 0 && hc.days[n-1].day == day {
		return &hc.days[n-1]
	}
	hc.days = append(hc.days, dated{day: day})
	return &hc.days[len(hc.days)-1]
}

// AddTerm counts n stories with a day term.
func (hc *Counts) AddTerm(term string, copies bool, n int, mode article.NoIndexMode) error {
	day, k, marked := DayTerm(term, copies)
	if day == BadDay {
		return fmt.Errorf("histogram: bad day %q in the index", term)
	}
	hc.Add(day, k, marked, copies, n, mode)
	return nil
}

// Histogram groups the counts into buckets of the interval (chosen from
// the span of the dates when empty), empty buckets included.
func (hc *Counts) Histogram(interval string) *Histogram {
	h := &Histogram{Buckets: []Bucket{}, UndatedOriginals: hc.undatedOriginals, UndatedCopies: hc.undatedCopies}
	if len(hc.days) == 0 {
		if interval == "" {
			interval = Day
		}
		h.Interval = interval
		return h
	}
	first, last := hc.days[0].day, hc.days[0].day
	for _, d := range hc.days {
		first, last = min(first, d.day), max(last, d.day)
	}
	if interval == "" {
		interval = ChooseInterval(dayTime(int(first)), dayTime(int(last)))
	}
	h.Interval = interval
	start := BucketStart(dayTime(int(first)), interval)
	h.Buckets = make([]Bucket, bucketIndex(int(last), int(first), interval)+1)
	startDay := int(start.Unix() / 86400)
	for i := range h.Buckets {
		h.Buckets[i].Start = bucketStartDay(startDay, i, interval)
	}
	bi := bucketer{first: int(first), interval: interval}
	for _, d := range hc.days {
		b := &h.Buckets[bi.index(int(d.day))]
		b.Originals += int(d.originals)
		b.Copies += int(d.copies)
	}
	return h
}

// bucketStartDay is the first day of bucket i of a histogram whose first
// bucket starts on day start, as 2006-01-02: what formatting the i-th
// nextBucket from start gives, without time.Time (a 126-year histogram
// has 1,500 months).
func bucketStartDay(start, i int, interval string) string {
	switch interval {
	case Week:
		return formatDay(start + 7*i)
	case Month:
		y, m, _ := civil(start)
		k := y*12 + m - 1 + i
		return formatDay(daysFromCivil(k/12, k%12+1, 1))
	}
	return formatDay(start + i)
}

// formatDay is day d (since 1970-01-01) as 2006-01-02, for the years
// 0–9999 a day term can hold.
func formatDay(d int) string {
	y, m, day := civil(d)
	if y < 0 || y > 9999 {
		return dayTime(d).Format(time.DateOnly)
	}
	b := [10]byte{byte('0' + y/1000), byte('0' + y/100%10), byte('0' + y/10%10), byte('0' + y%10), '-',
		byte('0' + m/10), byte('0' + m%10), '-', byte('0' + day/10), byte('0' + day%10)}
	return string(b[:])
}

// bucketer numbers the buckets of days as bucketIndex does, remembering
// the last month's span: a histogram's days come mostly in order (a
// segment's terms are), so most need no calendar arithmetic.
type bucketer struct {
	first    int
	interval string
	// from, to and at: days [from, to) are in bucket at (from == to: none
	// yet).
	from, to, at int
}

func (b *bucketer) index(d int) int {
	if b.interval != Month {
		return bucketIndex(d, b.first, b.interval)
	}
	if d < b.from || d >= b.to {
		y, m, day := civil(d)
		b.from = d - day + 1
		b.to = b.from + daysIn(y, m)
		b.at = bucketIndex(d, b.first, Month)
	}
	return b.at
}

// bucketIndex is the number of the bucket holding day d, counted from the
// bucket holding day first (days since 1970-01-01).
func bucketIndex(d, first int, interval string) int {
	switch interval {
	case Week:
		return (monday(d) - monday(first)) / 7
	case Month:
		y, m, _ := civil(d)
		fy, fm, _ := civil(first)
		return (y*12 + m) - (fy*12 + fm)
	}
	return d - first
}

// monday is the Monday on or before day d (1970-01-01 was a Thursday).
func monday(d int) int { return d - ((d+3)%7+7)%7 }

// civil is the date of day d (days since 1970-01-01), after H. Hinnant's
// algorithm.
func civil(d int) (y, m, day int) {
	z := d + 719468
	era := z / 146097
	if z < 0 && z%146097 != 0 {
		era--
	}
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y = yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	day = doy - (153*mp+2)/5 + 1
	m = mp + 3
	if m > 12 {
		m -= 12
	}
	if m <= 2 {
		y++
	}
	return y, m, day
}

// parseDay reads a day term (2006-01-02) as days since 1970-01-01,
// without the cost of time.Parse (a histogram reads thousands).
func parseDay(s string) (int, bool) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return 0, false
	}
	y, ok1 := digits(s[:4])
	m, ok2 := digits(s[5:7])
	d, ok3 := digits(s[8:])
	if !ok1 || !ok2 || !ok3 || m < 1 || m > 12 || d < 1 || d > daysIn(y, m) {
		return 0, false
	}
	return daysFromCivil(y, m, d), true
}

// digits reads s, decimal digits only, as a number.
func digits(s string) (int, bool) {
	n := 0
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// daysFromCivil is the day (since 1970-01-01) of a civil date (proleptic
// Gregorian), after H. Hinnant's algorithm: years start in March so the
// leap day comes last.
func daysFromCivil(y, m, d int) int {
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
	return era*146097 + doe - 719468
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
		return Day
	case span <= 2*366*24*time.Hour:
		return Week
	}
	return Month
}

// BucketStart returns the first day of t's bucket: the day, the Monday of
// its week, or the first of its month (UTC).
func BucketStart(t time.Time, interval string) time.Time {
	t = time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	switch interval {
	case Week:
		return t.AddDate(0, 0, -((int(t.Weekday()) + 6) % 7))
	case Month:
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
	case Week:
		return t.AddDate(0, 0, 7)
	case Month:
		return t.AddDate(0, 1, 0)
	}
	return t.AddDate(0, 0, 1)
}

// WriteTable prints the histogram for a terminal: one line per bucket
// with a bar of originals (o) and copies (c).
func (h *Histogram) WriteTable(w io.Writer) error {
	var ew strings.Builder // one write: a terminal table is small
	maxN := 1
	for _, b := range h.Buckets {
		maxN = max(maxN, b.Originals+b.Copies)
	}
	fmt.Fprintf(&ew, "\noriginals and copies per %s\n", h.Interval)
	for _, b := range h.Buckets {
		no := (b.Originals*50 + maxN - 1) / maxN
		nc := (b.Copies*50 + maxN - 1) / maxN
		fmt.Fprintf(&ew, "  %s  %5d %5d  %s%s\n", b.Start, b.Originals, b.Copies, strings.Repeat("o", no), strings.Repeat("c", nc))
	}
	if h.UndatedOriginals+h.UndatedCopies > 0 {
		fmt.Fprintf(&ew, "  undated     %5d %5d\n", h.UndatedOriginals, h.UndatedCopies)
	}
	_, err := io.WriteString(w, ew.String())
	return err
}
