// Package eval holds the evaluation commands, `syndex eval extract|dedup|
// pairs|lookup`: they score extraction, dedup and lookup against labelled
// data (generated sets, the real corpora, an archive) and print the
// scores. What a score is and how a labelled set is read are in
// extract/evaluate, dedup/evaluate, dedup/corpus and archive/evaluate;
// these commands parse flags, pick the set and print.
package eval

import (
	"github.com/spf13/cobra"

	"github.com/syndex/syndex/cmd/syndex/internal/cli"
)

// New builds the `syndex eval` command with its subcommands; g are the
// root's global flags.
func New(g *cli.Globals) *cobra.Command {
	cmd := &cobra.Command{Use: "eval", Short: "Score extraction or dedup against labelled data"}
	cmd.AddCommand(newEvalExtractCommand(), newEvalDedupCommand(g), newEvalPairsCommand(), newEvalLookupCommand(g))
	return cmd
}
