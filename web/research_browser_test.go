package web

import (
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/syndex/syndex/archive"
	"github.com/syndex/syndex/internal/netgen"
)

// bigBackend serves a generated network of 200 sites and 5,000 copies
// (the network pages read only the articles).
type bigBackend struct{ backend }

// TestResearchBrowser drives headless Chromium through the research
// workflows: the attention histogram on the search page and its bars,
// the collection filter, the download links, the lookup page, and the
// network picture of a 200-site, 5,000-copy network with collections.
func TestResearchBrowser(t *testing.T) {
	bin := chromium(t)
	a, err := archive.Open(context.Background(), t.TempDir(), archive.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	arts := fixture()
	for _, x := range arts {
		x.Cluster, x.Role, x.Original, x.Similarity = "", "", "", 0
	}
	if err := a.Ingest(context.Background(), arts); err != nil {
		t.Fatal(err)
	}
	if err := a.Flush(context.Background()); err != nil { // index what was stored
		t.Fatal(err)
	}
	coll := map[string][]string{"republishers": {"copier.example", "aggregator.example"}}
	srv := httptest.NewServer(New(a, Options{PageSize: 10, Collections: coll}))
	defer srv.Close()
	br := &browser{t: t, bin: bin, profile: t.TempDir()}

	// The histogram: one story from 6 May (its original) with copies on 6
	// and 7 May.
	doc := br.dom(srv.URL + "/?q=flood")
	svg := byID(doc, "histogram")
	if svg == nil {
		t.Fatal("no histogram on the search page")
	}
	bars := find(svg, "a", "bar")
	if len(bars) != 2 || len(find(svg, "rect", "o")) != 1 || len(find(svg, "rect", "c")) != 2 {
		t.Errorf("histogram: %d bars, %d original and %d copy rects", len(bars), len(find(svg, "rect", "o")), len(find(svg, "rect", "c")))
	}
	if len(bars) > 0 {
		href := attr(bars[0], "href")
		if !strings.Contains(href, "from=2024-05-06") || !strings.Contains(href, "to=2024-05-06") {
			t.Errorf("first bar links to %s", href)
		}
		if got := text(byID(br.dom(srv.URL+href), "summary")); got != "Stories 1–1 of 1" {
			t.Errorf("the bar's search: %q", got)
		}
	}
	if c := text(byID(doc, "attention")); !strings.Contains(c, "per day") {
		t.Errorf("histogram caption %q", c)
	}

	// The collection filter: indie.example's budget stories are in no
	// collection, so filtering by it leaves only the flood story.
	doc = br.dom(srv.URL + "/")
	var link string
	for _, n := range find(doc, "a", "") {
		if text(n) == "republishers" {
			link = attr(n, "href")
		}
	}
	if link == "" {
		t.Fatal("no collection facet on the search page")
	}
	doc = br.dom(srv.URL + link)
	if got := text(byID(doc, "summary")); got != "Stories 1–2 of 2" {
		t.Errorf("collection filter %s: %q", link, got)
	}

	// The download link returns every story of the search.
	csvLink := attr(byID(br.dom(srv.URL+"/?q=budget"), "csv"), "href")
	res, err := http.Get(srv.URL + csvLink)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(res.Body).ReadAll()
	res.Body.Close()
	if err != nil || len(rows) != 26 || res.Header.Get("Content-Disposition") == "" {
		t.Errorf("download %s: %d rows (want a header and 25 stories), %v", csvLink, len(rows), err)
	}

	// The lookup page.
	doc = br.dom(srv.URL + "/lookup?text=" + url.QueryEscape(p1+"\n\n"+p2+"\n\n"+p3))
	if v := text(byID(doc, "verdict")); !strings.Contains(v, "A copy of") || !strings.Contains(v, "origin.example") {
		t.Errorf("lookup verdict %q", v)
	}

	// The network picture of a large network.
	big := &bigBackend{backend{arts: netgen.Generate(netgen.Options{Sites: 200, Copies: 5000, Seed: 1})}}
	bigColl := map[string][]string{"network-x": {"origin000.example", "origin003.example", "origin006.example"}}
	for i := 40; i < 200; i += 9 {
		bigColl["state-media"] = append(bigColl["state-media"], fmt.Sprintf("outlet%03d.example", i))
	}
	bsrv := httptest.NewServer(New(big, Options{Collections: bigColl}))
	defer bsrv.Close()
	start := time.Now()
	doc = br.dom(bsrv.URL + "/network")
	took := time.Since(start)
	net := byID(doc, "network")
	if net == nil {
		t.Fatal("no network picture")
	}
	circles := 0
	for _, c := range find(net, "circle", "") {
		if attr(c, "r") != "6" { // legend swatches are r=6
			circles++
		}
	}
	legend := text(find(net, "g", "legend")[0])
	if circles < 40 || circles > 60 || !strings.Contains(legend, "state-media") || !strings.Contains(legend, "collapsed into") {
		t.Errorf("network picture: %d circles, legend %q", circles, legend)
	}
	t.Logf("network page of 200 sites and 5,000 copies loaded and rendered by Chromium in %s (including browser start)", took.Round(time.Millisecond))
	doc = br.dom(bsrv.URL + "/network?site=@state-media")
	if sel := byID(doc, "collection"); sel == nil {
		t.Error("no collection select on the network page")
	}

	dir := os.Getenv("SYNDEX_SCREENSHOTS")
	if dir == "" {
		dir = t.TempDir()
	}
	for name, u := range map[string]string{"histogram": srv.URL + "/?q=flood", "lookup": srv.URL + "/lookup?text=" + url.QueryEscape(p1+"\n\n"+p2),
		"network-200": bsrv.URL + "/network", "network-state-media": bsrv.URL + "/network?site=@state-media"} {
		png := filepath.Join(dir, name+".png")
		br.run("--screenshot="+png, u)
		data, err := os.ReadFile(png)
		if err != nil || !strings.HasPrefix(string(data), "\x89PNG") || len(data) < 10_000 {
			t.Errorf("screenshot %s: %d bytes, %v", name, len(data), err)
		}
	}
}
