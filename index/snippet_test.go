package index

import (
	"context"
	"strings"
	"testing"

	"github.com/syndex/syndex/article"
)

// TestSearchTextSnippets: search results carry plain-text snippets whose
// match offsets point at the matched words, HTML snippets without a word
// cut at either end, and copies ordered by date.
func TestSearchTextSnippets(t *testing.T) {
	ix := openFixture(t)
	doc := Doc{Cluster: "c-order", Original: art("o9", "first.example", "en", "Ferry terminal fire",
		strings.Repeat("Smoke rose over the harbour as crews worked through the night. ", 6)+
			"A fire in an electrical room at the ferry terminal forced the evacuation of about 300 people. "+
			strings.Repeat("Officials said the cause was under investigation and crossings would resume. ", 6), "2024-04-01"),
		Copies: []*article.Article{cp("o9c", "late.example", "2024-04-05", 0.9), cp("o9a", "undated.example", "", 0.9), cp("o9b", "early.example", "2024-04-02", 0.9)}}
	if err := ix.Upsert(context.Background(), []Doc{doc}); err != nil {
		t.Fatal(err)
	}
	r, err := ix.Search(context.Background(), Query{Text: "electrical", Highlight: true})
	if err != nil || len(r.Hits) != 1 {
		t.Fatalf("hits %v, err %v", r, err)
	}
	h := r.Hits[0]
	if len(h.TextSnippets) == 0 || len(h.TextSnippets) != len(h.Snippets) {
		t.Fatalf("%d text snippets for %d snippets", len(h.TextSnippets), len(h.Snippets))
	}
	for _, ts := range h.TextSnippets {
		rs := []rune(ts.Text)
		if len(ts.Matches) == 0 {
			t.Errorf("no match in %q", ts.Text)
		}
		for _, m := range ts.Matches {
			if got := strings.ToLower(string(rs[m[0]:m[1]])); got != "electrical" {
				t.Errorf("match %v is %q, want electrical", m, got)
			}
		}
		body := doc.Original.Text
		for _, w := range strings.Fields(strings.Trim(ts.Text, "… ")) {
			if !strings.Contains(" "+body+" ", " "+w+" ") {
				t.Errorf("snippet word %q is not a whole word of the text (%q)", w, ts.Text)
			}
		}
	}
	var sites []string
	for _, c := range h.Copies {
		sites = append(sites, c.Site)
	}
	if got := strings.Join(sites, ","); got != "early.example,late.example,undated.example" {
		t.Errorf("copies in order %s, want by date, undated last", got)
	}
}
