package archive

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/syndex/syndex/crawler"
)

func TestHandlePage(t *testing.T) {
	body := "<html><head><title>Breakwater to close</title><meta property=\"og:type\" content=\"article\"></head><body><article><h1>Breakwater to close</h1>" +
		strings.Repeat("<p>"+strings.ReplaceAll(story, "\n\n", "</p><p>")+"</p>", 1) + "</article></body></html>"
	section := "<html><head><title>News</title></head><body><ul>" + strings.Repeat(`<li><a href="/news/a">A headline about the harbor</a></li>`, 40) + "</ul></body></html>"
	tests := []struct {
		name      string
		page      crawler.Page
		stored    bool
		published time.Time
		noindex   bool
	}{
		{"article", crawler.Page{FinalURL: "http://ledger.example/news/breakwater", Body: []byte(body)}, true, time.Time{}, false},
		// Syndication partners mark their copies noindex: archived, flagged.
		{"noindex article", crawler.Page{FinalURL: "http://ledger.example/news/breakwater", Body: []byte(body), NoIndex: true}, true, time.Time{}, true},
		{"noindex in the markup", crawler.Page{FinalURL: "http://ledger.example/news/breakwater",
			Body: []byte(strings.Replace(body, "<head>", `<head><meta name="robots" content="noindex, follow">`, 1))}, true, time.Time{}, true},
		{"section page", crawler.Page{FinalURL: "http://ledger.example/news/", Body: []byte(section)}, false, time.Time{}, false},
		{"sitemap hint fills the date", crawler.Page{FinalURL: "http://ledger.example/news/breakwater", Body: []byte(body),
			Hints: crawler.Hints{Published: time.Date(2025, 3, 4, 9, 0, 0, 0, time.UTC)}}, true, time.Date(2025, 3, 4, 9, 0, 0, 0, time.UTC), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := openT(t, t.TempDir())
			defer a.Close()
			tc.page.Header = http.Header{"Content-Type": {"text/html; charset=utf-8"}}
			tc.page.Fetched = time.Now()
			counts := &PageCounts{}
			if err := a.HandlePage(context.Background(), &tc.page, counts); err != nil {
				t.Fatal(err)
			}
			art, err := a.Store.ArticleByURL(tc.page.FinalURL)
			if (err == nil) != tc.stored {
				t.Fatalf("stored = %v (err %v), want %v", err == nil, err, tc.stored)
			}
			if tc.stored && art.NoIndex != tc.noindex {
				t.Errorf("noindex %v, want %v", art.NoIndex, tc.noindex)
			}
			if tc.stored && !tc.published.IsZero() && !art.Published.Equal(tc.published) {
				t.Errorf("published %v, want %v", art.Published, tc.published)
			}
			if counts.Pages.Load() != 1 || counts.Articles.Load()+counts.Skipped.Load() != 1 {
				t.Errorf("counts: pages %d articles %d skipped %d", counts.Pages.Load(), counts.Articles.Load(), counts.Skipped.Load())
			}
		})
	}
}

// The per-site boilerplate extraction learns survives a restart: a page
// seen first after reopening already has the site's disclaimer removed.
func TestBoilerplateModelPersists(t *testing.T) {
	dir := t.TempDir()
	disclaimer := "Disclaimer: articles republished by Wire Daily are reproduced in good faith and do not necessarily reflect the views of Wire Daily, its editors or its supporters."
	page := func(i int) *crawler.Page {
		var paras []string
		for j := 0; j < 6; j++ {
			paras = append(paras, "Story "+strings.Repeat(string(rune('a'+i)), 3)+" paragraph "+string(rune('0'+j))+" tells of the harbor, the council and the fleet in words that differ from page to page number "+string(rune('0'+i))+".")
		}
		html := "<html><head><meta property=\"og:type\" content=\"article\"><title>Story " + string(rune('a'+i)) + "</title></head><body><article><h1>Story</h1><p>" +
			strings.Join(paras, "</p><p>") + "</p><p>" + disclaimer + "</p></article></body></html>"
		return &crawler.Page{FinalURL: "http://wire.example/s/" + string(rune('a'+i)), Body: []byte(html),
			Header: http.Header{"Content-Type": {"text/html"}}, Fetched: time.Now()}
	}
	a := openT(t, dir)
	for i := 0; i < 4; i++ {
		if err := a.HandlePage(context.Background(), page(i), &PageCounts{}); err != nil {
			t.Fatal(err)
		}
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	a = openT(t, dir)
	defer a.Close()
	if err := a.HandlePage(context.Background(), page(5), &PageCounts{}); err != nil {
		t.Fatal(err)
	}
	art, err := a.Store.ArticleByURL("http://wire.example/s/f")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(art.Text, "Disclaimer") {
		t.Errorf("disclaimer learned before the restart is back in the text: %q", art.Text)
	}
}
