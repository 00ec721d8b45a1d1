// Command syndex archives news media, finds syndicated copies of each story
// and makes the archive searchable. Each command lives in its own file and
// only parses flags, opens the archive and calls the library packages.
package main

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "0.1.0-dev"

// usageError marks bad usage or bad configuration: exit code 2 (README "Commands").
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// usagef returns a usage error (exit 2) with a formatted one-line message.
func usagef(format string, args ...any) error {
	return usageError{fmt.Errorf(format, args...)}
}

// asUsage marks err, when non-nil, as a usage or configuration error.
func asUsage(err error) error {
	if err == nil {
		return nil
	}
	return usageError{err}
}

// globals are the options every command takes (README "Commands"):
// the archive directory, the configuration file and the log level.
type globals struct {
	Data     string
	Config   string
	LogLevel string

	dataSet, logLevelSet bool // --data and --log-level were given
}

// addFlags defines the global flags on f (the root's persistent flags).
func (g *globals) addFlags(f *pflag.FlagSet) {
	stringVarGiven(f, &g.Data, &g.dataSet, "data", "", "archive directory (default $SYNDEX_DATA, else the configuration's data:, else ./syndex-data)")
	f.StringVar(&g.Config, "config", "", "configuration file (YAML; default $SYNDEX_CONFIG, else ./syndex.yaml when present); flags override it")
	stringVarGiven(f, &g.LogLevel, &g.logLevelSet, "log-level", "warn", "log level: debug, info, warn, error")
}

// newRootCommand builds the syndex command and every subcommand: the
// one place where commands are registered.
func newRootCommand() *cobra.Command {
	g := &globals{}
	root := &cobra.Command{
		Use:           "syndex",
		Short:         "Archive news media, find syndicated copies, search the archive",
		Version:       version,
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			if err := g.setupLogging(); err != nil {
				return err
			}
			return g.resolveConfig(cmd)
		},
	}
	g.addFlags(root.PersistentFlags())
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		return usageError{fmt.Errorf("%w (see %s --help)", err, cmd.CommandPath())}
	})
	b := currentBuild()
	root.SetVersionTemplate(fmt.Sprintf("syndex %s (commit %.12s, built %s)\n", b.Version, b.Commit, b.BuildDate))

	// evalCmd groups the evaluation commands (`syndex eval extract|dedup|...`).
	evalCmd := &cobra.Command{Use: "eval", Short: "Score extraction or dedup against labelled data"}
	evalCmd.AddCommand(newEvalExtractCommand(), newEvalDedupCommand(g), newEvalPairsCommand(), newEvalLookupCommand(g))
	// configCmd groups the configuration commands (`syndex config check|example`).
	configCmd := &cobra.Command{Use: "config", Short: "Check or print configuration files"}
	configCmd.AddCommand(newConfigCheckCommand(g), newConfigExampleCommand())

	root.AddCommand(evalCmd, configCmd,
		newAlertsCommand(g), newCheckCommand(g), newCrawlCommand(g), newDedupCommand(g), newDemoCommand(g),
		newExportCommand(g), newExtractCommand(g), newImportCommand(g), newIndexCommand(g), newLookupCommand(g),
		newManCommand(root), newReindexCommand(g), newReportCommand(g), newRunCommand(g), newSearchCommand(g),
		newServeCommand(g), newVersionCommand(), newWorkerCommand(g))
	return root
}

// setupLogging sets the default logger to --log-level.
func (g *globals) setupLogging() error {
	var l slog.Level
	if err := l.UnmarshalText([]byte(g.LogLevel)); err != nil {
		return usagef("--log-level %q: want debug, info, warn or error", g.LogLevel)
	}
	slog.SetDefault(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: l})))
	return nil
}

// dataDir resolves the archive directory: --data, $SYNDEX_DATA, ./syndex-data.
func (g *globals) dataDir() string {
	if g.Data != "" {
		return g.Data
	}
	if d := os.Getenv("SYNDEX_DATA"); d != "" {
		return d
	}
	return "syndex-data"
}

func main() {
	os.Exit(run(os.Args[1:]))
}

// run executes the command line and returns the process exit code.
func run(args []string) (code int) {
	// The last resort: a panic that escaped every check still ends in one
	// line, not a goroutine dump. (Damaged files are found and contained
	// where they are read; see the store and index packages.)
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(os.Stderr, "syndex: internal error: %v (please report it, with the command that caused it)\n", strings.ReplaceAll(fmt.Sprint(r), "\n", "; "))
			code = 1
		}
	}()
	return execute(newRootCommand(), args)
}

// execute runs root on args and returns the exit code, printing the
// error as one line.
func execute(root *cobra.Command, args []string) int {
	root.SetArgs(args)
	err := root.Execute()
	if err == nil {
		return 0
	}
	msg := strings.ReplaceAll(err.Error(), "\n", "; ")
	fmt.Fprintln(os.Stderr, "syndex: "+msg)
	var ue usageError
	if errors.As(err, &ue) || isCobraUsage(err) {
		return 2
	}
	return 1
}

// isCobraUsage recognises the usage errors cobra returns without calling
// the flag error func (unknown command, wrong number of arguments).
func isCobraUsage(err error) bool {
	s := err.Error()
	for _, p := range []string{"unknown command", "accepts ", "requires at least", "requires at most", "unknown flag", "unknown shorthand", "invalid argument"} {
		if strings.Contains(s, p) {
			return true
		}
	}
	return false
}
