package index

import (
	"context"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/blevesearch/bleve/v2/search/searcher"
	index "github.com/blevesearch/bleve_index_api"

	"github.com/syndex/syndex/index/schema"
	"github.com/syndex/syndex/index/userquery"
)

// leaves answers the word and phrase queries a rewritten user query holds
// (userquery.Words, userquery.Phrase). Bleve's own expansion of words — a
// MatchQuery per field, each a one-child disjunction, under a disjunction
// of every field — walks every hit through two layers of disjunction
// machinery and keeps searchers for fields in which the word does not
// occur. WordsSearcher analyses the text once per language, opens a term
// searcher only where the term is in that field's dictionary (in the same
// index snapshot the search reads, so nothing is missed) and nests a
// disjunction only where there is more than one searcher to merge.
// PhraseSearcher answers phrases through the bigram fields (see
// schema/bigrams.go): in each field, a phrase is checked by position only
// in the documents holding those of its bigrams the field is sure to hold
// (bigramPhraseSearcher), and scored by its words as Bleve's positional
// phrase query scores it. A one-word "phrase" is Bleve's phrase query (a
// term). Everything they need of the search (the bigram vocabulary, the
// fields no document holds) comes with the context.
type leaves struct{}

// rewrite is userquery.Rewrite with the index's searchers.
func rewrite(q query.Query, langs []string, native bool) query.Query {
	return userquery.Rewrite(q, langs, userquery.Options{Native: native, Searchers: leaves{}})
}

// WordsSearcher implements userquery.Searchers.
func (leaves) WordsSearcher(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, options search.SearcherOptions, q *userquery.Words) (search.Searcher, error) {
	var out []search.Searcher
	words := false
	for _, a := range q.Langs {
		analyzer := m.AnalyzerNamed(schema.AnalyzerName(a))
		if analyzer == nil {
			continue
		}
		terms := uniqueTerms(analyzer.Analyze([]byte(q.Text)))
		if len(terms) == 0 {
			continue
		}
		words = true
		for _, f := range textFields(a, q.Field, q.BoostVal) {
			if absent(ctx, f.name) {
				continue
			}
			if q.Flat {
				// Every (field, word) posting list straight under the
				// one disjunction.
				ss, err := presentTerms(ctx, r, options, f.name, f.boost, terms, false)
				if err != nil {
					closeSearchers(out)
					return nil, err
				}
				out = append(out, ss...)
				continue
			}
			ss, err := presentTerms(ctx, r, options, f.name, f.boost, terms, q.Operator == query.MatchQueryOperatorAnd)
			if err != nil {
				closeSearchers(out)
				return nil, err
			}
			if len(ss) == 0 {
				continue
			}
			s, err := combine(ctx, r, options, ss, q.Operator == query.MatchQueryOperatorAnd)
			if err != nil {
				closeSearchers(out)
				return nil, err
			}
			out = append(out, s)
		}
	}
	if !words {
		// The text analysed to nothing (only stop words): Bleve's
		// match-none, which query-string clauses ignore.
		return searcher.NewMatchNoneSearcher(r)
	}
	return combine(ctx, r, options, out, false)
}

// textField is one field a text or phrase query reads, with the bigram
// field that accelerates phrases in it.
type textField struct {
	name, bigrams string
	boost         float64
}

// textFields lists the title and/or body fields of language a that a
// query on field (fieldTitle, fieldBody or "" for both) reads, titles
// boosted.
func textFields(a, field string, boost float64) []textField {
	var fs []textField
	if field != schema.FieldBody {
		fs = append(fs, textField{schema.TitleField(a), schema.TitleBigramsField(a), boost * schema.TitleBoost})
	}
	if field != schema.FieldTitle {
		fs = append(fs, textField{schema.BodyField(a), schema.BigramsField(a), boost})
	}
	// The copies' own titles and added text (copytext.go), without bigram
	// fields: phrases in them are Bleve's positional phrases.
	if field != schema.FieldBody {
		fs = append(fs, textField{schema.CopyTitleField(a), "", boost * schema.TitleBoost * copyBoost})
	}
	if field != schema.FieldTitle {
		fs = append(fs, textField{schema.CopyBodyField(a), "", boost * copyBoost})
	}
	return fs
}

// uniqueTerms returns the distinct terms of a token stream, in order.
func uniqueTerms(tokens analysis.TokenStream) [][]byte {
	terms := make([][]byte, 0, len(tokens))
	seen := map[string]bool{}
	for _, t := range tokens {
		if !seen[string(t.Term)] {
			seen[string(t.Term)] = true
			terms = append(terms, t.Term)
		}
	}
	return terms
}

// presentTerms opens term searchers for the terms the field's dictionary
// holds. With all set it returns none unless every term is present.
func presentTerms(ctx context.Context, r index.IndexReader, options search.SearcherOptions,
	field string, boost float64, terms [][]byte, all bool) ([]search.Searcher, error) {
	var ss []search.Searcher
	for _, t := range terms {
		ts, err := searcher.NewTermSearcherBytes(ctx, r, t, field, boost, options)
		if err != nil {
			closeSearchers(ss)
			return nil, err
		}
		if ts.Count() > 0 {
			ss = append(ss, ts)
			continue
		}
		_ = ts.Close()
		if all {
			closeSearchers(ss)
			return nil, nil
		}
	}
	return ss, nil
}

// combine joins searchers into one: a conjunction (all) or disjunction,
// the searcher itself when alone, and for none a searcher that matches
// nothing — not Bleve's MatchNoneSearcher, which query-string clauses skip
// (it stands for a text that analysed to no terms), so that "+bank +zzz"
// finds nothing when zzz is in no document.
func combine(ctx context.Context, r index.IndexReader, options search.SearcherOptions, ss []search.Searcher, all bool) (search.Searcher, error) {
	var s search.Searcher
	var err error
	switch {
	case len(ss) == 0:
		return searcher.NewTermSearcher(ctx, r, "\x00", schema.BodyField(schema.FallbackAnalysis), 0, options)
	case len(ss) == 1:
		return ss[0], nil
	case all:
		s, err = searcher.NewConjunctionSearcher(ctx, r, ss, options)
	default:
		s, err = searcher.NewDisjunctionSearcher(ctx, r, ss, 1, options)
	}
	if err != nil {
		closeSearchers(ss)
		return nil, err
	}
	return s, nil
}

func closeSearchers(ss []search.Searcher) {
	for _, s := range ss {
		_ = s.Close()
	}
}

// PhraseSearcher implements userquery.Searchers.
func (leaves) PhraseSearcher(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, options search.SearcherOptions, q *userquery.Phrase) (search.Searcher, error) {
	vocab := vocabFrom(ctx)
	var out []search.Searcher
	for _, a := range q.Langs {
		var toks analysis.TokenStream
		if an := m.AnalyzerNamed(schema.AnalyzerName(a)); an != nil {
			toks = an.Analyze([]byte(q.Text))
		}
		for _, f := range textFields(a, q.Field, q.BoostVal) {
			if absent(ctx, f.name) {
				continue
			}
			if f.bigrams == "" {
				s, err := nativePhrase(ctx, r, m, options, q.Text, f)
				if err != nil {
					closeSearchers(out)
					return nil, err
				}
				if s != nil {
					out = append(out, s)
				}
				continue
			}
			// Title bigrams are all indexed; body bigrams by the index's
			// rule (bigramvocab.go).
			keep := vocab.usable(a)
			if f.bigrams == schema.TitleBigramsField(a) {
				keep = titleBigrams
			}
			// A field lacking a word of the phrase is left out (as the
			// copy fields are): it cannot match, and as a clause it would
			// only dilute the score of the fields that do.
			s, err := phraseInField(ctx, r, m, options, q, f, toks, uniqueTerms(schema.BigramTokens(toks, keep)))
			if err != nil {
				closeSearchers(out)
				return nil, err
			}
			if s != nil {
				out = append(out, s)
			}
		}
	}
	return combine(ctx, r, options, out, false)
}

// phraseInField is the phrase q in one field, of the analysed tokens
// toks, narrowed to the documents holding bigrams (those of its
// neighbouring words the field is sure to hold); nil when the field
// lacks one of its words. Whichever bigrams those are, the field's
// searcher is there (when the field holds every word) and scores as
// Bleve's positional phrase query does, so that a phrase's hits and
// scores do not depend on which bigrams an index keeps.
func phraseInField(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, options search.SearcherOptions,
	q *userquery.Phrase, f textField, toks analysis.TokenStream, bigrams [][]byte) (search.Searcher, error) {
	var phrase []phraseTerm
	for i, t := range toks {
		if i > 0 && t.Position <= toks[i-1].Position {
			phrase = nil // two terms at one position: Bleve's own query
			break
		}
		phrase = append(phrase, phraseTerm{term: string(t.Term), rel: uint64(t.Position - toks[0].Position)})
	}
	if len(bigrams) == 0 || len(phrase) < 2 {
		// No bigram to narrow it (a rare word does that: positions are
		// checked only in its documents).
		missing, err := anyTermMissing(ctx, r, f.name, uniqueTerms(toks))
		if err != nil || missing {
			return nil, err
		}
		pq := query.NewMatchPhraseQuery(q.Text)
		pq.SetField(f.name)
		pq.SetBoost(f.boost)
		return pq.Searcher(ctx, r, m, options)
	}
	return newBigramPhraseSearcher(ctx, r, f, phrase, bigrams, options)
}

// anyTermMissing reports whether a term is absent from field.
func anyTermMissing(ctx context.Context, r index.IndexReader, field string, terms [][]byte) (bool, error) {
	for _, t := range terms {
		tfr, err := r.TermFieldReader(ctx, t, field, false, false, false)
		if err != nil {
			return false, err
		}
		n := tfr.Count()
		_ = tfr.Close()
		if n == 0 {
			return true, nil
		}
	}
	return false, nil
}
