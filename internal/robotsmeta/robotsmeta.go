// Package robotsmeta reads robots directives: the content of a robots (or
// googlebot) meta tag and the value of an X-Robots-Tag header, which share
// one syntax, a list of case-insensitive tokens separated by commas, spaces
// or tabs ("noindex, nofollow", "googlebot: noindex"). It answers the two
// questions syndex asks of them, for the crawler (whether to follow a
// page's links), for extraction (whether the page asks not to be indexed)
// and for the web-archive import (the same, before a page is extracted).
// What robots.txt says is package crawler/robots.
package robotsmeta

import "strings"

// NoIndex reports whether the directive list forbids indexing: it holds
// "noindex", or "none" (noindex and nofollow).
func NoIndex(list string) bool {
	return has(list, "noindex")
}

// NoFollow reports whether the directive list forbids following links: it
// holds "nofollow", or "none".
func NoFollow(list string) bool {
	return has(list, "nofollow")
}

// has reports whether list holds tok or "none", in any case.
func has(list, tok string) bool {
	for _, t := range strings.FieldsFunc(strings.ToLower(list), isSeparator) {
		if t == tok || t == "none" {
			return true
		}
	}
	return false
}

func isSeparator(r rune) bool { return r == ' ' || r == ',' || r == '\t' }
