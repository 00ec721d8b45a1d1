package extract

import (
	"math/rand"
	"regexp"
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/syndex/syndex/extract/internal/dom"
	"github.com/syndex/syndex/extract/internal/scan"
)

// wordRE is the evaluation's word: Python's Unicode \w+ runs.
var wordRE = regexp.MustCompile(`[\p{L}\p{N}_]+`)

// refTokens is wordTokens as it was first written (a regular expression),
// the reference the faster versions must agree with.
func refTokens(text string) []string { return wordRE.FindAllString(text, -1) }

// refCollapse is collapseSpace as it was first written, the reference the
// faster versions must agree with.
func refCollapse(s string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "\u00a0", " ")), " ")
}

func TestCollapseSpaceCases(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"a b", "a b"},
		{"  a  b ", "a b"},
		{"a\u00a0\u2003b\n", "a b"},
		{"a \tb", "a b"},
		{"a\xffb  c", "a\xffb c"},
		{"\u3000", ""},
	} {
		if got := scan.CollapseSpace(tc.in); got != tc.want {
			t.Errorf("collapseSpace(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if got := string(scan.CollapseBytes([]byte(tc.in))); got != tc.want {
			t.Errorf("collapseBytes(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestGuardedRECases(t *testing.T) {
	for _, tc := range []struct {
		re   *scan.GuardedRE
		in   string
		want bool
	}{
		{bylineClassRE, "article__byline", true},
		{bylineClassRE, "Author-Name", true},
		{bylineClassRE, "authority", false},
		{bylineClassRE, "headline", false},
		{datelineClassRE, "post-DATE", true},
		{datelineClassRE, "update", false},
		{datelineClassRE, "po\u017fted", true}, // long s folds to s
		{bylineContextRE, "ReplyBox", true},
		{bylineContextRE, "main", false},
		{clockRE, "Aktuelle Zeit: 12:00", true},
		{foreignDateRE, "site-footer", true},
		{foreignDateRE, "story", false},
	} {
		if got := tc.re.MatchString(tc.in); got != tc.want {
			t.Errorf("%v.MatchString(%q) = %v, want %v", tc.re.Regexp(), tc.in, got, tc.want)
		}
	}
}

// TestFastMatchEquivalence checks the allocation-free helpers against the
// code they replace on random strings of white space, letters of several
// scripts, invalid bytes, invisible characters and the guarded words.
func TestFastMatchEquivalence(t *testing.T) {
	guards := []*scan.GuardedRE{bylineClassRE, bylineContextRE, datelineClassRE, clockRE, foreignDateRE}
	pieces := []string{" ", "  ", "\t", "\n", "\u00a0", "\u2003", "\u3000", "\u0085", "a", "B", "é", "\xff", "\xc2", "\xe2\x84",
		"\u017f", "\u212a", "_", "1", "²", "-", "ª", "\ufffd", "\u00ad", "\u200b", "\ufeff", "İ", "Ⅻ", "Ⓐ", "Dáte", "Veröffentlicht"}
	// Every alternative of the guarded expressions, written out here so
	// that a word missing from a guard's list is caught.
	words := []string{"byline", "author", "by-line", "article-author", "contributor",
		"comment", "respond", "reply", "disqus", "teaser", "related", "listing", "sidebar", "widget", "recommend",
		"date", "datum", "time", "zeit", "posted", "published", "pubdate", "dateline", "stand",
		"aktuelle zeit", "current time", "it is currently", "heute ist", "today is",
		"popular", "trending", "newsletter", "breadcrumb", "share", "social", "footer", "navigation", "menu"}
	for _, w := range words {
		pieces = append(pieces, w, strings.ToUpper(w), strings.ReplaceAll(w, "s", "\u017f"), strings.ReplaceAll(w, "k", "\u212a"))
	}
	rng := rand.New(rand.NewSource(1))
	for range 40000 {
		var sb strings.Builder
		for range rng.Intn(10) {
			sb.WriteString(pieces[rng.Intn(len(pieces))])
		}
		s := sb.String()
		want := refCollapse(s)
		if got := scan.CollapseSpace(s); got != want {
			t.Fatalf("collapseSpace(%q) = %q, want %q", s, got, want)
		}
		if got := string(scan.CollapseBytes([]byte(s))); got != want {
			t.Fatalf("collapseBytes(%q) = %q, want %q", s, got, want)
		}
		for _, max := range []int{1, 4, 40} {
			var wantPrefix []byte
			if len(want) >= max {
				wantPrefix = []byte(want[:max])
			}
			if got := scan.CollapsedPrefix(nil, s, max); string(got) != string(wantPrefix) || (got == nil) != (wantPrefix == nil) {
				t.Fatalf("collapsedPrefix(%q, %d) = %q, want %q", s, max, got, wantPrefix)
			}
		}
		if got, want := scan.WordTokens(s), refTokens(s); !slices.Equal(got, want) {
			t.Fatalf("wordTokens(%q) = %q, want %q", s, got, want)
		}
		if got, want := scan.CountTokens(s), len(refTokens(s)); got != want {
			t.Fatalf("countTokens(%q) = %d, want %d", s, got, want)
		}
		if got, want := titleWords(s), refTokens(strings.ToLower(invisibleRE.ReplaceAllString(s, ""))); !slices.Equal(got, want) {
			t.Fatalf("titleWords(%q) = %q, want %q", s, got, want)
		}
		for _, w := range []string{"comment", "disqus"} {
			if got, want := scan.ContainsLower(s, w), strings.Contains(strings.ToLower(s), w); got != want {
				t.Fatalf("containsLower(%q, %q) = %v, want %v", s, w, got, want)
			}
		}
		for _, g := range guards {
			if got, want := g.MatchString(s), g.Regexp().MatchString(s); got != want {
				t.Fatalf("%v.MatchString(%q) = %v, want %v", g.Regexp(), s, got, want)
			}
		}
	}
}

// TestTokenRunes checks the hand-written word classification against
// refTokens' expression rune by rune over the multilingual plane.
func TestTokenRunes(t *testing.T) {
	for r := rune(0); r < 0x10000; r++ {
		s := "a" + string(r) + "b"
		if got, want := scan.CountTokens(s), len(refTokens(s)); got != want {
			t.Fatalf("countTokens(%q) = %d, want %d", s, got, want)
		}
	}
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
			if d, ok := dateline(n); ok && got == "" {
				got = d.Format("2006-01-02")
			}
			return true
		})
		if got != tc.want {
			t.Errorf("%s: dateline %q, want %q", tc.html, got, tc.want)
		}
	}
}
