package archive

import (
	"context"
	"encoding/json"
	"path/filepath"
	"testing"
	"time"

	"github.com/syndex/syndex/article"
	"github.com/syndex/syndex/crawler"
	"github.com/syndex/syndex/internal/farm"
	"github.com/syndex/syndex/report"
)

// TestImportCrawlWARC crawls the demo network, then imports the crawl's
// own WARC files into a fresh archive: the same articles, clusters,
// originals and edges must come out.
func TestImportCrawlWARC(t *testing.T) {
	if testing.Short() {
		t.Skip("crawls the demo network")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	f, err := farm.Start(ctx, farm.Options{Domains: true, CrawlDelay: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	crawlDir := t.TempDir()
	a := openT(t, crawlDir)
	if _, err := a.Crawl(ctx, crawler.Config{Seeds: f.Seeds(), Resolve: f.Resolve(), AllowPrivate: true, Delay: 20 * time.Millisecond}, nil, nil); err != nil {
		t.Fatal(err)
	}
	crawled, _ := a.Articles()
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	if len(crawled) < 20 {
		t.Fatalf("the crawl found only %d articles", len(crawled))
	}

	b := openT(t, t.TempDir())
	defer b.Close()
	st, err := b.ImportWARC(ctx, []string{filepath.Join(crawlDir, WARCDir)}, WARCImport{})
	if err != nil {
		t.Fatal(err)
	}
	imported, _ := b.Articles()
	t.Logf("crawl: %d articles; import: %+v", len(crawled), st)

	byID := map[string]*article.Article{}
	for _, x := range imported {
		byID[x.ID] = x
	}
	if len(imported) != len(crawled) {
		t.Errorf("%d articles imported, %d crawled", len(imported), len(crawled))
	}
	for _, c := range crawled {
		i := byID[c.ID]
		if i == nil {
			t.Errorf("crawled %s (%s) not imported", c.ID, c.URL)
			continue
		}
		same := i.URL == c.URL && i.Title == c.Title && i.Text == c.Text && i.Author == c.Author && i.Published.Equal(c.Published) &&
			i.Lang == c.Lang && i.Canonical == c.Canonical && i.Source == c.Source &&
			i.Fetched.Equal(c.Fetched.Truncate(time.Microsecond)) &&
			i.Role == c.Role && i.Original == c.Original // the cluster id is its first member's: it follows arrival order, which a concurrent crawl does not fix
		if !same {
			ci, _ := json.Marshal(c)
			ii, _ := json.Marshal(i)
			t.Errorf("article %s differs:\ncrawled  %.600s\nimported %.600s", c.ID, ci, ii)
		}
	}
	rc, ri := report.Build(crawled, report.Filter{}), report.Build(imported, report.Filter{})
	ec, _ := json.Marshal(rc.Edges)
	ei, _ := json.Marshal(ri.Edges)
	if string(ec) != string(ei) {
		t.Errorf("edges differ:\ncrawled  %s\nimported %s", ec, ei)
	}
	if len(rc.Clusters) != len(ri.Clusters) {
		t.Errorf("%d clusters imported, %d crawled", len(ri.Clusters), len(rc.Clusters))
	}
}
