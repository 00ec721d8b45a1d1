package main

// expandSites replaces the names of site collections (the config's
// collections, written NAME or @NAME) in --site values by their sites.
func (g *globals) expandSites(sites []string) ([]string, error) {
	if len(sites) == 0 {
		return nil, nil
	}
	c, err := g.loadConfig()
	if err != nil {
		return nil, err
	}
	out, err := c.ExpandSites(sites)
	if err != nil {
		return nil, usagef("--site: %v", err)
	}
	return out, nil
}
