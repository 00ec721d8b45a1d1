package attribution

import (
	"strings"
	"testing"

	"github.com/syndex/syndex/extract/internal/scan/scantest"
)

// TestAttrKeys holds the one-pass word check to the patterns' own:
// attrKeys.any lets a text through exactly when some pattern's mayMatch
// does.
func TestAttrKeys(t *testing.T) {
	var words []string
	for _, p := range attrPatterns {
		words = append(words, p.keys...)
	}
	for _, s := range append(scantest.Strings(20000, words), "", "This article first appeared in X.", "Source: AP") {
		lower := strings.ToLower(s)
		want := false
		for _, p := range attrPatterns {
			want = want || p.mayMatch(lower)
		}
		if got := attrKeys.any(lower); got != want {
			t.Fatalf("attrKeys.any(%q) = %v, want %v", lower, got, want)
		}
	}
}
