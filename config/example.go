package config

// Example returns a commented configuration that Load accepts, printed by
// `syndex config example` and shown in the README.
func Example() string { return example }

const example = `# syndex.yaml: configuration of one syndex archive.
# Every field is optional; what is left out keeps its default.
# Durations: 500ms, 2s, 1h30m. Sizes: 512KB, 10MiB. Schedules: an interval
# (15m, "@every 2h") or a five-field cron expression ("0 */6 * * *", "@daily").

# Archive directory (store, WARC files, dedup and search indexes). Relative
# paths are relative to this file. Default: --data, $SYNDEX_DATA, ./syndex-data.
data: ./syndex-data

# How the crawler introduces itself; the contact is appended as
# "syndex/0.1 (+mailto:...)" so site owners can reach you.
user_agent: syndex/0.1
contact: https://example.org/about-our-crawler

crawl:
  delay: 2s              # minimum gap between two requests to one host (robots.txt Crawl-delay wins when longer)
  max_pages: 0           # pages per run, 0 = unlimited
  per_host_budget: 500   # pages per host per run, 0 = unlimited
  max_depth: 5           # links followed from the seeds, 0 = unlimited
  body_cap: 10MiB        # longer responses are truncated and marked
  timeout: 60s           # whole request, headers and body
  allow_private: false   # true permits loopback and private addresses (tests, intranets)
  proxy: ""              # e.g. http://proxy.example:3128; "" follows HTTPS_PROXY/HTTP_PROXY/NO_PROXY, direct: none
  include: []            # URL regexps; when any are set, a URL must match one
  exclude:               # URL regexps that are never fetched
    - '\.(pdf|jpg|png|gif|mp4)$'
    - '/(login|signup|cart)\b'

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
  shingle: 3             # words per shingle
  containment: 0.5       # share of the smaller text found in the other
  jaccard: 0.12          # minimum overall similarity, stops short quotes matching
  min_shared: 3          # minimum shared shingles

index:
  analyzer: auto         # auto (by article language), standard, or en, fr, de, es, it, pt, nl, ar, cjk
  batch_size: 100        # documents per index batch

# Article extraction. A site profile says where a site's headline is read
# from when the general title rules pick the wrong one for that site:
# og:title (the social-card title), json-ld (the JSON-LD headline) or auto
# (the general rules, e.g. to exempt a subdomain from its parent's entry).
# Sites are written as syndex names them (lower case, without www.); a
# subdomain without an entry of its own uses its parent's. None are built in.
extract:
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
  file: alerts.jsonl     # relative to the archive directory
  webhook:
    url: ""              # e.g. https://hooks.example/syndex; empty: file only
    timeout: 10s         # per attempt
    retries: 5           # attempts after the first failure, waiting backoff, 2×backoff, ...
    backoff: 2s
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
  addr: 127.0.0.1:8080   # where "syndex serve" listens, and where "syndex run" serves the UI, read API, /metrics and /healthz
`
