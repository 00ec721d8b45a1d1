package read

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/syndex/syndex/cmd/syndex/internal/cli"
	"github.com/syndex/syndex/export"
	"github.com/syndex/syndex/index"
	"github.com/syndex/syndex/internal/plural"
)

// searchOptions are the search command's flags.
type searchOptions struct {
	JSON      bool
	Limit     int
	Offset    int
	PageSize  int
	Sites     []string
	Lang      string
	From, To  string
	Sort      string
	Format    string
	Out       string
	Interval  string
	Histogram bool
	NoIndex   string

	limitSet, sortSet bool // --limit and --sort were given
}

// AddFlags defines the options' flags on f.
func (o *searchOptions) AddFlags(f *pflag.FlagSet) {
	f.BoolVar(&o.JSON, "json", false, "print the result as JSON (stable for scripts), with facets")
	cli.IntVarGiven(f, &o.Limit, &o.limitSet, "limit", 10, "hits per page")
	f.IntVar(&o.Offset, "offset", 0, "hits to skip (pagination)")
	f.StringSliceVar(&o.Sites, "site", nil, "only stories carried by this site (original or copy), or by any site of a collection (NAME or @NAME); repeatable")
	f.StringVar(&o.Lang, "lang", "", "only stories in this language (ISO 639-1, e.g. en)")
	f.StringVar(&o.From, "from", "", "published on or after this date (2024-05-31, 2024-05 or RFC 3339)")
	f.StringVar(&o.To, "to", "", "published on or before this date (a day or month includes all of it)")
	cli.StringVarGiven(f, &o.Sort, &o.sortSet, "sort", "relevance", "relevance, date (oldest first) or -date (newest first)")
	f.StringVar(&o.Format, "format", "", "table (default), json (as --json), csv (one row per article) or jsonl (one story per line); csv and jsonl write every hit")
	f.StringVar(&o.Out, "out", "", "with --format csv|jsonl: output file (default stdout)")
	f.IntVar(&o.PageSize, "page-size", index.ScanPage, "with --format csv|jsonl: stories read per step (memory per step; the export pages past every limit with a cursor)")
	f.StringVar(&o.Interval, "interval", "", "histogram interval: day, week or month (default: chosen from the span of the dates)")
	noIndexVar(f, &o.NoIndex, "stories")
	f.BoolVar(&o.Histogram, "histogram", false, "after the hits, print the originals and copies per day, week or month")
}

// SearchCommand builds `syndex search`.
func SearchCommand(g *cli.Globals) *cobra.Command {
	var opts searchOptions
	cmd := &cobra.Command{
		Use:   "search [flags] QUERY",
		Short: "Full-text search over the canonical text of each story; each hit lists its copies",
		Example: `  syndex search 'river flooding'
  syndex search --json --site copier.example --from 2024-01-01 '"city council" +budget'
  syndex search 'title:election -sport'`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runSearch(cmd, g, opts, strings.Join(args, " "))
		},
	}
	opts.AddFlags(cmd.Flags())
	return cmd
}

// runSearch runs the query text: one page of hits printed as a table or
// JSON, or every hit written as CSV or JSONL.
func runSearch(cmd *cobra.Command, g *cli.Globals, o searchOptions, text string) error {
	q, err := o.query(text)
	if err != nil {
		return err
	}
	if q.NoIndex, err = parseNoIndex(o.NoIndex); err != nil {
		return err
	}
	if q.Sites, err = g.ExpandSites(o.Sites); err != nil {
		return err
	}
	switch q.Sort {
	case "relevance", "date", "-date":
	default:
		return cli.Usagef("--sort %q: want relevance, date or -date", q.Sort)
	}
	a, err := g.OpenReader(cmd.Context(), true)
	if err != nil {
		return err
	}
	defer a.Close()
	if o.deep() {
		max := 0
		if o.limitSet {
			max = o.Limit
		}
		q.Limit = o.PageSize
		return writeExport(cmd.Context(), a, q, o.Format, o.Out, max)
	}
	return o.print(cmd.Context(), a, q)
}

// deep reports whether the format writes every hit.
func (o *searchOptions) deep() bool { return o.Format == "csv" || o.Format == "jsonl" }

// query checks the options and returns the query they ask for, but for
// its sites and noindex mode; it settles the format.
func (o *searchOptions) query(text string) (index.Query, error) {
	from, to, err := cli.ParseRange(o.From, o.To)
	if err != nil {
		return index.Query{}, err
	}
	if err := o.settleFormat(); err != nil {
		return index.Query{}, err
	}
	switch o.Interval {
	case "", index.IntervalDay, index.IntervalWeek, index.IntervalMonth:
	default:
		return index.Query{}, cli.Usagef("--interval %q: want day, week or month", o.Interval)
	}
	sort := o.Sort
	if !o.sortSet && strings.TrimSpace(text) == "" {
		sort = "-date" // no words to rank by: newest first
	}
	if err := o.checkPaging(); err != nil {
		return index.Query{}, err
	}
	return index.Query{
		Text: text, Lang: o.Lang, From: from, To: to,
		Sort: sort, Limit: o.Limit, Offset: o.Offset, Highlight: true, Facets: o.Format == "json" || o.Histogram, Interval: o.Interval,
	}, nil
}

// settleFormat checks --format against --json and sets the default.
func (o *searchOptions) settleFormat() error {
	switch o.Format {
	case "":
		o.Format = "table"
		if o.JSON {
			o.Format = "json"
		}
	case "table", "json", "csv", "jsonl":
		if o.JSON && o.Format != "json" {
			return cli.Usagef("--json and --format %s: give one", o.Format)
		}
	default:
		return cli.Usagef("--format %q: want table, json, csv or jsonl", o.Format)
	}
	return nil
}

// checkPaging checks --limit, --offset, --out and --page-size against the
// format.
func (o *searchOptions) checkPaging() error {
	check := o.checkPage
	if o.deep() {
		check = o.checkDeep
	}
	if err := check(); err != nil {
		return err
	}
	if o.PageSize < 1 || o.PageSize > index.MaxLimit {
		return cli.Usagef("--page-size must be 1–%d", index.MaxLimit)
	}
	return nil
}

// checkDeep checks --offset and --limit for the formats that write every
// hit.
func (o *searchOptions) checkDeep() error {
	switch {
	case o.Offset != 0:
		return cli.Usagef("--format %s writes every hit: --offset does not apply (use --limit to cap the stories)", o.Format)
	case o.limitSet && o.Limit < 1:
		return cli.Usagef("--limit must be ≥ 1")
	}
	return nil
}

// checkPage checks --limit, --offset and --out for the formats that print
// one page.
func (o *searchOptions) checkPage() error {
	switch {
	case o.Limit < 1 || o.Limit > index.MaxLimit || o.Offset < 0:
		return cli.Usagef("--limit must be 1–%d and --offset ≥ 0 (page with --offset, or write every hit with --format csv|jsonl)", index.MaxLimit)
	case o.Out != "":
		return cli.Usagef("--out works with --format csv or jsonl")
	}
	return nil
}

// print runs q and prints one page of hits as JSON or as a table (with
// the histogram when asked).
func (o *searchOptions) print(ctx context.Context, a cli.Reader, q index.Query) error {
	res, err := a.Search(ctx, q)
	if errors.Is(err, index.ErrBadQuery) {
		return cli.AsUsage(err)
	}
	if err != nil {
		return err
	}
	if o.Format == "json" {
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false) // snippets keep a readable <mark>
		return enc.Encode(res)
	}
	if err := res.WriteTable(os.Stdout); err != nil {
		return err
	}
	if o.Histogram && res.Histogram != nil {
		return res.Histogram.WriteTable(os.Stdout)
	}
	return nil
}

// writeExport writes every hit of q (the first max when max > 0) to out
// in format, streaming.
func writeExport(ctx context.Context, s index.Searcher, q index.Query, format, out string, max int) error {
	w, closeOut, err := cli.Output(out)
	if err != nil {
		return err
	}
	st, err := export.Write(ctx, w, s, q, format, max)
	if errors.Is(err, index.ErrBadQuery) {
		closeOut()
		return cli.AsUsage(err)
	}
	if err != nil {
		closeOut()
		return fmt.Errorf("search --format %s: %w", format, err)
	}
	if out != "" && out != "-" {
		fmt.Fprintf(os.Stderr, "wrote %s and %s to %s\n", plural.N(st.Stories, "story", "stories"), plural.N(st.Articles, "article", "articles"), out)
	}
	return closeOut()
}
