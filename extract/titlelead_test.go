package extract

import (
	"context"
	"fmt"
	"strings"
	"testing"

	trafilatura "github.com/markusmobius/go-trafilatura"

	"github.com/syndex/syndex/extract/meta"
)

func TestCutCode(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Gale to drive Nation'?' + OAS_query + '\"><\\/SCRIPT>'); //--> </SCRIPT>", "Gale to drive Nation'?"},
		{"BBC SPORT--> <script src=\"x.js\"></script>", "BBC SPORT"},
		{"Storm closes harbour (Coast Courier)", "Storm closes harbour (Coast Courier)"},
		{"Budget: what it means for you", "Budget: what it means for you"},
		{"Golfer Wins 7th Title(The Korea Times)ntById(\"font\"); obj.style.fontSize = 12", "Golfer Wins 7th Title(The Korea Times)"},
		{"Harbour reopens window.open('/print.asp', 'preview')", "Harbour reopens"},
		{"Harbour reopens document.write(x)", "Harbour reopens"},
	}
	for _, tc := range tests {
		if got := cutCode(tc.in); got != tc.want {
			t.Errorf("cutCode(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestTitleFromLead: with no headline metadata and no <title>, the heading
// whose words the story's opening shares is the title, not the main-text
// extractor's guess or the first heading on the page.
func TestTitleFromLead(t *testing.T) {
	lead := "Sri Lanka Cricket's chief executive resigned on Friday after the board rejected his plan for the tour, officials said."
	headings := []string{"Latest News", "Most popular stories today", "Sri Lankan cricket chief resigns", "Post a comment below"}
	tests := []struct {
		name  string
		m     meta.Page
		guess string
		want  string
	}{
		{"no title: lead picks the heading", meta.Page{Headings: headings, Lead: lead}, "Related News", "Sri Lankan cricket chief resigns"},
		{"no lead: the guess stands", meta.Page{Headings: headings}, "Related News", "Related News"},
		{"a <title> stands", meta.Page{Headings: headings, Lead: lead, DocTitle: "Weekly Edition for March 26"}, "Related News", "Weekly Edition for March 26"},
		{"no heading shares the lead", meta.Page{Headings: []string{"Most popular stories today"}, Lead: lead}, "Related News", "Related News"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := chooseTitle(tc.m, trafilatura.Metadata{Title: tc.guess}, "news.example"); got != tc.want {
				t.Errorf("chooseTitle = %q, want %q", got, tc.want)
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
