package main

import (
	"fmt"
	"io"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"

	"github.com/syndex/syndex/cmd/syndex/internal/cli"
)

// Set at build time, e.g. by the Dockerfile:
//
//	go build -ldflags "-X main.commit=$(git rev-parse HEAD) -X main.buildDate=$(date -u +%Y-%m-%dT%H:%M:%SZ)" ./cmd/syndex
//
// Without them, commit comes from the VCS stamp Go writes into binaries
// built with `go build` or `go install` in a git checkout.
var (
	commit    = ""
	buildDate = ""
)

// buildInfo describes the running binary for `syndex version`.
type buildInfo struct {
	Version    string `json:"version"`
	Commit     string `json:"commit"`                // full hash, "unknown" when neither stamped nor set
	Modified   bool   `json:"modified,omitempty"`    // built from a checkout with uncommitted changes
	CommitTime string `json:"commit_time,omitempty"` // RFC 3339, from the VCS stamp
	BuildDate  string `json:"build_date"`            // RFC 3339, or "unknown" when not set at build time
	Go         string `json:"go"`
	Platform   string `json:"platform"`
}

// currentBuild reads the linker-set variables and the binary's own build
// information.
func currentBuild() buildInfo {
	b := buildInfo{Version: version, Commit: commit, BuildDate: buildDate, Go: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	if bi, ok := debug.ReadBuildInfo(); ok {
		b.addBuildInfo(bi)
	}
	b.Commit = orUnknown(b.Commit)
	b.BuildDate = orUnknown(b.BuildDate)
	return b
}

// addBuildInfo fills in from the binary's build information what the
// linker did not set: the commit, its time and whether the tree was
// modified (go build in a checkout), the module version (go install
// …@vX.Y.Z).
func (b *buildInfo) addBuildInfo(bi *debug.BuildInfo) {
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			if b.Commit == "" {
				b.Commit = s.Value
			}
		case "vcs.time":
			b.CommitTime = s.Value
		case "vcs.modified":
			b.Modified = s.Value == "true"
		}
	}
	if b.Version == "" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		b.Version = bi.Main.Version
	}
}

// orUnknown is s, or "unknown" when it is empty.
func orUnknown(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}

// write prints b as aligned lines.
func (b buildInfo) write(w io.Writer) error {
	c := b.Commit
	if b.Modified {
		c += " (modified)"
	}
	if b.CommitTime != "" {
		c += ", " + b.CommitTime
	}
	_, err := fmt.Fprintf(w, "syndex %s\ncommit  %s\nbuilt   %s\ngo      %s %s\n", b.Version, c, b.BuildDate, b.Go, b.Platform)
	return err
}

// newVersionCommand builds `syndex version`.
func newVersionCommand() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "version [--json]",
		Short: "Print the version, the commit it was built from and the build date",
		Example: `  syndex version
  syndex version --json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			b := currentBuild()
			if asJSON {
				return cli.PrintJSON(cmd.OutOrStdout(), b)
			}
			return b.write(cmd.OutOrStdout())
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the build information as JSON")
	return cmd
}
