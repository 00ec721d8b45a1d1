package read

import (
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/syndex/syndex/cmd/syndex/internal/cli"
	"github.com/syndex/syndex/config"
	"github.com/syndex/syndex/report"
	"github.com/syndex/syndex/report/render"
)

// reportOptions are the report command's flags.
type reportOptions struct {
	Format   string
	Table    string
	Out      string
	Site     string
	MinCount int
	From, To string
	NoIndex  string
}

// AddFlags defines the options' flags on f.
func (o *reportOptions) AddFlags(f *pflag.FlagSet) {
	f.StringVar(&o.Format, "format", "text", render.FormatChoice())
	f.StringVar(&o.Table, "table", "", "with --format csv: the table to write (edges, clusters or sites); without it --out X.csv writes X-edges.csv, X-clusters.csv and X-sites.csv, and stdout gets edges")
	f.StringVar(&o.Out, "out", "", "output file (default stdout)")
	f.StringVar(&o.Site, "site", "", "only clusters that involve this site, or any site of a collection (NAME or @NAME from the config's collections)")
	f.IntVar(&o.MinCount, "min-count", 0, "only edges seen at least this many times")
	f.StringVar(&o.From, "from", "", "only copies published on or after this date")
	f.StringVar(&o.To, "to", "", "only copies published on or before this date (a day or month includes all of it)")
	noIndexVar(f, &o.NoIndex, "copies")
}

// ReportCommand builds `syndex report`.
func ReportCommand(g *cli.Globals) *cobra.Command {
	var opts reportOptions
	cmd := &cobra.Command{
		Use:   "report [--format " + strings.Join(render.Formats, "|") + "] [--out FILE]",
		Short: "The syndication network report: who copies whom, how much, how fast",
		Example: `  syndex report
  syndex report --format html --out network.html
  syndex report --format csv --table edges --min-count 3
  syndex report --format gexf --out network.gexf --from 2024-01-01`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return runReport(cmd, g, opts) },
	}
	opts.AddFlags(cmd.Flags())
	return cmd
}

// runReport builds the report of the archive's articles that pass the
// options' filter and writes it.
func runReport(cmd *cobra.Command, g *cli.Globals, o reportOptions) error {
	filter, err := o.filter()
	if err != nil {
		return err
	}
	c, err := g.LoadConfig()
	if err != nil {
		return err
	}
	if filter.NoIndex, err = parseNoIndex(o.NoIndex); err != nil {
		return err
	}
	filter.Collections = c.Collections
	if err := o.sites(c, &filter); err != nil {
		return err
	}
	a, err := g.OpenReader(cmd.Context(), false)
	if err != nil {
		return err
	}
	defer a.Close()
	arts, err := a.Articles()
	if err != nil {
		return err
	}
	return o.write(report.Build(arts, filter))
}

// filter checks the options and returns the filter they set, but for
// the sites, collections and noindex mode.
func (o reportOptions) filter() (report.Filter, error) {
	if !slices.Contains(render.Formats, o.Format) {
		return report.Filter{}, cli.Usagef("--format %q: want %s", o.Format, render.FormatChoice())
	}
	if o.Table != "" && o.Format != "csv" {
		return report.Filter{}, cli.Usagef("--table works with --format csv only")
	}
	if o.Table != "" && !slices.Contains(render.Tables, o.Table) {
		return report.Filter{}, cli.Usagef("--table %q: want one of %s", o.Table, strings.Join(render.Tables, ", "))
	}
	from, to, err := cli.ParseRange(o.From, o.To)
	if err != nil {
		return report.Filter{}, err
	}
	if o.MinCount < 0 {
		return report.Filter{}, cli.Usagef("--min-count %d: must not be negative", o.MinCount)
	}
	return report.Filter{From: from, To: to, MinCount: o.MinCount}, nil
}

// sites sets the filter's site, or sites for a collection.
func (o reportOptions) sites(c *config.Config, filter *report.Filter) error {
	if o.Site == "" {
		return nil
	}
	var err error
	if filter.Site, filter.Sites, err = config.ExpandSite(c.Collections, o.Site); err != nil {
		return cli.Usagef("--site: %v", err)
	}
	return nil
}

// write writes rep to --out (or stdout) in --format; csv without --table
// into --out writes every table to its own file.
func (o reportOptions) write(rep *report.Report) error {
	w, closeOut, err := cli.Output(o.Out)
	if err != nil {
		return err
	}
	if o.Format == "csv" && o.Table == "" && o.Out != "" && o.Out != "-" {
		closeOut()
		os.Remove(o.Out)
		return render.CSVFiles(rep, o.Out, func(name string) { fmt.Fprintln(os.Stderr, "wrote", name) })
	}
	if o.Format == "csv" && o.Table != "" {
		err = render.CSV(w, rep, o.Table)
	} else {
		err = render.Write(w, rep, o.Format)
	}
	if err != nil {
		closeOut()
		return fmt.Errorf("report: %w", err)
	}
	return closeOut()
}
