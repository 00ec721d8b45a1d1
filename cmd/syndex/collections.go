package main

import "github.com/spf13/cobra"

// expandSites replaces the names of site collections in --site values by
// their sites.
func expandSites(cmd *cobra.Command, sites []string) ([]string, error) {
	return sites, nil
}
