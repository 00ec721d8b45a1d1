package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/syndex/syndex/extract"
)

func init() {
	cmd := &cobra.Command{
		Use:   "extract [--url URL] FILE.html",
		Short: "Extract one Article from an HTML file (- for stdin) and print it as JSON",
		Example: `  syndex extract --url https://example.org/news/1 page.html
  curl -s https://example.org/news/1 | syndex extract --url https://example.org/news/1 -`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			pageURL, _ := cmd.Flags().GetString("url")
			var body []byte
			var err error
			if args[0] == "-" {
				body, err = io.ReadAll(io.LimitReader(os.Stdin, 64<<20))
			} else {
				body, err = os.ReadFile(args[0])
			}
			if err != nil {
				return usagef("read %s: %v", args[0], err)
			}
			c, err := loadConfig(cmd)
			if err != nil {
				return err
			}
			opt, err := fileExtractOptions(c)
			if err != nil {
				return err
			}
			res, err := extract.New(opt).Extract(cmd.Context(), extract.Input{URL: pageURL, HTML: body, Fetched: time.Now().UTC()})
			if err != nil {
				return fmt.Errorf("extract %s: %w", args[0], err)
			}
			enc := json.NewEncoder(os.Stdout)
			enc.SetIndent("", "  ")
			return enc.Encode(res.Article)
		},
	}
	cmd.Flags().String("url", "", "the page's URL (sets url, site, id and resolves relative links)")
	rootCmd.AddCommand(cmd)
}
