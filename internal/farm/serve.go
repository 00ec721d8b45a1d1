package farm

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// statusWriter remembers the status a handler wrote.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// logged wraps next: every request to host is delayed by delay, logged,
// and refused unless GET or HEAD.
func (f *Farm) logged(host string, delay time.Duration, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sw := &statusWriter{ResponseWriter: w}
		defer func(start time.Time) {
			f.logRequest(Request{Host: host, Method: r.Method, Path: r.URL.RequestURI(),
				UserAgent: r.UserAgent(), Time: start, Status: sw.status})
		}(time.Now())
		if delay > 0 {
			t := time.NewTimer(delay)
			select {
			case <-t.C:
			case <-r.Context().Done():
				t.Stop()
				return
			}
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			sw.Header().Set("Allow", "GET, HEAD")
			http.Error(sw, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		next.ServeHTTP(sw, r)
	})
}

// handler serves an outlet's prebuilt responses, honours conditional GETs
// (ETag and Last-Modified) and logs every request.
func (f *Farm) handler(o *outlet, delay time.Duration) http.Handler {
	return f.logged(o.host, delay, http.HandlerFunc(func(sw http.ResponseWriter, r *http.Request) {
		f.cmu.RLock()
		res := o.res[r.URL.Path]
		f.cmu.RUnlock()
		if res == nil {
			http.NotFound(sw, r)
			return
		}
		sw.Header().Set("Content-Type", res.ctype)
		sw.Header().Set("ETag", res.etag)
		sw.Header().Set("Cache-Control", "max-age=300")
		http.ServeContent(sw, r, "", res.mod, bytes.NewReader(res.body))
	}))
}

func (o *outlet) robots() string {
	var b strings.Builder
	b.WriteString("# robots.txt for " + o.def.Name + "\n")
	b.WriteString("User-agent: *\n")
	for _, d := range disallowed {
		b.WriteString("Disallow: " + d + "\n")
	}
	if o.crawlDelay > 0 {
		b.WriteString("Crawl-delay: " + strconv.FormatFloat(o.crawlDelay.Seconds(), 'f', -1, 64) + "\n")
	}
	b.WriteString("\nUser-agent: GreedyBot\nDisallow: /\n\n")
	b.WriteString("Sitemap: " + o.base + "/sitemap.xml\n")
	return b.String()
}

func esc(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

func (o *outlet) rss() []byte { return o.rssOf(o.feedPath(), o.def.Name, o.pages) }

// rssOf is an RSS 2.0 feed at path, under name, of pages (newest first).
func (o *outlet) rssOf(path, name string, pages []*page) []byte {
	var b bytes.Buffer
	b.WriteString(xml.Header)
	b.WriteString(`<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:dc="http://purl.org/dc/elements/1.1/">` + "\n<channel>\n")
	fmt.Fprintf(&b, "<title>%s</title>\n<link>%s/</link>\n<description>%s</description>\n<language>%s</language>\n",
		esc(name), o.base, esc(o.def.Tagline), o.def.Lang)
	fmt.Fprintf(&b, "<atom:link href=\"%s%s\" rel=\"self\" type=\"application/rss+xml\"/>\n", o.base, path)
	fmt.Fprintf(&b, "<lastBuildDate>%s</lastBuildDate>\n", pages[0].Published.Format(time.RFC1123Z))
	for _, p := range pages {
		fmt.Fprintf(&b, "<item>\n<title>%s</title>\n<link>%s</link>\n<guid isPermaLink=\"true\">%s</guid>\n"+
			"<pubDate>%s</pubDate>\n<dc:creator>%s</dc:creator>\n<category>%s</category>\n<description>%s</description>\n</item>\n",
			esc(p.Title), esc(p.URL), esc(p.URL), p.Published.Format(time.RFC1123Z), esc(p.Author), esc(p.Section), esc(p.Summary))
	}
	b.WriteString("</channel>\n</rss>\n")
	return b.Bytes()
}

func (o *outlet) atom() []byte {
	var b bytes.Buffer
	b.WriteString(xml.Header)
	b.WriteString(`<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="` + o.def.Lang + `">` + "\n")
	fmt.Fprintf(&b, "<title>%s</title>\n<subtitle>%s</subtitle>\n<id>%s/</id>\n<updated>%s</updated>\n",
		esc(o.def.Name), esc(o.def.Tagline), o.base, o.pages[0].Published.Format(time.RFC3339))
	fmt.Fprintf(&b, "<link rel=\"self\" href=\"%s%s\"/>\n<link rel=\"alternate\" href=\"%s/\"/>\n", o.base, o.feedPath(), o.base)
	for _, p := range o.pages {
		fmt.Fprintf(&b, "<entry>\n<title>%s</title>\n<link rel=\"alternate\" href=\"%s\"/>\n<id>%s</id>\n"+
			"<published>%s</published>\n<updated>%s</updated>\n<author><name>%s</name></author>\n<summary>%s</summary>\n</entry>\n",
			esc(p.Title), esc(p.URL), esc(p.URL), p.Published.Format(time.RFC3339), p.Published.Format(time.RFC3339),
			esc(p.Author), esc(p.Summary))
	}
	b.WriteString("</feed>\n")
	return b.Bytes()
}

// newsSitemap lists the articles with Google News fields.
func (o *outlet) newsSitemap() []byte {
	var b bytes.Buffer
	b.WriteString(xml.Header)
	b.WriteString(`<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">` + "\n")
	if !o.def.Index {
		fmt.Fprintf(&b, "<url><loc>%s/</loc><lastmod>%s</lastmod><changefreq>hourly</changefreq></url>\n",
			o.base, o.pages[0].Published.Format(time.RFC3339))
	}
	for _, p := range o.pages {
		fmt.Fprintf(&b, "<url>\n<loc>%s</loc>\n<lastmod>%s</lastmod>\n<news:news>\n<news:publication><news:name>%s</news:name>"+
			"<news:language>%s</news:language></news:publication>\n<news:publication_date>%s</news:publication_date>\n"+
			"<news:title>%s</news:title>\n</news:news>\n</url>\n",
			esc(p.URL), p.Published.Format(time.RFC3339), esc(o.def.Name), p.Lang, p.Published.Format(time.RFC3339), esc(p.Title))
	}
	b.WriteString("</urlset>\n")
	return b.Bytes()
}

func (o *outlet) sectionSitemap() []byte {
	var b bytes.Buffer
	b.WriteString(xml.Header)
	b.WriteString(`<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">` + "\n")
	fmt.Fprintf(&b, "<url><loc>%s/</loc><changefreq>hourly</changefreq></url>\n", o.base)
	for _, s := range o.sections {
		fmt.Fprintf(&b, "<url><loc>%s/section/%s</loc><changefreq>daily</changefreq></url>\n", o.base, esc(s))
	}
	b.WriteString("</urlset>\n")
	return b.Bytes()
}

func (o *outlet) sitemapIndex() []byte {
	var b bytes.Buffer
	mod := o.pages[0].Published.Format(time.RFC3339)
	b.WriteString(xml.Header)
	b.WriteString(`<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">` + "\n")
	for _, p := range []string{"/sitemaps/articles.xml", "/sitemaps/sections.xml"} {
		fmt.Fprintf(&b, "<sitemap><loc>%s%s</loc><lastmod>%s</lastmod></sitemap>\n", o.base, p, mod)
	}
	b.WriteString("</sitemapindex>\n")
	return b.Bytes()
}
