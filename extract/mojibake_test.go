package extract

import (
	"context"
	"strings"
	"testing"
)

// TestExtractRepairsMojibake checks the repair on a page that writes its
// mojibake as character references, in the text and in the og:title.
func TestExtractRepairsMojibake(t *testing.T) {
	para := "<p>" + strings.Repeat("The council met on the river bank to discuss the new bridge and its cost to the town. ", 6) + "</p>"
	page := `<html><head><meta charset="utf-8"><meta property="og:title" content="Town&acirc;&#128;&#153;s bridge vote"><title>x</title></head><body><article><h1>Town’s bridge vote</h1>` +
		`<p>She said, &acirc;&#128;&#152;If the bridge is built, the caf&Atilde;&copy; will close.&acirc;&#128;&#153;&Acirc;&nbsp;It was not.</p>` + para + para + `</article></body></html>`
	res, err := New(Options{}).Extract(context.Background(), Input{URL: "https://news.example/bridge", HTML: []byte(page)})
	if err != nil {
		t.Fatal(err)
	}
	a := res.Article
	if want := "She said, ‘If the bridge is built, the café will close.’\u00a0It was not."; !strings.Contains(a.Text, want) && !strings.Contains(a.Text, strings.ReplaceAll(want, "\u00a0", " ")) {
		t.Errorf("Text = %q, want it to contain %q", a.Text[:min(len(a.Text), 120)], want)
	}
	if a.Title != "Town’s bridge vote" {
		t.Errorf("Title = %q, want %q", a.Title, "Town’s bridge vote")
	}
}
