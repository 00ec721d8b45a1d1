package read

import (
	"fmt"
	"net"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/syndex/syndex/archive"
	"github.com/syndex/syndex/cmd/syndex/internal/cli"
	"github.com/syndex/syndex/config"
	"github.com/syndex/syndex/web"
)

// serveOptions are the serve command's flags (and the serve.addr
// setting's --addr).
type serveOptions struct {
	AllowHosts []string
}

// ServeCommand builds `syndex serve`.
func ServeCommand(g *cli.Globals) *cobra.Command {
	var opts serveOptions
	cmd := &cobra.Command{
		Use:   "serve [--addr 127.0.0.1:8080]",
		Short: "Web UI and JSON API over the archive: search, clusters side by side, sites, the network picture",
		Example: `  syndex serve
  syndex serve --addr 127.0.0.1:9000 --data ./syndex-data`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := g.LoadConfig()
			if err != nil {
				return err
			}
			if err := c.ApplyFlags(cmd.Flags(), "serve.addr"); err != nil {
				return cli.AsUsage(err)
			}
			addr := c.Serve.Addr
			hosts := opts.AllowHosts
			ctx, cancel := cli.SignalContext(cmd.Context())
			defer cancel()
			first, err := g.OpenReader(ctx, true)
			if err != nil {
				return err
			}
			a := web.NewFollowing(first, func() (web.Reader, error) { return g.OpenReader(ctx, true) })
			defer a.Close()
			ln, err := net.Listen("tcp", addr)
			if err != nil {
				return cli.Usagef("serve: listen on %s: %v", addr, err)
			}
			h := web.New(a, web.Options{WARCDir: filepath.Join(g.DataDir(), archive.WARCDir), AllowedHosts: hosts, Collections: c.Collections})
			fmt.Fprintf(os.Stderr, "serving %s on http://%s/ (Ctrl-C to stop)\n", g.DataDir(), ln.Addr())
			if err := web.Serve(ctx, ln, h); err != nil {
				return fmt.Errorf("serve: %w", err)
			}
			return nil
		},
	}
	config.AddFlags(cmd.Flags(), "serve.addr")
	cmd.Flags().StringSliceVar(&opts.AllowHosts, "allow-host", nil, "host names the UI answers to besides loopback ones (when serving behind a proxy); others get 421")
	return cmd
}
