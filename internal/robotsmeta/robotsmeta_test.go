package robotsmeta

import "testing"

func TestDirectives(t *testing.T) {
	tests := []struct {
		list              string
		noIndex, noFollow bool
	}{
		{"", false, false},
		{"index, follow", false, false},
		{"noindex", true, false},
		{"NOINDEX,NOFOLLOW", true, true},
		{"nofollow", false, true},
		{"none", true, true},
		{"googlebot: noindex", true, false},
		{"noindex\tnofollow", true, true},
		{"noindexing, nonesuch", false, false},
		{"max-snippet:0,noarchive", false, false},
	}
	for _, tc := range tests {
		if got := NoIndex(tc.list); got != tc.noIndex {
			t.Errorf("NoIndex(%q) = %v, want %v", tc.list, got, tc.noIndex)
		}
		if got := NoFollow(tc.list); got != tc.noFollow {
			t.Errorf("NoFollow(%q) = %v, want %v", tc.list, got, tc.noFollow)
		}
	}
}
