package manpage

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

func TestWrite(t *testing.T) {
	root := &cobra.Command{Use: "tool", Short: "A tool"}
	var n int
	sub := &cobra.Command{Use: "run [--count N]", Short: "Run it — fast", Long: "Runs.\n\n  tool run --count 2\n.hidden line",
		Example: "  tool run", RunE: func(*cobra.Command, []string) error { return nil }}
	sub.Flags().IntVar(&n, "count", 3, "how many times")
	root.AddCommand(sub)
	dir := t.TempDir()
	got, err := Write(root, dir, Options{Date: "2026-01-02", Source: "tool 1.0", Manual: "tool manual", ExitStatus: "0 on success.\n", Environment: ".TP\n.B TOOL_HOME\nWhere.\n"})
	if err != nil || got != 2 {
		t.Fatalf("Write: %d pages, %v; want 2", got, err)
	}
	for page, wants := range map[string][]string{
		"tool.1":     {`.TH "TOOL" 1 "2026-01-02" "tool 1.0" "tool manual"`, ".SH ENVIRONMENT\n.TP\n.B TOOL_HOME", ".SH COMMANDS\n.TP\n.B run", "tool\\-run(1)"},
		"tool-run.1": {`Run it \[u2014] fast`, `\fB\-\-count \fIint\fR\fR`, "(default 3)", ".nf\n  tool run \\-\\-count 2\n.fi", `\&.hidden line`, ".SH EXIT STATUS\n0 on success.", "SEE ALSO\ntool(1)"},
	} {
		b, err := os.ReadFile(filepath.Join(dir, page))
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range wants {
			if !strings.Contains(string(b), w) {
				t.Errorf("%s lacks %q:\n%s", page, w, b)
			}
		}
	}
}
