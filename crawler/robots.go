package crawler

import (
	"net/url"
	"time"

	"github.com/temoto/robotstxt"
)

// robots is a host's robots.txt verdict, following RFC 9309's status rules:
// 2xx parsed, 4xx allow all, 5xx, 429 or unreachable disallow all.
type robots struct {
	status      int // 0 when the fetch failed without a status
	disallowAll bool
	group       *robotstxt.Group // nil: no group applies, allow all
	crawlDelay  time.Duration
	sitemaps    []string
	fetched     time.Time
}

// newRobots interprets a robots.txt response for the product token agent.
func newRobots(status int, body []byte, agent string, fetched time.Time) *robots {
	r := &robots{status: status, fetched: fetched}
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
			r.crawlDelay = r.group.CrawlDelay
		}
		r.sitemaps = data.Sitemaps
	case status >= 400 && status < 500 && status != 429:
		// Unavailable: allow all.
	default:
		r.disallowAll = true
	}
	return r
}

// allowed reports whether u may be fetched.
func (r *robots) allowed(u *url.URL) bool {
	if r.disallowAll {
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

func robotsURL(u *url.URL) string {
	return (&url.URL{Scheme: u.Scheme, Host: u.Host, Path: "/robots.txt"}).String()
}
