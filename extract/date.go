package extract

import (
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/markusmobius/go-htmldate"
	"golang.org/x/net/html"
)

// Sources of pageMeta.Published, in the order of trust.
const (
	dateFromLD   = "json-ld"
	dateFromMeta = "meta"
	dateFromTime = "time"
	dateFromText = "text" // go-htmldate's search of the page
)

// publishedDate settles the article's publication date: the most trusted
// date the markup states, else the date printed near the headline, else a
// labelled dateline, else go-htmldate's search of the page; then the
// evidence of the other dates on the page and of the URL decides the zone
// it is shown in (and so its calendar day).
//
// A page that states no publication date but a last change ("Last
// updated: 13 July 2020") has that date reported as modified instead.
func publishedDate(doc *html.Node, m pageMeta, pageURL string) (published, modified time.Time) {
	if m.Canonical != "" {
		pageURL = m.Canonical // the permalink, when the page names one
	}
	t, from, zoned := m.Published, m.PublishedFrom, m.PublishedZoned
	readings, updated := headlineDates(doc, m.Title)
	printed, hasPrinted := printedReading(readings, t)
	// The date printed under the headline outranks a labelled dateline
	// found anywhere on the page, and a <time> element days away from it
	// (that one dates a comment or a teaser in a sidebar).
	if hasPrinted && (t.IsZero() || from == dateFromTime && farApart(t, printed)) {
		t, from, zoned = printed, dateFromText, false
	}
	if t.IsZero() {
		for _, para := range m.Opening {
			if d, ok := leadDateline(para); ok {
				t, from, zoned = d, dateFromText, false
				break
			}
		}
	}
	if t.IsZero() && !m.Dateline.IsZero() {
		t, from, zoned = m.Dateline, dateFromText, false
	}
	if t.IsZero() {
		g, changed := guessDate(doc, pageURL)
		if changed {
			return time.Time{}, g
		}
		t, from, zoned = g, dateFromText, false
	}
	if t.IsZero() {
		return t, time.Time{}
	}
	t = localZone(t, zoned, m.DateValues)
	if _, off := t.Zone(); off == 0 && !hasPrinted && from != dateFromText && !m.Dateline.IsZero() {
		// No date under the headline, but a dateline elsewhere names
		// the publisher's day: the UTC stamp is shown on it.
		day := time.Date(m.Dateline.Year(), m.Dateline.Month(), m.Dateline.Day(), 0, 0, 0, 0, time.UTC)
		if c, ok := onDay(t, day); ok && !dateOnly(t) {
			t = c
		}
	}
	if _, off := t.Zone(); off == 0 && hasPrinted && from != dateFromText {
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
	if day, ok := urlDate(pageURL); ok {
		t = agreeWithURL(t, from, day)
	}
	return t, updateTime(updated, t)
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
	return visibleDate(sm[1])
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
		if !farApart(r, wall) {
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
	fits := func(d time.Duration) bool {
		return d%(15*time.Minute) == 0 && d > -12*time.Hour && d <= 14*time.Hour
	}
	d := printed.Sub(u.Truncate(time.Minute))
	// Exactly 12 hours apart is a 12-hour clock read the wrong way round
	// far more often than a zone.
	if d == 0 || !fits(d) || d == 12*time.Hour {
		return t, false
	}
	// "5:09" may be a 12-hour clock with its "pm" left off: when the
	// other half of the day would fit as well, the offset is not known.
	if h := printed.Hour(); h >= 1 && h <= 12 && (fits(d+12*time.Hour) || fits(d-12*time.Hour)) {
		return t, false
	}
	return t.In(time.FixedZone("", int(d/time.Second))), true
}

// guessDate is the last resort when the markup states no publication
// date: go-htmldate's extensive search of the page (URL, visible
// datelines, free text), asked for the original rather than the latest
// date. It returns the zero time when nothing plausible is found, and
// changed when the text around the date shows it is the last change.
func guessDate(doc *html.Node, pageURL string) (t time.Time, changed bool) {
	r, err := htmldate.FromDocument(doc, htmldate.Options{UseOriginalDate: true, URL: pageURL})
	if err != nil || linkDate(r.SrcString) || notPublication(r.SrcString, r.DateTime) {
		return time.Time{}, false
	}
	src := r.SrcString
	return r.DateTime, lastChangeRE.MatchString(src) && !createdRE.MatchString(src) && pubLabelRE.FindStringIndex(src) == nil
}

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
	for _, v := range values {
		c, cz, ok := parseDateZone(v)
		if !ok || !cz {
			continue
		}
		_, off := c.Zone()
		if off == 0 {
			continue
		}
		if zoned && c.Equal(t) {
			return c
		}
		if !zoned && sameWallClock(c, t) {
			return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), c.Location())
		}
	}
	if !zoned {
		return t
	}
	for _, v := range values {
		c, cz, ok := parseDateZone(v)
		if !ok || cz || c.Hour() == 0 && c.Minute() == 0 && c.Second() == 0 {
			continue
		}
		d := c.Sub(t) // the wall clock read as UTC, minus the instant
		if d != 0 && d%(30*time.Minute) == 0 && d >= -12*time.Hour && d <= 14*time.Hour {
			return t.In(time.FixedZone("", int(d/time.Second)))
		}
	}
	return t
}

func sameWallClock(a, b time.Time) bool {
	return a.Year() == b.Year() && a.YearDay() == b.YearDay() && a.Hour() == b.Hour() && a.Minute() == b.Minute() && a.Second() == b.Second()
}

// urlDateRE matches a year/month/day path segment run such as
// /2019/01/31/ or /2019-1-31/.
var urlDateRE = regexp.MustCompile(`/((?:19|20)\d\d)[/-](\d\d?)[/-](\d\d?)(?:/|-|_|\.|$)`)

// urlDate reads the publication day a permalink carries in its path.
func urlDate(pageURL string) (time.Time, bool) {
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
	if (from == dateFromTime || from == dateFromText) && (gap > 24*time.Hour || gap < -24*time.Hour) {
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

// visibleDate reads a printed date such as a <time> element's text or a
// dateline; the result is a zone-less wall clock (returned as UTC). A
// date whose order of day and month is not plain (03/04/2022) is not read.
func visibleDate(s string) (time.Time, bool) {
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
	s = collapseSpace(s)
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

var (
	datelineClassRE = guard(regexp.MustCompile(`(?i)(^|[\s_-])(date|datum|time|zeit|posted|published|pubdate|dateline|stand)`), "date", "datum", "time", "zeit", "posted", "published", "stand")
	clockRE         = guard(regexp.MustCompile(`(?i)(aktuelle zeit|current time|it is currently|heute ist|today is)`), "aktuelle zeit", "current time", "it is currently", "heute ist", "today is") // a clock widget, not a dateline
	datelineLabelRE = regexp.MustCompile(`(?i)^(published|posted|written|veröffentlicht|erschienen|erstellt|stand|publié|publicado|pubblicato)\b`)
	// pubLabelRE finds a publication label anywhere in a short block
	// ("Letzte Änderung: … Erschienen am: 01.11.2023").
	pubLabelRE = regexp.MustCompile(`(?i)(?:^|[^\p{L}])(?:published|veröffentlicht|erschienen|publié|publicado|pubblicato)(?:\s+(?:am|on|le|el|il))?\s*:?\s*`)
	// modLabelRE matches a label that dates the last change, not the
	// publication.
	modLabelRE = regexp.MustCompile(`(?i)^(?:zuletzt geändert|zuletzt aktualisiert|letzte änderung|geändert|aktualisiert|last modified|last updated|updated|modified|mis à jour|actualizado|modificado|aggiornato)(?:[^\p{L}]|$)`)
)

// dateline reads n as a printed dateline: a short text element whose
// class says it holds the date, or whose text opens with a publication
// label ("Published", "Erschienen am", "Stand:"), and that contains a date.
func dateline(n *html.Node) (time.Time, bool) {
	t, ok := datelineText(n)
	if ok && otherItemsDate(n) {
		return time.Time{}, false
	}
	return t, ok
}

// otherItemsRE matches the class or id of a container whose dated items
// are not the article: comments, replies, lists of related stories.
var otherItemsRE = regexp.MustCompile(`(?i)comment|reply|related|teaser|recommend|popular|trending|widget`)

// commentsRE matches the class or id of a comment thread or one comment.
var commentsRE = regexp.MustCompile(`(?i)comment|repl(?:y|ies)`)

// inComments reports whether n lies in a comment thread (by its own or
// an ancestor's class or id; the <body>'s, which states a page setting
// such as WordPress's "comments-open", does not count).
func inComments(n *html.Node) bool {
	return withinClass(n, commentsRE)
}

// withinClass reports whether the class or id of n or of an ancestor
// below the <body> matches re.
func withinClass(n *html.Node, re *regexp.Regexp) bool {
	for ; n != nil && n.Type == html.ElementNode && n.Data != "body"; n = n.Parent {
		if re.MatchString(attr(n, "class") + " " + attr(n, "id")) {
			return true
		}
	}
	return false
}

// otherItemsDate reports whether n or one of its ancestors is such a
// container.
func otherItemsDate(n *html.Node) bool {
	return withinClass(n, otherItemsRE)
}

func datelineText(n *html.Node) (time.Time, bool) {
	switch n.Data {
	case "span", "div", "p", "li", "small", "dd", "td", "h2", "h3", "h4", "h5", "h6", "em", "strong", "b", "i", "font", "address", "header":
	default:
		return time.Time{}, false
	}
	// The class words hold no space: matching class and id apart is
	// matching them joined by one.
	classed := datelineClassRE.MatchString(attr(n, "class")) || datelineClassRE.MatchString(attr(n, "id"))
	if !classed {
		// Without the class only a label can make n a dateline: one
		// its text opens with (a publication label, or a last change's
		// label a publication label follows), or a bare label above a
		// bare date. Other elements are refused before their text is
		// gathered.
		st := shortCount{max: 200}
		if r, ok := st.firstVisible(n); !ok || !strings.ContainsRune("pPwWvVeEsS\u017flLzZgGaAuUmM0123456789", r) {
			return time.Time{}, false
		}
	}
	text, short := shortText(n, 200)
	if !short || text == "" || clockRE.MatchString(text) {
		return time.Time{}, false
	}
	// A publication label followed by a date, wherever it stands in a
	// short block, dates the piece, even beside its last change.
	if loc := pubLabelRE.FindStringIndex(text); loc != nil {
		rest := text[loc[1]:]
		if len(rest) > 40 {
			rest = rest[:40]
		}
		if t, ok := visibleDate(rest); ok {
			return t, true
		}
	}
	if len(text) > 80 || modLabelRE.MatchString(text) {
		return time.Time{}, false
	}
	switch label := labelBefore(n); {
	case strings.ContainsAny(label, "0123456789"):
		// not a bare label: a block with its own value
	case modLabelRE.MatchString(label):
		return time.Time{}, false // "Zuletzt geändert am:" above it
	case datelineLabelRE.MatchString(label):
		return visibleDate(text) // "Erschienen am:" above it
	}
	if !classed && !datelineLabelRE.MatchString(text) {
		return time.Time{}, false
	}
	return visibleDate(text)
}

// labelBefore returns the short text of the element just before n (or,
// when n is its parent's first element, just before its parent): the
// label a page sets above a value ("Erschienen am:" over "13.10.2021").
func labelBefore(n *html.Node) string {
	for i := 0; i < 2 && n != nil; i, n = i+1, n.Parent {
		for p := n.PrevSibling; p != nil; p = p.PrevSibling {
			if p.Type == html.TextNode && strings.TrimSpace(p.Data) != "" {
				return strings.TrimSpace(p.Data)
			}
			if p.Type == html.ElementNode {
				t, ok := shortText(p, 40)
				if ok && t == "" {
					continue // an empty element (an icon, a bare <time>)
				}
				if ok {
					return t
				}
				return ""
			}
		}
	}
	return ""
}

// farApart reports whether two dates are more than a day and a half
// apart, too far for a zone or rounding difference.
func farApart(a, b time.Time) bool {
	d := a.Sub(b)
	return d > 36*time.Hour || d < -36*time.Hour
}

// printedOn reports whether the page's printed date — its dateline, else
// its first <time> — falls on t's calendar day.
func printedOn(t, dateline time.Time, times []string) bool {
	p := dateline
	if p.IsZero() {
		for _, s := range times {
			if c, ok := parseDate(s); ok {
				p = c
				break
			}
		}
	}
	if p.IsZero() {
		return false
	}
	return p.Format(time.DateOnly) == t.Format(time.DateOnly) || p.Format(time.DateOnly) == t.UTC().Format(time.DateOnly)
}

// shortText returns n's collapsed text when it is at most max bytes long,
// and false without reading the rest of the subtree once it is longer (or
// once the walk has seen more nodes than a short text has): called on
// every element, a full nodeText would make the page scan quadratic in
// its nesting depth. A longer text is returned as "".
func shortText(n *html.Node, max int) (string, bool) {
	var arr [256]byte // most short texts fit: no allocation but the result
	st := shortCount{max: max}
	buf, ok := st.walk(n, arr[:0])
	if !ok {
		return "", false
	}
	t := collapseBytes(buf)
	if len(t) > max {
		return "", false
	}
	return string(t), true
}

// shortCount is the state of one shortText walk.
type shortCount struct {
	visits, visible, max int // nodes seen, non-blank bytes read, limit
}

// firstVisible returns the first character of n's text that is not white
// space, visiting nodes in walk's order; false when there is none or walk
// would give up (visit too many nodes) before reaching it.
func (st *shortCount) firstVisible(n *html.Node) (rune, bool) {
	if st.visits++; st.visits > 8*st.max {
		return 0, false
	}
	switch n.Type {
	case html.TextNode:
		for i := 0; i < len(n.Data); {
			sp, w := isSpaceAt(n.Data, i)
			if !sp {
				r, _ := utf8.DecodeRuneInString(n.Data[i:])
				return r, true
			}
			i += w
		}
		return 0, false
	case html.ElementNode:
		if skipTags[n.Data] {
			return 0, false
		}
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if r, ok := st.firstVisible(c); ok {
			return r, true
		}
		if st.visits > 8*st.max {
			return 0, false
		}
	}
	return 0, false
}

// walk appends n's text to buf; false once the text or the walk is too long.
func (st *shortCount) walk(n *html.Node, buf []byte) ([]byte, bool) {
	if st.visits++; st.visits > 8*st.max {
		return buf, false
	}
	switch n.Type {
	case html.TextNode:
		for i := 0; i < len(n.Data); i++ {
			if c := n.Data[i]; c != ' ' && c != '\n' && c != '\t' && c != '\r' {
				st.visible++
			}
		}
		if st.visible > st.max {
			return buf, false // the text is dropped: no need to copy it
		}
		return append(buf, n.Data...), true
	case html.ElementNode:
		if skipTags[n.Data] {
			return buf, true
		}
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		var ok bool
		if buf, ok = st.walk(c, buf); !ok {
			return buf, false
		}
		if c.Type == html.ElementNode && blockTags[c.Data] {
			buf = append(buf, ' ')
		}
	}
	return buf, true
}

// foreignDateRE matches the class or id of a container whose dates
// belong to other items than the article: comments, sidebars, lists of
// related or teased stories, widgets.
var foreignDateRE = guard(regexp.MustCompile(`(?i)comment|sidebar|related|widget|teaser|recommend|popular|trending|newsletter|breadcrumb|share|social|reply|footer|navigation|menu`), "comment", "sidebar", "related", "widget", "teaser", "recommend", "popular", "trending", "newsletter", "breadcrumb", "share", "social", "reply", "footer", "navigation", "menu")

// foreignClassOrID reports whether n's class or id matches foreignDateRE
// (whose words hold no space, so apart is as good as joined by one).
func foreignClassOrID(n *html.Node) bool {
	return foreignDateRE.MatchString(attr(n, "class")) || foreignDateRE.MatchString(attr(n, "id"))
}

// headlineDate reads the date printed near the headline: the first short
// text element holding a date after the page's main <h1> (the one that
// names the title, else the first), before much of the article's text
// has gone by, outside comment, sidebar and related-story containers.
// The result is its readings as zone-less wall clocks (returned as UTC;
// two when the order of day and month is not plain), or nil.
func headlineDate(doc *html.Node, title string) []time.Time {
	found, _ := headlineDates(doc, title)
	return found
}

// headlineDates is headlineDate that also returns the readings of the
// first update line it passed over ("Updated May 6, 2019").
func headlineDates(doc *html.Node, title string) (found, updated []time.Time) {
	h1 := mainHeading(doc, title)
	if h1 == nil {
		return nil, nil
	}
	const maxText = 1000 // bytes of text after the headline searched
	seen := 0
	var walk func(n *html.Node) bool // false: stop the search
	walk = func(n *html.Node) bool {
		for ; n != nil; n = n.NextSibling {
			switch n.Type {
			case html.TextNode:
				if seen += len(strings.TrimSpace(n.Data)); seen > maxText {
					return false
				}
				continue
			case html.ElementNode:
			default:
				continue
			}
			if skipTags[n.Data] || foreignDateTag[n.Data] || foreignClassOrID(n) {
				continue
			}
			if text, short := shortText(n, 80); short && text != "" && !clockRE.MatchString(text) {
				if modLabelRE.MatchString(text) && pubLabelRE.FindStringIndex(text) == nil {
					// "Updated May 6, 2019": the last change, not the
					// publication; a publication date may follow.
					if updated == nil {
						updated = visibleDates(text)
					}
					if seen += len(text); seen > maxText {
						return false
					}
					continue
				}
				if r := visibleDates(text); len(r) > 0 {
					found = r
					return false
				}
				if seen += len(text); seen > maxText {
					return false
				}
				continue
			}
			if !walk(n.FirstChild) {
				return false
			}
		}
		return true
	}
	// Search what follows the heading in document order: its later
	// siblings, then its ancestors' later siblings.
	for n := h1; n != nil && n.Type != html.DocumentNode; n = n.Parent {
		if n != h1 && (foreignDateTag[n.Data] || foreignClassOrID(n)) {
			break
		}
		if !walk(n.NextSibling) {
			break
		}
	}
	return found, updated
}

// foreignDateTag names the elements whose dates are not the article's.
var foreignDateTag = map[string]bool{"nav": true, "aside": true, "footer": true, "form": true, "select": true, "button": true, "a": true}

// mainHeading returns the page's headline element: the first <h1> whose
// text names the title, else the first <h1>, else (on pages without an
// <h1>) the first <h2> whose text names the title.
func mainHeading(doc *html.Node, title string) *html.Node {
	var first, named, namedH2 *html.Node
	title = strings.ToLower(collapseSpace(title))
	walkElements(doc, func(n *html.Node) bool {
		if named != nil || skipTags[n.Data] {
			return false
		}
		if n.Data != "h1" && n.Data != "h2" {
			return true
		}
		text := strings.ToLower(nodeText(n))
		if text == "" {
			return false
		}
		names := title != "" && len(text) >= 8 && (strings.Contains(title, text) || strings.Contains(text, title))
		switch {
		case n.Data == "h2":
			if names && namedH2 == nil {
				namedH2 = n
			}
		case names:
			named = n
		case first == nil:
			first = n
		}
		return false
	})
	switch {
	case named != nil:
		return named
	case first != nil:
		return first
	}
	return namedH2
}
