package userquery

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"

	"github.com/syndex/syndex/index/schema"
)

// Searchers runs the two queries a rewrite leaves for the index to answer
// in its own way: plain words and phrases on the per-language text fields.
// Package index implements it (its textquery.go).
type Searchers interface {
	WordsSearcher(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, options search.SearcherOptions, q *Words) (search.Searcher, error)
	PhraseSearcher(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, options search.SearcherOptions, q *Phrase) (search.Searcher, error)
}

// Options says how to rewrite a parsed query.
type Options struct {
	// Native keeps phrases Bleve's positional phrase queries (they give
	// every hit's phrase positions, which the index's bigram shortcut does
	// not: the index's highlighter needs them).
	Native bool
	// Searchers answers the Words and Phrase queries of the rewrite.
	Searchers Searchers
}

// Rewrite maps user field names onto index fields, expanding text queries
// over the per-language fields in langs (analysis names). It changes q in
// place and returns the query to run.
func Rewrite(q query.Query, langs []string, opt Options) query.Query {
	rw := rewriter{langs: langs, native: opt.Native, run: opt.Searchers}
	return rw.rewrite(q)
}

// rewriter carries a rewrite's languages and options down the query.
type rewriter struct {
	langs  []string
	native bool
	run    Searchers
}

// rewrite rewrites one query node.
func (rw rewriter) rewrite(q query.Query) query.Query {
	switch q := q.(type) {
	case *query.BooleanQuery:
		rw.boolean(q)
	case *query.ConjunctionQuery:
		rw.each(q.Conjuncts)
	case *query.DisjunctionQuery:
		return rw.disjunction(q)
	case *query.MatchQuery:
		return rw.match(q)
	case *query.MatchPhraseQuery:
		return rw.phrase(q)
	case *query.WildcardQuery:
		return rw.wildcard(q)
	case *query.RegexpQuery:
		return rw.regexp(q)
	default:
		canonicalRange(q)
	}
	return q
}

// each rewrites each of qs in place.
func (rw rewriter) each(qs []query.Query) {
	for i := range qs {
		qs[i] = rw.rewrite(qs[i])
	}
}

// disjunction rewrites each clause of a disjunction, and one of plain
// words into a single Words query (flattenWords).
func (rw rewriter) disjunction(q *query.DisjunctionQuery) query.Query {
	rw.each(q.Disjuncts)
	if f := flattenWords(q); f != nil {
		return f
	}
	return q
}

// canonicalRange maps the field of a numeric or date range query onto its
// index field; other queries are left alone.
func canonicalRange(q query.Query) {
	switch q := q.(type) {
	case *query.NumericRangeQuery:
		q.FieldVal = canonicalOr(q.FieldVal)
	case *query.DateRangeQuery:
		q.FieldVal = canonicalOr(q.FieldVal)
	case *query.DateRangeStringQuery:
		q.FieldVal = canonicalOr(q.FieldVal)
	}
}

// canonicalOr is the index field of a user field name, or the name itself
// when it is unknown.
func canonicalOr(f string) string {
	if c, ok := canonicalField(f); ok {
		return c
	}
	return f
}

// boolean rewrites each clause of a boolean query.
func (rw rewriter) boolean(q *query.BooleanQuery) {
	if q.Must != nil {
		q.Must = rw.rewrite(q.Must)
	}
	if q.Should != nil {
		q.Should = rw.rewrite(q.Should)
	}
	if q.MustNot != nil {
		q.MustNot = rw.rewrite(q.MustNot)
	}
	if q.Filter != nil {
		q.Filter = rw.rewrite(q.Filter)
	}
}

// match turns words on a text field into a Words query over the
// languages' fields (fuzzy words and other analyzers into one match per
// field); a keyword field is matched as it is indexed.
func (rw rewriter) match(q *query.MatchQuery) query.Query {
	f, _ := canonicalField(q.FieldVal)
	if isTextField(f) && q.Fuzziness == 0 && q.Analyzer == "" {
		return &Words{Text: q.Match, Field: f, Langs: rw.langs, Operator: q.Operator, boost: boost{q.Boost()}, run: rw.run}
	}
	if isTextField(f) {
		return expand(f, rw.langs, q.Boost(), func(field string) query.Query {
			n := *q
			n.BoostVal = nil
			n.FieldVal = field
			return &n
		})
	}
	q.FieldVal = f
	if lowerKeyword[f] {
		q.Match = strings.ToLower(q.Match)
	}
	return q
}

// phrase turns a phrase on a text field into a Phrase query over the
// languages' fields (unless native, or fuzzy, or with another analyzer:
// then one phrase match per field).
func (rw rewriter) phrase(q *query.MatchPhraseQuery) query.Query {
	f, _ := canonicalField(q.FieldVal)
	if isTextField(f) && q.Fuzziness == 0 && q.Analyzer == "" && !rw.native {
		return &Phrase{Text: q.MatchPhrase, Field: f, Langs: rw.langs, boost: boost{q.Boost()}, run: rw.run}
	}
	if isTextField(f) {
		return expand(f, rw.langs, q.Boost(), func(field string) query.Query {
			n := *q
			n.BoostVal = nil
			n.FieldVal = field
			return &n
		})
	}
	q.FieldVal = f
	if lowerKeyword[f] {
		q.MatchPhrase = strings.ToLower(q.MatchPhrase)
	}
	return q
}

// wildcard matches a lower-cased wildcard on each language's field of a
// text field.
func (rw rewriter) wildcard(q *query.WildcardQuery) query.Query {
	f, _ := canonicalField(q.FieldVal)
	if isTextField(f) {
		w := strings.ToLower(q.Wildcard)
		return expand(f, rw.langs, q.Boost(), func(field string) query.Query {
			n := query.NewWildcardQuery(w)
			n.SetField(field)
			return n
		})
	}
	q.FieldVal = f
	return q
}

// regexp matches a regular expression on each language's field of a text
// field.
func (rw rewriter) regexp(q *query.RegexpQuery) query.Query {
	f, _ := canonicalField(q.FieldVal)
	if isTextField(f) {
		return expand(f, rw.langs, q.Boost(), func(field string) query.Query {
			n := query.NewRegexpQuery(q.Regexp)
			n.SetField(field)
			return n
		})
	}
	q.FieldVal = f
	return q
}

func isTextField(f string) bool { return f == "" || f == schema.FieldTitle || f == schema.FieldBody }

// expand builds the disjunction of mk over the title and/or body fields of
// each language, titles boosted.
func expand(field string, langs []string, boost float64, mk func(field string) query.Query) query.Query {
	var ds []query.Query
	for _, a := range langs {
		if field != schema.FieldBody {
			t := mk(schema.TitleField(a))
			t.(query.BoostableQuery).SetBoost(boost * schema.TitleBoost)
			ds = append(ds, t)
		}
		if field != schema.FieldTitle {
			b := mk(schema.BodyField(a))
			b.(query.BoostableQuery).SetBoost(boost)
			ds = append(ds, b)
		}
	}
	switch len(ds) {
	case 0:
		return query.NewMatchNoneQuery()
	case 1:
		return ds[0]
	}
	return query.NewDisjunctionQuery(ds)
}

// flattenWords turns a disjunction of plain word queries ("bank rates")
// into one Words query over all the words, whose searcher is a single flat
// disjunction of every (field, word) posting list instead of a
// disjunction of per-word disjunctions: one merge step per hit instead of
// two. It returns nil when the disjunction holds anything else.
func flattenWords(q *query.DisjunctionQuery) query.Query {
	if len(q.Disjuncts) < 2 || q.Min > 1 || q.Boost() != 1 {
		return nil
	}
	var words []string
	var first *Words
	for _, d := range q.Disjuncts {
		t := orWords(d)
		if t == nil || first != nil && t.Field != first.Field {
			return nil
		}
		if first == nil {
			first = t
		}
		words = append(words, t.Text)
	}
	return &Words{Text: strings.Join(words, " "), Field: first.Field, Langs: first.Langs,
		Operator: query.MatchQueryOperatorOr, boost: boost{1}, Flat: true, run: first.run}
}

// orWords is q when it is a Words query of any of its words, unboosted,
// and nil otherwise.
func orWords(q query.Query) *Words {
	t, ok := q.(*Words)
	if !ok || t.Operator != query.MatchQueryOperatorOr || t.BoostVal != 1 {
		return nil
	}
	return t
}

// Words is a plain word query (no fuzziness) on a text field, expanded
// over the per-language title and body fields. Its searcher is the
// index's (Searchers.WordsSearcher), which analyses the text once per
// language and opens term searchers only where a term is present.
type Words struct {
	Text     string
	Field    string // schema.FieldTitle, schema.FieldBody or "" for both
	Langs    []string
	Operator query.MatchQueryOperator
	boost
	Flat bool // one disjunction over every field and word (see flattenWords)
	run  Searchers
}

// MarshalJSON renders the query for logs and explanations.
func (q *Words) MarshalJSON() ([]byte, error) {
	return json.Marshal(map[string]any{"syndex_text": q.Text, "field": q.Field, "langs": q.Langs, "boost": q.BoostVal})
}

// Searcher implements query.Query.
func (q *Words) Searcher(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, options search.SearcherOptions) (search.Searcher, error) {
	return q.run.WordsSearcher(ctx, r, m, options, q)
}

// Phrase is a phrase (no fuzziness) on a text field, over the per-language
// title and body fields. Its searcher is the index's
// (Searchers.PhraseSearcher), which answers it from the bigram fields
// (index/schema/bigrams.go) where it can.
type Phrase struct {
	Text  string
	Field string // schema.FieldTitle, schema.FieldBody or "" for both
	Langs []string
	boost
	run Searchers
}

// MarshalJSON renders the query for logs and explanations.
func (q *Phrase) MarshalJSON() ([]byte, error) {
	return json.Marshal(map[string]any{"syndex_phrase": q.Text, "field": q.Field, "langs": q.Langs, "boost": q.BoostVal})
}

// Searcher implements query.Query.
func (q *Phrase) Searcher(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, options search.SearcherOptions) (search.Searcher, error) {
	return q.run.PhraseSearcher(ctx, r, m, options, q)
}

// boost holds a query's boost and implements query.BoostableQuery for the
// queries that embed it.
type boost struct{ BoostVal float64 }

// SetBoost implements query.BoostableQuery.
func (b *boost) SetBoost(v float64) { b.BoostVal = v }

// Boost implements query.BoostableQuery.
func (b *boost) Boost() float64 { return b.BoostVal }
