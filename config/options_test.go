package config_test

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/syndex/syndex/config"
	"github.com/syndex/syndex/dedup"
	"github.com/syndex/syndex/extract"
)

func TestForPackages(t *testing.T) {
	c, err := config.Parse("t.yaml", []byte(config.Example()))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		got  any
		want any
	}{
		{"global delay", c.ForCrawler(nil).Delay, 2 * time.Second},
		{"source delay", c.ForCrawler(&c.Sources[1]).Delay, 5 * time.Second},
		{"source max pages", c.ForCrawler(&c.Sources[1]).MaxPages, 2000},
		{"seeds", c.ForCrawler(&c.Sources[0]).Seeds[0], "https://ledger.example/"},
		{"include merged", len(c.ForCrawler(&c.Sources[0]).Include), 1},
		{"body cap", c.ForCrawler(nil).MaxBodySize, int64(10 << 20)},
		// One pass over every source: their seeds, feeds, sitemaps and
		// scope together, the global delay and budget.
		{"all sources: seeds", strings.Join(c.ForAllSources().Seeds, " "), "https://ledger.example/ https://coastwire.example/"},
		{"all sources: feeds", strings.Join(c.ForAllSources().Feeds, " "), "https://ledger.example/feed.xml"},
		{"all sources: sitemaps", len(c.ForAllSources().Sitemaps), 1},
		{"all sources: include", len(c.ForAllSources().Include), 1},
		{"all sources: global delay", c.ForAllSources().Delay, 2 * time.Second},
		{"all sources: global budget", c.ForAllSources().MaxPages, c.Crawl.MaxPages},
		{"user agent", c.ForCrawler(nil).UserAgent, "syndex/0.1 (+https://example.org/about-our-crawler)"},
		// No contact configured: the crawler's default, which names a contact URL.
		{"default user agent", config.Default().ForCrawler(nil).UserAgent, ""},
		{"dedup shingle", c.ForDedup().Shingle, 3},
		{"dedup default kept", config.Default().ForDedup().Sample, dedup.DefaultConfig().Sample},
		{"dedup furniture sites", c.ForDedup().FurnitureSites, 6},
	}
	for _, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("%s: got %v, want %v", tc.name, tc.got, tc.want)
		}
	}
	if err := c.ForDedup().Validate(); err != nil {
		t.Errorf("mapped dedup config invalid: %v", err)
	}
}

// twoHeadlines is a page whose social title ("The ferry is back") and
// JSON-LD headline differ; the general rules choose the headline.
const (
	twoHeadlines    = "../extract/testdata/two_headlines.html"
	twoHeadlinesURL = "https://www.gullport-gazette.test/2025/03/ferry"
	socialTitle     = "The ferry is back"
	headlineTitle   = "Harbour ferry returns after a winter of repairs"
)

// TestForExtract maps extract.site_profiles onto extract.Options
// and checks the title each mapping gives the two-headline page.
func TestForExtract(t *testing.T) {
	page, err := os.ReadFile(twoHeadlines)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		yaml     string
		profiles int
		title    string
		url      string // default twoHeadlinesURL
	}{
		{"no extract section", "", 0, headlineTitle, ""},
		{"og:title", "extract:\n  site_profiles:\n    gullport-gazette.test: {title: og:title}\n", 1, socialTitle, ""},
		{"json-ld", "extract:\n  site_profiles:\n    gullport-gazette.test: {title: json-ld}\n", 1, headlineTitle, ""},
		{"auto", "extract:\n  site_profiles:\n    gullport-gazette.test: {title: auto}\n", 1, headlineTitle, ""},
		{"a name that only ends alike", "extract:\n  site_profiles:\n    gazette.test: {title: og:title}\n", 1, headlineTitle, ""},
		{"subdomain uses its parent's entry", "extract:\n  site_profiles:\n    gullport-gazette.test: {title: og:title}\n", 1, socialTitle, "https://news.gullport-gazette.test/ferry"},
		{"subdomain's own auto entry wins", "extract:\n  site_profiles:\n    gullport-gazette.test: {title: og:title}\n    news.gullport-gazette.test: {title: auto}\n", 2, headlineTitle, "https://news.gullport-gazette.test/ferry"},
		{"other site", "extract:\n  site_profiles:\n    other.test: {title: og:title}\n    gullport-gazette.test: {title: json-ld}\n", 2, headlineTitle, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := config.Parse("t.yaml", []byte(tc.yaml))
			if err != nil {
				t.Fatal(err)
			}
			opt, err := c.ForExtract()
			if err != nil {
				t.Fatal(err)
			}
			if len(opt.SiteProfiles) != tc.profiles {
				t.Errorf("%d profiles, want %d: %v", len(opt.SiteProfiles), tc.profiles, opt.SiteProfiles)
			}
			u := tc.url
			if u == "" {
				u = twoHeadlinesURL
			}
			res, err := extract.New(opt).Extract(context.Background(), extract.Input{URL: u, HTML: page})
			if err != nil {
				t.Fatal(err)
			}
			if res.Article.Title != tc.title {
				t.Errorf("title %q, want %q", res.Article.Title, tc.title)
			}
		})
	}
	// Every title source the config accepts is one extract knows.
	for _, src := range config.TitleSources {
		if _, err := extract.ParseTitleSource(src); err != nil {
			t.Errorf("config accepts %q, extract does not: %v", src, err)
		}
	}
	// A config built in code, not validated, still fails cleanly.
	c := config.Default()
	c.Extract.SiteProfiles = map[string]config.SiteProfile{"a.example": {Title: "headline"}}
	if _, err := c.ForExtract(); err == nil || !strings.Contains(err.Error(), `extract.site_profiles["a.example"].title`) {
		t.Errorf("unknown title source: err %v", err)
	}
}

// TestFurnitureSites: dedup.furniture_sites sets the furniture rule's
// minimum, -1 turns the rule off, 0 keeps the default, 1 is refused.
func TestFurnitureSites(t *testing.T) {
	for _, tc := range []struct {
		yaml string
		want int
		bad  bool
	}{
		{"dedup: {furniture_sites: 3}\n", 3, false},
		{"dedup: {furniture_sites: -1}\n", 0, false},
		{"dedup: {furniture_sites: 0}\n", dedup.DefaultConfig().FurnitureSites, false},
		{"dedup: {furniture_sites: 1}\n", 0, true},
	} {
		c, err := config.Parse("t.yaml", []byte(tc.yaml))
		if tc.bad {
			if err == nil || !strings.Contains(err.Error(), "dedup.furniture_sites") {
				t.Errorf("%q: error %v, want one naming dedup.furniture_sites", tc.yaml, err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%q: %v", tc.yaml, err)
		}
		if got := c.ForDedup().FurnitureSites; got != tc.want {
			t.Errorf("%q: furniture sites %d, want %d", tc.yaml, got, tc.want)
		}
	}
}

// TestRewrite: dedup.rewrite sets the rewrite rule's share, -1 turns the
// rule off, 0 keeps the default, a share above 1 is refused.
func TestRewrite(t *testing.T) {
	for _, tc := range []struct {
		yaml string
		want float64
		bad  bool
	}{
		{"dedup: {rewrite: 0.4}\n", 0.4, false},
		{"dedup: {rewrite: -1}\n", 0, false},
		{"dedup: {rewrite: 0}\n", dedup.DefaultConfig().Rewrite, false},
		{"dedup: {rewrite: 1.5}\n", 0, true},
		{"dedup: {rewrite: -0.5}\n", 0, true},
	} {
		c, err := config.Parse("t.yaml", []byte(tc.yaml))
		if tc.bad {
			if err == nil || !strings.Contains(err.Error(), "dedup.rewrite") {
				t.Errorf("%q: error %v, want one naming dedup.rewrite", tc.yaml, err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%q: %v", tc.yaml, err)
		}
		if got := c.ForDedup().Rewrite; got != tc.want {
			t.Errorf("%q: rewrite %g, want %g", tc.yaml, got, tc.want)
		}
	}
}

// TestAlign: dedup.align sets the sentence-alignment rule's share, -1
// turns the rule off, 0 keeps the default, a share above 1 is refused.
func TestAlign(t *testing.T) {
	for _, tc := range []struct {
		yaml string
		want float64
		bad  bool
	}{
		{"dedup: {align: 0.7}\n", 0.7, false},
		{"dedup: {align: -1}\n", 0, false},
		{"dedup: {align: 0}\n", dedup.DefaultConfig().Align, false},
		{"dedup: {align: 1.5}\n", 0, true},
		{"dedup: {align: -0.5}\n", 0, true},
	} {
		c, err := config.Parse("t.yaml", []byte(tc.yaml))
		if tc.bad {
			if err == nil || !strings.Contains(err.Error(), "dedup.align") {
				t.Errorf("%q: error %v, want one naming dedup.align", tc.yaml, err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%q: %v", tc.yaml, err)
		}
		if got := c.ForDedup().Align; got != tc.want {
			t.Errorf("%q: align %g, want %g", tc.yaml, got, tc.want)
		}
	}
}

// TestVerify: dedup.verify sets the verifying stage's share, -1 turns
// the stage off, 0 keeps the default, a share above 1 is refused.
func TestVerify(t *testing.T) {
	for _, tc := range []struct {
		yaml string
		want float64
		bad  bool
	}{
		{"dedup: {verify: 0.8}\n", 0.8, false},
		{"dedup: {verify: -1}\n", 0, false},
		{"dedup: {verify: 0}\n", dedup.DefaultConfig().Verify, false},
		{"dedup: {verify: 1.5}\n", 0, true},
		{"dedup: {verify: -0.5}\n", 0, true},
	} {
		c, err := config.Parse("t.yaml", []byte(tc.yaml))
		if tc.bad {
			if err == nil || !strings.Contains(err.Error(), "dedup.verify") {
				t.Errorf("%q: error %v, want one naming dedup.verify", tc.yaml, err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%q: %v", tc.yaml, err)
		}
		if got := c.ForDedup().Verify; got != tc.want {
			t.Errorf("%q: verify %g, want %g", tc.yaml, got, tc.want)
		}
	}
}
