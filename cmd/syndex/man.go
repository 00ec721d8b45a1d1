package main

import (
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/spf13/cobra"
	"github.com/syndex/syndex/internal/manpage"
)

// newManCommand builds `syndex man`, which documents every command of
// root.
func newManCommand(root *cobra.Command) *cobra.Command {
	return &cobra.Command{
		Use:   "man DIR",
		Short: "Write the manual pages (section 1) of syndex and of every command into DIR",
		Long: `Write one manual page per command, generated from the commands' own help (syndex.1,
syndex-crawl.1, syndex-config-check.1, …), into DIR. Install them with, for example,
  syndex man /usr/local/share/man/man1
The date on the pages is $SOURCE_DATE_EPOCH when set, else the commit time of the build, so the
same build writes the same pages.`,
		Example: `  syndex man ./man && man -l ./man/syndex-search.1`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := os.MkdirAll(args[0], 0o755); err != nil {
				return fmt.Errorf("man: %w", err)
			}
			n, err := writeManPages(root, args[0], manDate())
			if err != nil {
				return fmt.Errorf("man: %w", err)
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "wrote %d manual pages to %s\n", n, args[0])
			return nil
		},
	}
}

// manDate is the date printed on the pages: $SOURCE_DATE_EPOCH, else the
// build's commit time, else none.
func manDate() string {
	if s := os.Getenv("SOURCE_DATE_EPOCH"); s != "" {
		if n, err := strconv.ParseInt(s, 10, 64); err == nil {
			return time.Unix(n, 0).UTC().Format(time.DateOnly)
		}
	}
	if t, err := time.Parse(time.RFC3339, currentBuild().CommitTime); err == nil {
		return t.UTC().Format(time.DateOnly)
	}
	return ""
}

// manEnvironment is the ENVIRONMENT section of syndex(1).
const manEnvironment = ".TP\n.B SYNDEX_DATA\nThe archive directory when \\-\\-data is not given.\n" +
	".TP\n.B SYNDEX_CONFIG\nThe configuration file when \\-\\-config is not given; else ./syndex.yaml when present.\n" +
	".TP\n.B SYNDEX_FRONTIER\nThe Redis frontier of worker and index.\n" +
	".TP\n.B HTTPS_PROXY, HTTP_PROXY, NO_PROXY\nThe crawler's proxy when \\-\\-proxy and crawl.proxy are not set.\n"

// manExitStatus is the EXIT STATUS section of every page.
const manExitStatus = "0 on success, 1 on a runtime failure, 2 on bad usage or bad configuration; " +
	"the error is one line on standard error naming the file, line, field or URL at fault.\n"

// writeManPages writes a page per command of root into dir.
func writeManPages(root *cobra.Command, dir, date string) (int, error) {
	return manpage.Write(root, dir, manpage.Options{Date: date, Source: "syndex " + version, Manual: "syndex manual",
		ExitStatus: manExitStatus, Environment: manEnvironment})
}
