package config

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/syndex/syndex/archive"
)

func writeFile(t *testing.T, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "syndex.yaml")
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

const validSource = `sources:
  - name: a
    seeds: [http://a.example/]
`

// TestLoadErrors has one case per kind of mistake; each message must name
// the file, the line and the field.
func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want string // after "<file>:"
	}{
		{"unknown top-level field", "data: x\nuser_agnet: bot\n", `2: user_agnet: unknown field (known fields at the top level: alerts, collections, contact, crawl, data,`},
		{"unknown nested field", "crawl:\n  delay: 1s\n  max_page: 3\n", "3: crawl.max_page: unknown field (known fields of crawl:"},
		{"unknown source field", validSource + "    seed: [http://b.example/]\n", "4: sources[0].seed: unknown field"},
		{"wrong type int", "crawl:\n  max_pages: lots\n", `2: crawl.max_pages: expected an integer, got "lots"`},
		{"wrong type bool", "crawl:\n  allow_private: yes please\n", `2: crawl.allow_private: expected true or false, got "yes please"`},
		{"wrong type list", "sources:\n  - name: a\n    seeds: http://a.example/\n", `3: sources[0].seeds: expected a list, got "http://a.example/"`},
		{"wrong type mapping", "crawl: fast\n", `1: crawl: expected a mapping of fields, got "fast"`},
		{"wrong type float", "dedup:\n  containment: most\n", `2: dedup.containment: expected a number, got "most"`},
		{"wrong type string", "user_agent:\n  a: b\n", `2: user_agent: expected a string, got a mapping`},
		{"list for a bool", "crawl:\n  allow_private: [true]\n", `2: crawl.allow_private: expected true or false, got a list`},
		{"bad duration", "crawl:\n  delay: 2 seconds\n", `2: crawl.delay: invalid duration "2 seconds"`},
		{"bad size", "crawl:\n  body_cap: huge\n", `2: crawl.body_cap: invalid size "huge"`},
		{"bad cron expression", validSource + "    schedule: \"61 * * * *\"\n", `4: sources[0].schedule: invalid cron expression "61 * * * *"`},
		{"bad cron field count", validSource + "    recrawl: \"* * *\"\n", `4: sources[0].recrawl: invalid cron expression`},
		{"interval too short", validSource + "    schedule: 10ms\n", `4: sources[0].schedule: interval "10ms" is shorter than 1s`},
		{"bad URL", "sources:\n  - name: a\n    seeds:\n      - http://ok.example/\n      - not a url\n", `5: sources[0].seeds[1]: "not a url" is not an absolute http(s) URL`},
		{"relative feed URL", "sources:\n  - name: a\n    feeds: [/feed.xml]\n", `3: sources[0].feeds[0]: "/feed.xml" is not an absolute http(s) URL`},
		{"empty source name", "sources:\n  - seeds: [http://a.example/]\n", `2: sources[0].name: must not be empty`},
		{"blank source name", "sources:\n  - name: \"  \"\n    seeds: [http://a.example/]\n", `2: sources[0].name: must not be empty`},
		{"duplicate source name", validSource + "  - name: a\n    feeds: [http://a.example/f]\n", `4: sources[1].name: "a" is already the name of sources[0]`},
		{"source without URLs", "sources:\n  - name: a\n", `2: sources[0]: needs at least one of seeds, sitemaps or feeds`},
		{"negative max pages", "crawl:\n  max_pages: -1\n", `2: crawl.max_pages: must not be negative, got -1`},
		{"negative depth", "crawl:\n  max_depth: -2\n", `2: crawl.max_depth: must not be negative`},
		{"negative feed cap", "crawl:\n  max_feeds_per_host: -1\n", `2: crawl.max_feeds_per_host: must not be negative`},
		{"negative delay", "crawl:\n  delay: -1s\n", `2: crawl.delay: must not be negative`},
		{"negative source delay", validSource + "    delay: -5s\n", `4: sources[0].delay: must not be negative`},
		{"bad regexp", "crawl:\n  exclude: ['(']\n", "2: crawl.exclude[0]: invalid regexp"},
		{"dedup out of range", "dedup:\n  shingle: 9\n", "2: dedup.shingle: must be between 1 and 8"},
		{"dedup negative", "dedup:\n  containment: -0.5\n", "2: dedup.containment: must be in (0, 1]"},
		{"bad analyzer", "index:\n  analyzer: klingon\n", `2: index.analyzer: "klingon" is not one of auto, standard`},
		{"bad serve addr", "serve:\n  addr: localhost\n", `2: serve.addr: "localhost" is not host:port`},
		{"bad contact", "contact: call me\n", `1: contact: "call me" is neither an http(s) URL nor an e-mail address`},
		{"duplicate key", "data: a\ndata: b\n", "2: data: set twice"},
		{"yaml syntax", "data: x\nuser_agent: a: b\n", "2: YAML syntax: mapping values are not allowed in this context"},
		{"unknown title source", "extract:\n  site_profiles:\n    a.example: {title: og:title}\n    b.example: {title: headline}\n", `4: extract.site_profiles["b.example"].title: "headline" is not one of og:title, json-ld, auto`},
		{"title source in upper case", "extract:\n  site_profiles:\n    a.example:\n      title: OG:TITLE\n", `4: extract.site_profiles["a.example"].title: "OG:TITLE" is not one of`},
		{"missing title source", "extract:\n  site_profiles:\n    a.example: {}\n", `3: extract.site_profiles["a.example"].title: must be set to one of og:title, json-ld, auto`},
		{"null profile", "extract:\n  site_profiles:\n    a.example:\n", `3: extract.site_profiles["a.example"].title: must be set`},
		{"empty site", "extract:\n  site_profiles:\n    \"\": {title: json-ld}\n", `3: extract.site_profiles[""]: site must not be empty`},
		{"null site", "extract:\n  site_profiles:\n    ~: {title: json-ld}\n", `3: extract.site_profiles[""]: site must not be empty`},
		{"site with scheme", "extract:\n  site_profiles:\n    https://a.example/: {title: json-ld}\n", `3: extract.site_profiles["https://a.example/"]: "https://a.example/" is not a site as syndex names them`},
		{"site with www", "extract:\n  site_profiles:\n    www.a.example: {title: json-ld}\n", `3: extract.site_profiles["www.a.example"]: "www.a.example" is not a site`},
		{"site in upper case", "extract:\n  site_profiles:\n    A.example: {title: json-ld}\n", `3: extract.site_profiles["A.example"]: "A.example" is not a site`},
		{"site with port", "extract:\n  site_profiles:\n    a.example:8080: {title: json-ld}\n", `3: extract.site_profiles["a.example:8080"]: "a.example:8080" is not a site`},
		{"site profiles not a mapping", "extract:\n  site_profiles: [a.example]\n", `2: extract.site_profiles: expected a mapping, got a list`},
		{"profile not a mapping", "extract:\n  site_profiles:\n    a.example: og:title\n", `3: extract.site_profiles["a.example"]: expected a mapping of fields, got "og:title"`},
		{"unknown profile field", "extract:\n  site_profiles:\n    a.example: {headline: og:title}\n", `3: extract.site_profiles["a.example"].headline: unknown field (known fields of extract.site_profiles["a.example"]: title)`},
		{"site set twice", "extract:\n  site_profiles:\n    a.example: {title: og:title}\n    a.example: {title: json-ld}\n", `4: extract.site_profiles["a.example"]: set twice`},
		{"unknown extract field", "extract:\n  profiles: {}\n", `2: extract.profiles: unknown field (known fields of extract: lazy_fallback, site_profiles)`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := writeFile(t, tc.yaml)
			c, err := Load(p)
			if err == nil {
				t.Fatalf("Load accepted %q: %+v", tc.yaml, c)
			}
			if want := p + ":" + tc.want; !strings.HasPrefix(err.Error(), want) {
				t.Errorf("error\n  %s\nwant prefix\n  %s", err, want)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error spans lines: %q", err)
			}
		})
	}
}

func TestLoadReportsEveryProblem(t *testing.T) {
	p := writeFile(t, "crawl:\n  max_pages: -1\n  max_depth: -1\nserve:\n  addr: nowhere\n")
	_, err := Load(p)
	e, ok := asError(err)
	if !ok || len(e.Problems) != 3 {
		t.Fatalf("want 3 problems, got %v", err)
	}
	if !strings.HasSuffix(err.Error(), "(and 2 more problems)") {
		t.Errorf("summary %q", err)
	}
	lines := []int{e.Problems[0].Line, e.Problems[1].Line, e.Problems[2].Line}
	if lines[0] != 2 || lines[1] != 3 || lines[2] != 5 {
		t.Errorf("lines %v, want [2 3 5]", lines)
	}
}

func TestLoadReportsDecodeAndValueProblemsTogether(t *testing.T) {
	p := writeFile(t, "crawl:\n  delay: soon\nsources:\n  - seeds: [x]\n")
	_, err := Load(p)
	e, ok := asError(err)
	if !ok {
		t.Fatalf("got %v", err)
	}
	var got []string
	for _, pr := range e.Problems {
		got = append(got, fmt.Sprintf("%d %s", pr.Line, pr.Field))
	}
	want := []string{"2 crawl.delay", "4 sources[0].name", "4 sources[0].seeds[0]"}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("problems %v, want %v", got, want)
	}
}

func TestLoadMissingFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "nope.yaml")
	_, err := Load(p)
	if err == nil || err.Error() != "config file "+p+" does not exist" {
		t.Errorf("got %v", err)
	}
}

func TestExampleLoads(t *testing.T) {
	p := writeFile(t, Example())
	c, err := Load(p)
	if err != nil {
		t.Fatalf("Example does not load: %v", err)
	}
	if got := c.Data; got != filepath.Join(filepath.Dir(p), "syndex-data") {
		t.Errorf("data %q not resolved against the config file", got)
	}
	if len(c.Sources) != 2 || c.Sources[0].Name != "harbor-ledger" || c.Sources[1].Delay.D() != 5*time.Second {
		t.Errorf("sources %+v", c.Sources)
	}
	if c.Sources[0].Schedule.Interval() != 15*time.Minute || c.Sources[1].Schedule.Interval() != time.Hour {
		t.Errorf("schedules %s, %s", c.Sources[0].Schedule, c.Sources[1].Schedule)
	}
	if c.Crawl.BodyCap != 10<<20 || c.Crawl.PerHostBudget != 500 || len(c.Crawl.Exclude) != 2 {
		t.Errorf("crawl %+v", c.Crawl)
	}
	if !c.Sources[0].AutoDiscover() || !c.Sources[1].AutoDiscover() {
		t.Error("discover should default to true")
	}
	if c.UserAgentString() != "syndex/0.1 (+https://example.org/about-our-crawler)" {
		t.Errorf("user agent %q", c.UserAgentString())
	}
	if len(c.Extract.SiteProfiles) != 0 {
		t.Errorf("the example sets site profiles: %v", c.Extract.SiteProfiles)
	}
	// The commented site profiles load once uncommented.
	on := strings.ReplaceAll(Example(), "    # example.com:", "    example.com:")
	on = strings.ReplaceAll(on, "    # news.example.org:", "    news.example.org:")
	c, err = Load(writeFile(t, on))
	if err != nil {
		t.Fatalf("uncommented site profiles do not load: %v", err)
	}
	if p := c.Extract.SiteProfiles; len(p) != 2 || p["example.com"].Title != "og:title" || p["news.example.org"].Title != "json-ld" {
		t.Errorf("uncommented site profiles %v", p)
	}
}

func TestDefaultsSurviveEmptyAndPartialFiles(t *testing.T) {
	tests := []struct {
		name  string
		yaml  string
		check func(*Config) bool
	}{
		{"empty file", "", func(c *Config) bool { return c.Crawl.Delay.D() == time.Second && c.Serve.Addr == "127.0.0.1:8080" }},
		{"comment only", "# nothing\n", func(c *Config) bool { return c.Index.BatchSize == archive.DefaultIndexBatch }},
		{"empty section", "crawl:\n", func(c *Config) bool { return c.Crawl.Timeout.D() == time.Minute }},
		{"one field", "crawl:\n  delay: 3s\n", func(c *Config) bool { return c.Crawl.Delay.D() == 3*time.Second && c.Crawl.MaxDepth == 10 }},
		{"dedup partial", "dedup:\n  shingle: 5\n", func(c *Config) bool {
			return c.Dedup.Shingle == 5 && c.Dedup.Containment == 0
		}},
		{"discover off", validSource + "    discover: false\n", func(c *Config) bool { return !c.Sources[0].AutoDiscover() }},
		{"absolute data", "data: /srv/syndex\n", func(c *Config) bool { return c.Data == "/srv/syndex" }},
		{"no site profiles", "extract:\n", func(c *Config) bool { return c.Extract.SiteProfiles == nil }},
		{"site profiles", "extract:\n  site_profiles:\n    a.example: {title: og:title}\n    news.b.example:\n      title: json-ld\n    c.example: {title: auto}\n",
			func(c *Config) bool {
				p := c.Extract.SiteProfiles
				return len(p) == 3 && p["a.example"].Title == "og:title" && p["news.b.example"].Title == "json-ld" && p["c.example"].Title == "auto"
			}},
	}
	if err := Default().Validate(); err != nil {
		t.Fatalf("Default is invalid: %v", err)
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Load(writeFile(t, tc.yaml))
			if err != nil {
				t.Fatal(err)
			}
			if !tc.check(c) {
				t.Errorf("unexpected config %+v", c)
			}
		})
	}
}

func TestSchedule(t *testing.T) {
	base := time.Date(2026, 3, 2, 10, 17, 0, 0, time.UTC)
	tests := []struct {
		expr string
		next time.Time
	}{
		{"15m", base.Add(15 * time.Minute)},
		{"@every 2h", base.Add(2 * time.Hour)},
		{"0 */6 * * *", time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)},
		{"@daily", time.Date(2026, 3, 3, 0, 0, 0, 0, time.UTC)},
		{"30 3 * * 0", time.Date(2026, 3, 8, 3, 30, 0, 0, time.UTC)},
	}
	for _, tc := range tests {
		s, err := ParseSchedule(tc.expr)
		if err != nil {
			t.Errorf("%s: %v", tc.expr, err)
			continue
		}
		if got := s.Next(base); !got.Equal(tc.next) {
			t.Errorf("%s: next %s, want %s", tc.expr, got, tc.next)
		}
		if s.String() != tc.expr || s.IsZero() {
			t.Errorf("%s: String %q", tc.expr, s)
		}
	}
	if !(Schedule{}).Next(base).IsZero() {
		t.Error("zero schedule fires")
	}
	for _, bad := range []string{"", "@every", "@every soon", "every day", "* * * * * * *", "@fortnightly"} {
		if _, err := ParseSchedule(bad); err == nil {
			t.Errorf("ParseSchedule(%q) succeeded", bad)
		}
	}
}

func TestByteSize(t *testing.T) {
	tests := []struct {
		in   string
		want ByteSize
		ok   bool
	}{
		{"1048576", 1 << 20, true},
		{"10MiB", 10 << 20, true},
		{"512KB", 512000, true},
		{"1.5k", 1536, true},
		{"2 GiB", 2 << 30, true},
		{"MB", 0, false},
		{"ten", 0, false},
	}
	for _, tc := range tests {
		var b ByteSize
		err := b.parseScalar(tc.in)
		if (err == nil) != tc.ok || (tc.ok && b != tc.want) {
			t.Errorf("%q: got %d, %v; want %d ok=%v", tc.in, b, err, tc.want, tc.ok)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add(Example())
	f.Add("crawl:\n  delay: 1s\n")
	f.Add("sources:\n  - name: a\n    seeds: [http://a/]\n    schedule: '@every 1m'\n")
	f.Fuzz(func(t *testing.T, text string) {
		c, err := Parse("f.yaml", []byte(text))
		if err == nil {
			if verr := c.Validate(); verr != nil {
				t.Fatalf("Parse accepted a config Validate rejects: %v", verr)
			}
			return
		}
		if !strings.HasPrefix(err.Error(), "f.yaml") {
			t.Fatalf("error does not name the file: %v", err)
		}
	})
}

func TestCollectionsAndAlerts(t *testing.T) {
	good := `collections:
  state-media: [rt.example, sputnik.example]
  watched_origins: [ledger.example]
alerts:
  file: my-alerts.jsonl
  webhook: {url: "https://hooks.example/syndex", timeout: 5s, retries: 3, backoff: 1s, headers: {Authorization: "Bearer x"}}
  rules:
    - {name: budget, query: '"city council" +budget', sites: [state-media, copier.example], lang: en}
    - {name: laundering, watch: copies, copier: [state-media], origin: ["@watched_origins"]}
    - {name: viral, watch: reach, count: 10}
`
	c, err := Parse("good.yaml", []byte(good))
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.ExpandSites([]string{"state-media", "www.Other.example", "@watched_origins", "rt.example"})
	if err != nil || strings.Join(got, ",") != "rt.example,sputnik.example,other.example,ledger.example" {
		t.Errorf("ExpandSites = %v, %v", got, err)
	}
	for _, v := range []string{"@nope", "statemedia"} {
		if _, err := c.ExpandSites([]string{v}); err == nil || !strings.Contains(err.Error(), "collections: state-media, watched_origins") {
			t.Errorf("ExpandSites(%q): %v", v, err)
		}
	}
	if of := c.CollectionsOf(); strings.Join(of["rt.example"], ",") != "state-media" || len(of["other.example"]) != 0 {
		t.Errorf("CollectionsOf = %v", of)
	}
	for _, tc := range []struct{ name, yaml, want string }{
		{"collection name with a dot", "collections: {a.b: [x.example]}", `collections["a.b"]: a collection name`},
		{"bad site in collection", "collections: {c: [http://x.example/]}", `collections["c"][0]: "http://x.example/" is not a site`},
		{"empty collection", "collections: {c: []}", `collections["c"]: lists no sites`},
		{"rule without kind", "alerts: {rules: [{name: a}]}", "alerts.rules[0]: needs a query"},
		{"both kinds", "alerts: {rules: [{name: a, query: x, watch: reach, count: 2}]}", "alerts.rules[0]: is a saved search (query) or a watch"},
		{"unknown watch", "alerts: {rules: [{name: a, watch: stars}]}", `alerts.rules[0].watch: "stars" is not copies or reach`},
		{"reach without count", "alerts: {rules: [{name: a, watch: reach}]}", "alerts.rules[0].count: watch reach needs"},
		{"copies without sites", "alerts: {rules: [{name: a, watch: copies}]}", "alerts.rules[0]: watch copies needs an origin"},
		{"unknown collection", "alerts: {rules: [{name: a, watch: copies, origin: [nope]}]}", `alerts.rules[0].origin[0]: "nope" is neither a site`},
		{"duplicate rule", "alerts: {rules: [{name: a, query: x}, {name: a, query: y}]}", `alerts.rules[1].name: "a" is already the name of alerts.rules[0]`},
		{"bad webhook", "alerts: {webhook: {url: ftp://x, retries: -1}}", `alerts.webhook.url: "ftp://x" is not an absolute http(s) URL`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("c.yaml", []byte(tc.yaml))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want it to contain %q", err, tc.want)
			}
		})
	}
}
