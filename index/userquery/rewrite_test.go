package userquery

import (
	"errors"
	"testing"

	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/syndex/syndex/index/schema"
)

// TestRewrite checks what a parsed query string becomes: user field names
// mapped onto the index's fields, words and phrases on text fields handed
// to the index's searchers, the rest expanded per language.
func TestRewrite(t *testing.T) {
	langs := []string{"en", "fr"}
	tests := []struct {
		in     string
		native bool
		check  func(t *testing.T, q query.Query)
	}{
		{in: "bank", check: func(t *testing.T, q query.Query) {
			w, ok := q.(*Words)
			if !ok || w.Text != "bank" || w.Field != "" || len(w.Langs) != 2 || w.Flat {
				t.Fatalf("got %#v, want Words{bank} over both languages", q)
			}
		}},
		{in: "bank rates", check: func(t *testing.T, q query.Query) {
			w, ok := q.(*Words)
			if !ok || w.Text != "bank rates" || !w.Flat || w.Operator != query.MatchQueryOperatorOr {
				t.Fatalf("got %#v, want one flat Words{bank rates}", q)
			}
		}},
		{in: "title:bank", check: func(t *testing.T, q query.Query) {
			if w, ok := q.(*Words); !ok || w.Field != schema.FieldTitle {
				t.Fatalf("got %#v, want Words on the title", q)
			}
		}},
		{in: `"interest rates"`, check: func(t *testing.T, q query.Query) {
			if p, ok := q.(*Phrase); !ok || p.Text != "interest rates" {
				t.Fatalf("got %#v, want Phrase{interest rates}", q)
			}
		}},
		{in: `"interest rates"`, native: true, check: func(t *testing.T, q query.Query) {
			d, ok := q.(*query.DisjunctionQuery)
			if !ok || len(d.Disjuncts) != 4 { // title and body of two languages
				t.Fatalf("got %#v, want 4 phrase matches", q)
			}
			for _, s := range d.Disjuncts {
				if _, ok := s.(*query.MatchPhraseQuery); !ok {
					t.Fatalf("disjunct %#v, want a MatchPhraseQuery", s)
				}
			}
		}},
		{in: "site:Copier.Example", check: func(t *testing.T, q query.Query) {
			m, ok := q.(*query.MatchQuery)
			if !ok || m.FieldVal != schema.FieldSite || m.Match != "copier.example" {
				t.Fatalf("got %#v, want a lower-cased match on %s", q, schema.FieldSite)
			}
		}},
		{in: "bank~1", check: func(t *testing.T, q query.Query) {
			d, ok := q.(*query.DisjunctionQuery)
			if !ok || len(d.Disjuncts) != 4 {
				t.Fatalf("got %#v, want a fuzzy match per field", q)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			parsed, err := Parse(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			// Parse wraps a single clause in a boolean query; take its
			// only clause.
			q := Rewrite(parsed, langs, Options{Native: tc.native})
			tc.check(t, onlyClause(t, q))
		})
	}
}

// onlyClause digs the one clause out of the boolean and disjunction
// wrappers the query-string parser puts around it.
func onlyClause(t *testing.T, q query.Query) query.Query {
	t.Helper()
	for {
		switch b := q.(type) {
		case *query.BooleanQuery:
			var subs []query.Query
			for _, s := range []query.Query{b.Must, b.Should, b.MustNot, b.Filter} {
				if s != nil {
					subs = append(subs, s)
				}
			}
			if len(subs) != 1 {
				return q
			}
			q = subs[0]
		case *query.DisjunctionQuery:
			if len(b.Disjuncts) != 1 {
				return q
			}
			q = b.Disjuncts[0]
		default:
			return q
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		in  string
		col int
	}{
		{`bank "interest rates`, 6},
		{"bank nosuch:field", 6},
		{"bank /[a-/", 6},
		{"rain (valley", 6},
		{"bank~3", 1},
	}
	for _, tc := range tests {
		_, err := Parse(tc.in)
		var e *Error
		if !errors.As(err, &e) || e.Column != tc.col || !errors.Is(err, ErrBadQuery) {
			t.Errorf("Parse(%q) = %v, want an *Error at column %d wrapping ErrBadQuery", tc.in, err, tc.col)
		}
	}
}
