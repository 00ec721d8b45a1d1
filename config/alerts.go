package config

import (
	"fmt"
	"strings"
	"time"
)

// AlertsConfig holds the saved searches and watches `syndex run` checks
// every arriving article against, and where their alerts go.
type AlertsConfig struct {
	// File is the JSONL file alerts are appended to, relative to the
	// archive directory (default alerts.jsonl).
	File string `yaml:"file"`
	// Webhook, when its URL is set, receives every alert as a JSON POST.
	Webhook WebhookConfig `yaml:"webhook"`
	// Rules are the saved searches and watches.
	Rules []AlertRule `yaml:"rules"`
}

// WebhookConfig is where and how alerts are POSTed.
type WebhookConfig struct {
	URL     string   `yaml:"url"`
	Timeout Duration `yaml:"timeout"` // per attempt (default 10s)
	Retries *int     `yaml:"retries"` // attempts after the first failure (default 5; 0: none)
	Backoff Duration `yaml:"backoff"` // first wait between attempts, doubled each time (default 2s)
	// Headers are added to every request (e.g. Authorization).
	Headers map[string]string `yaml:"headers"`
}

// Watch kinds.
const (
	WatchCopies = "copies" // a new copy of a story first published on origin, made by copier
	WatchReach  = "reach"  // a story reaches count copies
)

// AlertRule is one saved search (Query) or watch (Watch).
type AlertRule struct {
	Name string `yaml:"name"`
	// Query is a saved search (the search syntax): an arriving article
	// whose story matches it fires, once per article.
	Query string `yaml:"query"`
	// Sites and Lang narrow a saved search to articles from these sites
	// or collections, in this language.
	Sites []string `yaml:"sites"`
	Lang  string   `yaml:"lang"`
	// Watch is copies or reach.
	Watch string `yaml:"watch"`
	// Origin and Copier (sites or collections) narrow a watch: copies of
	// stories first published on Origin, copies made by Copier.
	Origin []string `yaml:"origin"`
	Copier []string `yaml:"copier"`
	// Count is the number of copies a story must reach (watch: reach).
	Count int `yaml:"count"`
}

// Defaults of the alert file and the webhook delivery.
const (
	DefaultAlertsFile     = "alerts.jsonl"
	DefaultWebhookTimeout = 10 * time.Second
	DefaultWebhookRetries = 5
	DefaultWebhookBackoff = 2 * time.Second
)

// validateAlerts checks the alerts: section: the file, the webhook and
// each rule.
func (c *Config) validateAlerts(p *problems) {
	if f := c.Alerts.File; f != "" && strings.ContainsRune(f, 0) {
		p.bad("alerts.file", "is not a file name")
	}
	validateWebhook(p, c.Alerts.Webhook)
	names := map[string]int{}
	for i, r := range c.Alerts.Rules {
		f := fmt.Sprintf("alerts.rules[%d]", i)
		p.name(names, "alerts.rules", i, r.Name)
		c.validateRule(p, f, r)
	}
}

// validateWebhook checks alerts.webhook.
func validateWebhook(p *problems, w WebhookConfig) {
	if w.URL != "" && !isHTTPURL(w.URL) {
		p.bad("alerts.webhook.url", "%q is not an absolute http(s) URL", w.URL)
	}
	if w.Timeout < 0 {
		p.bad("alerts.webhook.timeout", "must not be negative")
	}
	if w.Backoff < 0 {
		p.bad("alerts.webhook.backoff", "must not be negative")
	}
	if w.Retries != nil && (*w.Retries < 0 || *w.Retries > 100) {
		p.bad("alerts.webhook.retries", "must be between 0 and 100, got %d", *w.Retries)
	}
	validateHeaders(p, w.Headers)
}

// validateHeaders checks alerts.webhook.headers: each name non-empty, no
// name or value on more than one line.
func validateHeaders(p *problems, headers map[string]string) {
	for k, v := range headers {
		if strings.ContainsAny(k+v, "\r\n") || strings.TrimSpace(k) == "" {
			p.bad(fmt.Sprintf("alerts.webhook.headers[%q]", k), "must be a non-empty single line")
		}
	}
}

// validateRule checks one rule, named f in the problems: a saved search
// or a watch of one kind, with the fields that kind takes.
func (c *Config) validateRule(p *problems, f string, r AlertRule) {
	if r.Query != "" && r.Watch == "" {
		c.validateSites(p, f, "sites", r.Sites)
	}
	validateKind(p, f, r)
	if r.Watch != "" && (len(r.Sites) > 0 || r.Lang != "") {
		p.bad(f, "sites and lang belong to saved searches; a watch takes origin and copier")
	}
	c.validateSites(p, f, "origin", r.Origin)
	c.validateSites(p, f, "copier", r.Copier)
}

// validateKind checks that rule f is one kind, a saved search or a watch
// of copies or reach, and has no field of another kind.
func validateKind(p *problems, f string, r AlertRule) {
	switch {
	case r.Query != "" && r.Watch != "":
		p.bad(f, "is a saved search (query) or a watch (watch), not both")
	case r.Query == "" && r.Watch == "":
		p.bad(f, "needs a query (a saved search) or a watch (copies or reach)")
	case r.Query != "":
		validateSearchRule(p, f, r)
	case r.Watch == WatchCopies:
		validateCopiesWatch(p, f, r)
	case r.Watch == WatchReach:
		validateReachWatch(p, f, r)
	default:
		p.bad(f+".watch", "%q is not copies or reach", r.Watch)
	}
}

// validateSearchRule checks that saved search f has no field of a watch.
func validateSearchRule(p *problems, f string, r AlertRule) {
	if len(r.Origin)+len(r.Copier) > 0 || r.Count != 0 {
		p.bad(f, "origin, copier and count belong to watches, not to a saved search")
	}
}

// validateCopiesWatch checks that copies watch f names whose copies it
// watches, and has no count.
func validateCopiesWatch(p *problems, f string, r AlertRule) {
	if len(r.Origin)+len(r.Copier) == 0 {
		p.bad(f, "watch copies needs an origin, a copier or both (sites or collections)")
	}
	if r.Count != 0 {
		p.bad(f+".count", "belongs to watch reach")
	}
}

// validateReachWatch checks that reach watch f has a count of copies, and
// no copier.
func validateReachWatch(p *problems, f string, r AlertRule) {
	if r.Count < 1 {
		p.bad(f+".count", "watch reach needs the number of copies, at least 1")
	}
	if len(r.Copier) > 0 {
		p.bad(f+".copier", "belongs to watch copies")
	}
}

// validateSites checks that each site or collection of rule f's field
// names something.
func (c *Config) validateSites(p *problems, f, field string, vs []string) {
	for j, v := range vs {
		if _, err := c.ExpandSites([]string{v}); err != nil {
			p.bad(fmt.Sprintf("%s.%s[%d]", f, field, j), "%v", err)
		}
	}
}
