package authors

import (
	"math/rand/v2"
	"strings"
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

// TestDatedNameLineShortcut holds datedNameLine to the same rule without
// its shortcut (a line not opening with a digit is not split), on chosen
// and random lines.
func TestDatedNameLineShortcut(t *testing.T) {
	full := func(t string) bool {
		return len(t) <= 80 && datedNameParts(scan.CollapseSpace(t))
	}
	lines := []string{"04.02.2022 | 13:10 Uhr | Jane Doe", "25.10.2022 - Jane Doe", " 25.10.2022 - Jane Doe", "| 25.10.2022 | Jane Doe",
		"05.02.2020 - Redaktion: Jane Doe", "\u00a025.10.2022 · Jane Doe", "Jane Doe - 25.10.2022", "٣ May 2022 | Jane Doe", ""}
	pieces := []string{"25.10.2022", "3 May 2022", "Jane Doe", "Redaktion: Max Muster", " | ", " - ", " · ", "»", " / /", " ", "\u00a0", "\t", "x", "٣"}
	rng := rand.New(rand.NewPCG(3, 4))
	for range 20000 {
		var b strings.Builder
		for range 1 + rng.IntN(5) {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		lines = append(lines, b.String())
	}
	for _, l := range lines {
		if got, want := datedNameLine(l), full(l); got != want {
			t.Errorf("datedNameLine(%q) = %v, want %v", l, got, want)
		}
	}
}
