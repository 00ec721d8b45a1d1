package extract

import (
	"context"
	"strings"
	"testing"
)

// A republisher's credit line often sits in a box after the article body,
// outside what the main-text extractor keeps; it must still set Source.
func TestCreditOutsideMainText(t *testing.T) {
	body := strings.Repeat("<p>The harbor authority voted on Tuesday to close the northern breakwater for eighteen months while engineers rebuild the seawall that protects the fishing fleet, officials said.</p>\n", 8)
	tests := []struct {
		name, credit, want string
	}{
		{"original source with url", `<p class="attribution">The original source of this article is Harbor Ledger (https://ledger.example/news/breakwater).</p>`, "https://ledger.example/news/breakwater"},
		{"read more link", `<p class="read-more">Read more at <a href="https://ledger.example/news/breakwater">https://ledger.example/news/breakwater</a></p>`, "https://ledger.example/news/breakwater"},
		{"weak phrase outside text is ignored", `<p class="caption">Source: Harbor Ledger</p>`, ""},
		{"credit to own site is ignored", `<p class="attribution">The original source of this article is Wire Daily (https://wire.example/about).</p>`, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			page := `<html><head><title>Breakwater to close</title><meta property="og:type" content="article"></head><body>
<nav><a href="/">Home</a> <a href="/news">News</a></nav>
<article><h1>Breakwater to close</h1><div class="body">` + body + `</div>` + tc.credit + `
<div class="donate"><p>Wire Daily is reader-supported. Please give.</p></div></article>
<footer><p>© Wire Daily</p></footer></body></html>`
			res, err := New(Options{}).Extract(context.Background(), Input{URL: "https://wire.example/s/breakwater", HTML: []byte(page)})
			if err != nil {
				t.Fatal(err)
			}
			if res.Article.Source != tc.want {
				t.Errorf("Source = %q, want %q", res.Article.Source, tc.want)
			}
			if strings.Contains(res.Article.Text, "original source") || strings.Contains(res.Article.Text, "Read more at") {
				t.Errorf("credit line left in text: %q", res.Article.Text)
			}
		})
	}
}

// TestSidebarCreditEndToEnd: a credit above a page's closing links is read
// and kept out of the text; the sidebar lines stay for the other rules.
func TestSidebarCreditEndToEnd(t *testing.T) {
	body := strings.Repeat("<p>The county board approved the new bus routes on Tuesday after a long hearing in which residents of the northern villages asked for an evening service to the hospital.</p>\n", 6)
	page := `<html><head><title>New bus routes</title></head><body><div id="story"><h1>New bus routes</h1>` + body +
		`<p>Source: The Associated Press</p><p>Need someone to talk to?</p><p>Call our helpline any time, day or night.</p></div></body></html>`
	res, err := New(Options{}).Extract(context.Background(), Input{URL: "https://county.example/news/buses", HTML: []byte(page)})
	if err != nil {
		t.Fatal(err)
	}
	if res.Article.Source != "apnews.com" {
		t.Errorf("Source = %q, want apnews.com", res.Article.Source)
	}
	if strings.Contains(res.Article.Text, "Source: The Associated Press") {
		t.Errorf("credit left in text: %q", res.Article.Text)
	}
}
