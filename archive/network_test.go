package archive

import (
	"context"
	"io"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/syndex/syndex/article"
	"github.com/syndex/syndex/crawler"
	"github.com/syndex/syndex/internal/farm"
	"github.com/syndex/syndex/report"
)

// TestCrawlRealisticNetwork crawls the farm with the pages real sites
// have besides their stories (about, contact, donate and privacy pages
// from one template on every outlet, one outlet's policies page under two
// addresses) and with the partner republisher's copies marked noindex.
// The furniture never becomes a story, cluster or edge of the report; the
// noindex copies are archived, flagged, grouped with their originals and
// counted as evidence.
func TestCrawlRealisticNetwork(t *testing.T) {
	if testing.Short() {
		t.Skip("crawls a loopback network")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	f, err := farm.Start(ctx, farm.Options{BaseIP: "127.0.0.160", CrawlDelay: 20 * time.Millisecond, Furniture: true, PartnerNoIndex: true})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	a, err := Open(ctx, t.TempDir(), Options{Log: quiet})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	counts := &PageCounts{}
	if _, err := a.Crawl(ctx, crawler.Config{Seeds: f.Seeds(), AllowPrivate: true, Delay: 10 * time.Millisecond, Logger: quiet}, counts, nil); err != nil {
		t.Fatal(err)
	}
	furniture := f.Furniture()
	if len(furniture) < 20 {
		t.Fatalf("farm has %d furniture pages", len(furniture))
	}
	stored := 0
	for _, u := range furniture {
		if _, err := a.Store.ArticleByURL(u); err == nil {
			stored++
		}
	}
	// Only the policies page under two addresses and the promise to
	// readers on every outlet have slugs no rule knows: they are archived
	// (the policies page clusters with itself; the promise, the same on
	// six sites, is recognised as furniture by dedup), nothing else.
	promises := 0
	for _, u := range furniture {
		if !strings.HasSuffix(u, "/our-promise-to-readers") {
			continue
		}
		promises++
		a, err := a.Store.ArticleByURL(u)
		if err != nil {
			t.Errorf("%s not archived", u)
			continue
		}
		if a.Role != article.RoleUnique || !slices.Contains(a.Evidence, article.EvidenceFurniture) {
			t.Errorf("%s: role %s, evidence %v, published %v, author %q; want unique, furniture", u, a.Role, a.Evidence, a.Published, a.Author)
		}
	}
	if promises != 6 || stored != 2+promises {
		t.Errorf("%d furniture pages archived as articles, want the two policies pages and the %d promises", stored, promises)
	}

	arts, err := a.Articles()
	if err != nil {
		t.Fatal(err)
	}
	rep := report.Build(arts, report.Filter{})
	for _, e := range rep.Edges {
		if e.Source == e.Republisher {
			t.Errorf("self edge %+v", e)
		}
	}
	for _, c := range rep.Clusters {
		if slices.Contains(furniture, c.Original.URL) {
			t.Errorf("furniture page %s is the original of a reported cluster", c.Original.URL)
		}
		for _, cp := range c.Copies {
			if slices.Contains(furniture, cp.URL) {
				t.Errorf("furniture page %s is a reported copy", cp.URL)
			}
		}
	}

	// Every copy of the truth is grouped with its original; the partner's
	// copies are archived with their noindex mark, which the original's
	// evidence lists.
	partner := 0
	for _, s := range f.Truth() {
		orig, err := a.Store.ArticleByURL(s.URL)
		if err != nil {
			t.Errorf("original %s not archived", s.URL)
			continue
		}
		for _, c := range s.Copies {
			cp, err := a.Store.ArticleByURL(c.URL)
			if err != nil {
				t.Errorf("copy %s not archived", c.URL)
				continue
			}
			if cp.Original != orig.ID {
				t.Errorf("copy %s: original %s, want %s", c.URL, cp.Original, orig.ID)
			}
			if cp.NoIndex {
				partner++
				if !slices.Contains(orig.Evidence, article.EvidenceNoIndex) {
					t.Errorf("original %s: evidence %v lacks noindex", s.URL, orig.Evidence)
				}
			}
		}
	}
	if partner < 3 {
		t.Errorf("%d noindex partner copies archived, want the partner's copies", partner)
	}
}
