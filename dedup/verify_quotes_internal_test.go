package dedup

import "testing"

// TestSentenceGramsQuotes: the whole-text alignment reads a text without
// its quotations (straight or curly marks, a quotation ending at its
// closing mark or its paragraph), unless nearly all of it is quotation.
func TestSentenceGramsQuotes(t *testing.T) {
	grams := func(text string) int {
		var g sentenceGrams
		g.of(text)
		return len(g.withoutQuotes().grams)
	}
	plain := grams("The minister opened the new bridge at Multan on Sunday.")
	tests := []struct {
		name string
		text string
		want int
	}{
		{"straight quotes left out", `The minister opened the new bridge at Multan on Sunday. "We built it in two years," he said.`, plain + grams("he said.")},
		{"curly quotes left out", "The minister opened the new bridge at Multan on Sunday. “We built it in two years,” he said.", plain + grams("he said.")},
		{"a quotation ends with its paragraph", "The minister opened the new bridge at Multan on Sunday. \"We built it\n\nin two years.", plain + grams("in two years.")},
		{"almost all quotation: read whole", `"We built it in two years and it will carry ten thousand lorries a day," he said.`, grams("We built it in two years and it will carry ten thousand lorries a day, he said.")},
	}
	for _, tc := range tests {
		if got := grams(tc.text); got != tc.want {
			t.Errorf("%s: %d grams, want %d", tc.name, got, tc.want)
		}
	}
}
