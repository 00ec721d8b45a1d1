package histogram

import (
	"math/rand/v2"
	"reflect"
	"strconv"
	"testing"
	"time"

	"github.com/syndex/syndex/article"
)

// termCount is a day term and how many stories have it.
type termCount struct {
	term string
	n    int
}

// build counts the terms of the two day fields (a term may come more
// than once, as from several segments) into a histogram.
func build(orig, copies []termCount, interval string, mode article.NoIndexMode) (*Histogram, error) {
	var hc Counts
	for _, t := range orig {
		if err := hc.AddTerm(t.term, false, t.n, mode); err != nil {
			return nil, err
		}
	}
	for _, t := range copies {
		if err := hc.AddTerm(t.term, true, t.n, mode); err != nil {
			return nil, err
		}
	}
	return hc.Histogram(interval), nil
}

func TestChooseInterval(t *testing.T) {
	d := func(s string) time.Time { t, _ := time.Parse(time.DateOnly, s); return t }
	for _, tc := range []struct{ from, to, want string }{
		{"2024-01-01", "2024-01-01", Day},
		{"2024-01-01", "2024-04-01", Day},
		{"2024-01-01", "2024-04-03", Week},
		{"2024-01-01", "2025-12-31", Week},
		{"2024-01-01", "2026-02-01", Month},
	} {
		if got := ChooseInterval(d(tc.from), d(tc.to)); got != tc.want {
			t.Errorf("%s–%s: %s, want %s", tc.from, tc.to, got, tc.want)
		}
	}
	if got := BucketStart(d("2024-03-10"), Week); !got.Equal(d("2024-03-04")) {
		t.Errorf("week of Sunday 2024-03-10 starts %s", got)
	}
}

func TestParseDay(t *testing.T) {
	for at := time.Date(1899, 12, 25, 0, 0, 0, 0, time.UTC); at.Year() < 2101; at = at.AddDate(0, 0, 1) {
		s := at.Format(time.DateOnly)
		d, ok := parseDay(s)
		if !ok || int64(d) != at.Unix()/86400 || !dayTime(d).Equal(at) {
			t.Fatalf("parseDay(%s) = %d %v, want %d", s, d, ok, at.Unix()/86400)
		}
		if y, m, dd := civil(d); y != at.Year() || m != int(at.Month()) || dd != at.Day() {
			t.Fatalf("civil(%d) = %d-%d-%d, want %s", d, y, m, dd, s)
		}
		if mon := dayTime(monday(d)); !mon.Equal(BucketStart(at, Week)) {
			t.Fatalf("monday(%s) = %s", s, mon.Format(time.DateOnly))
		}
	}
	for _, bad := range []string{"2024-02-30", "2023-02-29", "2024-13-01", "2024-00-10", "2024-01-00", "abcd-ef-gh", "2024-1-01", "2024-01-01#2", ""} {
		if _, ok := parseDay(bad); ok {
			t.Errorf("parseDay(%q) accepted", bad)
		}
	}
}

// TestHistogramBuckets checks Counts.Histogram against a plain count of
// random days into each interval's buckets, a day given more than once
// (as from several segments).
func TestHistogramBuckets(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, span := range []int{1, 40, 300, 2000} {
		base := time.Date(2019, 12, 30, 0, 0, 0, 0, time.UTC).AddDate(0, 0, r.IntN(400))
		var orig, copies []termCount
		want := map[string]map[string][2]int{} // interval → bucket start → counts
		for _, iv := range []string{Day, Week, Month} {
			want[iv] = map[string][2]int{}
		}
		add := func(day time.Time, o, c int) {
			for iv := range want {
				k := BucketStart(day, iv).Format(time.DateOnly)
				v := want[iv][k]
				want[iv][k] = [2]int{v[0] + o, v[1] + c}
			}
		}
		for range 50 {
			day := base.AddDate(0, 0, r.IntN(span))
			n := 1 + r.IntN(3)
			orig = append(orig, termCount{day.Format(time.DateOnly), n})
			add(day, n, 0)
			k := 1 + r.IntN(2)
			copies = append(copies, termCount{day.Format(time.DateOnly) + "#" + strconv.Itoa(k), n})
			add(day, 0, k*n)
		}
		for iv, buckets := range want {
			h, err := build(orig, copies, iv, article.NoIndexKeep)
			if err != nil {
				t.Fatal(err)
			}
			got := map[string][2]int{}
			for i, b := range h.Buckets {
				if i > 0 {
					prev, _ := time.Parse(time.DateOnly, h.Buckets[i-1].Start)
					if b.Start != nextBucket(prev, iv).Format(time.DateOnly) {
						t.Fatalf("span %d %s: bucket %d starts %s after %s", span, iv, i, b.Start, h.Buckets[i-1].Start)
					}
				}
				if b.Originals+b.Copies > 0 {
					got[b.Start] = [2]int{b.Originals, b.Copies}
				}
			}
			if !reflect.DeepEqual(got, buckets) {
				t.Errorf("span %d %s: %v, want %v", span, iv, got, buckets)
			}
		}
	}
}

// TestDayTerms: the terms written for a story's copies read back as the
// days and counts they stand for, noindex copies apart.
func TestDayTerms(t *testing.T) {
	at := func(s string) time.Time { d, _ := time.Parse(time.DateOnly, s); return d.Add(13 * time.Hour) }
	days := []string{DayOf(at("2024-03-05"), time.Time{}), DayOf(time.Time{}, at("2024-03-05")), DayOf(time.Time{}, time.Time{}),
		DayOf(at("2024-03-06"), at("2024-03-01")), DayOf(at("2024-03-05"), time.Time{})}
	terms := CopyDayTerms(days, []bool{false, false, false, false, true})
	want := []string{"2024-03-05#1#n", "2024-03-05#2", "2024-03-06#1", "none#1"}
	if !reflect.DeepEqual(terms, want) {
		t.Fatalf("CopyDayTerms = %q, want %q", terms, want)
	}
	for _, tc := range []struct {
		term   string
		copies bool
		day    string
		k      int
		marked bool
	}{
		{"2024-03-05", false, "2024-03-05", 1, false},
		{"2024-03-05#2", true, "2024-03-05", 2, false},
		{"2024-03-05#1#n", true, "2024-03-05", 1, true},
		{"none#1", true, "", 1, false},
		{UndatedTerm, false, "", 1, false},
	} {
		d, k, marked := DayTerm(tc.term, tc.copies)
		wantDay := int32(undatedDay)
		if tc.day != "" {
			wantDay = int32(at(tc.day).Unix() / 86400)
		}
		if d != wantDay || k != tc.k || marked != tc.marked {
			t.Errorf("DayTerm(%q) = %d %d %v, want %d %d %v", tc.term, d, k, marked, wantDay, tc.k, tc.marked)
		}
	}
	if d, _, _ := DayTerm("2024-02-30", false); d != BadDay {
		t.Errorf("DayTerm of a bad day = %d", d)
	}
	if _, k, _ := DayTerm("2024-03-05#x", true); k != 0 {
		t.Errorf("DayTerm of an unreadable copy count = %d copies, want 0", k)
	}
}

func BenchmarkParseDay(b *testing.B) {
	days := make([]string, 0, 4096)
	for at := time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC); len(days) < cap(days); at = at.AddDate(0, 0, 11) {
		days = append(days, at.Format(time.DateOnly))
	}
	days = append(days, "2024-02-30", "abcd-ef-gh")
	sum := 0
	b.ReportAllocs()
	for i := range b.N {
		d, _ := parseDay(days[i%len(days)])
		sum += d
	}
	if sum == 1 {
		b.Log(sum)
	}
}

// TestBucketer: the bucketer numbers every day as bucketIndex does,
// whether the days come in order (as a segment's terms do), repeated or
// shuffled, across month ends and leap days.
func TestBucketer(t *testing.T) {
	first, _ := parseDay("1899-12-25")
	r := rand.New(rand.NewPCG(3, 4))
	var days []int
	for d := first; d < first+3*366; d++ {
		days = append(days, d, d)
	}
	shuffled := append([]int(nil), days...)
	r.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	for _, interval := range []string{Day, Week, Month} {
		for _, order := range [][]int{days, shuffled} {
			b := bucketer{first: first, interval: interval}
			for _, d := range order {
				if got, want := b.index(d), bucketIndex(d, first, interval); got != want {
					t.Fatalf("%s: day %s in bucket %d, want %d", interval, dayTime(d).Format(time.DateOnly), got, want)
				}
			}
		}
	}
}

// TestBucketStartDay: a bucket's first day is what formatting the i-th
// bucket after the first by time.Time arithmetic gives, for buckets from
// year 0 to 9999, across leap days and month ends.
func TestBucketStartDay(t *testing.T) {
	for _, from := range []string{"0000-01-01", "1899-12-25", "1970-01-01", "2000-02-29", "2024-01-31", "9990-11-30"} {
		first, ok := parseDay(from)
		if !ok {
			t.Fatalf("parseDay(%s)", from)
		}
		for _, interval := range []string{Day, Week, Month} {
			start := BucketStart(dayTime(first), interval)
			day := int(start.Unix() / 86400)
			at := start
			for i := range 400 {
				if at.Year() > 9999 {
					break
				}
				if got, want := bucketStartDay(day, i, interval), at.Format(time.DateOnly); got != want {
					t.Fatalf("%s from %s: bucket %d starts %s, want %s", interval, from, i, got, want)
				}
				at = nextBucket(at, interval)
			}
		}
	}
}
