package farm

import (
	"fmt"
	"strings"
	"time"
)

// Violations checks the request log against what a polite crawler does and
// describes every breach: a host's first request not being robots.txt, a
// request to a path robots.txt disallows, or two requests to one host
// closer together than max(minGap, the host's Crawl-delay) (with 5%
// tolerance for clock jitter). Requests whose User-Agent lacks agent are
// ignored, so a test's own fetches do not count; "" checks every request.
func (f *Farm) Violations(agent string, minGap time.Duration) []string {
	delays := map[string]time.Duration{}
	for _, o := range f.outlets {
		delays[o.host] = o.crawlDelay
	}
	last := map[string]time.Time{}
	var out []string
	for _, r := range f.Requests() {
		if agent != "" && !strings.Contains(r.UserAgent, agent) {
			continue
		}
		prev, seen := last[r.Host]
		out = appendViolations(out, r, prev, seen, max(minGap, delays[r.Host]))
		last[r.Host] = r.Time
	}
	return out
}

// appendViolations appends to out the rules request r broke: a host's
// first request (seen false) not for /robots.txt, a disallowed path, less
// than gap (less 5 %) since the host's previous request at prev.
func appendViolations(out []string, r Request, prev time.Time, seen bool, gap time.Duration) []string {
	if !seen && r.Path != "/robots.txt" {
		out = append(out, fmt.Sprintf("%s: first request was %s, not /robots.txt", r.Host, r.Path))
	}
	for _, d := range disallowed {
		if strings.HasPrefix(r.Path, d) {
			out = append(out, fmt.Sprintf("%s: fetched %s, which robots.txt disallows", r.Host, r.Path))
		}
	}
	if seen && gap > 0 {
		if d := r.Time.Sub(prev); d < gap-gap/20 {
			out = append(out, fmt.Sprintf("%s: %s requested %s after the previous request, want at least %s",
				r.Host, r.Path, d.Round(time.Millisecond), gap))
		}
	}
	return out
}
