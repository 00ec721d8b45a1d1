package read

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/syndex/syndex/archive"
	"github.com/syndex/syndex/article"
	"github.com/syndex/syndex/cmd/syndex/internal/cli"
	"github.com/syndex/syndex/extract"
	"github.com/syndex/syndex/internal/plural"
	"github.com/syndex/syndex/internal/printable"
	"github.com/syndex/syndex/store"
)

// lookupOptions are the lookup command's flags.
type lookupOptions struct {
	URL       string
	Site      string
	Published string
	Limit     int
	JSON      bool
	In        string
}

// LookupCommand builds `syndex lookup`.
func LookupCommand(g *cli.Globals) *cobra.Command {
	var opts lookupOptions
	cmd := &cobra.Command{
		Use:   "lookup [--url URL | FILE.html | FILE.txt | - | --in FILE.jsonl] [--json]",
		Short: "Is this text a copy of something archived? The original, the evidence, every copy; changes nothing",
		Example: `  syndex lookup --url https://copier.example/2024/story       # an archived page
  syndex lookup saved-page.html                                # a saved page (extracted first)
  pbpaste | syndex lookup --site copier.example --json -       # a text
  syndex lookup --in suspects.jsonl > answers.jsonl           # many texts, one answer per line`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return runLookup(cmd, g, opts, args) },
	}
	f := cmd.Flags()
	f.StringVar(&opts.URL, "url", "", "alone: look up the archived article fetched from URL; with FILE: the page's own URL")
	f.StringVar(&opts.Site, "site", "", "the site the text was published on (its boilerplate is then discounted)")
	f.StringVar(&opts.Published, "published", "", "when the text was published (a date or RFC 3339), for the lag")
	f.IntVar(&opts.Limit, "limit", archive.DefaultLookupLimit, "most clusters listed")
	f.BoolVar(&opts.JSON, "json", false, "print the answer as JSON (stable for scripts)")
	f.StringVar(&opts.In, "in", "", "look up every line of a JSONL file of articles (id, text; url, site, title, published when known; - for stdin) and print one answer per line")
	return cmd
}

func runLookup(cmd *cobra.Command, g *cli.Globals, o lookupOptions, args []string) error {
	q, err := o.input(cmd, g, args)
	if err != nil {
		return err
	}
	lk, byURL, closeFn, err := openLooker(cmd, g)
	if err != nil {
		return err
	}
	defer closeFn()
	if o.In != "" {
		return lookupBatch(cmd, lk, o.In, q)
	}
	if len(args) == 0 {
		if err := archived(byURL, o.URL, &q); err != nil {
			return err
		}
	}
	res, err := lk.Lookup(cmd.Context(), q)
	if errors.Is(err, archive.ErrBadLookup) {
		return cli.AsUsage(err)
	}
	if err != nil {
		return err
	}
	return o.print(res)
}

// input checks the options against the arguments and returns the query
// they set, with the text of a FILE or - argument read.
func (o lookupOptions) input(cmd *cobra.Command, g *cli.Globals, args []string) (archive.LookupQuery, error) {
	q, err := o.query(args)
	if err != nil || len(args) != 1 {
		return q, err
	}
	if err := readLookupInput(cmd, g, args[0], o.URL, &q); err != nil {
		return q, err
	}
	return q, nil
}

// print writes a lookup's result to stdout: JSON with --json, else for a
// terminal.
func (o lookupOptions) print(res *archive.LookupResult) error {
	if o.JSON {
		return cli.PrintJSON(os.Stdout, res)
	}
	return writeLookup(os.Stdout, res)
}

// query checks the options against the arguments and returns the query
// they set, before its text is read.
func (o lookupOptions) query(args []string) (archive.LookupQuery, error) {
	if err := o.oneInput(args); err != nil {
		return archive.LookupQuery{}, err
	}
	if o.Limit < 1 || o.Limit > 100 {
		return archive.LookupQuery{}, cli.Usagef("--limit %d: want 1–100", o.Limit)
	}
	pub, err := cli.ParseDate("published", o.Published)
	if err != nil {
		return archive.LookupQuery{}, err
	}
	return archive.LookupQuery{Site: o.Site, Published: pub, Limit: o.Limit}, nil
}

// oneInput checks that the options and arguments name one input: --in,
// or --url, a FILE or -.
func (o lookupOptions) oneInput(args []string) error {
	switch {
	case o.In != "" && (len(args) > 0 || o.URL != ""):
		return cli.Usagef("lookup: --in FILE.jsonl looks up every line; give no other input")
	case o.In == "" && len(args) == 0 && o.URL == "":
		return cli.Usagef("lookup: give --url URL (an archived page), a FILE (.html or text), - for stdin, or --in FILE.jsonl")
	}
	return nil
}

// archived sets q to look up the archived article fetched from pageURL;
// a site or date given on the command line stays.
func archived(byURL func(string) (*article.Article, error), pageURL string, q *archive.LookupQuery) error {
	art, err := byURL(pageURL)
	if errors.Is(err, store.ErrNotFound) {
		return cli.Usagef("lookup: %v (lookup reads the archive and fetches nothing: save the page and give the file)", err)
	}
	if err != nil {
		return err
	}
	q.ID, q.Text, q.Title, q.URL = art.ID, art.Text, art.Title, art.URL
	if q.Site == "" {
		q.Site = art.Site
	}
	if q.Published.IsZero() {
		q.Published = art.Published
	}
	return nil
}

// openLooker opens the archive named by --data for lookups (read-only,
// without the search index), or reaches the read API of the process
// that holds it (openOrDial). byURL finds an archived article by its
// address.
func openLooker(cmd *cobra.Command, g *cli.Globals) (lk archive.Looker, byURL func(string) (*article.Article, error), closeFn func() error, err error) {
	c, err := g.LoadConfig()
	if err != nil {
		return nil, nil, nil, err
	}
	dc := c.ForDedup()
	a, r, err := g.OpenOrDial(cmd.Context(), archive.Options{ReadOnly: true, NoIndex: true, Dedup: &dc})
	switch {
	case err != nil:
		return nil, nil, nil, err
	case a != nil:
		return a, a.ArticleAt, a.Close, nil
	}
	return r, r.ArticleAt, r.Close, nil
}

// lookupBatch looks up every line of a JSONL file of Articles
// (archive.LookupJSONL) and prints one LookupResult per line, in input
// order, as JSONL. Lines without text are reported with their id (exit 1)
// and the rest are looked up.
func lookupBatch(cmd *cobra.Command, lk archive.Looker, path string, defaults archive.LookupQuery) error {
	r, closeIn, err := cli.Input(path)
	if err != nil {
		return err
	}
	defer closeIn()
	w := bufio.NewWriterSize(os.Stdout, 1<<16)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	n, bad, rerr := archive.LookupJSONL(cmd.Context(), lk, r, defaults, func(res *archive.LookupResult) error { return enc.Encode(res) }, w.Flush)
	if err := w.Flush(); err != nil {
		return err
	}
	if rerr != nil {
		return fmt.Errorf("lookup --in %s: %w", path, rerr)
	}
	if len(bad) > 0 {
		return fmt.Errorf("lookup --in %s: %d of %d lines not looked up: %s", path, len(bad), n, strings.Join(bad[:min(len(bad), 5)], "; "))
	}
	return nil
}

// readLookupInput reads FILE (or stdin for -) into q
// (archive.QueryFromInput: a page is extracted, learning nothing; other
// input is the text itself).
func readLookupInput(cmd *cobra.Command, g *cli.Globals, name, pageURL string, q *archive.LookupQuery) error {
	var body []byte
	var err error
	if name == "-" {
		body, err = io.ReadAll(io.LimitReader(os.Stdin, 64<<20))
	} else {
		body, err = os.ReadFile(name)
	}
	if err != nil {
		return cli.Usagef("read %s: %v", name, err)
	}
	err = archive.QueryFromInput(cmd.Context(), name, body, pageURL, q, func() (extract.Options, error) {
		c, err := g.LoadConfig()
		if err != nil {
			return extract.Options{}, err
		}
		opt, err := c.ForExtract()
		return opt, cli.AsUsage(err)
	})
	if errors.Is(err, archive.ErrBadLookup) {
		return cli.AsUsage(err)
	}
	return err
}

// writeLookup prints a lookup for a terminal.
func writeLookup(w io.Writer, res *archive.LookupResult) error {
	ew := &lineWriter{w: w}
	writeVerdict(ew, res)
	for _, m := range res.Matches {
		writeMatch(ew, m)
	}
	return ew.err
}

// clean is s made printable and cut to n characters.
func clean(s string, n int) string { return printable.Truncate(printable.Clean(s), n) }

// writeVerdict prints the lookup's verdict line (for a copy, with its
// original).
func writeVerdict(ew *lineWriter, res *archive.LookupResult) {
	switch res.Verdict {
	case archive.VerdictCopy:
		m := res.Matches[0]
		ew.printf("COPY of %q\n", clean(m.Original.Title, 100))
		ew.printf("  original: %s  %s  %s\n", clean(m.Original.Site, 200), dateOrUnknown(m.Original.Published), clean(m.Original.URL, 300))
		ew.printf("  evidence: %s\n", strings.Join(orNone(m.Evidence), ", "))
		ew.printf("  carries %.0f%% of the original's text; %.0f%% of this text comes from it", 100*m.OriginalShare, 100*m.CopyShare)
		if m.LagSeconds != nil {
			ew.printf("; published %s after it", printable.Lag(m.LagSeconds))
		}
		ew.printf("\n")
	case archive.VerdictOriginal:
		ew.printf("ORIGINAL: this archived article is the original of cluster %s\n", res.Query.Cluster)
	case archive.VerdictPartial:
		ew.printf("NOT A COPY by the archive's rules, but it shares text with %s\n", plural.N(len(res.Matches), "archived story", "archived stories"))
	default:
		ew.printf("NO MATCH: nothing archived shares this text (%d words)\n", res.Query.Words)
	}
}

// writeMatch prints one matching cluster: its original, the shares, the
// closest member and the copies.
func writeMatch(ew *lineWriter, m archive.LookupMatch) {
	kind := "shares text"
	if m.Copy {
		kind = "copy of its original"
	}
	ew.printf("\n%2d. cluster %s  score %.2f  %s\n", m.Rank, m.Cluster, m.Score, kind)
	ew.printf("    original  %-28s %s  %s\n", clean(m.Original.Site, 200), dateOrUnknown(m.Original.Published), clean(m.Original.Title, 80))
	ew.printf("    this text carries %.0f%% of it, %.0f%% of this text is from it (containment %.2f, Jaccard %.2f, %d shared shingles)\n",
		100*m.OriginalShare, 100*m.CopyShare, m.Containment, m.Jaccard, m.SharedFeatures)
	if m.Closest != nil {
		ew.printf("    closest member: the copy on %s (%.0f%% of this text found in it)\n", clean(m.Closest.Site, 200), 100*m.Closest.ProbeShare)
	}
	if len(m.Copies) == 0 {
		ew.printf("    no archived copies\n")
	}
	for _, c := range m.Copies {
		lag := "lag unknown"
		if c.LagSeconds != nil {
			lag = "after " + printable.Lag(c.LagSeconds)
		}
		ew.printf("    copy      %-28s %s  carries %3.0f%%  %s\n", clean(c.Site, 200), dateOrUnknown(c.Published), 100*c.OriginalShare, lag)
	}
}

func dateOrUnknown(t time.Time) string {
	if t.IsZero() {
		return "date unknown"
	}
	return t.UTC().Format(time.DateOnly)
}

func orNone(s []string) []string {
	if len(s) == 0 {
		return []string{"none recorded"}
	}
	return s
}

type lineWriter struct {
	w   io.Writer
	err error
}

func (e *lineWriter) printf(format string, args ...any) {
	if e.err == nil {
		_, e.err = fmt.Fprintf(e.w, format, args...)
	}
}
