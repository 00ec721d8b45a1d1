// Package dates finds an article's publication date: it reads machine
// dates (Parse), dates as pages print them (Visible), labelled datelines
// and the date under the headline, and settles the publication date and
// the zone it is shown in from what the metadata step gathered (Evidence,
// Settle), with go-htmldate's search of the page and the URL's date as the
// last resort. It does not read JSON-LD or meta tags itself: which date the
// markup states is the metadata step's.
package dates

import (
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	dps "github.com/markusmobius/go-dateparser"
	"github.com/markusmobius/go-htmldate"
	"golang.org/x/net/html"
)

// Sources of Evidence.Published, in the order of trust.
const (
	FromLD   = "json-ld"
	FromMeta = "meta"
	FromTime = "time"
	FromText = "text" // go-htmldate's search of the page
)

// Evidence is what the metadata step gathers about a page's dates before
// Settle weighs it: the most trusted machine date and where it came from,
// every date string on the page, and the first labelled printed date.
type Evidence struct {
	// Published is the most trusted machine date; PublishedFrom names its
	// source (FromLD, FromMeta, FromTime); PublishedZoned reports that its
	// string carried a zone.
	Published      time.Time
	PublishedFrom  string
	PublishedZoned bool
	// DateValues are the raw strings of every machine date on the page
	// (JSON-LD dates, date-like meta values, <time datetime>), evidence
	// for the zone of Published.
	DateValues []string
	// Dateline is the first printed date labelled as a date (by its
	// element's class or a "Published"-like label); a zone-less wall
	// clock.
	Dateline time.Time
}

// Settle settles the article's publication date: the most trusted
// date the markup states, else the date printed near the headline (title
// locates it), else a dateline opening the text (opening: its first
// paragraphs), else a labelled dateline, else go-htmldate's search of the
// page; then the evidence of the other dates on the page and of the URL
// (pageURL: the permalink) decides the zone it is shown in (and so its
// calendar day).
//
// A page that states no publication date but a last change ("Last
// updated: 13 July 2020") has that date reported as modified instead.
//
// lang is the page's language ("" when unknown): go-htmldate's date
// parser then tries its and English month names, not every language's.
func Settle(doc *html.Node, m Evidence, title string, opening []string, pageURL, lang string) (published, modified time.Time) {
	readings, updated := headlineDates(doc, title)
	printed, hasPrinted := printedReading(readings, m.Published)
	t, from, zoned := statedDate(m, opening, printed, hasPrinted)
	if t.IsZero() {
		g, changed := guessDate(doc, pageURL, lang)
		if changed {
			return time.Time{}, g
		}
		t, from, zoned = g, FromText, false
	}
	if t.IsZero() {
		return t, time.Time{}
	}
	t = localZone(t, zoned, m.DateValues)
	if from != FromText {
		t = printedDayOf(t, m.Dateline, printed, hasPrinted)
	}
	if day, ok := URLDate(pageURL); ok {
		t = agreeWithURL(t, from, day)
	}
	return t, updateTime(updated, t)
}

// statedDate returns the publication date the page states, the source it
// came from and whether it named its zone: the markup's, unless the date
// printed under the headline outranks it, else a dateline opening the
// text, else a labelled dateline anywhere.
func statedDate(m Evidence, opening []string, printed time.Time, hasPrinted bool) (t time.Time, from string, zoned bool) {
	t, from, zoned = m.Published, m.PublishedFrom, m.PublishedZoned
	// The date printed under the headline outranks a labelled dateline
	// found anywhere on the page, and a <time> element days away from it
	// (that one dates a comment or a teaser in a sidebar).
	if hasPrinted && (t.IsZero() || from == FromTime && FarApart(t, printed)) {
		t, from, zoned = printed, FromText, false
	}
	if !t.IsZero() {
		return t, from, zoned
	}
	for _, para := range opening {
		if d, ok := leadDateline(para); ok {
			return d, FromText, false
		}
	}
	if !m.Dateline.IsZero() {
		return m.Dateline, FromText, false
	}
	return t, from, zoned
}

// printedDayOf shows a UTC timestamp from the markup on the day the page
// prints: the day of a dateline elsewhere when nothing is printed under
// the headline, else the date and time printed there.
func printedDayOf(t, dateline, printed time.Time, hasPrinted bool) time.Time {
	if _, off := t.Zone(); off == 0 && !hasPrinted && !dateline.IsZero() {
		// No date under the headline, but a dateline elsewhere names
		// the publisher's day: the UTC stamp is shown on it.
		day := time.Date(dateline.Year(), dateline.Month(), dateline.Day(), 0, 0, 0, 0, time.UTC)
		if c, ok := onDay(t, day); ok && !dateOnly(t) {
			t = c
		}
	}
	if _, off := t.Zone(); off == 0 && hasPrinted {
		// A UTC timestamp hours off the date and time printed under the
		// headline: the CMS dropped the local zone the publisher dated it
		// in, and the printed clock says what it was; without a printed
		// clock, the printed day does.
		if c, ok := printedZone(t, printed); ok {
			t = c
		} else if c, ok := onDay(t, time.Date(printed.Year(), printed.Month(), printed.Day(), 0, 0, 0, 0, time.UTC)); ok {
			t = c
		}
	}
	return t
}

// updateTime reads the update line printed under the headline as the
// article's last change: its one reading (none when the order of day and
// month is not plain), a wall clock shown in the zone of the publication
// date t. It is the zero time when there is no such line or it dates a
// change before the publication.
func updateTime(readings []time.Time, t time.Time) time.Time {
	if len(readings) != 1 {
		return time.Time{}
	}
	r := readings[0]
	u := time.Date(r.Year(), r.Month(), r.Day(), r.Hour(), r.Minute(), 0, 0, t.Location())
	if u.Before(t) && !sameWallDay(u, t) {
		return time.Time{}
	}
	return u
}

// sameWallDay reports whether a and b fall on the same calendar day in
// their own zones.
func sameWallDay(a, b time.Time) bool {
	return a.Year() == b.Year() && a.YearDay() == b.YearDay()
}

// dateOnly reports whether t is a bare date (midnight UTC), which no
// zone should move.
func dateOnly(t time.Time) bool {
	u := t.UTC()
	return u.Hour() == 0 && u.Minute() == 0 && u.Second() == 0
}

// leadDateRE splits a story's opening dateline ("29.11.2022 – …",
// "WASHINGTON, May 3, 2022 — …", "Berlin, 3. Mai 2022 (dpa) - …") from
// its first sentence.
var leadDateRE = regexp.MustCompile(`^(.{6,50}?)\s+[–—-]\s`)

// leadDateline reads the date a paragraph opens with, before the dash
// that starts its first sentence (the wire and press-release dateline).
func leadDateline(para string) (time.Time, bool) {
	sm := leadDateRE.FindStringSubmatch(strings.TrimSpace(para))
	if sm == nil {
		return time.Time{}, false
	}
	return Visible(sm[1])
}

// printedReading picks the reading of the date printed under the
// headline: the only one, or, of a date whose order of day and month is
// not plain, the one within a day and a half of the markup's date t (none
// when t is unknown or both or neither are that close).
func printedReading(readings []time.Time, t time.Time) (time.Time, bool) {
	switch {
	case len(readings) == 1:
		return readings[0], true
	case len(readings) == 0 || t.IsZero():
		return time.Time{}, false
	}
	var pick []time.Time
	for _, r := range readings {
		// The reading is a wall clock: compare it with t's own.
		wall := time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), 0, time.UTC)
		if !FarApart(r, wall) {
			pick = append(pick, r)
		}
	}
	if len(pick) != 1 {
		return time.Time{}, false
	}
	return pick[0], true
}

// printedZone shows the UTC instant t in the offset that its printed
// wall clock (date and time of day, zone-less, as UTC) implies: when the
// printed time is to the minute the instant moved by a whole number of
// quarter hours, at most 14 hours, that difference is the publisher's
// zone. It reports false when the printed date has no time of day, t is a
// bare date, no such offset fits, or a morning hour could be a 12-hour
// clock's evening one and both fit.
func printedZone(t, printed time.Time) (time.Time, bool) {
	u := t.UTC()
	if printed.Hour() == 0 && printed.Minute() == 0 || dateOnly(u) {
		return t, false // no printed clock, or a date-only stamp
	}
	d := printed.Sub(u.Truncate(time.Minute))
	// Exactly 12 hours apart is a 12-hour clock read the wrong way round
	// far more often than a zone.
	if d == 0 || !zoneOffsetFits(d) || d == 12*time.Hour {
		return t, false
	}
	// "5:09" may be a 12-hour clock with its "pm" left off: when the
	// other half of the day would fit as well, the offset is not known.
	if h := printed.Hour(); h >= 1 && h <= 12 && (zoneOffsetFits(d+12*time.Hour) || zoneOffsetFits(d-12*time.Hour)) {
		return t, false
	}
	return t.In(time.FixedZone("", int(d/time.Second))), true
}

// zoneOffsetFits reports whether d can be a zone's offset from UTC: a
// whole number of quarter hours, from -12 (excluded) to +14 hours.
func zoneOffsetFits(d time.Duration) bool {
	return d%(15*time.Minute) == 0 && d > -12*time.Hour && d <= 14*time.Hour
}

// guessDate is the last resort when the markup states no publication
// date: go-htmldate's extensive search of the page (URL, visible
// datelines, free text), asked for the original rather than the latest
// date. It returns the zero time when nothing plausible is found, and
// changed when the text around the date shows it is the last change.
func guessDate(doc *html.Node, pageURL, lang string) (t time.Time, changed bool) {
	r, err := htmldate.FromDocument(doc, htmldate.Options{UseOriginalDate: true, URL: pageURL, DateParserConfig: parserConfig(lang)})
	if err != nil || linkDate(r.SrcString) || notPublication(r.SrcString, r.DateTime) {
		return time.Time{}, false
	}
	src := r.SrcString
	return r.DateTime, lastChangeRE.MatchString(src) && !createdRE.MatchString(src) && pubLabelRE.FindStringIndex(src) == nil
}

// parserConfig is go-htmldate's configuration of its date parser
// (go-dateparser), narrowed to English and the page's language when the
// page declares one: the parser otherwise tries each of its two hundred
// languages' month and day names on every candidate string. nil (the
// default: every language) when lang names none the parser knows.
func parserConfig(lang string) *dps.Configuration {
	lang = strings.ToLower(strings.TrimSpace(lang))
	if i := strings.IndexAny(lang, "-_"); i > 0 {
		lang = lang[:i]
	}
	if len(lang) != 2 && len(lang) != 3 {
		return nil
	}
	if c, ok := parserConfigs.Load(lang); ok {
		return c.(*dps.Configuration)
	}
	langs := []string{"en"}
	if lang != "en" {
		langs = append(langs, lang)
	}
	cfg := &dps.Configuration{Languages: langs, PreferredDateSource: dps.Past, StrictParsing: true}
	if _, err := dps.Parse(cfg, "2020-01-02"); err != nil {
		cfg = nil // a language the parser does not know
	}
	parserConfigs.Store(lang, cfg)
	return cfg
}

// parserConfigs holds parserConfig's answer per language.
var parserConfigs sync.Map

var (
	// copyrightNoticeRE matches a copyright notice, whose years ("© 1996–2020")
	// are not a publication date.
	copyrightNoticeRE = regexp.MustCompile(`(?i)©|&copy;|\bcopyright\b`)
	// versionStampRE matches an asset's version stamp in a URL
	// ("style.css?v=2022-06-15"), or an attribute's value.
	versionStampRE = regexp.MustCompile(`(?i)\?v(?:er(?:sion)?)?=|^=`)
	// lastChangeRE and createdRE tell a last-change note ("This page was
	// last modified on …") from a creation note beside it ("Created … -
	// Last Modified: …").
	lastChangeRE = regexp.MustCompile(`(?i)\b(?:last[ -](?:modified|updated|edited|changed)|zuletzt (?:geändert|aktualisiert|bearbeitet)|letzte änderung|dernière mise à jour|última actualización)`)
	createdRE    = regexp.MustCompile(`(?i)\b(?:created|erstellt|posted|written)\b`)
)

// notPublication reports whether go-htmldate's date t, read from the
// text src, is not a date of the page: a copyright notice's bare year
// (read as 1 January) or an asset's version stamp.
func notPublication(src string, t time.Time) bool {
	if versionStampRE.MatchString(src) {
		return true
	}
	return copyrightNoticeRE.MatchString(src) && t.Month() == time.January && t.Day() == 1
}

// linkDate reports whether go-htmldate read its date from a link's
// address: that is the date of the page linked to (a section front's
// list of stories), not of this one.
func linkDate(src string) bool {
	return strings.Contains(src, "\">") && strings.Contains(src, "</a>")
}

// localZone shows t in the publisher's own zone when the page says what
// it is. CMSs often normalise one copy of a timestamp to UTC and print
// another in local time; the local copy carries the day the publisher
// dated the piece. Evidence is another value on the page naming the same
// instant with a non-zero offset, or, for a zoned UTC t, a zone-less wall
// clock that differs from it by a whole number of half hours (at most
// 14 h) with the same minutes and seconds. A zone-less t that has a zoned
// twin with the same wall clock takes the twin's zone.
func localZone(t time.Time, zoned bool, values []string) time.Time {
	if _, off := t.Zone(); off != 0 {
		return t
	}
	if c, ok := zonedTwin(t, zoned, values); ok {
		return c
	}
	if !zoned {
		return t
	}
	if c, ok := wallClockTwin(t, values); ok {
		return c
	}
	return t
}

// zonedTwin finds among values one with a non-zero offset that names t:
// the same instant when t is zoned, else the same wall clock, which then
// takes that value's zone.
func zonedTwin(t time.Time, zoned bool, values []string) (time.Time, bool) {
	for _, v := range values {
		c, cz, ok := ParseZone(v)
		if !ok || !cz {
			continue
		}
		if _, off := c.Zone(); off == 0 {
			continue
		}
		if zoned && c.Equal(t) {
			return c, true
		}
		if !zoned && sameWallClock(c, t) {
			return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), c.Location()), true
		}
	}
	return time.Time{}, false
}

// wallClockTwin finds among values a zone-less wall clock (not a bare
// midnight) a whole number of half hours off the UTC instant t, at most
// 12 h before and 14 h after it, and shows t in that offset.
func wallClockTwin(t time.Time, values []string) (time.Time, bool) {
	for _, v := range values {
		c, cz, ok := ParseZone(v)
		if !ok || cz || c.Hour() == 0 && c.Minute() == 0 && c.Second() == 0 {
			continue
		}
		d := c.Sub(t) // the wall clock read as UTC, minus the instant
		if d != 0 && d%(30*time.Minute) == 0 && d >= -12*time.Hour && d <= 14*time.Hour {
			return t.In(time.FixedZone("", int(d/time.Second))), true
		}
	}
	return time.Time{}, false
}

func sameWallClock(a, b time.Time) bool {
	return a.Year() == b.Year() && a.YearDay() == b.YearDay() && a.Hour() == b.Hour() && a.Minute() == b.Minute() && a.Second() == b.Second()
}

// urlDateRE matches a year/month/day path segment run such as
// /2019/01/31/ or /2019-1-31/.
var urlDateRE = regexp.MustCompile(`/((?:19|20)\d\d)[/-](\d\d?)[/-](\d\d?)(?:/|-|_|\.|$)`)

// URLDate reads the publication day a permalink carries in its path.
func URLDate(pageURL string) (time.Time, bool) {
	u, err := url.Parse(pageURL)
	if err != nil {
		return time.Time{}, false
	}
	sm := urlDateRE.FindStringSubmatch(u.Path)
	if sm == nil {
		return time.Time{}, false
	}
	y, _ := strconv.Atoi(sm[1])
	mo, _ := strconv.Atoi(sm[2])
	d, _ := strconv.Atoi(sm[3])
	day := time.Date(y, time.Month(mo), d, 0, 0, 0, 0, time.UTC)
	if day.Month() != time.Month(mo) || day.Day() != d {
		return time.Time{}, false // 2019/02/31 and the like
	}
	return day, true
}

// agreeWithURL reconciles t with the day in the page's permalink, which
// is fixed when a piece is first published:
//   - a UTC t within hours of that day but on a neighbouring day is shown
//     in the nearest whole-hour offset that puts it on the URL's day (the
//     instant is unchanged; the CMS dropped the local zone);
//   - a low-trust date (a <time> element or a guess from the text) more
//     than a day away from it belongs to something else on the page (a
//     comment, a related article), so the URL's day is the publication
//     date. JSON-LD and meta dates keep their word: pages are scheduled
//     or re-published under a URL minted earlier.
func agreeWithURL(t time.Time, from string, day time.Time) time.Time {
	own := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	if own.Equal(day) {
		return t
	}
	if _, off := t.Zone(); off == 0 {
		if c, ok := onDay(t, day); ok {
			return c
		}
	}
	gap := own.Sub(day)
	if (from == FromTime || from == FromText) && (gap > 24*time.Hour || gap < -24*time.Hour) {
		return day
	}
	return t
}

// onDay shows the UTC instant t in the nearest whole-hour offset that puts
// it on day (midnight UTC of a calendar day), when t lies within 14 hours
// before that day or 12 hours after it; it reports false otherwise.
func onDay(t, day time.Time) (time.Time, bool) {
	end := day.Add(24 * time.Hour)
	if t.Before(day) && day.Sub(t) <= 14*time.Hour {
		h := (day.Sub(t) + time.Hour - 1) / time.Hour
		return t.In(time.FixedZone("", int(h)*3600)), true
	}
	if !t.Before(end) && t.Sub(end) < 12*time.Hour {
		h := t.Sub(end)/time.Hour + 1
		return t.In(time.FixedZone("", -int(h)*3600)), true
	}
	return t, false
}
