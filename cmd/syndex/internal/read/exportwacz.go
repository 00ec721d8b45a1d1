package read

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/syndex/syndex/archive"
	"github.com/syndex/syndex/article"
	"github.com/syndex/syndex/cmd/syndex/internal/cli"
	"github.com/syndex/syndex/export"
	"github.com/syndex/syndex/web"
)

// runExportCaptures writes the archived captures of a selection of
// articles as a WACZ or a WARC.
func runExportCaptures(cmd *cobra.Command, g *cli.Globals, o exportOptions) error {
	if (o.Out == "" || o.Out == "-") && cli.IsTerminal(os.Stdout) {
		return cli.Usagef("export --format %s writes a binary file: give --out FILE.%s", o.Format, map[string]string{"wacz": "wacz", "warc": "warc.gz"}[o.Format])
	}
	noindex, err := parseNoIndex(o.NoIndex)
	if err != nil {
		return err
	}
	ctx := cmd.Context()
	a, err := g.OpenReader(ctx, o.Query != "")
	if err != nil {
		return err
	}
	defer a.Close()
	sel, desc, err := selectCaptures(ctx, g, a, o, noindex)
	if err != nil {
		return err
	}
	caps, err := collectCaptures(a, g.DataDir(), o, sel, desc)
	if err != nil {
		return err
	}
	defer caps.Close()
	return writeCaptures(caps, o)
}

// collectCaptures finds the archived record of each selected article in
// the archive's WARC files (export.Collect); an article whose record
// cannot be read is named on stderr and left out.
func collectCaptures(a cli.Reader, dataDir string, o exportOptions, sel []*article.Article, desc string) (*export.Captures, error) {
	var original func(string) string
	if rb, ok := a.(web.RevisitBackend); ok {
		original = rb.RevisitOriginal // an imported revisit's page is the record it repeats
	}
	return export.Collect(sel, desc, export.CaptureOptions{
		WARCDir: filepath.Join(dataDir, archive.WARCDir), Software: o.software, Original: original,
		Warn: func(art *article.Article, err error) {
			fmt.Fprintf(os.Stderr, "syndex: export: article %s (%s): %v\n", art.ID, art.URL, err)
		}})
}

// writeCaptures writes the captures to --out in o's format and says on
// stderr what was written and what was left out.
func writeCaptures(caps *export.Captures, o exportOptions) error {
	w, closeOut, err := cli.Output(o.Out)
	if err != nil {
		return err
	}
	err = caps.Write(w, o.Format, o.Title)
	if cerr := closeOut(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	fmt.Fprintf(os.Stderr, "exported %d captures of %s", caps.Len(), caps.Desc)
	if caps.NoRecord > 0 {
		fmt.Fprintf(os.Stderr, "; %d articles without an archived record (imported as JSONL) left out", caps.NoRecord)
	}
	fmt.Fprintln(os.Stderr)
	if caps.Failed > 0 {
		return fmt.Errorf("export: %d records could not be read (listed above); the others were written", caps.Failed)
	}
	return nil
}

// selectCaptures gathers the articles the options select
// (export.Select; a --site value naming one of the config's collections
// stands for its sites); a missing cluster, a --site that is neither a
// site nor a collection or a bad query is a usage error.
func selectCaptures(ctx context.Context, g *cli.Globals, a cli.Reader, o exportOptions, noindex article.NoIndexMode) ([]*article.Article, string, error) {
	selection := export.Selection{Clusters: o.Clusters, Sites: o.Sites, Query: o.Query, NoIndex: noindex}
	if len(o.Sites) > 0 {
		c, err := g.LoadConfig()
		if err != nil {
			return nil, "", err
		}
		selection.Collections = c.Collections
	}
	sel, desc, err := export.Select(ctx, exportSource{a}, selection)
	var qe *export.QueryError
	var se *export.SiteError
	switch {
	case errors.Is(err, export.ErrNoCluster):
		return nil, "", cli.Usagef("--%v", err)
	case errors.As(err, &se):
		return nil, "", cli.Usagef("--site: %v", se.Err)
	case errors.As(err, &qe):
		return nil, "", cli.AsUsage(qe.Err)
	}
	return sel, desc, err
}

// exportSource is a reader as export.Select reads it.
type exportSource struct{ cli.Reader }

func (s exportSource) All(ctx context.Context) iter.Seq2[*article.Article, error] {
	return allArticles(ctx, s.Reader)
}
