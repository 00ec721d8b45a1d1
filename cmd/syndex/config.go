package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/syndex/syndex/cmd/syndex/internal/cli"
	"github.com/syndex/syndex/config"
)

// newConfigCheckCommand builds `syndex config check`.
func newConfigCheckCommand(g *cli.Globals) *cobra.Command {
	return &cobra.Command{
		Use:   "check [FILE]",
		Short: "Validate a config file; every problem is listed with file, line and field",
		Long: "Validate a config file (default: --config, else $SYNDEX_CONFIG, else ./syndex.yaml, the file\n" +
			"every command reads). Exit 0 when it is valid, 2 with one line per problem\n" +
			"(file:line: field: problem) when it is not.",
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			path, _ := g.ConfigPath()
			if len(args) == 1 {
				path = args[0]
			}
			return runConfigCheck(cmd, path)
		},
	}
}

// runConfigCheck loads path (./syndex.yaml when empty) and lists every
// problem it has.
func runConfigCheck(cmd *cobra.Command, path string) error {
	if path == "" {
		path = cli.DefaultConfigFile
	}
	c, err := config.Load(path)
	if err != nil {
		var ce *config.Error
		if errors.As(err, &ce) && len(ce.Problems) > 1 {
			for _, p := range ce.Problems[1:] {
				fmt.Fprintln(cmd.ErrOrStderr(), p)
			}
		}
		return cli.AsUsage(err)
	}
	fmt.Fprintf(cmd.OutOrStdout(), "%s: ok (%d sources)\n", path, len(c.Sources))
	return nil
}

// newConfigExampleCommand builds `syndex config example`.
func newConfigExampleCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "example",
		Short: "Print a commented example config (valid as is)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			_, err := fmt.Fprint(cmd.OutOrStdout(), config.Example())
			return err
		},
	}
}
