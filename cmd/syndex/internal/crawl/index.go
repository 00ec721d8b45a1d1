package crawl

import (
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/syndex/syndex/cmd/syndex/internal/cli"
	"github.com/syndex/syndex/crawler"
	"github.com/syndex/syndex/stream"
)

// indexOptions are the index command's flags.
type indexOptions struct {
	sharedOptions
	Consumer string
	Batch    int
	MinIdle  time.Duration
	Follow   bool
}

// IndexCommand builds `syndex index`.
func IndexCommand(g *cli.Globals) *cobra.Command {
	var opts indexOptions
	cmd := &cobra.Command{
		Use:   "index --frontier redis://HOST:PORT [--namespace NAME] [--follow]",
		Short: "Consume the workers' article stream: dedup, store and index into the archive",
		Long: "Read the articles `syndex worker` processes publish to the namespace's Redis Stream, through a\n" +
			"consumer group, and deduplicate, store and index them in the --data archive. A batch is\n" +
			"acknowledged only after it is stored, so a crash loses nothing: the batch is read again on\n" +
			"restart (or by another indexer after --min-idle). Without --follow the command returns once\n" +
			"the shared crawl is over and the stream is drained; with it, it runs until SIGINT/SIGTERM.",
		Example: `  syndex index --frontier redis://10.0.0.5:6379/0 --data /var/syndex/archive
  syndex index --frontier redis://127.0.0.1:6379 --namespace news --follow`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			furl, ns, err := opts.target(g)
			if err != nil {
				return err
			}
			_, opt, err := g.ConfigArchive()
			if err != nil {
				return err
			}
			consumer, batch, minIdle, follow := opts.Consumer, opts.Batch, opts.MinIdle, opts.Follow
			ctx, cancel := cli.SignalContext(cmd.Context())
			defer cancel()
			fr, err := crawler.OpenShared(ctx, furl, crawler.SharedOptions{Namespace: ns})
			if err != nil {
				return err // unreachable Redis: a runtime failure
			}
			defer fr.Close()
			a, err := g.OpenArchive(ctx, opt)
			if err != nil {
				return err
			}
			stop := fr.Done
			if follow {
				stop = nil
			}
			start := time.Now()
			ix := stream.NewConsumer(fr.Client(), fr.Namespace(), stream.ConsumerOptions{Consumer: consumer, Batch: batch, MinIdle: minIdle})
			st, runErr := ix.Run(ctx, a.Ingest, stop)
			if err := a.Close(); err != nil && runErr == nil {
				runErr = err
			}
			fmt.Fprintf(os.Stderr, "indexed %d articles (%d redelivered after a crash, %d undecodable) from %s in %s; archive %s\n",
				st.Articles, st.Redelivered, st.Bad, stream.Key(fr.Namespace()), time.Since(start).Round(time.Millisecond), a.Dir)
			if runErr != nil {
				return fmt.Errorf("index: %w", runErr)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Frontier, "frontier", "", "Redis holding the shared frontier and stream: redis://HOST:PORT[/DB] (default $"+frontierEnv+")")
	f.StringVar(&opts.Namespace, "namespace", "default", "the workers' namespace")
	f.StringVar(&opts.Consumer, "consumer", "", "this indexer's name in the consumer group (default host-pid; reuse it after a restart)")
	f.IntVar(&opts.Batch, "batch", 100, "articles per ingest batch")
	f.DurationVar(&opts.MinIdle, "min-idle", time.Minute, "take over another indexer's unacknowledged articles after this long")
	f.BoolVar(&opts.Follow, "follow", false, "keep consuming after the crawl is over, until SIGINT/SIGTERM")
	return cmd
}
