package dates

import (
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/syndex/syndex/extract/internal/dom"
	"github.com/syndex/syndex/extract/internal/scan"
	"github.com/syndex/syndex/extract/internal/scan/scantest"
)

func TestGuardedRECases(t *testing.T) {
	for _, tc := range []struct {
		re   *scan.GuardedRE
		in   string
		want bool
	}{
		{datelineClassRE, "post-DATE", true},
		{datelineClassRE, "update", false},
		{datelineClassRE, "po\u017fted", true}, // long s folds to s
		{clockRE, "Aktuelle Zeit: 12:00", true},
		{foreignDateRE, "site-footer", true},
		{foreignDateRE, "story", false},
	} {
		if got := tc.re.MatchString(tc.in); got != tc.want {
			t.Errorf("%v.MatchString(%q) = %v, want %v", tc.re.Regexp(), tc.in, got, tc.want)
		}
	}
}

// TestGuards checks the guarded expressions against their plain ones.
func TestGuards(t *testing.T) {
	// Every alternative of the expressions.
	words := []string{"date", "datum", "time", "zeit", "posted", "published", "pubdate", "dateline", "stand",
		"aktuelle zeit", "current time", "it is currently", "heute ist", "today is",
		"comment", "sidebar", "related", "widget", "teaser", "recommend",
		"popular", "trending", "newsletter", "breadcrumb", "share", "social", "reply", "footer", "navigation", "menu",
		"veröffentlicht", "erschienen", "publié", "publicado", "pubblicato", " am ", " on: "}
	scantest.CheckGuards(t, words, datelineClassRE, clockRE, foreignDateRE, pubLabelRE)
}

// TestDatelineInitialFilter checks that refusing elements by their text's
// first letter keeps every labelled dateline and still refuses the rest.
func TestDatelineInitialFilter(t *testing.T) {
	for _, tc := range []struct {
		html string
		want string // date, "" for none
	}{
		{`<div><span>Published 3 May 2024</span></div>`, "2024-05-03"},
		{`<div><p>  <b></b> erschienen am 03.05.2024</p></div>`, "2024-05-03"},
		{`<div><span>Stand: 03.05.2024</span></div>`, "2024-05-03"},
		{`<div><span class="post-date">3 May 2024</span></div>`, "2024-05-03"},
		{`<div><span>3 May 2024</span></div>`, ""},
		{`<div><span>Updated 3 May 2024</span></div>`, ""},
		{`<div><span><script>x</script>Written 3 May 2024</span></div>`, "2024-05-03"},
	} {
		doc, err := html.Parse(strings.NewReader(tc.html))
		if err != nil {
			t.Fatal(err)
		}
		got := ""
		dom.WalkElements(doc, func(n *html.Node) bool {
			if d, ok := Dateline(n); ok && got == "" {
				got = d.Format("2006-01-02")
			}
			return true
		})
		if got != tc.want {
			t.Errorf("%s: dateline %q, want %q", tc.html, got, tc.want)
		}
	}
}
