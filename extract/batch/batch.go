// Package batch runs one Extractor over the inputs `syndex extract` is
// given: HTML files (gzipped or not), directories searched for pages and
// web archives, WARC, ARC and WACZ files (each HTML capture, with its URL
// and capture date), and stdin. One Extractor serves the whole run, so it
// learns a site's repeated blocks across its pages.
//
// A bad input loses nothing else: it is reported to Options.Fail with its
// name (a file, or a web archive's file and offset in the error) and the
// run goes on; only a failure to emit an Article (the output) or a
// cancelled context stops it.
package batch

import (
	"context"
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

	"github.com/syndex/syndex/article"
	"github.com/syndex/syndex/extract"
	"github.com/syndex/syndex/internal/gzfile"
	"github.com/syndex/syndex/warc"
)

// PageExts are the names picked in directories, besides web archives;
// each may also be gzipped (page.html.gz).
var PageExts = []string{".html", ".htm", ".xhtml", ".shtml"}

// MaxInput bounds one HTML file or stdin.
const MaxInput = 64 << 20

// IsPageName reports whether a file name ends like an HTML page.
func IsPageName(name string) bool {
	l := strings.TrimSuffix(strings.ToLower(name), ".gz")
	return slices.ContainsFunc(PageExts, func(e string) bool { return strings.HasSuffix(l, e) })
}

// IsDirOrArchive reports whether p names a directory or a web archive:
// an input of many pages.
func IsDirOrArchive(p string) bool {
	if st, err := os.Stat(p); err == nil && st.IsDir() {
		return true
	}
	return warc.HasArchiveName(p)
}

// Options says what a run reads and where its Articles and failures go.
type Options struct {
	// URL is the page's URL for a single named input (sets url, site and
	// id, resolves relative links); "" takes a file's file:// URL.
	URL string
	// All emits the pages found in directories and archives that are not
	// articles too; a page named as an argument is always emitted.
	All bool
	// Stdin is read for the argument "-".
	Stdin io.Reader
	// Emit receives each Article to print, with its id set; an error
	// stops the run.
	Emit func(*article.Article) error
	// Fail receives each input that could not be read or extracted. name
	// is "" when err names its place itself (a *warc.RecordError).
	Fail func(name string, err error)
}

// Stats counts a run's pages.
type Stats struct {
	Pages    int // pages extracted
	Articles int // of them, taken for articles
	Printed  int // Articles emitted
	Failed   int // inputs that could not be read or extracted
}

// Run extracts every argument in turn (a file, a directory, a web archive
// or "-" for stdin) with ex.
func Run(ctx context.Context, ex *extract.Extractor, args []string, opt Options) (Stats, error) {
	r := &run{ctx: ctx, ex: ex, opt: opt}
	for _, a := range args {
		if err := r.input(a); err != nil {
			return r.st, err
		}
	}
	return r.st, nil
}

// run is the state of one Run.
type run struct {
	ctx context.Context
	ex  *extract.Extractor
	opt Options
	st  Stats
}

// input extracts one argument; only a failure to emit stops the run.
func (r *run) input(arg string) error {
	switch {
	case arg == "-":
		body, err := io.ReadAll(io.LimitReader(r.opt.Stdin, MaxInput))
		if err != nil {
			r.fail("stdin", err)
			return nil
		}
		return r.page("stdin", extract.Input{URL: r.opt.URL, HTML: body, Fetched: time.Now().UTC()}, true)
	case warc.HasArchiveName(arg):
		return r.archive([]string{arg})
	}
	st, err := os.Stat(arg)
	if err != nil {
		r.fail(arg, err)
		return nil
	}
	if !st.IsDir() {
		return r.file(arg, r.opt.URL, true)
	}
	pages, archives := r.walk(arg)
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

// walk lists the pages and web archives under dir; what cannot be read
// is reported and skipped.
func (r *run) walk(dir string) (pages, archives []string) {
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
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
		case IsPageName(d.Name()):
			pages = append(pages, p)
		}
		return nil
	})
	if err != nil {
		r.fail(dir, err)
	}
	return pages, archives
}

// file extracts one HTML file; without a URL its id comes from its
// file:// URL.
func (r *run) file(path, pageURL string, named bool) error {
	f, err := gzfile.Open(path)
	if err != nil {
		r.fail(path, err)
		return nil
	}
	body, err := io.ReadAll(io.LimitReader(f, MaxInput))
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
func (r *run) archive(paths []string) error {
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

// page extracts one page and emits its Article when it was named or is
// an article (or All).
func (r *run) page(name string, in extract.Input, named bool) error {
	res, err := r.ex.Extract(r.ctx, in)
	if err != nil {
		if r.ctx.Err() != nil {
			return r.ctx.Err()
		}
		r.fail(name, err)
		return nil
	}
	r.st.Pages++
	if res.IsArticle {
		r.st.Articles++
	} else if !named && !r.opt.All {
		return nil
	}
	r.st.Printed++
	a := res.Article
	if a.ID == "" {
		if a.URL != "" {
			a.ID = article.IDFor(a.URL)
		} else {
			a.ID = ContentID(in.HTML)
		}
	}
	return r.opt.Emit(a)
}

// fail counts and reports an input that could not be read or extracted.
func (r *run) fail(name string, err error) {
	r.st.Failed++
	if r.opt.Fail != nil {
		r.opt.Fail(name, err)
	}
}

// ContentID is the id of a page known only by its bytes: 16 hex digits
// of their xxhash, with a prefix that keeps it apart from URL ids.
func ContentID(body []byte) string {
	return fmt.Sprintf("content-%016x", xxhash.Sum64(body))
}
