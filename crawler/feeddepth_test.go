package crawler

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/syndex/syndex/internal/farm"
	"github.com/syndex/syndex/store"
)

// TestDiscoveredFeedsObeyDepthAndCap crawls the test farm with a feed per
// section, linked from the section's pages and articles (as news sites
// do), and checks that feeds found on pages obey the limits links obey:
//   - with MaxDepth 1 the section feeds, met only on pages at depth 1
//     (whose links may not be followed), are never fetched, while the
//     outlet's feed linked from the front page is, and every story is
//     still reached;
//   - with MaxDepth 2 they are fetched, but no more than MaxFeedsPerHost
//     different feeds of one host, the others counted as ignored;
//   - feeds given in the Config are fetched whatever the cap.
func TestDiscoveredFeedsObeyDepthAndCap(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	f, err := farm.Start(ctx, farm.Options{SectionFeeds: true, CrawlDelay: 10 * time.Millisecond, BaseIP: "127.0.8.1"})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()

	// What each crawl must reach: every story and copy.
	var stories []string
	for _, s := range f.Truth() {
		stories = append(stories, s.URL)
		for _, c := range s.Copies {
			stories = append(stories, c.URL)
		}
	}
	isSectionFeed := func(path string) bool {
		return strings.HasPrefix(path, "/section/") && strings.HasSuffix(path, "/feed.xml")
	}
	// feedsByHost is what the farm answered as feeds, per host, since
	// request from.
	feedsByHost := func(from int) map[string]map[string]bool {
		out := map[string]map[string]bool{}
		for _, r := range f.Requests()[from:] {
			if isSectionFeed(r.Path) || r.Path == "/feed.xml" || r.Path == "/atom.xml" {
				if out[r.Host] == nil {
					out[r.Host] = map[string]bool{}
				}
				out[r.Host][r.Path] = true
			}
		}
		return out
	}
	crawl := func(t *testing.T, cfg Config) (Stats, map[string]bool, int) {
		t.Helper()
		from := len(f.Requests())
		st, err := store.Open(t.TempDir(), store.Options{NoSync: true})
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		var mu sync.Mutex
		handled := map[string]bool{}
		h := func(_ context.Context, p *Page) error {
			mu.Lock()
			handled[p.URL] = true
			mu.Unlock()
			return nil
		}
		cfg.Seeds, cfg.Delay, cfg.AllowPrivate, cfg.DisableSitemaps = f.Seeds(), 5*time.Millisecond, true, true
		cfg.Logger, cfg.WARCDir, cfg.StatsFile = quietLogger(), "-", "-"
		c, err := New(cfg, st, h)
		if err != nil {
			t.Fatal(err)
		}
		s, err := runPatiently(t, c, "a crawl of the farm (a few hundred requests at 5 ms)")
		if err != nil {
			t.Fatal(err)
		}
		if err := c.Close(); err != nil {
			t.Fatal(err)
		}
		return s, handled, from
	}
	reachedAll := func(t *testing.T, handled map[string]bool) {
		t.Helper()
		for _, u := range stories {
			if !handled[u] {
				t.Errorf("story %s not reached", u)
			}
		}
	}

	t.Run("depth 1", func(t *testing.T) {
		s, handled, from := crawl(t, Config{MaxDepth: 1})
		reachedAll(t, handled)
		feeds := feedsByHost(from)
		for _, o := range f.Outlets() {
			if !feeds[o.Host][strings.TrimPrefix(o.Feed, o.BaseURL)] {
				t.Errorf("%s: its feed %s, linked from the front page, was not fetched", o.Key, o.Feed)
			}
			for p := range feeds[o.Host] {
				if isSectionFeed(p) {
					t.Errorf("%s: section feed %s fetched: it is linked only from pages at depth 1, so its stories would be at depth 2", o.Key, p)
				}
			}
		}
		if s.FeedsIgnored != 0 {
			t.Errorf("%d feed links ignored by the cap; want 0 (the depth limit keeps them)", s.FeedsIgnored)
		}
	})

	t.Run("depth 2, two feeds a host", func(t *testing.T) {
		s, handled, from := crawl(t, Config{MaxDepth: 2, MaxFeedsPerHost: 2})
		reachedAll(t, handled)
		feeds := feedsByHost(from)
		sectionFeeds, capped := 0, 0
		for _, o := range f.Outlets() {
			n := len(feeds[o.Host])
			if n > 2 {
				t.Errorf("%s: %d feeds fetched, cap 2: %v", o.Key, n, feeds[o.Host])
			}
			for p := range feeds[o.Host] {
				if isSectionFeed(p) {
					sectionFeeds++
				}
			}
			if n == 2 {
				capped++
			}
		}
		if sectionFeeds == 0 {
			t.Error("no section feed fetched at depth 2")
		}
		if capped == 0 || s.FeedsIgnored == 0 {
			t.Errorf("the cap never applied (%d hosts at 2 feeds, %d feed links ignored): the farm must link more section feeds than that", capped, s.FeedsIgnored)
		}
	})

	t.Run("given feeds are not capped", func(t *testing.T) {
		var o farm.Outlet // the one with the most sections
		for _, oo := range f.Outlets() {
			if len(oo.SectionFeeds) > len(o.SectionFeeds) {
				o = oo
			}
		}
		given := append([]string{o.Feed}, o.SectionFeeds...)
		if len(given) < 3 {
			t.Fatalf("%s has %d feeds; the test needs at least 3", o.Key, len(given))
		}
		_, _, from := crawl(t, Config{MaxDepth: 2, MaxFeedsPerHost: 1, Feeds: given})
		got := feedsByHost(from)[o.Host]
		for _, u := range given {
			if !got[strings.TrimPrefix(u, o.BaseURL)] {
				t.Errorf("given feed %s not fetched (cap 1); fetched %v", u, got)
			}
		}
	})
}
