// Command syndex archives news media, finds syndicated copies of each story
// and makes the archive searchable. Each command lives in its own file and
// only parses flags, opens the archive and calls the library packages; the
// pieces every command shares are in internal/cli, the evaluation
// commands (syndex eval ...) in internal/eval, and the commands that crawl
// (crawl, run, worker, index, demo) in internal/crawl, and the commands
// that read an archive (search, report, export, lookup, alerts, serve) in
// internal/read.
package main

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/syndex/syndex/cmd/syndex/internal/cli"
	"github.com/syndex/syndex/cmd/syndex/internal/crawl"
	"github.com/syndex/syndex/cmd/syndex/internal/eval"
	"github.com/syndex/syndex/cmd/syndex/internal/read"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "0.1.0-dev"

// newRootCommand builds the syndex command and every subcommand: the
// one place where commands are registered.
func newRootCommand() *cobra.Command {
	g := &cli.Globals{}
	root := &cobra.Command{
		Use:           "syndex",
		Short:         "Archive news media, find syndicated copies, search the archive",
		Version:       version,
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			if err := g.SetupLogging(); err != nil {
				return err
			}
			return g.ResolveConfig(cmd)
		},
	}
	g.AddFlags(root.PersistentFlags())
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		return cli.Usagef("%w (see %s --help)", err, cmd.CommandPath())
	})
	b := currentBuild()
	root.SetVersionTemplate(fmt.Sprintf("syndex %s (commit %.12s, built %s)\n", b.Version, b.Commit, b.BuildDate))

	// configCmd groups the configuration commands (`syndex config check|example`).
	configCmd := &cobra.Command{Use: "config", Short: "Check or print configuration files"}
	configCmd.AddCommand(newConfigCheckCommand(g), newConfigExampleCommand())

	root.AddCommand(eval.New(g), configCmd,
		read.AlertsCommand(g), newCheckCommand(g), crawl.Command(g), newDedupCommand(g), crawl.DemoCommand(g),
		read.ExportCommand(g, "syndex/"+version), newExtractCommand(g), newImportCommand(g), crawl.IndexCommand(g), read.LookupCommand(g),
		newManCommand(root), newReindexCommand(g), read.ReportCommand(g), crawl.RunCommand(g), read.SearchCommand(g),
		read.ServeCommand(g), newVersionCommand(), crawl.WorkerCommand(g))
	return root
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
	var ue cli.UsageError
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
