package config

import (
	"slices"
	"strings"
	"testing"
)

// TestExpandSite checks the one rule that turns a user's site filter value
// into a site or a collection's sites, for the CLI's --site and the web UI.
func TestExpandSite(t *testing.T) {
	coll := map[string][]string{
		"wires":     {"wire.example", "feed.example"},
		"solo":      {"solo.example"},
		"dups":      {"a.example", "a.example"},
		"localhost": {"local.example"},
		"Mixed":     {"m.example"},
	}
	for _, tc := range []struct {
		in    string
		site  string
		sites []string
		err   string
	}{
		{in: "example.com", site: "example.com"},
		{in: "Example.COM", site: "example.com"},
		{in: "www.example.com", site: "example.com"},
		{in: "WWW.Example.com", site: "example.com"},
		{in: "  example.com ", site: "example.com"},
		{in: "www.www.example.com", site: "www.example.com"},
		{in: "wires", sites: []string{"wire.example", "feed.example"}},
		{in: "@wires", sites: []string{"wire.example", "feed.example"}},
		{in: " @wires ", sites: []string{"wire.example", "feed.example"}},
		{in: "solo", sites: []string{"solo.example"}},
		{in: "@solo", sites: []string{"solo.example"}},
		{in: "dups", sites: []string{"a.example"}},
		{in: "Mixed", sites: []string{"m.example"}},
		// a collection's name wins over the site spelt the same
		{in: "localhost", sites: []string{"local.example"}},
		{in: "mixed", err: `"mixed" is neither a site (example.org) nor a collection (collections: Mixed, dups, localhost, solo, wires)`},
		{in: "@nope", err: `"@nope" is neither a site`},
		{in: "@example.com", err: `"@example.com" is neither a site`},
		{in: "", err: `"" is neither a site`},
	} {
		site, sites, err := ExpandSite(coll, tc.in)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("ExpandSite(%q): error %v, want %q", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil || site != tc.site || !slices.Equal(sites, tc.sites) {
			t.Errorf("ExpandSite(%q) = %q, %q, %v; want %q, %q", tc.in, site, sites, err, tc.site, tc.sites)
		}
	}
	// without collections: a plain site is a site, localhost too; a name is an error
	if site, _, err := ExpandSite(nil, "localhost"); site != "localhost" || err != nil {
		t.Errorf("ExpandSite(nil, localhost) = %q, %v", site, err)
	}
	if _, _, err := ExpandSite(nil, "wires"); err == nil || !strings.Contains(err.Error(), "(the config defines none)") {
		t.Errorf("ExpandSite(nil, wires): %v", err)
	}
	// the collection's own list is not changed
	if ExpandSite(coll, "dups"); len(coll["dups"]) != 2 {
		t.Errorf("ExpandSite changed the collection: %v", coll["dups"])
	}
}
