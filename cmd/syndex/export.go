package main

import (
	"slices"

	"github.com/spf13/cobra"

	"github.com/syndex/syndex/export"
)

func init() {
	cmd := &cobra.Command{
		Use:   "export [--format jsonl|csv|wacz|warc] [--out FILE] [--cluster ID] [--site SITE] [--query Q]",
		Short: "Dump the archive's Articles with their cluster fields, or their captures as a WACZ or WARC",
		Example: `  syndex export > articles.jsonl
  syndex export --format csv --out articles.csv
  syndex export --format wacz --site copier.example --out copier.wacz   # open in replayweb.page`,
		Args: cobra.NoArgs,
		RunE: runExport,
	}
	cmd.Flags().String("format", "jsonl", "jsonl, csv, wacz (captures for replay tools) or warc")
	addSelectionFlags(cmd)
	cmd.Flags().String("out", "", "output file (default stdout)")
	addNoIndexFlag(cmd, "articles")
	rootCmd.AddCommand(cmd)
}

// runExport writes the archive's Articles (export.WriteArticles), or
// their captures.
func runExport(cmd *cobra.Command, _ []string) error {
	format, _ := cmd.Flags().GetString("format")
	if format == "wacz" || format == "warc" {
		return runExportCaptures(cmd, format)
	}
	if !slices.Contains(export.ArticleFormats, format) {
		return usagef("--format %q: want jsonl, csv, wacz or warc", format)
	}
	if err := noSelection(cmd); err != nil {
		return err
	}
	out, _ := cmd.Flags().GetString("out")
	noindex, err := noIndexFlag(cmd)
	if err != nil {
		return err
	}
	a, err := openReader(cmd.Context(), cmd, false)
	if err != nil {
		return err
	}
	defer a.Close()
	w, closeOut, err := output(out)
	if err != nil {
		return err
	}
	if err := export.WriteArticles(w, allArticles(cmd.Context(), a), format, noindex); err != nil {
		return err
	}
	return closeOut()
}
