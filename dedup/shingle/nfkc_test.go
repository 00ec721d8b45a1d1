package shingle

import (
	"testing"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

func TestNeedsNFKC(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want bool
	}{
		{"empty", "", false},
		{"ascii", "The minister said it's over, 2024.", false},
		{"curly quotes and dashes", "“Don’t go” — she said – twice", false},
		{"compatibility ligature", "ﬁnal", true},
		{"fullwidth digits", "２０２４", true},
		{"combining mark", "cafe\u0301", true},
		{"precomposed with decomposition", "Å", true},
		{"invalid utf-8", "ab\xffcd", true},
		{"long ascii then ligature", "abcdefghijklmnopqrstuvwxyz ﬁ", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := needsNFKC(tt.in); got != tt.want {
				t.Errorf("needsNFKC(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

// TestNeedsNFKCSound checks, for every rune, that a text needsNFKC lets
// through is unchanged by NFKC, whatever stands either side of it.
func TestNeedsNFKCSound(t *testing.T) {
	contexts := [][2]string{{"e", "x"}, {"", "\u0301"}, {"\u1100", ""}, {"", ""}, {"’", "“"}}
	for r := rune(0x80); r <= utf8.MaxRune; r++ {
		if !utf8.ValidRune(r) {
			continue
		}
		for _, c := range contexts {
			s := c[0] + string(r) + c[1]
			if !needsNFKC(s) && norm.NFKC.String(s) != s {
				t.Fatalf("needsNFKC(%q) = false, but NFKC changes it to %q", s, norm.NFKC.String(s))
			}
		}
	}
}
