package read

import (
	"github.com/spf13/pflag"

	"github.com/syndex/syndex/article"
	"github.com/syndex/syndex/cmd/syndex/internal/cli"
)

// noIndexVar defines --noindex bound to p, the one spelling of the
// noindex filter of search, report and export; what names the listed
// things.
func noIndexVar(f *pflag.FlagSet, p *string, what string) {
	f.StringVar(p, "noindex", "include", "pages marked noindex (as syndication partners mark their copies): include them like any other, exclude them, or only them (only "+what+" with such a page)")
}

// parseNoIndex reads a --noindex value.
func parseNoIndex(s string) (article.NoIndexMode, error) {
	m, err := article.ParseNoIndexMode(s)
	if err != nil {
		return m, cli.Usagef("--%v", err)
	}
	return m, nil
}
