package config

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/syndex/syndex/article"
)

// collectionName is what a collection may be called: letters, digits,
// dashes and underscores, so a name is never mistaken for a site (sites
// have dots).
func collectionName(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !(r == '-' || r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// validSite reports whether s is a site as syndex names them.
func validSite(s string) bool {
	return s != "" && !strings.ContainsAny(s, "/:@ ") && article.SiteOf("http://"+s) == s
}

func (c *Config) validateCollections() []*FieldError {
	var p []*FieldError
	for _, name := range slices.Sorted(maps.Keys(c.Collections)) {
		f := fmt.Sprintf("collections[%q]", name)
		if !collectionName(name) {
			p = append(p, &FieldError{Field: f, Problem: "a collection name is letters, digits, - and _ (no dots, so it is never taken for a site)"})
		}
		sites := c.Collections[name]
		if len(sites) == 0 {
			p = append(p, &FieldError{Field: f, Problem: "lists no sites"})
		}
		for i, s := range sites {
			if !validSite(s) {
				p = append(p, &FieldError{Field: fmt.Sprintf("%s[%d]", f, i),
					Problem: fmt.Sprintf("%q is not a site as syndex names them: a host in lower case, without scheme, www., port or path (e.g. example.com)", s)})
			}
		}
	}
	return p
}

// ExpandSites replaces each value naming a collection (written NAME or
// @NAME) by the collection's sites; other values are sites and are kept,
// lower-cased and without "www.". An @NAME that is no collection is an
// error, as is an unknown NAME without a dot (a typo, not a site).
func (c *Config) ExpandSites(values []string) ([]string, error) {
	return ExpandSites(c.Collections, values)
}

// ExpandSites is Config.ExpandSites over the collections coll: the sites
// ExpandSite finds for each value, each once, in order.
func ExpandSites(coll map[string][]string, values []string) ([]string, error) {
	var out []string
	for _, v := range values {
		site, sites, err := ExpandSite(coll, v)
		if err != nil {
			return nil, err
		}
		if site != "" {
			sites = []string{site}
		}
		for _, s := range sites {
			if !slices.Contains(out, s) {
				out = append(out, s)
			}
		}
	}
	return out, nil
}

// ExpandSite reads one site filter value (a --site flag, the web's site
// field) over the collections coll. A collection, written NAME or @NAME,
// gives its sites (each once, even when it lists only one) and no site;
// a collection's name wins over a site spelt the same. Any other value
// is a site and gives it as articles name sites (SiteName: lower case,
// without "www."). An @NAME that is no collection is an error, as is an
// unknown NAME without a dot (a typo, not a site).
func ExpandSite(coll map[string][]string, value string) (site string, sites []string, err error) {
	v := strings.TrimSpace(value)
	name, at := strings.CutPrefix(v, "@")
	if members, ok := coll[name]; ok {
		for _, s := range members {
			if !slices.Contains(sites, s) {
				sites = append(sites, s)
			}
		}
		return "", sites, nil
	}
	if at || (!strings.Contains(v, ".") && v != "localhost") {
		known := slices.Sorted(maps.Keys(coll))
		if len(known) == 0 {
			return "", nil, fmt.Errorf("%q is neither a site (example.org) nor a collection (the config defines none)", v)
		}
		return "", nil, fmt.Errorf("%q is neither a site (example.org) nor a collection (collections: %s)", v, strings.Join(known, ", "))
	}
	return article.SiteName(v), nil, nil
}

// CollectionsOf maps each site to the collections that list it, sorted.
func (c *Config) CollectionsOf() map[string][]string {
	out := map[string][]string{}
	for _, name := range slices.Sorted(maps.Keys(c.Collections)) {
		for _, s := range c.Collections[name] {
			if !slices.Contains(out[s], name) {
				out[s] = append(out[s], name)
			}
		}
	}
	return out
}
