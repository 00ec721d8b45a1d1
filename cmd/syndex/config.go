package main

import (
	"errors"
	"fmt"
	"log/slog"
	"os"

	"github.com/spf13/cobra"

	"github.com/syndex/syndex/config"
)

// defaultConfigFile is the configuration every command reads when neither
// --config nor $SYNDEX_CONFIG names one and it exists in the working
// directory.
const defaultConfigFile = "syndex.yaml"

// configEnv names a configuration file when --config is not given.
const configEnv = "SYNDEX_CONFIG"

// configPath is the one discovery rule of every command: --config FILE,
// else $SYNDEX_CONFIG, else ./syndex.yaml when it exists, else none (the
// built-in defaults). named reports whether the user named the file
// (flag or environment), so that a missing named file is an error while a
// missing ./syndex.yaml is not.
func (g *globals) configPath() (path string, named bool) {
	if p := g.Config; p != "" {
		return p, true
	}
	if p := os.Getenv(configEnv); p != "" {
		return p, true
	}
	if _, err := os.Stat(defaultConfigFile); err == nil {
		return defaultConfigFile, false
	}
	return "", false
}

// newConfigCheckCommand builds `syndex config check`.
func newConfigCheckCommand(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "check [FILE]",
		Short: "Validate a config file; every problem is listed with file, line and field",
		Long: "Validate a config file (default: --config, else $SYNDEX_CONFIG, else ./syndex.yaml, the file\n" +
			"every command reads). Exit 0 when it is valid, 2 with one line per problem\n" +
			"(file:line: field: problem) when it is not.",
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			path, _ := g.configPath()
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
		path = defaultConfigFile
	}
	c, err := config.Load(path)
	if err != nil {
		var ce *config.Error
		if errors.As(err, &ce) && len(ce.Problems) > 1 {
			for _, p := range ce.Problems[1:] {
				fmt.Fprintln(cmd.ErrOrStderr(), p)
			}
		}
		return asUsage(err)
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

// withoutConfig lists the commands that read no configuration: they work
// the same anywhere, whatever ./syndex.yaml says (the demo builds its own
// archive; config check reads the file it is given).
var withoutConfig = map[string]bool{
	"syndex demo": true, "syndex version": true, "syndex config": true,
	"syndex help": true, "syndex completion": true, "syndex man": true,
}

// resolveConfig applies the discovered configuration's archive directory
// to every command that reads configuration (flags and $SYNDEX_DATA still
// win), and stops a command whose configuration is broken before it
// starts. It runs before every command.
func (g *globals) resolveConfig(cmd *cobra.Command) error {
	for c := cmd; c != nil; c = c.Parent() {
		if withoutConfig[c.CommandPath()] {
			return nil
		}
	}
	if cmd.Flags().Lookup("data") == nil {
		return nil
	}
	c, err := g.loadConfig()
	if err != nil {
		return err
	}
	g.useConfigData(c)
	return nil
}

// useConfigData lets the configuration's data directory stand in for
// --data when neither the flag nor $SYNDEX_DATA names one; it then counts
// as given (as eval lookup reads it).
func (g *globals) useConfigData(c *config.Config) {
	if c.Data != "" && !g.dataSet && os.Getenv("SYNDEX_DATA") == "" {
		g.Data, g.dataSet = c.Data, true
	}
}

// loadConfig returns the configuration configPath finds, or the defaults
// when there is none. A bad file, or a missing one the user named, is a
// usage error (exit 2).
func (g *globals) loadConfig() (*config.Config, error) {
	path, named := g.configPath()
	if path == "" {
		return config.Default(), nil
	}
	if !named {
		slog.Info("using the configuration in the working directory", "file", path)
	}
	if _, err := os.Stat(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, asUsage(fmt.Errorf("config file %s: %w", path, err))
	}
	c, err := config.Load(path)
	return c, asUsage(err)
}
