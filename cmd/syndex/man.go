package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
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

// manCommands lists the commands that get a page: every available one
// (not help or hidden ones), depth first; completion gets one page for
// all its shells.
func manCommands(c *cobra.Command) []*cobra.Command {
	out := []*cobra.Command{c}
	if c.Name() == "completion" {
		return out
	}
	for _, sub := range availableSubcommands(c) {
		out = append(out, manCommands(sub)...)
	}
	return out
}

// manName is a command's page name: "syndex-config-check".
func manName(c *cobra.Command) string { return strings.ReplaceAll(c.CommandPath(), " ", "-") }

// writeManPages writes a page per command of root into dir.
func writeManPages(root *cobra.Command, dir, date string) (int, error) {
	cmds := manCommands(root)
	for _, c := range cmds {
		path := filepath.Join(dir, manName(c)+".1")
		f, err := os.Create(path)
		if err != nil {
			return 0, err
		}
		w := bufio.NewWriter(f)
		writeManPage(w, c, date)
		err = w.Flush()
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return 0, fmt.Errorf("write %s: %w", path, err)
		}
	}
	return len(cmds), nil
}

// writeManPage renders one command as a man(7) page.
func writeManPage(w io.Writer, c *cobra.Command, date string) {
	name := manName(c)
	fmt.Fprintf(w, ".TH %q 1 %q %q \"syndex manual\"\n", strings.ToUpper(name), date, "syndex "+version)
	fmt.Fprintf(w, ".SH NAME\n%s \\- %s\n", roff(name), roff(c.Short))
	fmt.Fprintf(w, ".SH SYNOPSIS\n.B %s\n", roff(c.CommandPath()))
	if rest := strings.TrimSpace(strings.TrimPrefix(c.UseLine(), c.CommandPath())); rest != "" {
		fmt.Fprintf(w, "%s\n", roff(rest))
	}
	desc := c.Long
	if desc == "" {
		desc = c.Short
	}
	fmt.Fprintf(w, ".SH DESCRIPTION\n%s", roffText(desc))
	if subs := availableSubcommands(c); len(subs) > 0 {
		fmt.Fprintf(w, ".SH COMMANDS\n")
		for _, s := range subs {
			fmt.Fprintf(w, ".TP\n.B %s\n%s\n", roff(s.Name()), roff(s.Short))
		}
	}
	writeManFlags(w, "OPTIONS", c.NonInheritedFlags())
	writeManFlags(w, "GLOBAL OPTIONS", c.InheritedFlags())
	if c.Example != "" {
		fmt.Fprintf(w, ".SH EXAMPLES\n.nf\n.RS\n")
		for _, l := range strings.Split(strings.TrimRight(c.Example, "\n"), "\n") {
			fmt.Fprintf(w, "%s\n", roffLine(strings.TrimPrefix(l, "  ")))
		}
		fmt.Fprintf(w, ".RE\n.fi\n")
	}
	fmt.Fprint(w, ".SH EXIT STATUS\n0 on success, 1 on a runtime failure, 2 on bad usage or bad configuration; "+
		"the error is one line on standard error naming the file, line, field or URL at fault.\n")
	if !c.HasParent() {
		fmt.Fprint(w, ".SH ENVIRONMENT\n"+
			".TP\n.B SYNDEX_DATA\nThe archive directory when \\-\\-data is not given.\n"+
			".TP\n.B SYNDEX_CONFIG\nThe configuration file when \\-\\-config is not given; else ./syndex.yaml when present.\n"+
			".TP\n.B SYNDEX_FRONTIER\nThe Redis frontier of worker and index.\n"+
			".TP\n.B HTTPS_PROXY, HTTP_PROXY, NO_PROXY\nThe crawler's proxy when \\-\\-proxy and crawl.proxy are not set.\n")
	}
	var also []string
	if c.HasParent() {
		also = append(also, manName(c.Parent())+"(1)")
	}
	for _, s := range availableSubcommands(c) {
		also = append(also, manName(s)+"(1)")
	}
	if len(also) > 0 {
		fmt.Fprintf(w, ".SH SEE ALSO\n%s\n", roff(strings.Join(also, ", ")))
	}
}

func availableSubcommands(c *cobra.Command) []*cobra.Command {
	var out []*cobra.Command
	for _, s := range c.Commands() {
		if s.IsAvailableCommand() && !s.IsAdditionalHelpTopicCommand() {
			out = append(out, s)
		}
	}
	slices.SortFunc(out, func(a, b *cobra.Command) int { return strings.Compare(a.Name(), b.Name()) })
	return out
}

// writeManFlags lists flags as tagged paragraphs.
func writeManFlags(w io.Writer, title string, fs *pflag.FlagSet) {
	var lines []string
	fs.VisitAll(func(f *pflag.Flag) {
		if f.Hidden {
			return
		}
		name := "\\-\\-" + roff(f.Name)
		if f.Shorthand != "" {
			name = "\\-" + roff(f.Shorthand) + ", " + name
		}
		varname, usage := pflag.UnquoteUsage(f)
		if varname != "" {
			name += " \\fI" + roff(varname) + "\\fR"
		}
		if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0" && f.DefValue != "[]" {
			usage += " (default " + f.DefValue + ")"
		}
		lines = append(lines, ".TP\n\\fB"+name+"\\fR\n"+roff(usage)+"\n")
	})
	if len(lines) == 0 {
		return
	}
	fmt.Fprintf(w, ".SH %s\n%s", title, strings.Join(lines, ""))
}

// roff escapes text for a roff line: backslashes, hyphens (so that option
// names are not hyphenated or turned into dashes) and every non-ASCII
// character (as \[uXXXX], which any groff reads whatever its input
// encoding).
func roff(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\\':
			b.WriteString(`\e`)
		case r == '-':
			b.WriteString(`\-`)
		case r > 127:
			fmt.Fprintf(&b, `\[u%04X]`, r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// roffLine escapes one line of running text; a line starting with a
// period or an apostrophe would be read as a request.
func roffLine(s string) string {
	s = roff(s)
	if strings.HasPrefix(s, ".") || strings.HasPrefix(s, "'") {
		s = `\&` + s
	}
	return s
}

// roffText renders paragraphs (blank lines between them) of running
// text; indented lines (examples inside the text) are kept as they are.
func roffText(s string) string {
	var b strings.Builder
	for _, para := range strings.Split(strings.TrimSpace(s), "\n\n") {
		b.WriteString(".PP\n")
		for _, l := range strings.Split(para, "\n") {
			if strings.HasPrefix(l, "  ") {
				b.WriteString(".nf\n" + roffLine(l) + "\n.fi\n")
				continue
			}
			b.WriteString(roffLine(l) + "\n")
		}
	}
	return b.String()
}
