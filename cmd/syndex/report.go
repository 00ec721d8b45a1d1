package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/syndex/syndex/report"
)

var reportFormats = map[string]bool{"text": true, "json": true, "csv": true, "gexf": true, "dot": true, "html": true}

func init() {
	cmd := &cobra.Command{
		Use:   "report [--format text|json|csv|gexf|dot|html] [--out FILE]",
		Short: "The syndication network report: who copies whom, how much, how fast",
		Example: `  syndex report
  syndex report --format html --out network.html
  syndex report --format csv --table edges --min-count 3
  syndex report --format gexf --out network.gexf --from 2024-01-01`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			f := cmd.Flags()
			format, _ := f.GetString("format")
			if !reportFormats[format] {
				return usagef("--format %q: want text, json, csv, gexf, dot or html", format)
			}
			table, _ := f.GetString("table")
			out, _ := f.GetString("out")
			site, _ := f.GetString("site")
			minCount, _ := f.GetInt("min-count")
			fromS, _ := f.GetString("from")
			toS, _ := f.GetString("to")
			from, err := parseDate("from", fromS)
			if err != nil {
				return err
			}
			to, err := parseDate("to", toS)
			if err != nil {
				return err
			}
			a, err := openArchiveRead(cmd.Context(), cmd)
			if err != nil {
				return err
			}
			defer a.Close()
			arts, err := a.Articles()
			if err != nil {
				return err
			}
			rep := report.Build(arts, report.Filter{From: from, To: to, Site: site, MinCount: minCount})
			w, closeOut, err := output(out)
			if err != nil {
				return err
			}
			if format == "csv" && table != "" {
				err = rep.WriteCSV(w, table)
			} else {
				err = rep.Write(w, format)
			}
			if err != nil {
				closeOut()
				return fmt.Errorf("report: %w", err)
			}
			return closeOut()
		},
	}
	f := cmd.Flags()
	f.String("format", "text", "text, json, csv, gexf, dot or html")
	f.String("table", "", "with --format csv: only this table (edges, clusters or sites)")
	f.String("out", "", "output file (default stdout)")
	f.String("site", "", "only clusters that involve this site")
	f.Int("min-count", 0, "only edges seen at least this many times")
	f.String("from", "", "only clusters whose original was published on or after this date")
	f.String("to", "", "only clusters whose original was published before this date")
	rootCmd.AddCommand(cmd)
}
