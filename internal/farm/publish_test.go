package farm

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"
)

func feedItems(t *testing.T, u string) map[string]string {
	t.Helper()
	_, b, _ := get(t, u)
	feed, err := gofeed.NewParser().ParseString(string(b))
	if err != nil {
		t.Fatalf("feed %s: %v", u, err)
	}
	out := map[string]string{}
	for _, it := range feed.Items {
		out[it.Link] = it.Title
	}
	return out
}

func TestPublishAndSyndicateUpdateTheSites(t *testing.T) {
	f := startFarm(t, Options{})
	var ledger, wire Outlet
	for _, o := range f.Outlets() {
		switch o.Key {
		case "ledger":
			ledger = o
		case "coastwire":
			wire = o
		}
	}
	_, _, homeHdr := get(t, ledger.BaseURL+"/")
	before := len(feedItems(t, ledger.Feed))
	when := time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)
	u, err := f.Publish(Article{ID: "tram-line-vote", Outlet: "ledger", Title: "Council backs tram line study",
		Author: "Dana Whitcombe", Published: when, Paras: []string{"First paragraph.", "Second paragraph."}})
	if err != nil {
		t.Fatal(err)
	}
	if code, b, _ := get(t, u); code != http.StatusOK || !strings.Contains(string(b), "Council backs tram line study") {
		t.Fatalf("new story %s: status %d", u, code)
	}
	items := feedItems(t, ledger.Feed)
	if len(items) != before+1 || items[u] != "Council backs tram line study" {
		t.Errorf("feed has %d items (was %d), new item %q", len(items), before, items[u])
	}
	locs, _ := sitemapURLs(t, ledger.Sitemap)
	if !strings.Contains(strings.Join(locs, " "), u) {
		t.Errorf("sitemap does not list %s", u)
	}
	req, _ := http.NewRequest(http.MethodGet, ledger.BaseURL+"/", nil)
	req.Header.Set("If-None-Match", homeHdr.Get("ETag"))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("home page with the old ETag: status %d, want 200 after publishing", resp.StatusCode)
	}

	cu, err := f.Syndicate("tram-line-vote", "coastwire", KindWrapped, "", when.Add(3*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(cu, wire.BaseURL+"/") || feedItems(t, wire.Feed)[cu] == "" {
		t.Errorf("copy %s missing from %s feed", cu, wire.Key)
	}
	var found bool
	for _, s := range f.Truth() {
		if s.ID == "tram-line-vote" {
			found = s.URL == u && len(s.Copies) == 1 && s.Copies[0].URL == cu && s.Copies[0].Kind == KindWrapped
		}
	}
	if !found {
		t.Error("Truth does not record the new story and its copy")
	}
}

func TestSyndicateRejectsImpossibleCopies(t *testing.T) {
	f := startFarm(t, Options{})
	orig := f.Truth()[0]
	for _, s := range f.Truth() {
		if s.ID == "water-main-repairs" {
			orig = s
		}
	}
	later := orig.Published.Add(5 * time.Hour)
	tests := []struct {
		name, id, outlet string
		kind             CopyKind
		title            string
		at               time.Time
		want             string
	}{
		{"own story", orig.ID, "ledger", KindWrapped, "", later, "cannot copy its own story"},
		{"truncator wraps", orig.ID, "digest", KindWrapped, "", later, "does not make wrapped copies"},
		{"republisher truncates", orig.ID, "exchange", KindTruncated, "", later, "does not make truncated copies"},
		{"origin copies", orig.ID, "meridian", KindWrapped, "", later, "does not make wrapped copies"},
		{"retitled without title", orig.ID, "exchange", KindRetitled, "", later, "needs a new title"},
		{"before original", orig.ID, "exchange", KindWrapped, "", orig.Published.Add(-time.Hour), "after the original"},
		{"same page twice", orig.ID, "coastwire", KindWrapped, "", orig.Copies[0].Published, "already has a page"},
		{"unknown outlet", orig.ID, "nowhere", KindWrapped, "", later, "unknown story"},
		{"unknown story", "no-such-story", "coastwire", KindWrapped, "", later, "unknown story"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.Syndicate(tc.id, tc.outlet, tc.kind, tc.title, tc.at)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want %q", err, tc.want)
			}
		})
	}
	pubTests := []struct {
		name string
		a    Article
		want string
	}{
		{"bad id", Article{ID: "Bad ID", Outlet: "ledger", Title: "T", Paras: []string{"a", "b"}}, "lower-case words"},
		{"one paragraph", Article{ID: "x", Outlet: "ledger", Title: "T", Paras: []string{"a"}}, "two paragraphs"},
		{"unknown outlet", Article{ID: "x", Outlet: "nope", Title: "T", Paras: []string{"a", "b"}}, "unknown outlet"},
		{"duplicate id", Article{ID: orig.ID, Outlet: "ledger", Title: "T", Paras: []string{"a", "b"}}, "already exists"},
	}
	for _, tc := range pubTests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.Publish(tc.a)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want %q", err, tc.want)
			}
		})
	}
}

func ExampleStart() {
	f, err := Start(context.Background(), Options{BaseIP: "127.0.0.40"})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer f.Close()
	for _, o := range f.Outlets() {
		fmt.Printf("%-24s %-12s %s\n", o.Name, o.Role, o.Site)
	}
	copies := 0
	for _, s := range f.Truth() {
		copies += len(s.Copies)
	}
	fmt.Println(len(f.Truth()), "stories,", copies, "copies")
	// Output:
	// Harbor City Ledger       origin       127.0.0.40
	// The Meridian Review      origin       127.0.0.41
	// La Gazette de la Baie    origin       127.0.0.42
	// Coastal Wire Daily       republisher  127.0.0.43
	// Regional News Exchange   republisher  127.0.0.44
	// Morning Brief Digest     truncator    127.0.0.45
	// 13 stories, 9 copies
}
