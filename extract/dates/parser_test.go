package dates

import (
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"
)

func TestParserConfig(t *testing.T) {
	for _, tc := range []struct {
		lang string
		want []string // nil: every language
	}{
		{"", nil},
		{"de-DE", []string{"en", "de"}},
		{" FR ", []string{"en", "fr"}},
		{"en_GB", []string{"en"}},
		{"xx", nil},      // unknown to the parser
		{"english", nil}, // not a code
	} {
		c := parserConfig(tc.lang)
		var got []string
		if c != nil {
			got = c.Languages
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("parserConfig(%q) languages %q, want %q", tc.lang, got, tc.want)
		}
	}
}

// TestGuessDateLanguages: a date written out in the page's language or
// in English is found with the narrowed parser as with every language.
func TestGuessDateLanguages(t *testing.T) {
	for _, tc := range []struct {
		lang, text string
		want       time.Time
	}{
		{"de", "Veröffentlicht am 3. März 2021 von der Redaktion", time.Date(2021, 3, 3, 0, 0, 0, 0, time.UTC)},
		{"fr", "Publié le 14 juillet 2022", time.Date(2022, 7, 14, 0, 0, 0, 0, time.UTC)},
		{"de", "Posted on March 3, 2021", time.Date(2021, 3, 3, 0, 0, 0, 0, time.UTC)},
	} {
		page := `<html><head><title>T</title></head><body><div class="meta"><span>` + tc.text + `</span></div><p>` + strings.Repeat("Some text of the story. ", 20) + `</p></body></html>`
		for _, lang := range []string{tc.lang, ""} {
			doc, err := html.Parse(strings.NewReader(page))
			if err != nil {
				t.Fatal(err)
			}
			got, _ := guessDate(doc, "https://example.org/story", lang)
			if !got.Equal(tc.want) {
				t.Errorf("lang %q: guessDate on %q = %v, want %v", lang, tc.text, got, tc.want)
			}
		}
	}
}
