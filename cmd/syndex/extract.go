package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/syndex/syndex/article"
	"github.com/syndex/syndex/cmd/syndex/internal/cli"
	"github.com/syndex/syndex/extract"
	"github.com/syndex/syndex/extract/batch"
	"github.com/syndex/syndex/internal/plural"
	"github.com/syndex/syndex/warc"
)

// extractOptions are the extract command's flags.
type extractOptions struct {
	URL string
	All bool
	Out string
}

// newExtractCommand builds `syndex extract`.
func newExtractCommand(g *cli.Globals) *cobra.Command {
	var opts extractOptions
	cmd := &cobra.Command{
		Use:   "extract [--url URL] [--all] [--out FILE] (FILE.html[.gz] | DIR | ARCHIVE.warc.gz | -)...",
		Short: "Extract Articles from HTML files, directories of them or web archives; one JSON line per Article",
		Long: `Extract the Article of each page and print it as one compact JSON line (JSONL), ready for
syndex dedup and syndex import. Arguments are HTML files, directories (searched recursively for
*.html, *.htm, *.xhtml, *.shtml and web archives), WARC, ARC or WACZ files (each HTML capture,
with its URL and capture date), or - for stdin; HTML files may be gzipped (page.html.gz).

Every page named on the command line is printed; pages found in a directory or a web archive
are printed when extraction takes them for an article (--all prints every page). Each Article
has an id: the id of its URL (--url, the capture's URL, or file:///absolute/path for a file),
or of its content for stdin without --url. A file that cannot be read or extracted is reported
on stderr with its name and the rest go on (exit 1 at the end).`,
		Example: `  syndex extract --url https://example.org/news/1 page.html
  curl -s https://example.org/news/1 | syndex extract --url https://example.org/news/1 -
  syndex extract --out articles.jsonl saved-pages/ crawl.warc.gz && syndex dedup --in articles.jsonl`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return runExtract(cmd, g, opts, args) },
	}
	f := cmd.Flags()
	f.StringVar(&opts.URL, "url", "", "the page's URL (sets url, site, id and resolves relative links); one input only")
	f.BoolVar(&opts.All, "all", false, "also print the pages found in directories and archives that are not articles (home, section pages)")
	f.StringVar(&opts.Out, "out", "", "write the Articles (JSONL) to FILE instead of stdout")
	return cmd
}

// runExtract extracts the arguments (batch.Run) and prints their Articles
// as JSONL, the failures on stderr and, for several inputs, a summary.
func runExtract(cmd *cobra.Command, g *cli.Globals, o extractOptions, args []string) error {
	if err := checkExtractArgs(o.URL, args); err != nil {
		return err
	}
	c, err := g.LoadConfig()
	if err != nil {
		return err
	}
	opt, err := c.ForExtract()
	if err != nil {
		return cli.AsUsage(err)
	}
	out, err := createJSONL(o.Out)
	if err != nil {
		return err
	}
	errw := cmd.ErrOrStderr()
	st, runErr := batch.Run(cmd.Context(), extract.New(opt), args, batch.Options{URL: o.URL, All: o.All, Stdin: os.Stdin,
		Emit: out.write,
		Fail: func(name string, err error) { printExtractFailure(errw, name, err) }})
	if err := out.close(); err != nil && runErr == nil {
		runErr = err
	}
	if runErr != nil {
		return fmt.Errorf("extract: %w", runErr)
	}
	return extractSummary(errw, st, args)
}

// extractSummary prints, for several inputs or when some failed, what was
// read, printed and failed; failures are the error.
func extractSummary(errw io.Writer, st batch.Stats, args []string) error {
	if many := len(args) > 1 || batch.IsDirOrArchive(args[0]); many || st.Failed > 0 {
		fmt.Fprintf(errw, "extract: %s read (%s, %d other pages), %d printed, %d failed\n", plural.S(st.Pages, "page"),
			plural.S(st.Articles, "article"), st.Pages-st.Articles, st.Printed, st.Failed)
	}
	if st.Failed > 0 {
		return fmt.Errorf("extract: %s could not be read (named above)", plural.S(st.Failed, "input"))
	}
	return nil
}

// jsonlOut writes Articles as buffered JSON lines, HTML unescaped, to
// --out or stdout.
type jsonlOut struct {
	bw       *bufio.Writer
	enc      *json.Encoder
	closeOut func() error
}

// createJSONL opens path (stdout when empty or -) for JSON lines.
func createJSONL(path string) (*jsonlOut, error) {
	w, closeOut, err := cli.Output(path)
	if err != nil {
		return nil, err
	}
	bw := bufio.NewWriterSize(w, 1<<16)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	return &jsonlOut{bw: bw, enc: enc, closeOut: closeOut}, nil
}

// write writes one Article as a line.
func (o *jsonlOut) write(a *article.Article) error { return o.enc.Encode(a) }

// close flushes the lines and closes the file; the first error is
// returned.
func (o *jsonlOut) close() error {
	err := o.bw.Flush()
	if cerr := o.closeOut(); err == nil {
		err = cerr
	}
	return err
}

// checkExtractArgs refuses --url with more than one page and inputs that
// do not exist.
func checkExtractArgs(pageURL string, args []string) error {
	if pageURL != "" && (len(args) > 1 || batch.IsDirOrArchive(args[0])) {
		return cli.Usagef("extract: --url names one page; it cannot go with several inputs, a directory or an archive")
	}
	for _, a := range args {
		if a == "-" {
			continue
		}
		if _, err := os.Stat(a); err != nil {
			return cli.Usagef("extract: %v", err)
		}
	}
	return nil
}

// printExtractFailure prints an input that could not be read or
// extracted, by its name unless the error names its place itself.
func printExtractFailure(w io.Writer, name string, err error) {
	var re *warc.RecordError
	if name == "" || errors.As(err, &re) {
		fmt.Fprintf(w, "syndex: extract: %v\n", err)
		return
	}
	fmt.Fprintf(w, "syndex: extract: %s: %v\n", name, err)
}
