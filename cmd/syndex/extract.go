package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/cespare/xxhash/v2"
	"github.com/spf13/cobra"

	"github.com/syndex/syndex/article"
	"github.com/syndex/syndex/extract"
	"github.com/syndex/syndex/internal/gzfile"
	"github.com/syndex/syndex/internal/plural"
	"github.com/syndex/syndex/warc"
)

// pageExts are the names `syndex extract` picks in directories, besides
// web archives; each may also be gzipped (page.html.gz).
var pageExts = []string{".html", ".htm", ".xhtml", ".shtml"}

// isPageName reports whether a file name ends like an HTML page.
func isPageName(name string) bool {
	l := strings.TrimSuffix(strings.ToLower(name), ".gz")
	return slices.ContainsFunc(pageExts, func(e string) bool { return strings.HasSuffix(l, e) })
}

// extractMaxInput bounds one HTML file or stdin read by `syndex extract`.
const extractMaxInput = 64 << 20

// extractOptions are the extract command's flags.
type extractOptions struct {
	URL string
	All bool
	Out string
}

// newExtractCommand builds `syndex extract`.
func newExtractCommand(g *globals) *cobra.Command {
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

// extractRun is the state of one `syndex extract`: the extractor (which
// learns a site's repeated blocks across its pages), where the Articles
// go, and the tallies for the summary.
type extractRun struct {
	ctx  context.Context
	ex   *extract.Extractor
	enc  *json.Encoder
	all  bool
	errw io.Writer

	pages, articles, printed, failed int
}

func runExtract(cmd *cobra.Command, g *globals, o extractOptions, args []string) error {
	pageURL, all, out := o.URL, o.All, o.Out
	if err := checkExtractArgs(pageURL, args); err != nil {
		return err
	}
	c, err := g.loadConfig()
	if err != nil {
		return err
	}
	opt, err := c.ForExtract()
	if err != nil {
		return asUsage(err)
	}
	w, closeOut, err := output(out)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(w, 1<<16)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	r := &extractRun{ctx: cmd.Context(), ex: extract.New(opt), enc: enc, all: all, errw: cmd.ErrOrStderr()}
	runErr := r.inputs(args, pageURL)
	if err := bw.Flush(); err != nil && runErr == nil {
		runErr = err
	}
	if err := closeOut(); err != nil && runErr == nil {
		runErr = err
	}
	if runErr != nil {
		return fmt.Errorf("extract: %w", runErr)
	}
	if batch := len(args) > 1 || isDirOrArchive(args[0]); batch || r.failed > 0 {
		fmt.Fprintf(r.errw, "extract: %s read (%s, %d other pages), %d printed, %d failed\n", plural.S(r.pages, "page"),
			plural.S(r.articles, "article"), r.pages-r.articles, r.printed, r.failed)
	}
	if r.failed > 0 {
		return fmt.Errorf("extract: %s could not be read (named above)", plural.S(r.failed, "input"))
	}
	return nil
}

// checkExtractArgs refuses --url with more than one page and inputs that
// do not exist.
func checkExtractArgs(pageURL string, args []string) error {
	if pageURL != "" && (len(args) > 1 || isDirOrArchive(args[0])) {
		return usagef("extract: --url names one page; it cannot go with several inputs, a directory or an archive")
	}
	for _, a := range args {
		if a == "-" {
			continue
		}
		if _, err := os.Stat(a); err != nil {
			return usagef("extract: %v", err)
		}
	}
	return nil
}

// inputs extracts every argument in turn; only a failure to write the
// output stops the run.
func (r *extractRun) inputs(args []string, pageURL string) error {
	for _, a := range args {
		if err := r.input(a, pageURL); err != nil {
			return err
		}
	}
	return nil
}

func isDirOrArchive(p string) bool {
	if st, err := os.Stat(p); err == nil && st.IsDir() {
		return true
	}
	return warc.HasArchiveName(p)
}

// input extracts one command-line argument; only a failure to write the
// output stops the run.
func (r *extractRun) input(arg, pageURL string) error {
	switch {
	case arg == "-":
		body, err := io.ReadAll(io.LimitReader(os.Stdin, extractMaxInput))
		if err != nil {
			r.fail("stdin", err)
			return nil
		}
		return r.page("stdin", extract.Input{URL: pageURL, HTML: body, Fetched: time.Now().UTC()}, true)
	case warc.HasArchiveName(arg):
		return r.archive([]string{arg})
	}
	st, err := os.Stat(arg)
	if err != nil {
		r.fail(arg, err)
		return nil
	}
	if !st.IsDir() {
		return r.file(arg, pageURL, true)
	}
	var pages, archives []string
	err = filepath.WalkDir(arg, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			r.fail(p, err)
			return nil
		}
		if d.IsDir() {
			return nil
		}
		switch {
		case warc.HasArchiveName(d.Name()):
			archives = append(archives, p)
		case isPageName(d.Name()):
			pages = append(pages, p)
		}
		return nil
	})
	if err != nil {
		r.fail(arg, err)
	}
	for _, p := range pages {
		if err := r.file(p, "", false); err != nil {
			return err
		}
	}
	if len(archives) > 0 {
		return r.archive(archives)
	}
	return nil
}

// file extracts one HTML file; without a URL its id comes from its
// file:// URL.
func (r *extractRun) file(path, pageURL string, named bool) error {
	f, err := gzfile.Open(path)
	if err != nil {
		r.fail(path, err)
		return nil
	}
	body, err := io.ReadAll(io.LimitReader(f, extractMaxInput))
	f.Close()
	if err != nil {
		r.fail(path, err)
		return nil
	}
	fetched := time.Now().UTC()
	if st, err := os.Stat(path); err == nil {
		fetched = st.ModTime().UTC()
	}
	in := extract.Input{URL: pageURL, HTML: body, Fetched: fetched}
	if in.URL == "" {
		if abs, err := filepath.Abs(path); err == nil {
			in.URL = (&url.URL{Scheme: "file", Path: filepath.ToSlash(abs)}).String()
		}
	}
	return r.page(path, in, named)
}

// archive extracts every HTML capture of the given web archives.
func (r *extractRun) archive(paths []string) error {
	for c, err := range warc.Captures(r.ctx, paths, warc.ReadOptions{}) {
		if err != nil {
			if r.ctx.Err() != nil {
				return r.ctx.Err()
			}
			r.fail("", err) // names the file and offset
			continue
		}
		if c.Body == nil || !c.HTML {
			continue
		}
		in := extract.Input{URL: c.URI, HTML: c.Body, ContentType: c.ContentType, Fetched: c.Date.UTC(), Truncated: c.Truncated != ""}
		if err := r.page(fmt.Sprintf("%s at offset %d", c.Source, c.Offset), in, false); err != nil {
			return err
		}
	}
	return nil
}

// page extracts one page and prints its Article when it was named or is
// an article (or --all).
func (r *extractRun) page(name string, in extract.Input, named bool) error {
	res, err := r.ex.Extract(r.ctx, in)
	if err != nil {
		if r.ctx.Err() != nil {
			return r.ctx.Err()
		}
		r.fail(name, err)
		return nil
	}
	r.pages++
	if res.IsArticle {
		r.articles++
	} else if !named && !r.all {
		return nil
	}
	r.printed++
	a := res.Article
	if a.ID == "" {
		if a.URL != "" {
			a.ID = article.IDFor(a.URL)
		} else {
			a.ID = contentID(in.HTML)
		}
	}
	return r.enc.Encode(a)
}

func (r *extractRun) fail(name string, err error) {
	r.failed++
	var re *warc.RecordError
	if name == "" || errors.As(err, &re) {
		fmt.Fprintf(r.errw, "syndex: extract: %v\n", err)
		return
	}
	fmt.Fprintf(r.errw, "syndex: extract: %s: %v\n", name, err)
}

// contentID is the id of a page known only by its bytes: 16 hex digits
// of their xxhash, with a prefix that keeps it apart from URL ids.
func contentID(body []byte) string {
	return fmt.Sprintf("content-%016x", xxhash.Sum64(body))
}
