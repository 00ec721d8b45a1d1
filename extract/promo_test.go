package extract

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

func TestPromoLine(t *testing.T) {
	long := "Read more about how the council spent three years arguing over the bridge, the budget and the " +
		"contractors before a single stone was laid, and why residents still doubt it will open on time."
	tests := []struct {
		text, tag   string
		promo, bare bool
	}{
		{"Read more: Council approves the new bridge", "p", true, false},
		{"READ MORE:", "p", true, true},
		{"» Lesen Sie auch: Neue Brücke für die Altstadt", "p", true, false},
		{"Auch interessant", "p", true, true},
		{"Das könnte Sie auch interessieren!", "p", true, true},
		{"À lire aussi : La mairie vote le budget", "p", true, false},
		{"Lee también: El concejo aprueba el puente", "p", true, false},
		{"Te puede interesar", "p", true, true},
		{"Sign up for our newsletter", "p", true, false},
		{"Never miss a story: get our newsletter every morning.", "p", true, false},
		{"Follow The Daily on Twitter and Facebook.", "p", true, false},
		{"Newsletter abonnieren", "p", true, true},
		{long, "p", false, false},                                             // a label opening a real, long sentence
		{"Relatedness between the two cases was unclear.", "p", false, false}, // label is part of a longer word
		{"The mayor said more was needed.", "p", false, false},
		{"Follow-up talks are planned for May.", "p", false, false},
		{"He said he would follow the money.", "p", false, false},
		{"Sign up for a free account at the library", "li", false, false}, // a how-to step
		{"Sign up for a free account at the library", "p", true, false},
		{"Read more: Council approves the new bridge", "li", true, false},
		{"See also", "h2", false, false}, // an encyclopedia section, not a promo
		{"The Morning Briefing Newsletter", "h3", true, false},
		{"Share this:", "h3", true, true},
		{"Ähnliche Artikel", "h3", true, true},
		{"The council will send a newsletter to every household in the district", "p", false, false},
	}
	for _, tc := range tests {
		promo, bare := promoLine(tc.text, tc.tag)
		if promo != tc.promo || bare != tc.bare {
			t.Errorf("promoLine(%q, %q) = %v, %v; want %v, %v", tc.text, tc.tag, promo, bare, tc.promo, tc.bare)
		}
	}
}

// promoPage is an article whose text is interrupted by promo lines: a
// "Read more" line, a bare "Lesen Sie auch" label with its teaser link,
// and a newsletter prompt.
const promoPage = `<html><head><title>Council approves the new bridge</title></head><body>
<nav><a href="/">Home</a> <a href="/news">News</a></nav>
<article><h1>Council approves the new bridge</h1>
%s
</article>
<footer>© Example News</footer></body></html>`

func TestDropPromoLines(t *testing.T) {
	var body strings.Builder
	para := func(i int) string {
		return fmt.Sprintf("Paragraph %d of the story: the council met on Tuesday evening and, after a long debate about costs, "+
			"traffic and the river banks, voted to build the bridge that residents have asked for since the old one closed.", i)
	}
	for i := 1; i <= 3; i++ {
		fmt.Fprintf(&body, "<p>%s</p>\n", para(i))
	}
	body.WriteString(`<p>Read more: <a href="/a">Residents protest the bridge tolls</a></p>` + "\n")
	for i := 4; i <= 5; i++ {
		fmt.Fprintf(&body, "<p>%s</p>\n", para(i))
	}
	body.WriteString(`<p><strong>Lesen Sie auch:</strong></p><p><a href="/b">Neue Brücke für die Altstadt geplant</a></p>` + "\n")
	for i := 6; i <= 7; i++ {
		fmt.Fprintf(&body, "<p>%s</p>\n", para(i))
	}
	body.WriteString("<p>Sign up for our newsletter to get the news every morning.</p>\n")
	fmt.Fprintf(&body, "<p>%s</p>\n", para(8))
	html := fmt.Sprintf(promoPage, body.String())

	res, err := New(Options{}).Extract(context.Background(), Input{URL: "https://news.example/bridge", HTML: []byte(html)})
	if err != nil {
		t.Fatal(err)
	}
	a := res.Article
	for i := 1; i <= 8; i++ {
		if !strings.Contains(a.Text, fmt.Sprintf("Paragraph %d of the story", i)) {
			t.Errorf("text lost paragraph %d:\n%s", i, a.Text)
		}
	}
	gone := []string{"Read more: Residents protest the bridge tolls", "Lesen Sie auch:", "Neue Brücke für die Altstadt geplant",
		"Sign up for our newsletter to get the news every morning."}
	bp := strings.Join(a.Boilerplate, "\n")
	for _, s := range gone {
		if strings.Contains(a.Text, s) {
			t.Errorf("text keeps promo line %q:\n%s", s, a.Text)
		}
		if !strings.Contains(bp, s) {
			t.Errorf("Boilerplate %q lacks %q", a.Boilerplate, s)
		}
	}
}
