package archive

import (
	"context"
	"log/slog"
	"path/filepath"
	"runtime"
	"sync/atomic"

	"github.com/syndex/syndex/article"
	"github.com/syndex/syndex/crawler"
	"github.com/syndex/syndex/extract"
)

// PageCounts counts what the pipeline did with the pages the crawler handed
// it; safe to read while a crawl runs.
type PageCounts struct {
	Pages    atomic.Int64 // HTML pages received
	Articles atomic.Int64 // pages kept as articles
	Skipped  atomic.Int64 // pages that are not articles (home, section pages)
	Failed   atomic.Int64 // pages extraction could not read
}

// Crawl runs one crawl pass with cfg, feeding every fetched page through
// extract → dedup → store as it arrives; the search index follows in
// groups (Options.IndexBatch, IndexDelay) and is up to date when Crawl
// returns; the small segments the pass left in it are then merged in the
// background (Close waits for that). WARC files go to the
// archive's warc directory unless cfg names another.
func (a *Archive) Crawl(ctx context.Context, cfg crawler.Config, counts *PageCounts, onCrawler func(*crawler.Crawler)) (crawler.Stats, error) {
	if cfg.WARCDir == "" {
		cfg.WARCDir = filepath.Join(a.Dir, WARCDir)
	}
	if cfg.Handlers == 0 {
		// Extraction is CPU-bound and HandlePage safe for concurrent
		// use: pages are extracted on every core (stores stay one
		// transaction at a time).
		cfg.Handlers = runtime.GOMAXPROCS(0)
	}
	if counts == nil {
		counts = &PageCounts{}
	}
	c, err := crawler.New(cfg, a.Store, func(ctx context.Context, p *crawler.Page) error {
		return a.HandlePage(ctx, p, counts)
	})
	if err != nil {
		return crawler.Stats{}, err
	}
	if onCrawler != nil {
		onCrawler(c)
	}
	st, err := c.Run(ctx)
	// A finished pass leaves everything it stored searchable.
	if ferr := a.Flush(context.WithoutCancel(ctx)); ferr != nil && err == nil {
		err = ferr
	}
	a.settleIndex()
	return st, err
}

// HandlePage extracts one fetched page and, when it is an article, ingests
// it. A page that cannot be extracted is logged and counted, never fatal:
// the crawl goes on. The search index update the page makes due runs in
// the background, unless the index is four batches behind. A local crawl
// does not hold the page's host meanwhile (unless the pages waiting for
// HandlePage fill their bound); a worker of a shared crawl does.
func (a *Archive) HandlePage(ctx context.Context, p *crawler.Page, counts *PageCounts) error {
	art := ArticleOf(ctx, a.extractor, p, counts, a.log)
	if art == nil {
		return nil
	}
	if err := a.ingest(ctx, []*article.Article{art}, false); err != nil {
		return err
	}
	counts.Articles.Add(1)
	a.log.Debug("article", "url", art.URL, "cluster", art.Cluster, "role", art.Role)
	return nil
}

// ArticleOf turns a fetched page into an Article, or returns nil, counting
// why, for a page that is not one: unreadable, a home or section page, or
// site furniture (contact, donation, privacy pages). A page marked noindex
// (meta robots, X-Robots-Tag) is archived like any other with NoIndex set:
// syndication partners mark their copies so, and dedup counts the mark as
// a sign of a copy. Sitemap and feed hints fill a missing date or title.
// The caller counts the article once it is stored or published.
func ArticleOf(ctx context.Context, ex *extract.Extractor, p *crawler.Page, counts *PageCounts, log *slog.Logger) *article.Article {
	counts.Pages.Add(1)
	res, err := ex.Extract(ctx, extract.Input{
		URL:         p.FinalURL,
		HTML:        p.Body,
		ContentType: p.Header.Get("Content-Type"),
		Fetched:     p.Fetched,
		Truncated:   p.Truncated,
	})
	if err != nil {
		if ctx.Err() != nil {
			return nil // interrupted (Ctrl-C, a stopped import): not the page's fault
		}
		counts.Failed.Add(1)
		log.Warn("extract failed", "url", p.FinalURL, "err", err)
		return nil
	}
	if !res.IsArticle || res.Article == nil {
		counts.Skipped.Add(1)
		log.Debug("not an article", "url", p.FinalURL, "reason", res.Reason)
		return nil
	}
	art := res.Article
	art.WARC = p.WARC
	art.NoIndex = art.NoIndex || p.NoIndex
	if art.Published.IsZero() && !p.Hints.Published.IsZero() {
		art.Published = p.Hints.Published
	}
	if art.Title == "" && p.Hints.Title != "" {
		art.Title = p.Hints.Title
	}
	return art
}
