package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/syndex/syndex/config"
	"github.com/syndex/syndex/dedup"
	"github.com/syndex/syndex/extract"
)

func TestConfigCommands(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.yaml")
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(good, []byte(config.Example()), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bad, []byte("crawl:\n  max_pages: -1\n  delay: soon\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		args   []string
		code   int
		stdout string
	}{
		{"example", []string{"config", "example"}, 0, "sources:"},
		{"check good", []string{"config", "check", good}, 0, good + ": ok (2 sources)"},
		{"check via --config", []string{"config", "check", "--config", good}, 0, "ok (2 sources)"},
		{"check bad", []string{"config", "check", bad}, 2, ""},
		{"check missing", []string{"config", "check", filepath.Join(dir, "none.yaml")}, 2, ""},
		{"too many args", []string{"config", "check", good, bad}, 2, ""},
		{"example takes no args", []string{"config", "example", "x"}, 2, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			rootCmd.SetOut(&out)
			defer rootCmd.SetOut(nil)
			if f := configCheckCmd.Flags().Lookup("config"); f != nil {
				_ = f.Value.Set("")
			}
			if code := run(tc.args); code != tc.code {
				t.Fatalf("exit %d, want %d", code, tc.code)
			}
			if !strings.Contains(out.String(), tc.stdout) {
				t.Errorf("stdout %q does not contain %q", out.String(), tc.stdout)
			}
		})
	}
}

func TestConfigMapping(t *testing.T) {
	c, err := config.Parse("t.yaml", []byte(config.Example()))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		got  any
		want any
	}{
		{"global delay", fileCrawlerConfig(c, nil).Delay, 2 * time.Second},
		{"source delay", fileCrawlerConfig(c, &c.Sources[1]).Delay, 5 * time.Second},
		{"source max pages", fileCrawlerConfig(c, &c.Sources[1]).MaxPages, 2000},
		{"seeds", fileCrawlerConfig(c, &c.Sources[0]).Seeds[0], "https://ledger.example/"},
		{"include merged", len(fileCrawlerConfig(c, &c.Sources[0]).Include), 1},
		{"body cap", fileCrawlerConfig(c, nil).MaxBodySize, int64(10 << 20)},
		{"user agent", fileCrawlerConfig(c, nil).UserAgent, "syndex/0.1 (+https://example.org/about-our-crawler)"},
		// No contact configured: the crawler's default, which names a contact URL.
		{"default user agent", fileCrawlerConfig(config.Default(), nil).UserAgent, ""},
		{"dedup shingle", fileDedupConfig(c).Shingle, 3},
		{"dedup default kept", fileDedupConfig(config.Default()).Sample, dedup.DefaultConfig().Sample},
	}
	for _, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("%s: got %v, want %v", tc.name, tc.got, tc.want)
		}
	}
	if err := fileDedupConfig(c).Validate(); err != nil {
		t.Errorf("mapped dedup config invalid: %v", err)
	}
}

// twoHeadlines is a page whose social title ("The ferry is back") and
// JSON-LD headline differ; the general rules choose the headline.
const (
	twoHeadlines    = "../../extract/testdata/two_headlines.html"
	twoHeadlinesURL = "https://www.gullport-gazette.test/2025/03/ferry"
	socialTitle     = "The ferry is back"
	headlineTitle   = "Harbour ferry returns after a winter of repairs"
)

// TestConfigExtractOptions maps extract.site_profiles onto extract.Options
// and checks the title each mapping gives the two-headline page.
func TestConfigExtractOptions(t *testing.T) {
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
			opt, err := fileExtractOptions(c)
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
	if _, err := fileExtractOptions(c); err == nil || !strings.Contains(err.Error(), `extract.site_profiles["a.example"].title`) {
		t.Errorf("unknown title source: err %v", err)
	}
}

// TestConfigSiteProfilesCommand runs `syndex extract --config FILE`: a
// profile in the file sets the title; a bad one exits 2 naming file:line.
func TestConfigSiteProfilesCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test builds and runs the binary")
	}
	work := t.TempDir()
	page, err := filepath.Abs(twoHeadlines)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		yaml  string
		code  int
		title string // exit 0: the extracted title
		want  string // exit 2: stderr contains "<file>:" + want
	}{
		{"og:title profile", "extract:\n  site_profiles:\n    gullport-gazette.test: {title: og:title}\n", 0, socialTitle, ""},
		{"json-ld profile", "extract:\n  site_profiles:\n    gullport-gazette.test:\n      title: json-ld\n", 0, headlineTitle, ""},
		{"no profiles", "crawl:\n  delay: 1s\n", 0, headlineTitle, ""},
		{"unknown title source", "extract:\n  site_profiles:\n    gullport-gazette.test: {title: og_title}\n", 2, "", `3: extract.site_profiles["gullport-gazette.test"].title: "og_title" is not one of og:title, json-ld, auto`},
		{"empty site", "extract:\n  site_profiles:\n    a.example: {title: auto}\n    \"\": {title: og:title}\n", 2, "", `4: extract.site_profiles[""]: site must not be empty`},
		{"site as URL", "extract:\n  site_profiles:\n    https://gullport-gazette.test: {title: og:title}\n", 2, "", `3: extract.site_profiles["https://gullport-gazette.test"]: "https://gullport-gazette.test" is not a site`},
		{"missing title", "\nextract:\n  site_profiles:\n    gullport-gazette.test:\n", 2, "", `4: extract.site_profiles["gullport-gazette.test"].title: must be set`},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := filepath.Join(work, fmt.Sprintf("c%d.yaml", i))
			if err := os.WriteFile(cfg, []byte(tc.yaml), 0o644); err != nil {
				t.Fatal(err)
			}
			r := syndex(t, work, "extract", "--config", cfg, "--url", twoHeadlinesURL, page)
			if r.code != tc.code {
				t.Fatalf("exit %d, want %d; stderr %q", r.code, tc.code, r.stderr)
			}
			if tc.code != 0 {
				if !strings.Contains(r.stderr, cfg+":"+tc.want) || strings.Count(strings.TrimSpace(r.stderr), "\n") > 0 {
					t.Errorf("stderr %q; want one line containing %q", r.stderr, cfg+":"+tc.want)
				}
				return
			}
			var a struct {
				Title string `json:"title"`
			}
			if err := json.Unmarshal([]byte(r.stdout), &a); err != nil {
				t.Fatalf("output %q: %v", r.stdout, err)
			}
			if a.Title != tc.title {
				t.Errorf("title %q, want %q", a.Title, tc.title)
			}
		})
	}
}
