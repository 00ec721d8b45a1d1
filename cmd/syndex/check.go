package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/syndex/syndex/check"
	"github.com/syndex/syndex/cmd/syndex/internal/cli"
)

// newCheckCommand builds `syndex check`.
func newCheckCommand(g *cli.Globals) *cobra.Command {
	var repair bool
	cmd := &cobra.Command{
		Use:   "check [--repair]",
		Short: "Verify the archive (store, WARC/CDXJ, index, dedup checkpoint) against each other; repair what can be rebuilt",
		Long: `Verify the archive: the store's file structure and each article record's checksum, its
arrival order and URL index; every WARC record (gzip CRC, block and payload digests) and the
CDXJ indexes; each article's WARC location; the dedup checkpoint and the search index against
the store (segment checksums included). Each finding is one line: ok, warning (left by a crash,
nothing lost: the next writer or --repair tidies it) or error (damage). Exit 0 when no error
remains, 1 otherwise.

With --repair (the archive must not be in use): a damaged store is salvaged into a new file
(the damaged one is kept beside it as syndex.db.damaged-TIME), articles it lost are
re-extracted from the WARC files, a WARC file's torn end is trimmed, CDXJ indexes are
rewritten from their WARC files, and the dedup checkpoint and the search index are rebuilt
from the store. The archive is then checked again.`,
		Example: `  syndex check --data ./syndex-data
  syndex check --repair --data ./syndex-data`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			_, opt, err := g.ConfigArchive()
			if err != nil {
				return err
			}
			ctx, cancel := cli.SignalContext(cmd.Context())
			defer cancel()
			dir := g.DataDir()
			rep, err := check.Run(ctx, dir, check.Options{Repair: repair, Archive: opt})
			if err != nil {
				return err
			}
			for _, f := range rep.Findings {
				fmt.Fprintln(os.Stdout, f)
			}
			errs, warns := rep.Count(check.Error), rep.Count(check.Warning)
			if errs > 0 {
				first, _ := rep.First(check.Error)
				hint := " (`syndex check --repair` rebuilds what it can)"
				if repair {
					hint = ""
				}
				return fmt.Errorf("check %s: %d error(s), %d warning(s); the first: %s %s: %s%s", dir, errs, warns, first.Part, first.File, first.Msg, hint)
			}
			fmt.Fprintf(os.Stderr, "check %s: no damage (%d warning(s))\n", dir, warns)
			return nil
		},
	}
	cmd.Flags().BoolVar(&repair, "repair", false, "rebuild what can be rebuilt (needs the archive to itself)")
	return cmd
}
