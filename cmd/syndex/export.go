package main

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/syndex/syndex/article"
)

func init() {
	cmd := &cobra.Command{
		Use:   "export [--format jsonl|csv|wacz|warc] [--out FILE] [--cluster ID] [--site SITE] [--query Q]",
		Short: "Dump the archive's Articles with their cluster fields, or their captures as a WACZ or WARC",
		Example: `  syndex export > articles.jsonl
  syndex export --format csv --out articles.csv
  syndex export --format wacz --site copier.example --out copier.wacz   # open in replayweb.page`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			format, _ := cmd.Flags().GetString("format")
			if format == "wacz" || format == "warc" {
				return runExportCaptures(cmd, format)
			}
			if format != "jsonl" && format != "csv" {
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
			bw := bufio.NewWriterSize(w, 1<<16)
			var cw *csv.Writer
			enc := json.NewEncoder(bw)
			enc.SetEscapeHTML(false)
			if format == "csv" {
				cw = csv.NewWriter(bw)
				cw.Write([]string{"id", "url", "site", "title", "author", "published", "fetched", "lang", "canonical", "source", "cluster", "role", "original", "similarity", "text",
					"original_share", "copy_share", "via", "noindex"})
			}
			for art, err := range allArticles(cmd.Context(), a) {
				if err != nil {
					return err
				}
				if !noindex.Keeps(art.NoIndex) {
					continue
				}
				if cw == nil {
					if err := enc.Encode(art); err != nil {
						return err
					}
					continue
				}
				cw.Write([]string{art.ID, art.URL, art.Site, art.Title, art.Author, timeOrEmpty(art.Published), timeOrEmpty(art.Fetched),
					art.Lang, art.Canonical, art.Source, art.Cluster, string(art.Role), art.Original,
					strconv.FormatFloat(art.Similarity, 'f', 4, 64), strings.TrimSpace(art.Text),
					shareCell(art.OriginalShare, art.Role), shareCell(art.CopyShare, art.Role), art.Via, strconv.FormatBool(art.NoIndex)})
			}
			if cw != nil {
				cw.Flush()
				if err := cw.Error(); err != nil {
					return err
				}
			}
			if err := bw.Flush(); err != nil {
				return err
			}
			return closeOut()
		},
	}
	cmd.Flags().String("format", "jsonl", "jsonl, csv, wacz (captures for replay tools) or warc")
	addSelectionFlags(cmd)
	cmd.Flags().String("out", "", "output file (default stdout)")
	addNoIndexFlag(cmd, "articles")
	rootCmd.AddCommand(cmd)
}

// shareCell writes a copy's share (empty when the archive has none for it,
// as for articles deduplicated before shares were computed); originals and
// unique articles carry all of themselves.
func shareCell(x float64, role article.Role) string {
	switch {
	case role == article.RoleOriginal || role == article.RoleUnique:
		return "1.0000"
	case x == 0:
		return ""
	}
	return strconv.FormatFloat(x, 'f', 4, 64)
}

func timeOrEmpty(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.RFC3339)
}
