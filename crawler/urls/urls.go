// Package urls is the crawler's view of a URL: the canonical form its seen
// set keys on (Canonicalize, Key: a SURT) and the traps it refuses to
// follow (Trap: overlong URLs, repeated path segments, calendars running
// into the far past or future). A new canonicalisation or trap rule goes
// here, with a row in urls_test.go.
package urls

import (
	"errors"
	"fmt"
	"net/url"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/syndex/syndex/warc"
)

// trackingParams are query parameters that never change what a page says.
var trackingParams = map[string]bool{
	"fbclid": true, "gclid": true, "dclid": true, "msclkid": true, "yclid": true, "mc_cid": true, "mc_eid": true,
	"jsessionid": true, "phpsessid": true, "sid": true, "sessionid": true, "session_id": true, "cfid": true, "cftoken": true,
}

var pathSession = regexp.MustCompile(`(?i);(jsessionid|phpsessid|sid)=[^/?#]*`)

// Canonicalize parses raw and returns the form the seen set keys on: http(s)
// only, lower-case scheme and host, default port dropped, fragment and user
// info dropped, dot segments resolved, session ids and tracking parameters
// (utm_*, fbclid, gclid, …) removed and the query sorted.
func Canonicalize(raw string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return nil, fmt.Errorf("parse url %q: %w", raw, err)
	}
	return canonical(u)
}

func canonical(in *url.URL) (*url.URL, error) {
	u := *in
	u.Scheme = strings.ToLower(u.Scheme)
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("url %q: scheme %q not crawlable", in.String(), u.Scheme)
	}
	host := canonicalHost(&u)
	if host == "" {
		return nil, fmt.Errorf("url %q: no host", in.String())
	}
	u.Host = host
	u.User = nil
	u.Fragment, u.RawFragment = "", ""
	u.Opaque = ""
	if err := setEscapedPath(&u, canonicalPath(u.EscapedPath())); err != nil {
		return nil, fmt.Errorf("url %q: %w", in.String(), err)
	}
	if u.RawQuery != "" {
		u.RawQuery = canonicalQuery(u.RawQuery)
	}
	u.ForceQuery = false
	return &u, nil
}

// canonicalHost is u's host lower-cased, without a trailing dot or the
// scheme's default port ("" when it has none).
func canonicalHost(u *url.URL) string {
	host := strings.TrimRight(strings.ToLower(u.Hostname()), ".")
	if host == "" {
		return ""
	}
	port := u.Port()
	if (port == "80" && u.Scheme == "http") || (port == "443" && u.Scheme == "https") {
		port = ""
	}
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	if port != "" {
		host += ":" + port
	}
	return host
}

// canonicalPath is an escaped path without session ids, dot segments or
// repeated slashes, keeping a trailing slash.
func canonicalPath(p string) string {
	p = pathSession.ReplaceAllString(p, "")
	if p == "" {
		p = "/"
	}
	trailing := strings.HasSuffix(p, "/")
	p = path.Clean(p)
	if trailing && p != "/" {
		p += "/"
	}
	return p
}

// canonicalQuery is a query without tracking and session parameters or
// empty pairs, its pairs sorted.
func canonicalQuery(q string) string {
	var keep []string
	for _, kv := range strings.Split(q, "&") {
		if kv == "" {
			continue
		}
		k, _, _ := strings.Cut(kv, "=")
		lk := strings.ToLower(k)
		if trackingParams[lk] || strings.HasPrefix(lk, "utm_") || strings.HasPrefix(lk, "aspsessionid") {
			continue
		}
		keep = append(keep, kv)
	}
	sort.Strings(keep)
	return strings.Join(keep, "&")
}

func setEscapedPath(u *url.URL, p string) error {
	un, err := url.PathUnescape(p)
	if err != nil {
		return err
	}
	u.Path, u.RawPath = un, ""
	if u.EscapedPath() != p {
		u.RawPath = p
	}
	return nil
}

// Key is the seen-set key of a canonical URL: its SURT form.
func Key(u *url.URL) string { return warc.SURT(u.String()) }

// HostKey is a host name without "www." for scope comparisons.
func HostKey(h string) string {
	return strings.TrimPrefix(strings.ToLower(strings.TrimSuffix(h, ".")), "www.")
}

// ErrTrap marks URLs refused as crawler traps.
var ErrTrap = errors.New("crawler trap")

var yearSeg = regexp.MustCompile(`^(1[0-9]{3}|2[0-9]{3})$`)
var monthSeg = regexp.MustCompile(`^(0?[1-9]|1[0-2])$`)
var calendarSeg = regexp.MustCompile(`(?i)^(calendar|cal|kalender|calendrier|calendario|agenda|events?|archives?|diary|dates?|years?)$`)
var yearParam = regexp.MustCompile(`(?i)(^|&)(year|y|yr|date|month|day|cal|calendar)=([0-9]{4})`)

// Trap returns a non-nil error naming why u looks like a crawler trap:
// too long, a path segment repeated three times or more, too deep, or a
// calendar page for a year outside 1990 … next year. A four-digit segment
// is taken for a calendar's year only in a calendar's shape: followed by
// a month (/2031/01/), or ending a path under a calendar or archive
// (/events/2099); anywhere else it is an id (/news/1234, /story/2500/slug),
// as news sites number their articles.
func Trap(u *url.URL, maxLen int, now time.Time) error {
	s := u.String()
	if len(s) > maxLen {
		return fmt.Errorf("%w: url longer than %d bytes", ErrTrap, maxLen)
	}
	segs := strings.Split(strings.Trim(u.EscapedPath(), "/"), "/")
	if len(segs) > 24 {
		return fmt.Errorf("%w: path deeper than 24 segments", ErrTrap)
	}
	if err := repeatedSegment(segs); err != nil {
		return err
	}
	return calendarTrap(segs, u.RawQuery, now.Year()+1)
}

// repeatedSegment refuses a path that repeats a segment three times or
// more.
func repeatedSegment(segs []string) error {
	count := map[string]int{}
	for _, sg := range segs {
		if sg == "" {
			continue
		}
		count[sg]++
		if count[sg] >= 3 {
			return fmt.Errorf("%w: path segment %q repeated", ErrTrap, sg)
		}
	}
	return nil
}

// calendarTrap refuses a calendar page, in the path or the query, for a
// year outside 1990 … maxYear.
func calendarTrap(segs []string, query string, maxYear int) error {
	for i, sg := range segs {
		if yearSeg.MatchString(sg) && badYear(sg, maxYear) && calendarYear(segs, i) {
			return fmt.Errorf("%w: calendar year %s", ErrTrap, sg)
		}
	}
	for _, m := range yearParam.FindAllStringSubmatch(query, -1) {
		if badYear(m[3], maxYear) {
			return fmt.Errorf("%w: calendar year %s", ErrTrap, m[3])
		}
	}
	return nil
}

// badYear reports whether year y is before 1990 or after maxYear.
func badYear(y string, maxYear int) bool {
	n, _ := strconv.Atoi(y)
	return n < 1990 || n > maxYear
}

// calendarYear reports whether the year segment i of a path is a
// calendar's: a month segment follows it, or it ends a path under a
// calendar segment.
func calendarYear(segs []string, i int) bool {
	monthNext := i+1 < len(segs) && monthSeg.MatchString(segs[i+1])
	underCalendar := i+1 == len(segs) && i > 0 && calendarSeg.MatchString(segs[i-1])
	return monthNext || underCalendar
}
