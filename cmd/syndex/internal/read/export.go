package read

import (
	"context"
	"iter"
	"slices"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/syndex/syndex/archive"
	"github.com/syndex/syndex/archive/remote"
	"github.com/syndex/syndex/article"
	"github.com/syndex/syndex/cmd/syndex/internal/cli"
	"github.com/syndex/syndex/export"
)

// exportOptions are the export command's flags.
type exportOptions struct {
	Format   string
	Out      string
	NoIndex  string
	Clusters []string // wacz/warc: the selection
	Sites    []string
	Query    string
	Title    string

	querySet, titleSet bool
	software           string // what the WACZ and WARC say wrote them ("syndex/VERSION")
}

// AddFlags defines the options' flags on f.
func (o *exportOptions) AddFlags(f *pflag.FlagSet) {
	f.StringVar(&o.Format, "format", "jsonl", "jsonl, csv, wacz (captures for replay tools) or warc")
	f.StringArrayVar(&o.Clusters, "cluster", nil, "wacz/warc: the captures of this cluster, original and copies (repeatable)")
	f.StringArrayVar(&o.Sites, "site", nil, "wacz/warc: the captures of this site's articles, or of a collection's sites (NAME or @NAME; repeatable)")
	cli.StringVarGiven(f, &o.Query, &o.querySet, "query", "", "wacz/warc: the captures of every cluster the search query finds")
	cli.StringVarGiven(f, &o.Title, &o.titleSet, "title", "", "wacz: the collection's title (default: describes the selection)")
	f.StringVar(&o.Out, "out", "", "output file (default stdout)")
	noIndexVar(f, &o.NoIndex, "articles")
}

// ExportCommand builds `syndex export`; software names the writer in the
// web archives it writes ("syndex/VERSION").
func ExportCommand(g *cli.Globals, software string) *cobra.Command {
	opts := exportOptions{software: software}
	cmd := &cobra.Command{
		Use:   "export [--format jsonl|csv|wacz|warc] [--out FILE] [--cluster ID] [--site SITE] [--query Q]",
		Short: "Dump the archive's Articles with their cluster fields, or their captures as a WACZ or WARC",
		Example: `  syndex export > articles.jsonl
  syndex export --format csv --out articles.csv
  syndex export --format wacz --site copier.example --out copier.wacz   # open in replayweb.page`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runExport(cmd, g, opts) },
	}
	opts.AddFlags(cmd.Flags())
	return cmd
}

// runExport writes the archive's Articles (export.WriteArticles), or
// their captures.
func runExport(cmd *cobra.Command, g *cli.Globals, o exportOptions) error {
	if o.Format == "wacz" || o.Format == "warc" {
		return runExportCaptures(cmd, g, o)
	}
	if !slices.Contains(export.ArticleFormats, o.Format) {
		return cli.Usagef("--format %q: want jsonl, csv, wacz or warc", o.Format)
	}
	if err := o.noSelection(); err != nil {
		return err
	}
	noindex, err := parseNoIndex(o.NoIndex)
	if err != nil {
		return err
	}
	a, err := g.OpenReader(cmd.Context(), false)
	if err != nil {
		return err
	}
	defer a.Close()
	w, closeOut, err := cli.Output(o.Out)
	if err != nil {
		return err
	}
	if err := export.WriteArticles(w, allArticles(cmd.Context(), a), o.Format, noindex); err != nil {
		return err
	}
	return closeOut()
}

// noSelection refuses the selection flags for the formats that dump every
// article.
func (o exportOptions) noSelection() error {
	for _, s := range []struct {
		name  string
		given bool
	}{{"cluster", len(o.Clusters) > 0}, {"site", len(o.Sites) > 0}, {"query", o.querySet}, {"title", o.titleSet}} {
		if s.given {
			return cli.Usagef("--%s selects captures for --format wacz or warc", s.name)
		}
	}
	return nil
}

// allArticles streams a reader's articles in arrival order.
func allArticles(ctx context.Context, r cli.Reader) iter.Seq2[*article.Article, error] {
	switch r := r.(type) {
	case *archive.Archive:
		return r.Store.Articles(0)
	case *remote.Archive:
		return r.All(ctx)
	}
	return func(yield func(*article.Article, error) bool) {
		arts, err := r.Articles()
		if err != nil {
			yield(nil, err)
			return
		}
		for _, a := range arts {
			if !yield(a, nil) {
				return
			}
		}
	}
}
