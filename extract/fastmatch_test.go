package extract

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/syndex/syndex/extract/internal/scan"
	"github.com/syndex/syndex/extract/internal/scan/scantest"
)

// wordRE is the evaluation's word: Python's Unicode \w+ runs.
var wordRE = regexp.MustCompile(`[\p{L}\p{N}_]+`)

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
		{bylineContextRE, "ReplyBox", true},
		{bylineContextRE, "main", false},
	} {
		if got := tc.re.MatchString(tc.in); got != tc.want {
			t.Errorf("%v.MatchString(%q) = %v, want %v", tc.re.Regexp(), tc.in, got, tc.want)
		}
	}
}

// TestGuards checks the guarded expressions against their plain ones.
func TestGuards(t *testing.T) {
	// Every alternative of the expressions.
	words := []string{"byline", "author", "by-line", "article-author", "contributor",
		"comment", "respond", "reply", "disqus", "teaser", "related", "listing", "sidebar", "widget", "recommend"}
	scantest.CheckGuards(t, words, bylineClassRE, bylineContextRE)
}

// TestTitleWords checks titleWords against the expression it replaces.
func TestTitleWords(t *testing.T) {
	for _, s := range scantest.Strings(40000, []string{"byline", "date"}) {
		if got, want := titleWords(s), wordRE.FindAllString(strings.ToLower(invisibleRE.ReplaceAllString(s, "")), -1); !slices.Equal(got, want) {
			t.Fatalf("titleWords(%q) = %q, want %q", s, got, want)
		}
	}
}
