package read

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/syndex/syndex/alert"
	"github.com/syndex/syndex/cmd/syndex/internal/cli"
	"github.com/syndex/syndex/config"
)

// alertsOptions are the alerts command's flags.
type alertsOptions struct {
	Rule  string
	Since string
	Limit int
	JSON  bool
}

// AlertsCommand builds `syndex alerts`.
func AlertsCommand(g *cli.Globals) *cobra.Command {
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

// alertsPath is the alert file of the archive named by --data.
func alertsPath(g *cli.Globals, c *config.Config) string {
	p := c.Alerts.File
	if p == "" {
		p = alert.DefaultFile
	}
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(g.DataDir(), p)
}

func runAlerts(g *cli.Globals, o alertsOptions) error {
	ruleName, sinceS, limit, asJSON := o.Rule, o.Since, o.Limit, o.JSON
	if limit < 0 {
		return cli.Usagef("--limit must be ≥ 0")
	}
	since, err := cli.ParseDate("since", sinceS)
	if err != nil {
		return err
	}
	c, err := g.LoadConfig()
	if err != nil {
		return err
	}
	path := alertsPath(g, c)
	if _, err := os.Stat(path); err != nil {
		if len(c.Alerts.Rules) == 0 {
			return cli.Usagef("alerts: no alert file %s, and the config has no alert rules (see alerts: in `syndex config example`)", path)
		}
		fmt.Fprintf(os.Stderr, "no alerts yet (%s does not exist)\n", path)
		return nil
	}
	alerts, delivered, err := alert.Read(path)
	if err != nil {
		fmt.Fprintf(os.Stderr, "syndex: alerts: %v\n", err) // bad lines are skipped
	}
	keep := alert.Filter(alerts, ruleName, since, limit)
	if asJSON {
		return alert.WriteJSONL(os.Stdout, keep, delivered)
	}
	return alert.WriteTable(os.Stdout, keep, delivered, c.Alerts.Webhook.URL != "" || len(delivered) > 0)
}
