package archive

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/syndex/syndex/article"
	"github.com/syndex/syndex/crawler"
	"github.com/syndex/syndex/internal/farm"
	"github.com/syndex/syndex/report"
)

// TestImportCrawlWARC crawls the demo network (as `syndex demo` starts it:
// site furniture from one template and a partner marking its copies
// noindex), then imports the crawl's own WARC files into a fresh archive:
// the same articles, clusters, originals and edges must come out.
func TestImportCrawlWARC(t *testing.T) {
	if testing.Short() {
		t.Skip("crawls the demo network")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	f, err := farm.Start(ctx, farm.Options{Domains: true, Furniture: true, PartnerNoIndex: true, CrawlDelay: 20 * time.Millisecond})
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
	clusterOf, clusterBack := map[string]string{}, map[string]string{}
	for _, c := range crawled {
		i := byID[c.ID]
		if i == nil {
			t.Errorf("crawled %s (%s) not imported", c.ID, c.URL)
			continue
		}
		var diff []string
		check := func(name string, ok bool, a, b any) {
			if !ok {
				diff = append(diff, fmt.Sprintf("%s: crawled %v, imported %v", name, a, b))
			}
		}
		check("url", i.URL == c.URL, c.URL, i.URL)
		check("title", i.Title == c.Title, c.Title, i.Title)
		check("text", i.Text == c.Text, len(c.Text), len(i.Text))
		check("author", i.Author == c.Author, c.Author, i.Author)
		check("published", i.Published.Equal(c.Published), c.Published, i.Published)
		check("lang", i.Lang == c.Lang, c.Lang, i.Lang)
		check("canonical", i.Canonical == c.Canonical, c.Canonical, i.Canonical)
		check("source", i.Source == c.Source, c.Source, i.Source)
		check("fetched", i.Fetched.Equal(c.Fetched.Truncate(time.Microsecond)), c.Fetched, i.Fetched)
		// A cluster's id names its first stored member, and the crawl
		// stores pages in the order its hosts' fetches finish, which the
		// WARC does not record: the same clusters may carry other ids.
		// Their members must be the same.
		if prev, ok := clusterOf[c.Cluster]; ok && prev != i.Cluster {
			diff = append(diff, fmt.Sprintf("cluster: crawled %s is imported as both %s and %s", c.Cluster, prev, i.Cluster))
		}
		clusterOf[c.Cluster] = i.Cluster
		if prev, ok := clusterBack[i.Cluster]; ok && prev != c.Cluster {
			diff = append(diff, fmt.Sprintf("cluster: imported %s holds crawled %s and %s", i.Cluster, prev, c.Cluster))
		}
		clusterBack[i.Cluster] = c.Cluster
		check("role", i.Role == c.Role, c.Role, i.Role)
		check("original", i.Original == c.Original, c.Original, i.Original)
		if len(diff) > 0 {
			t.Errorf("article %s (%s) differs: %s", c.ID, c.URL, strings.Join(diff, "; "))
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
