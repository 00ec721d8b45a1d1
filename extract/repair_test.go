package extract

import (
	"context"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

func TestRunawayTitle(t *testing.T) {
	body := strings.Repeat("<p>Ministers met in the capital on Monday to agree the budget for the coming year and its priorities.</p>\n", 60)
	tests := []struct {
		name, html string
	}{
		{"template leftover after </title", `<html><head><title id="t">Budget agreed</titlevalue="true" --></head><body><article><h1>Budget agreed</h1>` + body + `</article></body></html>`},
		{"textarea never closed properly", `<html><head><title>Budget agreed</title></head><body><form><textarea>note</textareax></form><article><h1>Budget agreed</h1>` + body + `</article></body></html>`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := New(Options{}).Extract(context.Background(), Input{URL: "https://news.example/budget", HTML: []byte(tc.html)})
			if err != nil {
				t.Fatal(err)
			}
			a := res.Article
			if a.Title != "Budget agreed" {
				t.Errorf("title %q", a.Title)
			}
			if !strings.Contains(a.Text, "Ministers met in the capital") || strings.Contains(a.Text, "</") || strings.Contains(a.Text, "<p>") {
				t.Errorf("text is not the article: %.200q", a.Text)
			}
		})
	}
	// A long but well-formed title is left alone.
	long := `<html><head><title>` + strings.Repeat("word ", 1000) + `</title></head><body><p>x</p></body></html>`
	if got := repairRunaway(mustParse(t, long), []byte(long)); got != nil {
		t.Error("repaired a well-formed page")
	}
}

func mustParse(t *testing.T, s string) *html.Node {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(s))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}
