package extract

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

// TestTitleMetadataSources checks the metadata rules feeding the title:
// RDFa properties naming several keys, Dublin Core titles and a JSON-LD
// name that the <title> confirms over a descriptive headline.
func TestTitleMetadataSources(t *testing.T) {
	cases := []struct {
		name, html, want string
	}{
		{
			name: "a property attribute naming several properties",
			html: `<html><head><title>Page</title><meta property="og:title twitter:title" content="Council freezes rents for a year"></head><body><h1>Other</h1></body></html>`,
			want: "Council freezes rents for a year",
		},
		{
			name: "a Dublin Core title written with a colon",
			html: `<html><head><title>Page</title><meta property="x:title dc:title" content="Council freezes rents for a year"></head><body><h1>Other</h1></body></html>`,
			want: "Council freezes rents for a year",
		},
		{
			name: "JSON-LD name confirmed by the <title> beats a descriptive headline",
			html: `<html><head><title>List of films about rivers - Encyclopedia</title><script type="application/ld+json">{"@type":"Article","name":"List of films about rivers","headline":"Encyclopedia list article"}</script></head><body><p>x</p></body></html>`,
			want: "List of films about rivers",
		},
	}
	ex := New(Options{})
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res, err := ex.Extract(context.Background(), Input{URL: "https://news.example/a/1", HTML: []byte(tc.html)})
			if err != nil {
				t.Fatal(err)
			}
			if res.Article.Title != tc.want {
				t.Errorf("title = %q, want %q", res.Article.Title, tc.want)
			}
		})
	}
}

// TestSiteWideTitle: a <title> every page of a site carries is the site's,
// so from the third such page on the headline the story's opening shares
// its words with is the title.
func TestSiteWideTitle(t *testing.T) {
	stories := []struct{ headline, body string }{
		{"Harbour reopens after three day storm", "The harbour reopened on Tuesday after a three day storm closed it to all shipping, the port authority said."},
		{"Council approves budget for new schools", "The council approved its budget on Monday, with most new money going to two new schools in the north."},
		{"Ferry timetable changes from next month", "The ferry timetable changes from next month, when the early sailing moves to half past six, the operator said."},
	}
	ex := New(Options{})
	var got []string
	for i, s := range stories {
		page := `<html><head><title>Coast Courier - Your Local News</title></head><body><div class="side"><h3>Most read stories this week</h3></div><article><h2>` + s.headline + `</h2>` +
			strings.Repeat("<p>"+s.body+"</p>", 4) + `</article></body></html>`
		res, err := ex.Extract(context.Background(), Input{URL: fmt.Sprintf("https://courier.example/news/%d", i), HTML: []byte(page)})
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, res.Article.Title)
	}
	if got[0] == stories[0].headline || got[2] != stories[2].headline {
		t.Errorf("titles %q: want the site's <title> segment until the title is seen on 3 pages, then the headline", got)
	}
}
