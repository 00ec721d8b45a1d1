package crawl

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/syndex/syndex/archive"
	"github.com/syndex/syndex/cmd/syndex/internal/cli"
	"github.com/syndex/syndex/crawler"
	"github.com/syndex/syndex/index"
	"github.com/syndex/syndex/internal/demo"
	"github.com/syndex/syndex/internal/farm"
	"github.com/syndex/syndex/internal/progress"
	"github.com/syndex/syndex/report"
	"github.com/syndex/syndex/report/render"
)

// demoOptions are the demo command's flags.
type demoOptions struct {
	Keep    bool
	Delay   time.Duration
	Hostile bool
}

// DemoCommand builds `syndex demo`.
func DemoCommand(g *cli.Globals) *cobra.Command {
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

func runDemo(cmd *cobra.Command, g *cli.Globals, o demoOptions) error {
	defer followHeap()()
	ctx, cancel := cli.SignalContext(cmd.Context())
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
	if err := crawlDemo(ctx, out, a, f, o.Delay, start); err != nil {
		return err
	}
	q, problems, err := reportDemo(ctx, out, a, f, o.Hostile)
	if err != nil {
		return err
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

// crawlDemo crawls the demo network f into a with the politeness delay,
// showing progress, and prints what the crawl (begun at start) found.
func crawlDemo(ctx context.Context, out io.Writer, a *archive.Archive, f *farm.Farm, delay time.Duration, start time.Time) error {
	counts := &archive.PageCounts{}
	stop := progress.StartCrawl(os.Stderr, counts)
	stats, err := a.Crawl(ctx, crawler.Config{Seeds: f.Seeds(), Resolve: f.Resolve(), AllowPrivate: true, Delay: delay}, counts, stop.Attach)
	stop.Done()
	if err != nil {
		return fmt.Errorf("crawl demo network: %w", err)
	}
	fmt.Fprintf(out, "\ncrawled %d pages (%d requests, %d errors, %d robots-denied) → %d articles, in %s\n\n",
		stats.Pages, stats.Requests, stats.Errors, stats.RobotsDenied, counts.Articles.Load(), time.Since(start).Round(time.Millisecond))
	return nil
}

// reportDemo prints the report of the crawled demo archive and the sample
// search q, and checks what dedup found against the network's truth; the
// problems go to stderr.
func reportDemo(ctx context.Context, out io.Writer, a *archive.Archive, f *farm.Farm, hostile bool) (q string, problems []string, err error) {
	arts, err := a.Articles()
	if err != nil {
		return "", nil, err
	}
	rep := report.Build(arts, report.Filter{})
	if err := render.Write(out, rep, "text"); err != nil {
		return "", nil, err
	}
	q = demo.SampleQuery(f)
	if err := sampleSearch(ctx, out, a, q); err != nil {
		return "", nil, err
	}
	problems = demo.Check(f, a, rep, arts, hostile)
	for _, p := range problems {
		fmt.Fprintln(os.Stderr, "demo check:", p)
	}
	return q, problems, nil
}

// demoDir is the demo's archive directory: --data (or $SYNDEX_DATA) when
// given or kept, else a new temporary one; a real archive is refused.
func demoDir(g *cli.Globals, keep bool) (string, error) {
	dir, explicit := g.DataDir(), g.DataSet || os.Getenv("SYNDEX_DATA") != ""
	if !keep && !explicit {
		tmp, err := os.MkdirTemp("", "syndex-demo-")
		if err != nil {
			return "", err
		}
		dir = tmp
	}
	err := demo.PrepareDir(dir)
	if errors.Is(err, demo.ErrNotDemo) {
		return "", cli.Usagef("demo: %v", err)
	}
	return dir, err
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
