package config

import (
	"strings"
)

// Example returns a commented configuration that Load accepts, printed by
// `syndex config example` and shown in the README. Each setting's line is
// written from the table of Settings (its value: the example's, else the
// default; its comment: the setting's doc), into the layout below.
func Example() string {
	var b strings.Builder
	def := Default()
	for line := range strings.Lines(exampleLayout) {
		t := strings.TrimSpace(line)
		if !strings.HasPrefix(t, "{{") || !strings.HasSuffix(t, "}}") {
			b.WriteString(line)
			continue
		}
		key := strings.TrimSuffix(strings.TrimPrefix(t, "{{"), "}}")
		s, ok := Lookup(key)
		if !ok {
			panic("config: example names an unknown setting " + key)
		}
		indent := line[:len(line)-len(strings.TrimLeft(line, " "))]
		b.WriteString(settingLine(indent, s, def))
	}
	return b.String()
}

// settingLine writes one setting as `key: value  # doc`; a doc too long
// for the line goes above it, wrapped.
func settingLine(indent string, s Setting, def *Config) string {
	value := s.Example
	if value == "" {
		value, _ = def.Value(s.Key)
	}
	leaf := s.Key[strings.LastIndexByte(s.Key, '.')+1:]
	kv := indent + leaf + ": " + value
	const commentCol, width = 25, 120
	if pad := max(commentCol-len(kv), 1); len(kv)+pad+2+len(s.Doc) <= width {
		return kv + strings.Repeat(" ", pad) + "# " + s.Doc + "\n"
	}
	var b strings.Builder
	line := indent + "#"
	for _, w := range strings.Fields(s.Doc) {
		if len(line)+1+len(w) > 80 && line != indent+"#" {
			b.WriteString(line + "\n")
			line = indent + "#"
		}
		line += " " + w
	}
	b.WriteString(line + "\n")
	return b.String() + kv + "\n"
}

// exampleLayout is the example's text; a line {{key}} stands for the
// setting key (see settingLine).
const exampleLayout = `# syndex.yaml: configuration of one syndex archive.
# Every field is optional; what is left out keeps its default.
# Durations: 500ms, 2s, 1h30m. Sizes: 512KB, 10MiB. Schedules: an interval
# (15m, "@every 2h") or a five-field cron expression ("0 */6 * * *", "@daily").

{{data}}

{{user_agent}}
{{contact}}

crawl:
  {{crawl.delay}}
  {{crawl.max_pages}}
  {{crawl.per_host_budget}}
  {{crawl.max_depth}}
  {{crawl.max_feeds_per_host}}
  {{crawl.body_cap}}
  {{crawl.timeout}}
  {{crawl.allow_private}}
  {{crawl.proxy}}
  {{crawl.include}}
  {{crawl.exclude}}

sources:
  - name: harbor-ledger
    seeds: [https://ledger.example/]
    feeds: [https://ledger.example/feed.xml]
    sitemaps: [https://ledger.example/sitemap.xml]
    discover: true         # also find feeds and sitemaps via robots.txt and <link rel=alternate>
    include: ['^https://ledger\.example/news/']
    schedule: 15m          # poll feeds and sitemaps every 15 minutes
    recrawl: "0 3 * * 0"   # full re-crawl from the seeds, Sundays at 03:00
  - name: coastal-wire
    seeds: [https://coastwire.example/]
    delay: 5s              # this site asked us to slow down
    max_pages: 2000
    schedule: "@every 1h"
    recrawl: "@weekly"

# Near-duplicate detection; 0 or absent keeps the tuned default. Shingles are
# word k-grams; a candidate is a copy when enough of the smaller text is
# contained in the other.
dedup:
  {{dedup.shingle}}
  {{dedup.containment}}
  {{dedup.jaccard}}
  {{dedup.min_shared}}
  {{dedup.furniture_sites}}
  {{dedup.rewrite}}
  {{dedup.align}}
  {{dedup.verify}}

index:
  {{index.analyzer}}
  {{index.batch_size}}
  {{index.batch_delay}}

# Article extraction. A site profile says where a site's headline is read
# from when the general title rules pick the wrong one for that site:
# og:title (the social-card title), json-ld (the JSON-LD headline) or auto
# (the general rules, e.g. to exempt a subdomain from its parent's entry).
# Sites are written as syndex names them (lower case, without www.); a
# subdomain without an entry of its own uses its parent's. None are built in.
extract:
  {{extract.lazy_fallback}}
  site_profiles:
    # example.com: {title: og:title}
    # news.example.org: {title: json-ld}

# Named groups of sites, usable wherever a site is (search --site state-media,
# report --site @state-media, the web UI's site filter); the report's site
# table lists each site's collections and the network picture colours them.
# A name is letters, digits, - and _ (no dots, so it is never taken for a site).
collections:
  # state-media: [rt.example, sputnik.example]
  # watched: [ledger.example, coastwire.example]

# Saved searches and watches that "syndex run" checks as articles arrive.
# Each match is written once to the alert file (and POSTed to the webhook
# when one is set), also after a restart; "syndex alerts" lists them.
alerts:
  {{alerts.file}}
  webhook:
    {{alerts.webhook.url}}
    {{alerts.webhook.timeout}}
    {{alerts.webhook.retries}}
    {{alerts.webhook.backoff}}
  rules:
    # A saved search: every new article (from these sites) whose story matches.
    # - {name: council-budget, query: '"city council" +budget', sites: [state-media]}
    # New copies of stories first published by a site (or collection):
    # - {name: ledger-copied, watch: copies, origin: [ledger.example]}
    # A site (or collection) copying from watched origins:
    # - {name: state-media-launders, watch: copies, copier: [state-media], origin: [watched]}
    # A story reaching a number of copies:
    # - {name: viral, watch: reach, count: 10}

serve:
  {{serve.addr}}

# Scaled-out crawls ("syndex worker" and "syndex index" on several machines).
{{frontier}}
`
