package extract

import (
	"testing"

	trafilatura "github.com/markusmobius/go-trafilatura"
)

func TestCutCode(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Gale to drive Nation'?' + OAS_query + '\"><\\/SCRIPT>'); //--> </SCRIPT>", "Gale to drive Nation'?"},
		{"BBC SPORT--> <script src=\"x.js\"></script>", "BBC SPORT"},
		{"Storm closes harbour (Coast Courier)", "Storm closes harbour (Coast Courier)"},
		{"Budget: what it means for you", "Budget: what it means for you"},
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
		m     pageMeta
		guess string
		want  string
	}{
		{"no title: lead picks the heading", pageMeta{Headings: headings, Lead: lead}, "Related News", "Sri Lankan cricket chief resigns"},
		{"no lead: the guess stands", pageMeta{Headings: headings}, "Related News", "Related News"},
		{"a <title> stands", pageMeta{Headings: headings, Lead: lead, DocTitle: "Weekly Edition for March 26"}, "Related News", "Weekly Edition for March 26"},
		{"no heading shares the lead", pageMeta{Headings: []string{"Most popular stories today"}, Lead: lead}, "Related News", "Related News"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := chooseTitle(tc.m, trafilatura.Metadata{Title: tc.guess}, "news.example"); got != tc.want {
				t.Errorf("chooseTitle = %q, want %q", got, tc.want)
			}
		})
	}
}
