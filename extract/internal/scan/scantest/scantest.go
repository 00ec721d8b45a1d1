// Package scantest checks the fast helpers of package scan against the
// plain code they stand for, on random strings of white space, letters of
// several scripts, invalid bytes, invisible characters and given words.
package scantest

import (
	"math/rand"
	"strings"
	"testing"

	"github.com/syndex/syndex/extract/internal/scan"
)

// pieces are what the random strings are made of.
var pieces = []string{" ", "  ", "\t", "\n", "\u00a0", "\u2003", "\u3000", "\u0085", "a", "B", "é", "\xff", "\xc2", "\xe2\x84",
	"\u017f", "\u212a", "_", "1", "²", "-", "ª", "\ufffd", "\u00ad", "\u200b", "\ufeff", "İ", "Ⅻ", "Ⓐ", "Dáte", "Veröffentlicht"}

// Strings returns n random strings (the same for the same n and words)
// made of the pieces and of words, each as written, in capitals and with
// the two non-ASCII letters that fold to ASCII ones (U+017F for s, U+212A
// for k).
func Strings(n int, words []string) []string {
	ps := append([]string(nil), pieces...)
	for _, w := range words {
		ps = append(ps, w, strings.ToUpper(w), strings.ReplaceAll(w, "s", "\u017f"), strings.ReplaceAll(w, "k", "\u212a"))
	}
	rng := rand.New(rand.NewSource(1))
	out := make([]string, n)
	for i := range out {
		var sb strings.Builder
		for range rng.Intn(10) {
			sb.WriteString(ps[rng.Intn(len(ps))])
		}
		out[i] = sb.String()
	}
	return out
}

// CheckGuards fails t when a guarded expression and its plain expression
// disagree on one of 40,000 random strings. words should write out every
// alternative of the expressions, so that a word missing from a guard's
// list is caught.
func CheckGuards(t *testing.T, words []string, guards ...*scan.GuardedRE) {
	t.Helper()
	for _, s := range Strings(40000, words) {
		for _, g := range guards {
			if got, want := g.MatchString(s), g.Regexp().MatchString(s); got != want {
				t.Fatalf("%v.MatchString(%q) = %v, want %v", g.Regexp(), s, got, want)
			}
		}
	}
}
