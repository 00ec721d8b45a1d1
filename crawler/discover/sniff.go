package discover

import (
	"bytes"
	"mime"
	"strings"

	"github.com/syndex/syndex/crawler/frontier"
)

// sniffLimit bounds how much of a body sniffDoc looks at.
const sniffLimit = 64 << 10

// ResponseKind decides what a 2xx response is by what it holds, not by
// the link that led to it: a feed linked as <a href> is read as a feed, a
// robots.txt Sitemap: line naming an RSS feed is read as a feed. The
// body's root element wins (an RSS, Atom or RDF root is a feed, a urlset
// or sitemapindex a sitemap, a JSON Feed object a feed), then a feed
// Content-Type. Otherwise the kind it was queued as stands: a gzipped
// sitemap stays a sitemap, and a feed or sitemap URL that answers with
// HTML (a soft 404, a landing page) is not taken for an article page.
func ResponseKind(queued frontier.Kind, contentType string, body []byte) frontier.Kind {
	if k := sniffDoc(body); k != frontier.KindPage {
		return k
	}
	if mt, _, _ := mime.ParseMediaType(contentType); IsFeedType(mt) {
		return frontier.KindFeed
	}
	return queued
}

// sniffDoc names the discovery document body is by its first element
// (after a byte-order mark, the XML declaration, comments, processing
// instructions and a doctype): kindFeed for <rss>, <feed> (Atom) and
// <rdf:RDF> (RSS 1.0) or a JSON Feed object, kindSitemap for <urlset> and
// <sitemapindex>, kindPage for anything else.
func sniffDoc(body []byte) frontier.Kind {
	b := body[:min(len(body), sniffLimit)]
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	b = bytes.TrimLeft(b, " \t\r\n")
	if len(b) > 0 && b[0] == '{' {
		return jsonKind(b)
	}
	for len(b) > 0 && b[0] == '<' {
		var end []byte
		switch {
		case bytes.HasPrefix(b, []byte("<?")):
			end = []byte("?>")
		case bytes.HasPrefix(b, []byte("<!--")):
			end = []byte("-->")
		case bytes.HasPrefix(b, []byte("<!")):
			end = []byte(">")
		default:
			return rootKind(b[1:])
		}
		i := bytes.Index(b, end)
		if i < 0 {
			return frontier.KindPage
		}
		b = bytes.TrimLeft(b[i+len(end):], " \t\r\n")
	}
	return frontier.KindPage
}

// jsonKind tells a JSON Feed from other JSON: it names its version by
// URL, with its slashes escaped or not ("https:\/\/jsonfeed.org\/version\/1"
// from NPR).
func jsonKind(b []byte) frontier.Kind {
	if bytes.Contains(b, []byte("jsonfeed.org/version")) || bytes.Contains(b, []byte(`jsonfeed.org\/version`)) {
		return frontier.KindFeed
	}
	return frontier.KindPage
}

// rootKind reads the element name at the start of b.
func rootKind(b []byte) frontier.Kind {
	n := bytes.IndexAny(b, " \t\r\n/>")
	if n < 0 {
		return frontier.KindPage
	}
	name := strings.ToLower(string(b[:n]))
	if _, local, ok := strings.Cut(name, ":"); ok {
		if name != "rdf:rdf" {
			name = local // a prefixed sitemap or Atom root (<sm:urlset>, <atom:feed>)
		}
	}
	switch name {
	case "rss", "feed", "rdf:rdf":
		return frontier.KindFeed
	case "urlset", "sitemapindex":
		return frontier.KindSitemap
	}
	return frontier.KindPage
}

// IsFeedType reports whether a Content-Type (or a <link type>) names a
// feed: RSS, Atom, RDF or JSON Feed.
func IsFeedType(t string) bool {
	t = strings.ToLower(strings.TrimSpace(t))
	return t == "application/rss+xml" || t == "application/atom+xml" || t == "application/feed+json" ||
		t == "application/rdf+xml"
}
