package web

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/syndex/syndex/article"
)

// chainFixture: origin.example's story, a full copy on relay.example, a
// copy of its first half on launder.example taken from relay's copy, a
// partner's copy marked noindex and dated only by day.
func chainFixture() []*article.Article {
	orig := strings.Join([]string{p1, p2, p3, p4}, "\n\n")
	half := strings.Join([]string{p1, p2}, "\n\n")
	arts := []*article.Article{
		mk("o1", "origin.example", article.RoleOriginal, "c1", "o1", "Flood waters rise in Millbrook", orig, t0, 1),
		mk("r1", "relay.example", article.RoleCopy, "c1", "o1", "Flood waters rise in Millbrook", orig+"\n\nRepublished from Origin News.", t0.Add(2*time.Hour), 1),
		mk("l1", "launder.example", article.RoleCopy, "c1", "o1", "Millbrook flooding", half, t0.Add(5*time.Hour), 1),
		mk("n1", "partner.example", article.RoleCopy, "c1", "o1", "Flood waters rise in Millbrook", orig, time.Date(2024, 5, 6, 0, 0, 0, 0, time.UTC), 1),
	}
	arts[1].OriginalShare, arts[1].CopyShare = 1, 0.95
	arts[2].OriginalShare, arts[2].CopyShare, arts[2].Via = 0.52, 1, "r1"
	arts[3].OriginalShare, arts[3].CopyShare, arts[3].NoIndex = 1, 1, true
	return arts
}

// TestClusterSharesViaNoIndex: the cluster page says how much each copy
// carries, which copy a copy was taken from, which copies are marked
// noindex, and a day-only date's lag by day; the network page marks the
// via link.
func TestClusterSharesViaNoIndex(t *testing.T) {
	srv := httptest.NewServer(New(newBackendOf(t, chainFixture()), Options{PageSize: 10}))
	t.Cleanup(srv.Close)
	doc := page(t, srv, "/cluster/c1", http.StatusOK)
	sums := map[string]string{}
	for _, c := range find(doc, "details", "copy") {
		s := text(find(c, "summary", "")[0])
		sums[strings.Fields(s)[0]] = s
	}
	for site, wants := range map[string][]string{
		"launder.example": {"carries 52% of the original, 100% of its text from it", "via relay.example"},
		"relay.example":   {"carries 100% of the original, 95% of its text from it"},
		"partner.example": {"noindex", "after 0s (by day)"},
	} {
		for _, w := range wants {
			if !strings.Contains(sums[site], w) {
				t.Errorf("%s summary %q lacks %q", site, sums[site], w)
			}
		}
	}
	if strings.Contains(sums["relay.example"], "via") || strings.Contains(sums["relay.example"], "noindex") {
		t.Errorf("relay summary %q", sums["relay.example"])
	}
	// The via link points at relay's section of the page.
	for _, c := range find(doc, "details", "copy") {
		if v := find(c, "span", "via"); len(v) == 1 {
			href := attr(find(v[0], "a", "")[0], "href")
			target := byID(doc, strings.TrimPrefix(href, "#"))
			if target == nil || !strings.Contains(text(find(target, "summary", "")[0]), "relay.example") {
				t.Errorf("via link %s does not lead to relay's copy", href)
			}
		}
	}

	doc = page(t, srv, "/network", http.StatusOK)
	via := find(byID(doc, "edges"), "tr", "via")
	if len(via) != 1 {
		t.Errorf("network page has %d via rows, want 1", len(via))
	} else if row := text(via[0]); !strings.Contains(row, "relay.example") || !strings.Contains(row, "launder.example") || !strings.Contains(row, "52%") {
		t.Errorf("network page via row %q", row)
	}
	if paths := find(byID(doc, "network"), "path", "via"); len(paths) != 1 {
		t.Errorf("network picture has %d dashed via arrows, want 1", len(paths))
	}
	doc = page(t, srv, "/site/relay.example", http.StatusOK)
	if got := text(byID(doc, "copiers")); !strings.Contains(got, "via launder.example") {
		t.Errorf("relay's copiers table %q", got)
	}
}

// TestBrowserChain renders the cluster and network pages of a laundering
// chain in headless Chromium: the shares, the via link and the dashed
// arrow survive the real parser and the page's Content-Security-Policy.
func TestBrowserChain(t *testing.T) {
	bin := chromium(t)
	srv := httptest.NewServer(New(newBackendOf(t, chainFixture()), Options{PageSize: 10}))
	defer srv.Close()
	br := &browser{t: t, bin: bin, profile: t.TempDir()}
	doc := br.dom(srv.URL + "/cluster/c1")
	var launder string
	for _, c := range find(doc, "details", "copy") {
		if s := text(find(c, "summary", "")[0]); strings.HasPrefix(s, "launder.example") {
			launder = s
		}
	}
	if !strings.Contains(launder, "carries 52% of the original") || !strings.Contains(launder, "via relay.example") {
		t.Errorf("launder.example copy in the browser: %q", launder)
	}
	doc = br.dom(srv.URL + "/network")
	if paths := find(byID(doc, "network"), "path", "via"); len(paths) != 1 {
		t.Errorf("network picture in the browser: %d via arrows, want 1", len(paths))
	}
}
