// Package robots reads a host's robots.txt into the crawler's verdict, by
// the status rules of RFC 9309: a 2xx file is parsed for the group of the
// crawler's product token, a 4xx (not 429) allows everything, and a 5xx,
// a 429 or an unreachable host disallows everything.
//
// It decides what a file says, not when to ask for it again or how long a
// host rests: that is package polite (the gap that honours Crawl-delay,
// the waits after an unavailable robots.txt). Fetching the file (its
// redirects, its record in the crawl log and the WARC) is the crawler's
// robots.txt step (crawler/robots_step.go).
package robots

import (
	"net/url"
	"strings"
	"time"

	"github.com/temoto/robotstxt"
)

// Rules is a host's robots.txt verdict.
type Rules struct {
	Status      int // 0 when the fetch failed without a status
	DisallowAll bool
	CrawlDelay  time.Duration // the group's Crawl-delay (0: none); package polite caps it
	Sitemaps    []string      // the file's Sitemap: lines
	Fetched     time.Time

	group *robotstxt.Group // nil: no group applies, allow all
}

// Parse interprets a robots.txt response for the product token agent
// (see ProductToken).
func Parse(status int, body []byte, agent string, fetched time.Time) *Rules {
	r := &Rules{Status: status, Fetched: fetched}
	switch {
	case status >= 200 && status < 300:
		data, err := robotstxt.FromBytes(body)
		if err != nil {
			// An unparsable file is treated like an empty one: RFC 9309
			// asks parsers to use what they can, and temoto fails only on
			// grossly broken input.
			return r
		}
		r.group = data.FindGroup(agent)
		if r.group != nil {
			r.CrawlDelay = r.group.CrawlDelay
		}
		r.Sitemaps = data.Sitemaps
	case status >= 400 && status < 500 && status != 429:
		// Unavailable: allow all.
	default:
		r.DisallowAll = true
	}
	return r
}

// Allowed reports whether u may be fetched.
func (r *Rules) Allowed(u *url.URL) bool {
	if r.DisallowAll {
		return false
	}
	if r.group == nil {
		return true
	}
	p := u.EscapedPath()
	if p == "" {
		p = "/"
	}
	if u.RawQuery != "" {
		p += "?" + u.RawQuery
	}
	return r.group.Test(p)
}

// URL is the address of the robots.txt of u's host.
func URL(u *url.URL) string {
	return (&url.URL{Scheme: u.Scheme, Host: u.Host, Path: "/robots.txt"}).String()
}

// ProductToken is the User-Agent's product name ("syndex"), which
// robots.txt groups and robots meta tags are matched against.
func ProductToken(ua string) string {
	tok, _, _ := strings.Cut(ua, "/")
	tok, _, _ = strings.Cut(tok, " ")
	return strings.ToLower(tok)
}
