// Package manpage renders the manual pages (section 1) of a command tree
// from the commands' own help: name, synopsis, description, subcommands,
// options, examples, exit status and see-also, in man(7) roff.
package manpage

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// commands lists the commands that get a page: every available one
// (not help or hidden ones), depth first; completion gets one page for
// all its shells.
func commands(c *cobra.Command) []*cobra.Command {
	out := []*cobra.Command{c}
	if c.Name() == "completion" {
		return out
	}
	for _, sub := range availableSubcommands(c) {
		out = append(out, commands(sub)...)
	}
	return out
}

// Name is a command's page name: "syndex-config-check".
func Name(c *cobra.Command) string { return strings.ReplaceAll(c.CommandPath(), " ", "-") }

// Options say what the pages carry besides the commands' own help.
type Options struct {
	// Date is printed on every page (empty: none).
	Date string
	// Source names the software and its version ("syndex 1.2.0").
	Source string
	// Manual names the manual ("syndex manual").
	Manual string
	// ExitStatus is every page's EXIT STATUS section, in roff.
	ExitStatus string
	// Environment is the root page's ENVIRONMENT section, in roff.
	Environment string
}

// Write writes a page per command of root into dir and returns how many.
func Write(root *cobra.Command, dir string, opt Options) (int, error) {
	cmds := commands(root)
	for _, c := range cmds {
		path := filepath.Join(dir, Name(c)+".1")
		f, err := os.Create(path)
		if err != nil {
			return 0, err
		}
		w := bufio.NewWriter(f)
		writePage(w, c, opt)
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

// writePage renders one command as a man(7) page, section by section.
func writePage(w io.Writer, c *cobra.Command, opt Options) {
	writeHeading(w, c, opt)
	writeDescription(w, c)
	writeFlags(w, "OPTIONS", c.NonInheritedFlags())
	writeFlags(w, "GLOBAL OPTIONS", c.InheritedFlags())
	writeExamples(w, c.Example)
	if opt.ExitStatus != "" {
		fmt.Fprint(w, ".SH EXIT STATUS\n"+opt.ExitStatus)
	}
	if !c.HasParent() && opt.Environment != "" {
		fmt.Fprint(w, ".SH ENVIRONMENT\n"+opt.Environment)
	}
	writeSeeAlso(w, c)
}

// writeHeading writes the title line and the NAME and SYNOPSIS sections.
func writeHeading(w io.Writer, c *cobra.Command, opt Options) {
	name := Name(c)
	fmt.Fprintf(w, ".TH %q 1 %q %q %q\n", strings.ToUpper(name), opt.Date, opt.Source, opt.Manual)
	fmt.Fprintf(w, ".SH NAME\n%s \\- %s\n", roff(name), roff(c.Short))
	fmt.Fprintf(w, ".SH SYNOPSIS\n.B %s\n", roff(c.CommandPath()))
	if rest := strings.TrimSpace(strings.TrimPrefix(c.UseLine(), c.CommandPath())); rest != "" {
		fmt.Fprintf(w, "%s\n", roff(rest))
	}
}

// writeDescription writes the DESCRIPTION section (the long help, else
// the short one) and the COMMANDS section when c has subcommands.
func writeDescription(w io.Writer, c *cobra.Command) {
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
}

// writeExamples writes the EXAMPLES section, the lines of example
// unindented, when there are any.
func writeExamples(w io.Writer, example string) {
	if example == "" {
		return
	}
	fmt.Fprintf(w, ".SH EXAMPLES\n.nf\n.RS\n")
	for _, l := range strings.Split(strings.TrimRight(example, "\n"), "\n") {
		fmt.Fprintf(w, "%s\n", roffLine(strings.TrimPrefix(l, "  ")))
	}
	fmt.Fprintf(w, ".RE\n.fi\n")
}

// writeSeeAlso writes the SEE ALSO section: the parent command's page
// and the subcommands'.
func writeSeeAlso(w io.Writer, c *cobra.Command) {
	var also []string
	if c.HasParent() {
		also = append(also, Name(c.Parent())+"(1)")
	}
	for _, s := range availableSubcommands(c) {
		also = append(also, Name(s)+"(1)")
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

// writeFlags lists flags as tagged paragraphs.
func writeFlags(w io.Writer, title string, fs *pflag.FlagSet) {
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
