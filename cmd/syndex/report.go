package main

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/syndex/syndex/report"
)

func init() {
	cmd := &cobra.Command{
		Use:   "report [--format " + strings.Join(report.Formats, "|") + "] [--out FILE]",
		Short: "The syndication network report: who copies whom, how much, how fast",
		Example: `  syndex report
  syndex report --format html --out network.html
  syndex report --format csv --table edges --min-count 3
  syndex report --format gexf --out network.gexf --from 2024-01-01`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			f := cmd.Flags()
			format, _ := f.GetString("format")
			if !slices.Contains(report.Formats, format) {
				return usagef("--format %q: want %s", format, report.FormatChoice())
			}
			table, _ := f.GetString("table")
			if table != "" && format != "csv" {
				return usagef("--table works with --format csv only")
			}
			if table != "" && !slices.Contains(report.Tables, table) {
				return usagef("--table %q: want one of %s", table, strings.Join(report.Tables, ", "))
			}
			out, _ := f.GetString("out")
			site, _ := f.GetString("site")
			minCount, _ := f.GetInt("min-count")
			from, to, err := dateRange(f)
			if err != nil {
				return err
			}
			if minCount < 0 {
				return usagef("--min-count %d: must not be negative", minCount)
			}
			c, err := loadConfig(cmd)
			if err != nil {
				return err
			}
			noindex, err := noIndexFlag(cmd)
			if err != nil {
				return err
			}
			filter := report.Filter{From: from, To: to, MinCount: minCount, Collections: c.Collections, NoIndex: noindex}
			if site != "" {
				sites, err := c.ExpandSites([]string{site})
				switch {
				case err != nil:
					return usagef("--site: %v", err)
				case len(sites) == 1 && !strings.HasPrefix(site, "@") && c.Collections[site] == nil:
					filter.Site = sites[0]
				default:
					filter.Sites = sites
				}
			}
			a, err := openReader(cmd.Context(), cmd, false)
			if err != nil {
				return err
			}
			defer a.Close()
			arts, err := a.Articles()
			if err != nil {
				return err
			}
			rep := report.Build(arts, filter)
			w, closeOut, err := output(out)
			if err != nil {
				return err
			}
			switch {
			case format == "csv" && table == "" && out != "" && out != "-":
				closeOut()
				os.Remove(out)
				return writeCSVTables(rep, out)
			case format == "csv" && table != "":
				err = rep.WriteCSV(w, table)
			default:
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
	f.String("format", "text", report.FormatChoice())
	f.String("table", "", "with --format csv: the table to write (edges, clusters or sites); without it --out X.csv writes X-edges.csv, X-clusters.csv and X-sites.csv, and stdout gets edges")
	f.String("out", "", "output file (default stdout)")
	f.String("site", "", "only clusters that involve this site, or any site of a collection (NAME or @NAME from the config's collections)")
	f.Int("min-count", 0, "only edges seen at least this many times")
	f.String("from", "", "only copies published on or after this date")
	f.String("to", "", "only copies published on or before this date (a day or month includes all of it)")
	addNoIndexFlag(cmd, "copies")
	rootCmd.AddCommand(cmd)
}

// writeCSVTables writes every report table to its own file beside out.
func writeCSVTables(rep *report.Report, out string) error {
	base := strings.TrimSuffix(out, filepath.Ext(out))
	for _, t := range report.Tables {
		name := base + "-" + t + ".csv"
		f, err := os.Create(name)
		if err != nil {
			return fmt.Errorf("report: %w", err)
		}
		if err := rep.WriteCSV(f, t); err != nil {
			f.Close()
			return fmt.Errorf("report %s: %w", name, err)
		}
		if err := f.Close(); err != nil {
			return fmt.Errorf("report %s: %w", name, err)
		}
		fmt.Fprintln(os.Stderr, "wrote", name)
	}
	return nil
}
