package schema

import (
	"slices"
	"testing"
)

func TestBigramTokens(t *testing.T) {
	m, err := NewMapping()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		analysis, text string
		want           []string
	}{
		{"en", "Central bank raises rates", []string{"central bank", "bank rais", "rais rate"}},
		{"en", "bank of England", []string{"bank ~2 england"}},
		{"en", "rates", nil},
		{"en", "", nil},
		{"bg", "Централна банка", []string{"централна банка"}},
		{"std", "Benki kuu yapandisha", []string{"benki kuu", "kuu yapandisha"}},
	}
	for _, tt := range tests {
		t.Run(tt.analysis+" "+tt.text, func(t *testing.T) {
			a := m.AnalyzerNamed(AnalyzerName(tt.analysis))
			if a == nil {
				t.Fatalf("no analyzer for %s", tt.analysis)
			}
			var got []string
			for _, tok := range BigramTokens(a.Analyze([]byte(tt.text)), nil) {
				got = append(got, string(tok.Term))
			}
			// The bigram field's value splits back into the same bigrams.
			var split []string
			for _, tok := range (bigramSplit{}).Tokenize([]byte(JoinBigrams(a.Analyze([]byte(tt.text)), nil))) {
				split = append(split, string(tok.Term))
			}
			if !slices.Equal(split, got) {
				t.Errorf("bigram field splits into %q, want %q", split, got)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("bigrams = %q, want %q", got, tt.want)
			}
		})
	}
}
