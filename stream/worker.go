package stream

import (
	"context"
	"runtime"

	"github.com/syndex/syndex/archive"
	"github.com/syndex/syndex/crawler"
	"github.com/syndex/syndex/extract"
	"github.com/syndex/syndex/store"
)

// Worker crawls as one of the workers sharing a Redis frontier: pages
// are fetched under its crawl configuration, recorded in its own store
// (the worker's fetch log, beside its WARC files), extracted, and each
// article is published to the namespace's stream.
type Worker struct {
	fr     *crawler.SharedFrontier
	db     *store.Store
	cr     *crawler.Crawler
	counts *archive.PageCounts
}

// WorkStats are what one worker's crawl did.
type WorkStats struct {
	crawler.Stats
	Published int64 // articles published to the stream
}

// ConfigError is a crawl configuration the crawler refuses.
type ConfigError struct{ Err error }

func (e *ConfigError) Error() string { return e.Err.Error() }
func (e *ConfigError) Unwrap() error { return e.Err }

// NewWorker opens the worker's store in dir and its crawler over fr;
// cc.Handlers defaults to one per CPU, as extraction (with ex) runs in
// them. A configuration the crawler refuses is a *ConfigError.
func NewWorker(fr *crawler.SharedFrontier, dir string, cc crawler.Config, ex *extract.Extractor) (*Worker, error) {
	db, err := store.Open(dir, store.Options{})
	if err != nil {
		return nil, err
	}
	w := &Worker{fr: fr, db: db, counts: &archive.PageCounts{}}
	h := Handler(ex, NewPublisher(fr.Client(), fr.Namespace()), w.counts, nil)
	if cc.Handlers == 0 {
		cc.Handlers = runtime.GOMAXPROCS(0) // extraction on every core
	}
	if w.cr, err = crawler.New(cc, db, h); err != nil {
		db.Close()
		return nil, &ConfigError{err}
	}
	return w, nil
}

// Run crawls until no URL is queued or being fetched by any worker (or
// ctx ends), then closes the worker.
func (w *Worker) Run(ctx context.Context) (WorkStats, error) {
	defer w.db.Close()
	stats, err := w.cr.RunShared(ctx, w.fr)
	if cerr := w.cr.Close(); cerr != nil && err == nil {
		err = cerr
	}
	return WorkStats{Stats: stats, Published: w.counts.Articles.Load()}, err
}
