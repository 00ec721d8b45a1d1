package robots

import (
	"net/url"
	"testing"
	"time"
)

// FuzzRobots: any robots.txt body parses without panicking, and any path
// gets an answer.
func FuzzRobots(f *testing.F) {
	f.Add(200, []byte("User-agent: *\nDisallow: /private/\nCrawl-delay: 2\nSitemap: http://x/s.xml\n"), "/private/a")
	f.Add(200, []byte("User-agent: syndex\nAllow: /$\nDisallow: /*?\n"), "/a?b")
	f.Add(503, []byte(""), "/")
	f.Add(200, []byte("\xff\xfe\x00garbage\nDisallow: [\n"), "/%zz")
	f.Fuzz(func(t *testing.T, status int, body []byte, path string) {
		r := Parse(status, body, "syndex", time.Now())
		if r == nil {
			t.Fatal("nil robots")
		}
		if r.CrawlDelay < 0 {
			t.Fatalf("negative crawl delay %v", r.CrawlDelay)
		}
		u, err := url.Parse("http://x.example" + path)
		if err != nil {
			return
		}
		r.Allowed(u)
		if (status >= 500 || status == 0 || status == 429) && r.Allowed(u) {
			t.Fatalf("status %d allows %s", status, path)
		}
	})
}

func TestRobotsStatus(t *testing.T) {
	body := []byte("User-agent: *\nDisallow: /private/\nCrawl-delay: 2\n\nUser-agent: syndex\nDisallow: /nosyndex\nCrawl-delay: 0.5\nSitemap: http://x/sm.xml\n")
	tests := []struct {
		status int
		path   string
		allow  bool
	}{
		{200, "/ok", true},
		{200, "/nosyndex/a", false},
		{200, "/private/a", true}, // the syndex group replaces the * group
		{404, "/anything", true},
		{410, "/anything", true},
		{500, "/anything", false},
		{503, "/", false},
		{429, "/", false},
		{0, "/", false},
	}
	for _, tc := range tests {
		r := Parse(tc.status, body, "syndex", time.Now())
		u, _ := url.Parse("http://x" + tc.path)
		if got := r.Allowed(u); got != tc.allow {
			t.Errorf("status %d %s: allowed=%v, want %v", tc.status, tc.path, got, tc.allow)
		}
	}
	r := Parse(200, body, "syndex", time.Now())
	if r.CrawlDelay != 500*time.Millisecond || len(r.Sitemaps) != 1 {
		t.Errorf("crawl delay %v, sitemaps %v", r.CrawlDelay, r.Sitemaps)
	}
}

func TestProductToken(t *testing.T) {
	for ua, want := range map[string]string{
		"syndex/0.1.0 (+https://example.org/bot)": "syndex",
		"Syndex":          "syndex",
		"MyBot crawler/2": "mybot",
		"":                "",
	} {
		if got := ProductToken(ua); got != want {
			t.Errorf("ProductToken(%q) = %q, want %q", ua, got, want)
		}
	}
}

func TestURL(t *testing.T) {
	u, _ := url.Parse("https://news.example:8443/a/b?c=d#e")
	if got, want := URL(u), "https://news.example:8443/robots.txt"; got != want {
		t.Errorf("URL = %q, want %q", got, want)
	}
}
