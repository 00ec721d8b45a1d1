package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/syndex/syndex/archive"
	"github.com/syndex/syndex/article"
	"github.com/syndex/syndex/index"
	"github.com/syndex/syndex/warc"
)

// runExportCaptures writes the archived captures of a selection of
// articles as a WACZ or a WARC.
func runExportCaptures(cmd *cobra.Command, g *globals, o exportOptions) error {
	format, clusters, sites, query, title, out := o.Format, o.Clusters, o.Sites, o.Query, o.Title, o.Out
	if (out == "" || out == "-") && isTerminal(os.Stdout) {
		return usagef("export --format %s writes a binary file: give --out FILE.%s", format, map[string]string{"wacz": "wacz", "warc": "warc.gz"}[format])
	}
	noindex, err := parseNoIndex(o.NoIndex)
	if err != nil {
		return err
	}
	ctx := cmd.Context()
	a, err := g.openReader(ctx, query != "")
	if err != nil {
		return err
	}
	defer a.Close()
	sel, desc, err := selectArticles(ctx, a, clusters, sites, query)
	if err != nil {
		return err
	}
	if noindex != article.NoIndexKeep {
		sel = slices.DeleteFunc(sel, func(art *article.Article) bool { return !noindex.Keeps(art.NoIndex) })
		desc += ", noindex " + string(noindex)
	}
	warcDir := filepath.Join(g.dataDir(), archive.WARCDir)
	info := []warc.Field{{Name: "software", Value: "syndex/" + version}, {Name: "description", Value: "syndex export: " + desc}}
	b, err := warc.NewBundle("data.warc.gz", info)
	if err != nil {
		return err
	}
	defer b.Close()
	noRecord, failed := 0, 0
	for _, art := range sel {
		loc := art.WARC
		if loc == "" {
			noRecord++
			continue
		}
		if src, _, _, err := warc.ParseLocation(loc); err == nil && !filepath.IsAbs(src.Path) {
			loc = filepath.Join(warcDir, filepath.Base(loc)) // a crawled page: in the archive's WARC directory
		}
		if err := b.Add(loc, art.URL, art.Fetched, art.Title); err != nil {
			failed++
			fmt.Fprintf(os.Stderr, "syndex: export: article %s (%s): %v\n", art.ID, art.URL, err)
		}
	}
	if b.Len() == 0 {
		return fmt.Errorf("export: none of the %d selected articles has a readable archived record (%d were imported as JSONL, without one)", len(sel), noRecord)
	}
	w, closeOut, err := output(out)
	if err != nil {
		return err
	}
	if format == "warc" {
		err = b.WriteWARC(w)
	} else {
		if title == "" {
			title = "syndex: " + desc
		}
		err = b.WriteWACZ(w, warc.WACZInfo{Title: title, Description: fmt.Sprintf("%d captures of %s, exported by syndex", b.Len(), desc),
			Software: "syndex/" + version, Created: time.Now()})
	}
	if cerr := closeOut(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	fmt.Fprintf(os.Stderr, "exported %d captures of %s", b.Len(), desc)
	if noRecord > 0 {
		fmt.Fprintf(os.Stderr, "; %d articles without an archived record (imported as JSONL) left out", noRecord)
	}
	fmt.Fprintln(os.Stderr)
	if failed > 0 {
		return fmt.Errorf("export: %d records could not be read (listed above); the others were written", failed)
	}
	return nil
}

// selectArticles gathers the articles of the selection, in arrival order,
// and describes it: every member of the named clusters and of the
// clusters a query finds, and every article of the named sites; nothing
// named selects the whole archive.
func selectArticles(ctx context.Context, a reader, clusters, sites []string, query string) ([]*article.Article, string, error) {
	var desc []string
	want := map[string]bool{} // article ids
	for _, c := range clusters {
		members, err := a.Cluster(c)
		if err != nil {
			return nil, "", fmt.Errorf("cluster %s: %w", c, err)
		}
		if len(members) == 0 {
			return nil, "", usagef("--cluster %s: no such cluster", c)
		}
		for _, m := range members {
			want[m.ID] = true
		}
		desc = append(desc, "cluster "+c)
	}
	if query != "" {
		n := 0
		for off := 0; ; off += index.MaxLimit {
			res, err := a.Search(ctx, index.Query{Text: query, Limit: index.MaxLimit, Offset: off})
			if err != nil {
				return nil, "", asUsage(err)
			}
			for _, h := range res.Hits {
				members, err := a.Cluster(h.Cluster)
				if err != nil {
					return nil, "", err
				}
				for _, m := range members {
					want[m.ID] = true
				}
				n++
			}
			if len(res.Hits) < index.MaxLimit || uint64(off+len(res.Hits)) >= res.Total {
				break
			}
		}
		desc = append(desc, fmt.Sprintf("query %q (%d clusters)", query, n))
	}
	siteSet := map[string]bool{}
	for _, s := range sites {
		siteSet[strings.TrimPrefix(strings.ToLower(s), "www.")] = true
		desc = append(desc, "site "+s)
	}
	all := len(want) == 0 && len(siteSet) == 0
	if all {
		if len(clusters) > 0 || query != "" {
			return nil, "", fmt.Errorf("export: the selection (%s) holds no articles", strings.Join(desc, ", "))
		}
		desc = append(desc, "the whole archive")
	}
	var out []*article.Article
	for art, err := range allArticles(ctx, a) {
		if err != nil {
			return nil, "", err
		}
		if all || want[art.ID] || siteSet[art.Site] {
			out = append(out, art)
		}
	}
	if len(out) == 0 {
		return nil, "", fmt.Errorf("export: the selection (%s) holds no articles", strings.Join(desc, ", "))
	}
	return out, strings.Join(desc, ", "), nil
}
