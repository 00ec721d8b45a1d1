package extract

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/syndex/syndex/extract/internal/scan/scantest"
)

// wordRE is the evaluation's word: Python's Unicode \w+ runs.
var wordRE = regexp.MustCompile(`[\p{L}\p{N}_]+`)

// TestTitleWords checks titleWords against the expression it replaces.
func TestTitleWords(t *testing.T) {
	for _, s := range scantest.Strings(40000, []string{"byline", "date"}) {
		if got, want := titleWords(s), wordRE.FindAllString(strings.ToLower(invisibleRE.ReplaceAllString(s, "")), -1); !slices.Equal(got, want) {
			t.Fatalf("titleWords(%q) = %q, want %q", s, got, want)
		}
	}
}
