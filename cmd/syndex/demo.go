package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/spf13/cobra"

	"github.com/syndex/syndex/archive"
	"github.com/syndex/syndex/article"
	"github.com/syndex/syndex/crawler"
	"github.com/syndex/syndex/extract"
	"github.com/syndex/syndex/index"
	"github.com/syndex/syndex/internal/farm"
	"github.com/syndex/syndex/internal/progress"
	"github.com/syndex/syndex/report"
)

// demoMarker marks an archive directory written by `syndex demo`, which a
// later demo may overwrite; any other non-empty directory is refused.
const demoMarker = "DEMO"

// demoOptions are the demo command's flags.
type demoOptions struct {
	Keep    bool
	Delay   time.Duration
	Hostile bool
}

// newDemoCommand builds `syndex demo`.
func newDemoCommand(g *globals) *cobra.Command {
	var opts demoOptions
	cmd := &cobra.Command{
		Use:   "demo [--data DIR] [--keep]",
		Short: "Crawl an embedded news network on loopback, find the syndicated copies, report and search",
		Long: `demo starts a small network of news outlets on loopback addresses (originals,
republishers that wrap copies in their own boilerplate, a site that truncates copies,
unrelated stories), crawls it politely, extracts, dedups and indexes every article,
then prints the syndication report and a sample search. No internet is needed.`,
		Example: `  syndex demo
  syndex demo --keep && syndex search flood && syndex serve`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runDemo(cmd, g, opts) },
	}
	cmd.Flags().BoolVar(&opts.Keep, "keep", false, "keep the archive (default ./syndex-data) for search, report and serve")
	cmd.Flags().DurationVar(&opts.Delay, "delay", 150*time.Millisecond, "politeness delay between requests to one outlet")
	cmd.Flags().BoolVar(&opts.Hostile, "hostile", false, "add an outlet of hostile pages (40 MiB page, gzip bomb, 10 MiB of unclosed <div>s, 100,000 links, 500-deep <div>s)")
	return cmd
}

func runDemo(cmd *cobra.Command, g *globals, o demoOptions) error {
	ctx, cancel := signalContext(cmd.Context())
	defer cancel()
	start := time.Now()
	dir, err := demoDir(g, o.Keep)
	if err != nil {
		return err
	}
	if !o.Keep {
		defer os.RemoveAll(dir)
	}
	f, err := farm.Start(ctx, farm.Options{Domains: true, Furniture: true, PartnerNoIndex: true, Hostile: o.Hostile})
	if err != nil {
		return fmt.Errorf("start demo network: %w", err)
	}
	defer f.Close()
	out := cmd.OutOrStdout()
	printNetwork(out, f, o.Hostile)

	a, err := archive.Open(ctx, dir, archive.Options{})
	if err != nil {
		return err
	}
	defer a.Close()
	counts := &archive.PageCounts{}
	stop := progress.StartCrawl(os.Stderr, counts)
	stats, err := a.Crawl(ctx, crawler.Config{Seeds: f.Seeds(), Resolve: f.Resolve(), AllowPrivate: true, Delay: o.Delay}, counts, stop.Attach)
	stop.Done()
	if err != nil {
		return fmt.Errorf("crawl demo network: %w", err)
	}
	fmt.Fprintf(out, "\ncrawled %d pages (%d requests, %d errors, %d robots-denied) → %d articles, in %s\n\n",
		stats.Pages, stats.Requests, stats.Errors, stats.RobotsDenied, counts.Articles.Load(), time.Since(start).Round(time.Millisecond))

	arts, err := a.Articles()
	if err != nil {
		return err
	}
	rep := report.Build(arts, report.Filter{})
	if err := rep.Write(out, "text"); err != nil {
		return err
	}
	q := sampleQuery(f)
	if err := sampleSearch(ctx, out, a, q); err != nil {
		return err
	}

	problems := checkDemo(f, a)
	problems = append(problems, checkFurniture(f, rep)...)
	if o.Hostile {
		problems = append(problems, checkHostile(f, arts)...)
	}
	for _, p := range problems {
		fmt.Fprintln(os.Stderr, "demo check:", p)
	}
	if o.Keep {
		abs, _ := filepath.Abs(dir)
		fmt.Fprintf(out, "\narchive kept in %s; try:\n  syndex search --data %s %q\n  syndex report --data %s --format html --out network.html\n  syndex serve --data %s\n", abs, abs, q, abs, abs)
	}
	fmt.Fprintf(out, "\ndemo finished in %s\n", time.Since(start).Round(time.Millisecond))
	if len(problems) > 0 {
		return fmt.Errorf("demo: %d problems: copies not attributed to the right origin or site furniture reported as syndication", len(problems))
	}
	return nil
}

// demoDir is the demo's archive directory: --data (or $SYNDEX_DATA) when
// given or kept, else a new temporary one; a real archive is refused.
func demoDir(g *globals, keep bool) (string, error) {
	dir, explicit := g.dataDir(), g.dataSet || os.Getenv("SYNDEX_DATA") != ""
	if !keep && !explicit {
		tmp, err := os.MkdirTemp("", "syndex-demo-")
		if err != nil {
			return "", err
		}
		dir = tmp
	}
	return dir, prepareDemoDir(dir)
}

// printNetwork lists the demo's outlets.
func printNetwork(out io.Writer, f *farm.Farm, hostile bool) {
	fmt.Fprintf(out, "demo network: %d outlets on loopback\n", len(f.Outlets()))
	for _, o := range f.Outlets() {
		fmt.Fprintf(out, "  %-28s %s\n", o.Name, o.Host)
	}
	if hostile {
		fmt.Fprintf(out, "  %-28s %s\n", "hostile pages", strings.TrimPrefix(f.HostileBase(), "http://"))
	}
}

// sampleSearch runs and prints the demo's sample search.
func sampleSearch(ctx context.Context, out io.Writer, a *archive.Archive, q string) error {
	fmt.Fprintf(out, "\nsample search: syndex search %q\n", q)
	res, err := a.Search(ctx, index.Query{Text: q, Limit: 5, Highlight: true})
	if err != nil {
		return err
	}
	return res.WriteTable(out)
}

// checkHostile lists what the hostile outlet wrongly left in the archive:
// only its page declared an article may be stored, with its text cut to
// the extraction bound.
func checkHostile(f *farm.Farm, arts []*article.Article) []string {
	var problems []string
	huge := false
	for _, a := range arts {
		if !strings.HasPrefix(a.URL, f.HostileBase()+"/") {
			continue
		}
		switch {
		case a.URL != f.HostileBase()+"/huge":
			problems = append(problems, fmt.Sprintf("hostile page %s stored as an article", a.URL))
		case len(a.Text) > extract.DefaultMaxText:
			problems = append(problems, fmt.Sprintf("hostile page %s keeps %d bytes of text", a.URL, len(a.Text)))
		default:
			huge = true
		}
	}
	if !huge {
		problems = append(problems, "the hostile 40 MiB article was not stored")
	}
	return problems
}

// prepareDemoDir refuses to overwrite a real archive and clears an old demo.
func prepareDemoDir(dir string) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) || (err == nil && len(entries) == 0) {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dir, demoMarker), []byte("written by syndex demo; a later demo may overwrite this archive\n"), 0o644)
	}
	if err != nil {
		return err
	}
	if _, err := os.Stat(filepath.Join(dir, demoMarker)); err != nil {
		return usagef("demo: %s holds an archive not written by the demo; pick an empty --data DIR", dir)
	}
	for _, e := range entries {
		if e.Name() != demoMarker {
			if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
				return err
			}
		}
	}
	return nil
}

// checkDemo compares the archive's clusters with the network's ground
// truth and returns one line per copy that was not attributed correctly.
func checkDemo(f *farm.Farm, a *archive.Archive) []string {
	var problems []string
	for _, s := range f.Truth() {
		orig, err := a.Store.ArticleByURL(s.URL)
		if err != nil {
			problems = append(problems, fmt.Sprintf("original %s not archived", s.URL))
			continue
		}
		for _, c := range s.Copies {
			cp, err := a.Store.ArticleByURL(c.URL)
			switch {
			case err != nil:
				problems = append(problems, fmt.Sprintf("copy %s not archived", c.URL))
			case cp.Cluster != orig.Cluster:
				problems = append(problems, fmt.Sprintf("copy %s not grouped with %s", c.URL, s.URL))
			case cp.Original != orig.ID:
				problems = append(problems, fmt.Sprintf("copy %s: original chosen is %s, want %s", c.URL, cp.Original, orig.ID))
			}
		}
	}
	return problems
}

// checkFurniture returns one line per furniture page (contact, donation,
// privacy pages) that the report lists as an original or a copy.
func checkFurniture(f *farm.Farm, rep *report.Report) []string {
	furniture := f.Furniture()
	var problems []string
	for _, c := range rep.Clusters {
		if slices.Contains(furniture, c.Original.URL) {
			problems = append(problems, fmt.Sprintf("furniture page %s reported as an original", c.Original.URL))
		}
		for _, cp := range c.Copies {
			if slices.Contains(furniture, cp.URL) {
				problems = append(problems, fmt.Sprintf("furniture page %s reported as a copy", cp.URL))
			}
		}
	}
	return problems
}

// sampleQuery builds a search for the first copied story of the network
// from the longest words of its headline.
func sampleQuery(f *farm.Farm) string {
	for _, s := range f.Truth() {
		if len(s.Copies) == 0 {
			continue
		}
		words := strings.FieldsFunc(s.Title, func(r rune) bool { return !unicode.IsLetter(r) })
		slices.SortStableFunc(words, func(a, b string) int { return len(b) - len(a) })
		if len(words) > 2 {
			words = words[:2]
		}
		return strings.ToLower(strings.Join(words, " "))
	}
	return "news"
}
