package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/syndex/syndex/config"
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
			root := newRootCommand()
			root.SetOut(&out)
			if code := execute(root, tc.args); code != tc.code {
				t.Fatalf("exit %d, want %d", code, tc.code)
			}
			if !strings.Contains(out.String(), tc.stdout) {
				t.Errorf("stdout %q does not contain %q", out.String(), tc.stdout)
			}
		})
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
