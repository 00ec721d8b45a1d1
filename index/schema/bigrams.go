package schema

import (
	"bytes"
	"strconv"
	"strings"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/registry"
)

// Bigrams (two neighbouring terms of one text, "word pairs") make phrase
// queries cheap. A phrase query checks term
// positions in every document holding all its words; for two common words
// that is most of the index (a phrase of two words each in 90% of the
// documents took seconds over a million). So each story's text is also
// indexed as the bigrams of neighbouring terms its language analyzer
// produces ("central bank", "bank raises"), without positions, in the
// fields pairs_<lang> (body) and tpairs_<lang> (title). A phrase query
// first intersects the postings of its bigrams — about as selective as
// the phrase itself — and checks positions only in the documents that
// have every bigram (a two-word phrase needs no check: its bigram is the
// phrase); it is scored by its words, as Bleve's positional phrase query
// scores it, so the bigrams kept never change a score. Only the body
// bigrams of two common words are kept once a language's common terms are
// known (package index, bigramvocab.go).
//
// The bigrams are made when the document is built (Doc fields), joined by
// bigramSep, and the bigram fields' analyzer only splits them.

// bigramSep separates the bigrams of a bigram field's value.
const bigramSep = '\x1f'

// fieldBigrams is the prefix of the per-language bigram fields. The names
// written into an index (the fields pairs_<lang> and tpairs_<lang>, the
// analyzer syndex_pairlist, the tokenizer syndex_pairsplit) keep the word
// "pairs" of the indexes built before the bigram names: renaming them would
// change the mapping and force every index to be rebuilt.
const fieldBigrams = "pairs"

// BigramsField holds the bigrams of the body in an analysis language.
func BigramsField(analysis string) string { return fieldBigrams + "_" + analysis }

// TitleBigramsField holds the bigrams of the title, so a phrase in a title
// keeps the title's boost.
func TitleBigramsField(analysis string) string { return "t" + fieldBigrams + "_" + analysis }

// bigramListAnalyzer is the analyzer of every bigram field: bigramSep-separated
// terms, kept as they are.
const bigramListAnalyzer = "syndex_pairlist"

const bigramSplitTokenizer = "syndex_pairsplit"

// bigramSplit tokenizes a bigramSep-joined list of bigrams.
type bigramSplit struct{}

// Tokenize implements analysis.Tokenizer.
func (bigramSplit) Tokenize(input []byte) analysis.TokenStream {
	out := make(analysis.TokenStream, 0, bytes.Count(input, []byte{bigramSep})+1)
	start := 0
	for start <= len(input) {
		end := bytes.IndexByte(input[start:], bigramSep)
		if end < 0 {
			end = len(input)
		} else {
			end += start
		}
		if end > start {
			out = append(out, &analysis.Token{Term: input[start:end], Start: start, End: end,
				Position: len(out) + 1, Type: analysis.Shingle})
		}
		start = end + 1
	}
	return out
}

// BigramTokens joins each term to the next one, keeping the bigrams keep
// accepts (all when keep is nil). Terms separated by removed words (stop
// words) are joined with the size of the gap, so "bank of england" and
// "bank and england" both give "bank ~2 england", exactly as a positional
// phrase query treats them; terms at one position (none of our analyzers
// emit them) are not made into bigrams.
func BigramTokens(in analysis.TokenStream, keep func(x, y []byte, gap int) bool) analysis.TokenStream {
	if len(in) < 2 {
		return nil
	}
	out := make(analysis.TokenStream, 0, len(in)-1)
	for i := 0; i+1 < len(in); i++ {
		a, b := in[i], in[i+1]
		gap := b.Position - a.Position
		if gap < 1 || (keep != nil && !keep(a.Term, b.Term, gap)) {
			continue
		}
		out = append(out, &analysis.Token{
			Term:     bigramTerm(a.Term, b.Term, gap),
			Start:    a.Start,
			End:      b.End,
			Position: len(out) + 1,
			Type:     analysis.Shingle,
		})
	}
	return out
}

func bigramTerm(a, b []byte, gap int) []byte {
	term := make([]byte, 0, len(a)+len(b)+4)
	term = append(term, a...)
	term = append(term, ' ')
	if gap > 1 {
		term = append(term, '~')
		term = strconv.AppendInt(term, int64(gap), 10)
		term = append(term, ' ')
	}
	return append(term, b...)
}

// JoinBigrams is the value of a bigram field: the bigrams of tokens that keep
// accepts, joined by bigramSep.
func JoinBigrams(tokens analysis.TokenStream, keep func(x, y []byte, gap int) bool) string {
	var b strings.Builder
	for i := 0; i+1 < len(tokens); i++ {
		x, y := tokens[i], tokens[i+1]
		gap := y.Position - x.Position
		if gap < 1 || (keep != nil && !keep(x.Term, y.Term, gap)) {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(bigramSep)
		}
		b.Write(x.Term)
		b.WriteByte(' ')
		if gap > 1 {
			b.WriteByte('~')
			b.WriteString(strconv.Itoa(gap))
			b.WriteByte(' ')
		}
		b.Write(y.Term)
	}
	return b.String()
}

func init() {
	err := registry.RegisterTokenizer(bigramSplitTokenizer, func(map[string]any, *registry.Cache) (analysis.Tokenizer, error) {
		return bigramSplit{}, nil
	})
	if err != nil {
		panic(err)
	}
}
