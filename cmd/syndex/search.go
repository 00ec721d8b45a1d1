package main

import (
	"encoding/json"
	"errors"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/syndex/syndex/index"
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
			lang, _ := f.GetString("lang")
			sort, _ := f.GetString("sort")
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
			if limit < 1 || limit > index.MaxLimit || offset < 0 {
				return usagef("--limit must be 1–%d and --offset ≥ 0 (page with --offset)", index.MaxLimit)
			}
			if !from.IsZero() && !to.IsZero() && to.Before(from) {
				return usagef("--to %s is before --from %s", toS, fromS)
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
			res, err := a.Search(cmd.Context(), index.Query{
				Text: strings.Join(args, " "), Sites: sites, Lang: lang, From: from, To: to,
				Sort: sort, Limit: limit, Offset: offset, Highlight: true, Facets: asJSON,
			})
			if errors.Is(err, index.ErrBadQuery) {
				return asUsage(err)
			}
			if err != nil {
				return err
			}
			if asJSON {
				enc := json.NewEncoder(os.Stdout)
				enc.SetIndent("", "  ")
				enc.SetEscapeHTML(false) // snippets keep a readable <mark>
				return enc.Encode(res)
			}
			return res.WriteTable(os.Stdout)
		},
	}
	f := cmd.Flags()
	f.Bool("json", false, "print the result as JSON (stable for scripts), with facets")
	f.Int("limit", 10, "hits per page")
	f.Int("offset", 0, "hits to skip (pagination)")
	f.StringSlice("site", nil, "only stories carried by this site (original or copy); repeatable")
	f.String("lang", "", "only stories in this language (ISO 639-1, e.g. en)")
	f.String("from", "", "published on or after this date")
	f.String("to", "", "published before this date")
	f.String("sort", "relevance", "relevance, date (oldest first) or -date (newest first)")
	rootCmd.AddCommand(cmd)
}
