package scan_test

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

// refTokens is WordTokens as it was first written (a regular expression),
// the reference the faster versions must agree with.
func refTokens(text string) []string { return wordRE.FindAllString(text, -1) }

// refCollapse is CollapseSpace as it was first written, the reference the
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
			t.Errorf("CollapseSpace(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if got := string(scan.CollapseBytes([]byte(tc.in))); got != tc.want {
			t.Errorf("CollapseBytes(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestEquivalence checks the allocation-free helpers against the code they
// replace on random strings.
func TestEquivalence(t *testing.T) {
	for _, s := range scantest.Strings(40000, []string{"comment", "disqus", "date", "byline"}) {
		want := refCollapse(s)
		if got := scan.CollapseSpace(s); got != want {
			t.Fatalf("CollapseSpace(%q) = %q, want %q", s, got, want)
		}
		if got := string(scan.CollapseBytes([]byte(s))); got != want {
			t.Fatalf("CollapseBytes(%q) = %q, want %q", s, got, want)
		}
		for _, max := range []int{1, 4, 40} {
			var wantPrefix []byte
			if len(want) >= max {
				wantPrefix = []byte(want[:max])
			}
			if got := scan.CollapsedPrefix(nil, s, max); string(got) != string(wantPrefix) || (got == nil) != (wantPrefix == nil) {
				t.Fatalf("CollapsedPrefix(%q, %d) = %q, want %q", s, max, got, wantPrefix)
			}
		}
		if got, want := scan.WordTokens(s), refTokens(s); !slices.Equal(got, want) {
			t.Fatalf("WordTokens(%q) = %q, want %q", s, got, want)
		}
		if got, want := scan.CountTokens(s), len(refTokens(s)); got != want {
			t.Fatalf("CountTokens(%q) = %d, want %d", s, got, want)
		}
		if got, want := scan.FieldCount(s), len(strings.Fields(s)); got != want {
			t.Fatalf("FieldCount(%q) = %d, want %d", s, got, want)
		}
		for _, w := range []string{"comment", "disqus"} {
			if got, want := scan.ContainsLower(s, w), strings.Contains(strings.ToLower(s), w); got != want {
				t.Fatalf("ContainsLower(%q, %q) = %v, want %v", s, w, got, want)
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
			t.Fatalf("CountTokens(%q) = %d, want %d", s, got, want)
		}
		if got, want := scan.FieldCount(s), len(strings.Fields(s)); got != want {
			t.Fatalf("FieldCount(%q) = %d, want %d", s, got, want)
		}
	}
}

// TestTitleWords checks titleWords against the expression it replaces.
func TestTitleWords(t *testing.T) {
	for _, s := range scantest.Strings(40000, []string{"byline", "date"}) {
		if got, want := scan.TitleWords(s), wordRE.FindAllString(strings.ToLower(scan.InvisibleRE.ReplaceAllString(s, "")), -1); !slices.Equal(got, want) {
			t.Fatalf("titleWords(%q) = %q, want %q", s, got, want)
		}
	}
}
