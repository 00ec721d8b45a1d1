package index

import (
	"context"
	"encoding/json"

	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/blevesearch/bleve/v2/search/searcher"
	index "github.com/blevesearch/bleve_index_api"
)

// textQuery is a plain word query (no fuzziness) expanded over the
// per-language title and body fields. Bleve's own expansion — a
// MatchQuery per field, each a one-child disjunction, under a disjunction
// of every field — walks every hit through two layers of disjunction
// machinery and keeps searchers for fields in which the word does not
// occur. textQuery analyses the text once per language, opens a term
// searcher only where the term is in that field's dictionary (in the same
// index snapshot the search reads, so nothing is missed) and nests a
// disjunction only where there is more than one searcher to merge.
type textQuery struct {
	Text     string
	Field    string // fieldTitle, fieldBody or "" for both
	Langs    []string
	Operator query.MatchQueryOperator
	BoostVal float64
	flat     bool // one disjunction over every field and word (see flattenWords)
}

// MarshalJSON renders the query for logs and explanations.
func (q *textQuery) MarshalJSON() ([]byte, error) {
	return json.Marshal(map[string]any{"syndex_text": q.Text, "field": q.Field, "langs": q.Langs, "boost": q.BoostVal})
}

// Searcher implements query.Query.
func (q *textQuery) Searcher(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, options search.SearcherOptions) (search.Searcher, error) {
	var fields []search.Searcher
	// absent keeps one searcher of a term missing from the index: a
	// query for it must match nothing. Bleve's MatchNoneSearcher would not
	// do, since query-string conjunctions skip it (it stands for a text
	// that analysed to no terms at all, like a lone stop word).
	var absent search.Searcher
	closeAll := func(ss []search.Searcher) {
		for _, s := range ss {
			_ = s.Close()
		}
	}
	fail := func(err error) (search.Searcher, error) {
		closeAll(fields)
		if absent != nil {
			_ = absent.Close()
		}
		return nil, err
	}
	// keep takes a searcher that can match, or an empty one to hold on
	// to (the first) or close.
	keep := func(s, empty search.Searcher) {
		switch {
		case s != nil:
			fields = append(fields, s)
		case empty != nil && absent == nil:
			absent = empty
		case empty != nil:
			_ = empty.Close()
		}
	}
	for _, a := range q.Langs {
		analyzer := m.AnalyzerNamed(analyzerName(a))
		if analyzer == nil {
			continue
		}
		tokens := analyzer.Analyze([]byte(q.Text))
		if len(tokens) == 0 {
			continue
		}
		terms := make([][]byte, 0, len(tokens))
		seen := map[string]bool{}
		for _, t := range tokens {
			if !seen[string(t.Term)] {
				seen[string(t.Term)] = true
				terms = append(terms, t.Term)
			}
		}
		for _, f := range []struct {
			name  string
			boost float64
		}{{titleField(a), q.BoostVal * titleBoost}, {bodyField(a), q.BoostVal}} {
			if (q.Field == fieldTitle && f.name != titleField(a)) || (q.Field == fieldBody && f.name != bodyField(a)) {
				continue
			}
			// Flat: every (field, word) posting list straight under the
			// one disjunction; otherwise a searcher per field.
			if q.flat {
				for _, t := range terms {
					ts, err := searcher.NewTermSearcherBytes(ctx, r, t, f.name, f.boost, options)
					if err != nil {
						return fail(err)
					}
					if ts.Count() > 0 {
						keep(ts, nil)
					} else {
						keep(nil, ts)
					}
				}
				continue
			}
			s, empty, err := q.fieldSearcher(ctx, r, options, f.name, f.boost, terms)
			if err != nil {
				return fail(err)
			}
			keep(s, empty)
		}
	}
	if len(fields) > 0 && absent != nil {
		_ = absent.Close()
	}
	switch len(fields) {
	case 0:
		if absent != nil {
			return absent, nil
		}
		return searcher.NewMatchNoneSearcher(r)
	case 1:
		return fields[0], nil
	}
	s, err := searcher.NewDisjunctionSearcher(ctx, r, fields, 1, options)
	if err != nil {
		closeAll(fields)
		return nil, err
	}
	return s, nil
}

// fieldSearcher matches terms in one field. It returns a nil searcher
// when the field cannot match (no term present for OR, a term missing for
// AND), together with an empty searcher the caller may keep or close.
func (q *textQuery) fieldSearcher(ctx context.Context, r index.IndexReader, options search.SearcherOptions,
	field string, boost float64, terms [][]byte) (s, empty search.Searcher, err error) {
	var ss []search.Searcher
	closeAll := func() {
		for _, s := range ss {
			_ = s.Close()
		}
	}
	for _, t := range terms {
		ts, err := searcher.NewTermSearcherBytes(ctx, r, t, field, boost, options)
		if err != nil {
			closeAll()
			return nil, nil, err
		}
		if ts.Count() == 0 {
			if q.Operator == query.MatchQueryOperatorAnd {
				closeAll()
				return nil, ts, nil
			}
			if empty == nil {
				empty = ts
			} else {
				_ = ts.Close()
			}
			continue
		}
		ss = append(ss, ts)
	}
	if len(ss) > 0 && empty != nil {
		_ = empty.Close()
		empty = nil
	}
	switch {
	case len(ss) == 0:
		return nil, empty, nil
	case len(ss) == 1:
		return ss[0], nil, nil
	case q.Operator == query.MatchQueryOperatorAnd:
		s, err = searcher.NewConjunctionSearcher(ctx, r, ss, options)
	default:
		s, err = searcher.NewDisjunctionSearcher(ctx, r, ss, 1, options)
	}
	if err != nil {
		closeAll()
	}
	return s, nil, err
}

// SetBoost implements query.BoostableQuery.
func (q *textQuery) SetBoost(b float64) { q.BoostVal = b }

// Boost implements query.BoostableQuery.
func (q *textQuery) Boost() float64 { return q.BoostVal }

// phraseQuery is a phrase over the per-language title and body fields,
// answered through the word-pair fields (see pairs.go): in each language
// whose pair field holds every pair of the phrase, a conjunction of those
// pairs' postings (which adds nothing to the score) with Bleve's positional
// phrase query on the title and on the body, which gives the score and the
// highlighted positions. A one-word "phrase" is the positional query alone.
type phraseQuery struct {
	Text     string
	Field    string // fieldTitle, fieldBody or "" for both
	Langs    []string
	BoostVal float64
}

// MarshalJSON renders the query for logs and explanations.
func (q *phraseQuery) MarshalJSON() ([]byte, error) {
	return json.Marshal(map[string]any{"syndex_phrase": q.Text, "field": q.Field, "langs": q.Langs, "boost": q.BoostVal})
}

// SetBoost implements query.BoostableQuery.
func (q *phraseQuery) SetBoost(b float64) { q.BoostVal = b }

// Boost implements query.BoostableQuery.
func (q *phraseQuery) Boost() float64 { return q.BoostVal }

// Searcher implements query.Query.
func (q *phraseQuery) Searcher(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, options search.SearcherOptions) (search.Searcher, error) {
	var out []search.Searcher
	closeAll := func(ss []search.Searcher) {
		for _, s := range ss {
			if s != nil {
				_ = s.Close()
			}
		}
	}
	for _, a := range q.Langs {
		var pairs [][]byte
		if pa := m.AnalyzerNamed(pairsAnalyzerName(a)); pa != nil {
			seen := map[string]bool{}
			for _, t := range pa.Analyze([]byte(q.Text)) {
				if !seen[string(t.Term)] {
					seen[string(t.Term)] = true
					pairs = append(pairs, t.Term)
				}
			}
		}
		for _, f := range []struct {
			name, pairs string
			boost       float64
		}{{titleField(a), titlePairsField(a), q.BoostVal * titleBoost}, {bodyField(a), pairsField(a), q.BoostVal}} {
			if (q.Field == fieldTitle && f.name != titleField(a)) || (q.Field == fieldBody && f.name != bodyField(a)) {
				continue
			}
			missing, err := anyTermMissing(ctx, r, f.pairs, pairs)
			if err != nil {
				closeAll(out)
				return nil, err
			}
			if missing {
				continue
			}
			s, err := q.fieldSearcher(ctx, r, m, options, a, f.name, f.pairs, f.boost, pairs)
			if err != nil {
				closeAll(out)
				return nil, err
			}
			out = append(out, s)
		}
	}
	switch len(out) {
	case 0:
		// Words were given but no field holds the phrase: match
		// nothing, and not by a MatchNoneSearcher, which query-string
		// conjunctions skip (see textQuery).
		return searcher.NewTermSearcher(ctx, r, "\x00", bodyField(fallbackAnalysis), 0, options)
	case 1:
		return out[0], nil
	}
	s, err := searcher.NewDisjunctionSearcher(ctx, r, out, 1, options)
	if err != nil {
		closeAll(out)
	}
	return s, err
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

// fieldSearcher is the phrase in one field: a two-word phrase is its
// pair, a longer one is checked by position in the documents holding all
// its pairs, a one-word phrase is Bleve's phrase query (a term).
func (q *phraseQuery) fieldSearcher(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, options search.SearcherOptions,
	a, field, pairField string, boost float64, pairs [][]byte) (search.Searcher, error) {
	var phrase []phraseTerm
	if an := m.AnalyzerNamed(analyzerName(a)); an != nil {
		toks := an.Analyze([]byte(q.Text))
		for _, t := range toks {
			phrase = append(phrase, phraseTerm{term: string(t.Term), rel: uint64(t.Position - toks[0].Position)})
		}
	}
	switch {
	case len(pairs) == 0 || len(phrase) < 2:
		pq := query.NewMatchPhraseQuery(q.Text)
		pq.SetField(field)
		pq.SetBoost(boost)
		return pq.Searcher(ctx, r, m, options)
	case len(phrase) == 2:
		return searcher.NewTermSearcherBytes(ctx, r, pairs[0], pairField, boost, options)
	}
	return newPairPhraseSearcher(ctx, r, field, phrase, pairs, pairField, boost, options)
}
