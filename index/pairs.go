package index

import (
	"fmt"
	"strconv"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/registry"
)

// Word pairs make phrase queries cheap. A phrase query checks term
// positions in every document holding all its words; for two common words
// that is most of the index (a phrase of two words each in 90% of the
// documents took seconds over a million). So each story's text is also
// indexed as the pairs of neighbouring terms its language analyzer
// produces ("central bank", "bank raises"), without positions, in the
// fields pairs_<lang> (body) and tpairs_<lang> (title). A two-word phrase
// is then one term, as cheap as a one-word query; a longer phrase first
// intersects the postings of its pairs — as selective as the phrase
// itself — and checks positions only in the documents that have every
// pair.

// pairsAnalyzerType is the registered type of the pair analyzers.
const pairsAnalyzerType = "syndex_pairs"

// fieldPairs is the prefix of the per-language pair fields.
const fieldPairs = "pairs"

func pairsField(analysis string) string { return fieldPairs + "_" + analysis }

// titlePairsField holds the pairs of the title, so a phrase in a title
// keeps the title's boost.
func titlePairsField(analysis string) string { return "t" + fieldPairs + "_" + analysis }

func pairsAnalyzerName(analysis string) string { return "syndex_pairs_" + analysis }

// pairAnalyzer turns the term stream of a language analyzer into the
// stream of neighbouring pairs.
type pairAnalyzer struct {
	base analysis.Analyzer
}

// Analyze implements analysis.Analyzer.
func (p *pairAnalyzer) Analyze(input []byte) analysis.TokenStream {
	return pairTokens(p.base.Analyze(input))
}

// pairTokens joins each term to the next one. Terms separated by removed
// words (stop words) are joined with the size of the gap, so "bank of
// england" and "bank and england" both give "bank ~2 england", exactly
// as a positional phrase query treats them; terms at one position (none
// of our analyzers emit them) are not paired.
func pairTokens(in analysis.TokenStream) analysis.TokenStream {
	if len(in) < 2 {
		return nil
	}
	out := make(analysis.TokenStream, 0, len(in)-1)
	for i := 0; i+1 < len(in); i++ {
		a, b := in[i], in[i+1]
		gap := b.Position - a.Position
		if gap < 1 {
			continue
		}
		term := make([]byte, 0, len(a.Term)+len(b.Term)+4)
		term = append(term, a.Term...)
		term = append(term, ' ')
		if gap > 1 {
			term = append(term, '~')
			term = strconv.AppendInt(term, int64(gap), 10)
			term = append(term, ' ')
		}
		term = append(term, b.Term...)
		out = append(out, &analysis.Token{
			Term:     term,
			Start:    a.Start,
			End:      b.End,
			Position: len(out) + 1,
			Type:     analysis.Shingle,
		})
	}
	return out
}

// newPairAnalyzer builds a pair analyzer from its mapping configuration:
// "base" names a Bleve analyzer, or, with "filters", the token filters
// applied after unicode tokenizing and lower-casing (our assembled
// analyzers, which another analyzer's constructor cannot look up by name).
func newPairAnalyzer(config map[string]any, cache *registry.Cache) (analysis.Analyzer, error) {
	base, _ := config["base"].(string)
	var filters []string
	switch f := config["filters"].(type) {
	case []string:
		filters = f
	case []any:
		for _, v := range f {
			s, ok := v.(string)
			if !ok {
				return nil, fmt.Errorf("%s: filter %v is not a name", pairsAnalyzerType, v)
			}
			filters = append(filters, s)
		}
	}
	if len(filters) == 0 {
		if base == "" {
			return nil, fmt.Errorf("%s: no base analyzer", pairsAnalyzerType)
		}
		a, err := cache.AnalyzerNamed(base)
		if err != nil {
			return nil, fmt.Errorf("%s: base %q: %w", pairsAnalyzerType, base, err)
		}
		return &pairAnalyzer{base: a}, nil
	}
	tok, err := cache.TokenizerNamed(unicode.Name)
	if err != nil {
		return nil, err
	}
	chain := []analysis.TokenFilter{}
	for _, name := range append([]string{lowercase.Name}, filters...) {
		f, err := cache.TokenFilterNamed(name)
		if err != nil {
			return nil, fmt.Errorf("%s: filter %q: %w", pairsAnalyzerType, name, err)
		}
		chain = append(chain, f)
	}
	return &pairAnalyzer{base: &analysis.DefaultAnalyzer{Tokenizer: tok, TokenFilters: chain}}, nil
}

func init() {
	if err := registry.RegisterAnalyzer(pairsAnalyzerType, newPairAnalyzer); err != nil {
		panic(err)
	}
}
