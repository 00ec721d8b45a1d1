package index

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
)

// TestSearchBooleanOperators runs Lucene-style queries on the fixture:
// AND narrows, OR widens, NOT excludes, instead of AND being dropped as a
// stop word.
func TestSearchBooleanOperators(t *testing.T) {
	ix := openFixture(t)
	tests := []struct {
		q    string
		want []string
	}{
		{"rain AND valley", []string{"c-en-rain"}},
		{"rain AND interest", nil},
		{"rain OR interest", []string{"c-en-bank", "c-en-rain"}},
		{"interest AND NOT rain", []string{"c-en-bank"}},
		{"rates NOT inflation", nil}, // both English stories with "rates" mention inflation
		{"cup OR trophy AND football", []string{"c-en-football"}},
	}
	for _, tc := range tests {
		r, err := ix.Search(context.Background(), Query{Text: tc.q, Lang: "en"})
		if err != nil {
			t.Fatalf("%q: %v", tc.q, err)
		}
		got := clusters(r)
		slices.Sort(got)
		if strings.Join(got, ",") != strings.Join(tc.want, ",") {
			t.Errorf("%q = %v, want %v", tc.q, got, tc.want)
		}
	}
	if _, err := ix.Search(context.Background(), Query{Text: "rain AND"}); !errors.Is(err, ErrBadQuery) {
		t.Errorf("dangling AND: err = %v, want ErrBadQuery", err)
	}
}
