package authors

import (
	"testing"

	"github.com/syndex/syndex/extract/internal/scan"
	"github.com/syndex/syndex/extract/internal/scan/scantest"
)

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
