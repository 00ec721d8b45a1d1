package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/syndex/syndex/export"
	"github.com/syndex/syndex/index"
	"github.com/syndex/syndex/internal/plural"
)

func init() {
	cmd := &cobra.Command{
		Use:   "search [flags] QUERY",
		Short: "Full-text search over the canonical text of each story; each hit lists its copies",
		Example: `  syndex search 'river flooding'
  syndex search --json --site copier.example --from 2024-01-01 '"city council" +budget'
  syndex search 'title:election -sport'`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			f := cmd.Flags()
			asJSON, _ := f.GetBool("json")
			limit, _ := f.GetInt("limit")
			offset, _ := f.GetInt("offset")
			sites, _ := f.GetStringSlice("site")
			var err error
			lang, _ := f.GetString("lang")
			sort, _ := f.GetString("sort")
			from, to, err := dateRange(f)
			if err != nil {
				return err
			}
			format, _ := f.GetString("format")
			interval, _ := f.GetString("interval")
			histogram, _ := f.GetBool("histogram")
			out, _ := f.GetString("out")
			switch format {
			case "":
				format = "table"
				if asJSON {
					format = "json"
				}
			case "table", "json", "csv", "jsonl":
				if asJSON && format != "json" {
					return usagef("--json and --format %s: give one", format)
				}
			default:
				return usagef("--format %q: want table, json, csv or jsonl", format)
			}
			switch interval {
			case "", index.IntervalDay, index.IntervalWeek, index.IntervalMonth:
			default:
				return usagef("--interval %q: want day, week or month", interval)
			}
			deep := format == "csv" || format == "jsonl"
			if !f.Changed("sort") && strings.TrimSpace(strings.Join(args, " ")) == "" {
				sort = "-date" // no words to rank by: newest first
			}
			switch {
			case deep && offset != 0:
				return usagef("--format %s writes every hit: --offset does not apply (use --limit to cap the stories)", format)
			case deep && f.Changed("limit") && limit < 1:
				return usagef("--limit must be ≥ 1")
			case !deep && (limit < 1 || limit > index.MaxLimit || offset < 0):
				return usagef("--limit must be 1–%d and --offset ≥ 0 (page with --offset, or write every hit with --format csv|jsonl)", index.MaxLimit)
			case !deep && out != "":
				return usagef("--out works with --format csv or jsonl")
			}
			if ps, _ := f.GetInt("page-size"); ps < 1 || ps > index.MaxLimit {
				return usagef("--page-size must be 1–%d", index.MaxLimit)
			}
			noindex, err := noIndexFlag(cmd)
			if err != nil {
				return err
			}
			sites, err = expandSites(cmd, sites)
			if err != nil {
				return err
			}
			switch sort {
			case "relevance", "date", "-date":
			default:
				return usagef("--sort %q: want relevance, date or -date", sort)
			}
			a, err := openReader(cmd.Context(), cmd, true)
			if err != nil {
				return err
			}
			defer a.Close()
			q := index.Query{
				Text: strings.Join(args, " "), Sites: sites, Lang: lang, From: from, To: to,
				Sort: sort, Limit: limit, Offset: offset, Highlight: true, Facets: format == "json" || histogram, Interval: interval,
				NoIndex: noindex,
			}
			if deep {
				max := 0
				if f.Changed("limit") {
					max = limit
				}
				q.Limit, _ = f.GetInt("page-size")
				return writeExport(cmd, a, q, format, out, max)
			}
			res, err := a.Search(cmd.Context(), q)
			if errors.Is(err, index.ErrBadQuery) {
				return asUsage(err)
			}
			if err != nil {
				return err
			}
			if format == "json" {
				enc := json.NewEncoder(os.Stdout)
				enc.SetIndent("", "  ")
				enc.SetEscapeHTML(false) // snippets keep a readable <mark>
				return enc.Encode(res)
			}
			if err := res.WriteTable(os.Stdout); err != nil {
				return err
			}
			if histogram && res.Histogram != nil {
				return res.Histogram.WriteTable(os.Stdout)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.Bool("json", false, "print the result as JSON (stable for scripts), with facets")
	f.Int("limit", 10, "hits per page")
	f.Int("offset", 0, "hits to skip (pagination)")
	f.StringSlice("site", nil, "only stories carried by this site (original or copy), or by any site of a collection (NAME or @NAME); repeatable")
	f.String("lang", "", "only stories in this language (ISO 639-1, e.g. en)")
	f.String("from", "", "published on or after this date (2024-05-31, 2024-05 or RFC 3339)")
	f.String("to", "", "published on or before this date (a day or month includes all of it)")
	f.String("sort", "relevance", "relevance, date (oldest first) or -date (newest first)")
	f.String("format", "", "table (default), json (as --json), csv (one row per article) or jsonl (one story per line); csv and jsonl write every hit")
	f.String("out", "", "with --format csv|jsonl: output file (default stdout)")
	f.Int("page-size", index.ScanPage, "with --format csv|jsonl: stories read per step (memory per step; the export pages past every limit with a cursor)")
	f.String("interval", "", "histogram interval: day, week or month (default: chosen from the span of the dates)")
	addNoIndexFlag(cmd, "stories")
	f.Bool("histogram", false, "after the hits, print the originals and copies per day, week or month")
	rootCmd.AddCommand(cmd)
}

// writeExport writes every hit of q (the first max when max > 0) to out
// in format, streaming.
func writeExport(cmd *cobra.Command, s index.Searcher, q index.Query, format, out string, max int) error {
	w, closeOut, err := output(out)
	if err != nil {
		return err
	}
	st, err := export.Write(cmd.Context(), w, s, q, format, max)
	if errors.Is(err, index.ErrBadQuery) {
		closeOut()
		return asUsage(err)
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
