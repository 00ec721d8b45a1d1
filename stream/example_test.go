package stream_test

import (
	"context"
	"log"

	"github.com/syndex/syndex/archive"
	"github.com/syndex/syndex/crawler"
	"github.com/syndex/syndex/extract"
	"github.com/syndex/syndex/store"
	"github.com/syndex/syndex/stream"
)

// A worker crawls from the shared frontier and publishes articles; the
// consumer (usually another process, `syndex index`) stores them in the archive. Run as
// many workers as you like, each with its own store directory.
func Example() {
	ctx := context.Background()
	fr, err := crawler.OpenShared(ctx, "redis://127.0.0.1:6379/0", crawler.SharedOptions{Namespace: "news"})
	if err != nil {
		log.Fatal(err)
	}
	defer fr.Close()

	// Worker.
	st, err := store.Open("worker-1", store.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer st.Close()
	pub := stream.NewPublisher(fr.Client(), fr.Namespace())
	c, err := crawler.New(crawler.Config{Seeds: []string{"https://example.org/"}}, st,
		stream.Handler(extract.New(extract.Options{}), pub, nil, nil))
	if err != nil {
		log.Fatal(err)
	}
	go c.RunShared(ctx, fr)

	// Consumer: returns once the shared crawl is over and every article is stored.
	a, err := archive.Open(ctx, "archive", archive.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer a.Close()
	stats, err := stream.NewConsumer(fr.Client(), fr.Namespace(), stream.ConsumerOptions{}).Run(ctx, a.Ingest, fr.Done)
	if err != nil {
		log.Fatal(err)
	}
	log.Printf("%d articles indexed", stats.Articles)
}
