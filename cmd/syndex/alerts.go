package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/syndex/syndex/alert"
	"github.com/syndex/syndex/archive"
	"github.com/syndex/syndex/config"
	"github.com/syndex/syndex/report"
)

// alertsOptions are the alerts command's flags.
type alertsOptions struct {
	Rule  string
	Since string
	Limit int
	JSON  bool
}

// newAlertsCommand builds `syndex alerts`.
func newAlertsCommand(g *globals) *cobra.Command {
	var opts alertsOptions
	cmd := &cobra.Command{
		Use:   "alerts [--rule NAME] [--since DATE] [--limit N] [--json]",
		Short: "List the alerts the config's saved searches and watches fired during syndex run",
		Example: `  syndex alerts --config syndex.yaml
  syndex alerts --rule viral --since 2024-05-01 --json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runAlerts(g, opts) },
	}
	f := cmd.Flags()
	f.StringVar(&opts.Rule, "rule", "", "only the alerts of this rule")
	f.StringVar(&opts.Since, "since", "", "only alerts fired on or after this date")
	f.IntVar(&opts.Limit, "limit", 50, "the latest N alerts (0: all)")
	f.BoolVar(&opts.JSON, "json", false, "print the alerts as JSONL, each with its delivery")
	return cmd
}

// startAlerts starts evaluating the config's alert rules in the
// background; done is closed when evaluation and deliveries have stopped
// (after ctx ends). Without rules it does nothing.
func startAlerts(ctx context.Context, a *archive.Archive, c *config.Config) (done <-chan struct{}, closeFn func() error, err error) {
	ch := make(chan struct{})
	if len(c.Alerts.Rules) == 0 {
		close(ch)
		return ch, func() error { return nil }, nil
	}
	ev, err := alert.New(ctx, a, c.Alerts, c.Collections, alert.Options{Dir: a.Dir})
	if err != nil {
		return nil, nil, asUsage(fmt.Errorf("run: %w", err))
	}
	slog.Info("alerts on", "rules", ev.Describe(), "file", ev.Path())
	go func() {
		defer close(ch)
		ev.Run(ctx)
	}()
	return ch, ev.Close, nil
}

// alertsPath is the alert file of the archive named by --data.
func (g *globals) alertsPath(c *config.Config) string {
	p := c.Alerts.File
	if p == "" {
		p = alert.DefaultFile
	}
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(g.dataDir(), p)
}

func runAlerts(g *globals, o alertsOptions) error {
	ruleName, sinceS, limit, asJSON := o.Rule, o.Since, o.Limit, o.JSON
	if limit < 0 {
		return usagef("--limit must be ≥ 0")
	}
	since, err := parseDate("since", sinceS)
	if err != nil {
		return err
	}
	c, err := g.loadConfig()
	if err != nil {
		return err
	}
	path := g.alertsPath(c)
	if _, err := os.Stat(path); err != nil {
		if len(c.Alerts.Rules) == 0 {
			return usagef("alerts: no alert file %s, and the config has no alert rules (see alerts: in `syndex config example`)", path)
		}
		fmt.Fprintf(os.Stderr, "no alerts yet (%s does not exist)\n", path)
		return nil
	}
	alerts, delivered, err := alert.Read(path)
	if err != nil {
		fmt.Fprintf(os.Stderr, "syndex: alerts: %v\n", err) // bad lines are skipped
	}
	var keep []alert.Alert
	for _, a := range alerts {
		if (ruleName == "" || a.Rule == ruleName) && (since.IsZero() || !a.Fired.Before(since)) {
			keep = append(keep, a)
		}
	}
	if limit > 0 && len(keep) > limit {
		keep = keep[len(keep)-limit:]
	}
	if asJSON {
		enc := json.NewEncoder(os.Stdout)
		enc.SetEscapeHTML(false)
		for _, a := range keep {
			line := struct {
				alert.Alert
				Delivery *alert.Delivery `json:"delivery,omitempty"`
			}{Alert: a}
			if d, ok := delivered[a.ID]; ok {
				line.Delivery = &d
			}
			if err := enc.Encode(line); err != nil {
				return err
			}
		}
		return nil
	}
	if len(keep) == 0 {
		fmt.Println("no alerts")
		return nil
	}
	webhook := c.Alerts.Webhook.URL != "" || len(delivered) > 0
	tw := tabwriter.NewWriter(os.Stdout, 2, 4, 2, ' ', 0)
	head := "FIRED\tRULE\tKIND\tSITE\tARTICLE"
	if webhook {
		head += "\tWEBHOOK"
	}
	fmt.Fprintln(tw, head)
	for _, a := range keep {
		what := a.Article.Title
		if what == "" {
			what = a.Article.URL
		}
		switch a.Kind {
		case alert.KindReach:
			what = fmt.Sprintf("%d copies: %s", a.Copies, what)
		case alert.KindCopies:
			if a.Original != nil {
				what = "copy of " + a.Original.Site + ": " + what
			}
		}
		row := fmt.Sprintf("%s\t%s\t%s\t%s\t%s", a.Fired.Local().Format(time.DateTime), report.Clean(a.Rule), a.Kind,
			report.Clean(a.Article.Site), truncateRunes(report.Clean(what), 90))
		if webhook {
			d, ok := delivered[a.ID]
			switch {
			case !ok:
				row += "\tpending"
			case d.Status == alert.StatusDelivered:
				row += fmt.Sprintf("\tdelivered (%d attempts)", d.Attempts)
			default:
				row += "\tfailed: " + truncateRunes(strings.ReplaceAll(d.Error, "\n", " "), 60)
			}
		}
		fmt.Fprintln(tw, row)
	}
	return tw.Flush()
}

// crawlAlerts evaluates the config's alert rules during a `syndex crawl`
// pass (as `syndex run` does all the time), so that an hourly crawl from
// cron alerts too.
type crawlAlerts struct {
	ev     *alert.Evaluator
	cancel context.CancelFunc
	done   chan struct{}
}

// crawlAlertDrain bounds how long a finished crawl waits for the webhook
// to take the last alerts (the rest are sent by the next pass or run).
const crawlAlertDrain = 30 * time.Second

// startCrawlAlerts starts the evaluator when the config has rules; the
// result's finish is safe to call either way.
func startCrawlAlerts(ctx context.Context, a *archive.Archive, c *config.Config) (*crawlAlerts, error) {
	if len(c.Alerts.Rules) == 0 {
		return &crawlAlerts{}, nil
	}
	ev, err := alert.New(ctx, a, c.Alerts, c.Collections, alert.Options{Dir: a.Dir})
	if err != nil {
		return nil, asUsage(fmt.Errorf("crawl: %w", err))
	}
	rctx, cancel := context.WithCancel(context.Background())
	ca := &crawlAlerts{ev: ev, cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(ca.done)
		ev.Run(rctx)
	}()
	return ca, nil
}

// finish indexes what the pass stored, evaluates every article up to the
// last, and, unless the crawl was interrupted, waits up to
// crawlAlertDrain for the webhook deliveries; then it stops.
func (ca *crawlAlerts) finish(ctx context.Context, a *archive.Archive) {
	if ca.ev == nil {
		return
	}
	defer func() {
		ca.cancel()
		<-ca.done
		if err := ca.ev.Close(); err != nil {
			slog.Warn("close alert files", "err", err)
		}
	}()
	if ctx.Err() != nil {
		return // interrupted: the next pass or run catches up from the checkpoint
	}
	if err := a.Flush(ctx); err != nil {
		slog.Warn("alerts: index flush", "err", err)
	}
	for {
		n, err := ca.ev.Step(ctx)
		if err != nil {
			slog.Warn("alerts: evaluation", "err", err)
			return
		}
		if n == 0 {
			break
		}
	}
	deadline := time.Now().Add(crawlAlertDrain)
	for ca.ev.Pending() > 0 && time.Now().Before(deadline) && ctx.Err() == nil {
		time.Sleep(100 * time.Millisecond)
	}
	if n := ca.ev.Pending(); n > 0 {
		slog.Warn("alerts not delivered yet; the next crawl or run sends them", "pending", n)
	}
}
