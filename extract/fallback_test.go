package extract

import (
	"bytes"
	"context"
	"strings"
	"testing"

	trafilatura "github.com/markusmobius/go-trafilatura"
	"golang.org/x/net/html"
)

func TestIsBaseline(t *testing.T) {
	long := strings.Repeat("All of the page run together into one block of text. ", 30)
	tests := []struct {
		name, body string
		want       bool
	}{
		{"one long paragraph", "<p>" + long + "</p>", true},
		{"one short paragraph", "<p>A short article of one paragraph.</p>", false},
		{"two paragraphs", "<p>" + long + "</p><p>" + long + "</p>", false},
		{"a heading and a paragraph", "<h2>Title</h2><p>" + long + "</p>", false},
		{"loose text beside it", "<p>" + long + "</p>tail", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			doc, err := html.Parse(strings.NewReader("<html><body>" + tc.body + "</body></html>"))
			if err != nil {
				t.Fatal(err)
			}
			body := doc.FirstChild.LastChild // html > body
			if got := isBaseline(body); got != tc.want {
				t.Errorf("isBaseline = %v, want %v", got, tc.want)
			}
		})
	}
}

// TestSecondOpinion: an old table layout whose story is plain text in a
// cell, which go-trafilatura's main pass misses; its rescue runs the whole
// page together, and the fallback extractors recover the story.
func TestSecondOpinion(t *testing.T) {
	var story strings.Builder
	for i := range 8 {
		story.WriteString("Paragraph " + string(rune('A'+i)) + " of the report: the county board voted on the new budget after a long debate about roads, schools and the cost of the new water plant.<br><br>\n")
	}
	var nav strings.Builder
	for i := range 40 {
		nav.WriteString(`<a href="/section/` + string(rune('a'+i%26)) + `">Section link number ` + string(rune('A'+i%26)) + `</a> | `)
	}
	page := `<html><head><title>Board passes budget</title></head><body><table><tr><td class="menu">` + nav.String() +
		`</td></tr><tr><td><font face="arial"><b>Board passes budget</b><br>` + story.String() + `</font></td></tr><tr><td>` + nav.String() + `</td></tr></table></body></html>`
	doc, err := html.Parse(bytes.NewReader([]byte(page)))
	if err != nil {
		t.Fatal(err)
	}
	tr, err := trafilatura.ExtractDocument(doc, trafilatura.Options{ExcludeComments: true})
	if err != nil {
		t.Fatal(err)
	}
	if !isBaseline(tr.ContentNode) {
		t.Fatal("fixture no longer sends go-trafilatura to its baseline; the test would not exercise the fallback")
	}
	res, err := New(Options{}).Extract(context.Background(), Input{URL: "https://county.example/budget", HTML: []byte(page)})
	if err != nil {
		t.Fatal(err)
	}
	paras := strings.Split(res.Article.Text, "\n\n")
	if len(paras) < 8 || strings.Contains(res.Article.Text, "Section link number") {
		t.Errorf("got %d paragraphs, nav included=%v:\n%.300s", len(paras), strings.Contains(res.Article.Text, "Section link"), res.Article.Text)
	}
}

func TestHasRunTogether(t *testing.T) {
	long := strings.Repeat("Menu item and story text run together ", 60)
	tests := []struct {
		name, body string
		want       bool
	}{
		{"a long plain paragraph after short ones", "<p>Tags</p><p>Archive</p><p>" + long + "</p>", true},
		{"a long paragraph with links inside", "<p>" + long[:1000] + `<a href="/x">link</a>` + long[:1200] + "</p>", false},
		{"ordinary paragraphs", "<p>" + long[:800] + "</p><p>" + long[:900] + "</p>", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			doc, err := html.Parse(strings.NewReader("<html><body>" + tc.body + "</body></html>"))
			if err != nil {
				t.Fatal(err)
			}
			if got := hasRunTogether(doc.FirstChild.LastChild); got != tc.want {
				t.Errorf("hasRunTogether = %v, want %v", got, tc.want)
			}
		})
	}
}
