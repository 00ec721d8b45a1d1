package title

import (
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
			if got := Choose(tc.m, trafilatura.Metadata{Title: tc.guess}, "news.example"); got != tc.want {
				t.Errorf("Choose = %q, want %q", got, tc.want)
			}
		})
	}
}
