package authors

import (
	"slices"
	"strings"
	"testing"

	"github.com/syndex/syndex/extract/internal/scan/scantest"
)

// TestFirstFields holds firstFields to strings.Fields cut to n words.
func TestFirstFields(t *testing.T) {
	cases := append(scantest.Strings(5000, []string{"By", "Jane", "Doe"}), "", "   ", "one", " a b  c\td\ne ", "By Jane Doe | 2 May 2020")
	for _, s := range cases {
		for _, n := range []int{1, 3, 10} {
			want := strings.Fields(s)
			if len(want) > n {
				want = want[:n]
			}
			if got := firstFields(nil, s, n); !slices.Equal(got, want) && (len(got) > 0 || len(want) > 0) {
				t.Fatalf("firstFields(%q, %d) = %q, want %q", s, n, got, want)
			}
		}
	}
}
