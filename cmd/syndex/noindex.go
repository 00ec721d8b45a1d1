package main

import (
	"github.com/spf13/cobra"

	"github.com/syndex/syndex/article"
)

// addNoIndexFlag adds --noindex, the one spelling of the noindex filter
// of search, report and export; what names the listed things.
func addNoIndexFlag(cmd *cobra.Command, what string) {
	cmd.Flags().String("noindex", "include", "pages marked noindex (as syndication partners mark their copies): include them like any other, exclude them, or only them (only "+what+" with such a page)")
}

// noIndexFlag reads --noindex.
func noIndexFlag(cmd *cobra.Command) (article.NoIndexMode, error) {
	s, _ := cmd.Flags().GetString("noindex")
	m, err := article.ParseNoIndexMode(s)
	if err != nil {
		return m, usagef("--%v", err)
	}
	return m, nil
}
