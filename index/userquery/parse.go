// Package userquery reads the query strings users type and rewrites them
// onto the search index's fields.
//
// A query string is Bleve's query-string syntax (words, "phrases", +must,
// -mustnot, field:value, word~1, /regexp/) with Lucene's boolean operators
// (AND, OR, NOT) read as Bleve's prefixes. Parse checks it clause by
// clause, so that an error names the column of the clause at fault
// (*Error, wrapping ErrBadQuery). Rewrite maps the user's field names
// (title, site, date, …) onto the index's fields (index/schema) and
// expands words and phrases over the per-language title and body fields,
// as Words and Phrase queries whose searchers the index supplies
// (Searchers): what a query means is decided here, how it is run against
// the index's postings stays in package index.
package userquery

import (
	"errors"
	"fmt"
	"regexp/syntax"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/syndex/syndex/index/schema"
)

// ErrBadQuery is wrapped by every *Error.
var ErrBadQuery = errors.New("bad query")

// Error reports a query string Bleve cannot run, with the position
// (1-based, in characters) of the clause at fault.
type Error struct {
	Query  string // the whole query string
	Column int    // 1-based character position of the faulty clause
	Near   string // the faulty clause
	Msg    string // what is wrong
}

func (e *Error) Error() string {
	return fmt.Sprintf("bad query at column %d near %q: %s", e.Column, e.Near, e.Msg)
}

// Unwrap lets callers test errors.Is(err, ErrBadQuery).
func (e *Error) Unwrap() error { return ErrBadQuery }

// maxFuzziness is the largest edit distance Bleve accepts (word~2).
const maxFuzziness = 2

// userFields maps the field names accepted in a query string onto the
// index fields; "title" and "body" are expanded per language.
var userFields = map[string]string{
	"":           "",
	"title":      schema.FieldTitle,
	"body":       schema.FieldBody,
	"text":       schema.FieldBody,
	"site":       schema.FieldSite,
	"sites":      schema.FieldSites,
	"cluster":    schema.FieldCluster,
	"role":       schema.FieldRole,
	"lang":       schema.FieldLang,
	"author":     schema.FieldAuthor,
	"year":       schema.FieldYear,
	"published":  schema.FieldPublished,
	"date":       schema.FieldPublished,
	"fetched":    schema.FieldFetched,
	"first_seen": schema.FieldFetched,
	"copies":     schema.FieldCopies,
}

// lowerKeyword are keyword fields whose values are stored lower-cased.
var lowerKeyword = map[string]bool{schema.FieldSite: true, schema.FieldSites: true, schema.FieldLang: true, schema.FieldRole: true}

// canonicalField resolves a user field name; ok is false for an unknown one.
func canonicalField(f string) (string, bool) {
	if c, ok := userFields[f]; ok {
		return c, true
	}
	for _, p := range []string{schema.FieldTitle + "_", schema.FieldBody + "_"} {
		if a, ok := strings.CutPrefix(f, p); ok && schema.KnownAnalysis[a] {
			return f, true
		}
	}
	return "", false
}

func knownFieldList() string {
	var names []string
	for k := range userFields {
		if k != "" {
			names = append(names, k)
		}
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}

// clause is one whitespace-separated element of a query string.
type clause struct {
	pos  int // byte offset in the query
	text string
}

// splitClauses cuts a query string the way Bleve's lexer does at the top
// level (whitespace outside phrases and regular expressions), so an error
// can be pinned to the clause that causes it.
func splitClauses(s string) ([]clause, error) {
	var out []clause
	var open []int // positions of the parentheses not yet closed
	i := 0
	for i < len(s) {
		if isSpace(s[i]) {
			i++
			continue
		}
		start := i
		valueStart := true // at the start of a value: '/' opens a regexp
		for i < len(s) && !isSpace(s[i]) {
			switch c := s[i]; {
			case c == '\\':
				i += 2
				valueStart = false
				continue
			case c == '"':
				q := i
				i++
				for i < len(s) && s[i] != '"' {
					if s[i] == '\\' {
						i++
					}
					i++
				}
				if i >= len(s) {
					return nil, newError(s, q, s[q:], `unterminated phrase: missing closing "`)
				}
			case c == '/' && valueStart:
				q := i
				i++
				for i < len(s) && s[i] != '/' {
					if s[i] == '\\' {
						i++
					}
					i++
				}
				if i >= len(s) {
					return nil, newError(s, q, s[q:], "unterminated regular expression: missing closing /")
				}
			}
			switch s[i] {
			case '(':
				open = append(open, i)
			case ')':
				if len(open) == 0 {
					return nil, newError(s, i, s[i:], "unbalanced parenthesis: no ( before this )")
				}
				open = open[:len(open)-1]
			}
			valueStart = s[i] == ':' || ((s[i] == '+' || s[i] == '-') && i == start)
			i++
		}
		if i > len(s) {
			i = len(s)
		}
		out = append(out, clause{pos: start, text: s[start:i]})
	}
	if len(open) > 0 {
		q := open[len(open)-1]
		return nil, newError(s, q, s[q:], "unbalanced parenthesis: missing closing )")
	}
	return out, nil
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' }

func newError(s string, pos int, near, msg string) *Error {
	if len(near) > 40 {
		near = near[:40] + "…"
	}
	return &Error{Query: s, Column: utf8.RuneCountInString(s[:pos]) + 1, Near: near, Msg: msg}
}

// Parse parses a Bleve query string, reporting syntax errors,
// unknown fields and invalid regular expressions with their position.
// Lucene's boolean operators are accepted as Lucene users type them (see
// booleanOperators).
func Parse(s string) (query.Query, error) {
	clauses, err := splitClauses(s)
	if err != nil {
		return nil, err
	}
	clauses, err = booleanOperators(s, clauses)
	if err != nil {
		return nil, err
	}
	parts := make([]string, 0, len(clauses))
	for _, c := range clauses {
		q, err := query.NewQueryStringQuery(c.text).Parse()
		if err != nil {
			return nil, newError(s, c.pos, c.text, cleanParseMsg(err))
		}
		if msg := checkQuery(q); msg != "" {
			return nil, newError(s, c.pos, c.text, msg)
		}
		parts = append(parts, c.text)
	}
	q, err := query.NewQueryStringQuery(strings.Join(parts, " ")).Parse()
	if err != nil {
		return nil, newError(s, 0, s, cleanParseMsg(err))
	}
	return q, nil
}

// booleanOperators reads Lucene's boolean operators, written in capitals
// as Lucene requires (AND, OR, NOT, and &&, ||, !), into Bleve's
// prefixes, with Lucene's classic rules: the terms on both sides of an AND
// are required (+), the term after a NOT is excluded (-), OR leaves its
// terms optional (at least one of the optional terms must match when
// nothing is required), so "a AND b OR c" is +a +b c and "a AND NOT b" is
// +a -b. A lower-case and/or/not stays a word. An operator without a term
// where it needs one is an *Error naming its column. Bleve has no
// grouping, so parentheses are not read as groups.
func booleanOperators(s string, in []clause) ([]clause, error) {
	isOp := func(t string) bool {
		switch t {
		case "AND", "&&", "OR", "||", "NOT", "!":
			return true
		}
		return false
	}
	if !slices.ContainsFunc(in, func(c clause) bool { return isOp(c.text) }) {
		return in, nil
	}
	type term struct {
		clause
		must, not bool
	}
	var terms []term
	pendingNot, pendingAnd, pendingOr := false, false, false
	var last clause // the last operator seen, for errors
	for i, c := range in {
		switch c.text {
		case "AND", "&&", "OR", "||":
			if len(terms) == 0 || pendingNot || pendingAnd || (i > 0 && isOp(in[i-1].text)) {
				return nil, newError(s, c.pos, c.text, c.text+" needs a term on each side")
			}
			if c.text == "AND" || c.text == "&&" {
				terms[len(terms)-1].must = true
				pendingAnd = true
			} else {
				pendingOr = true
			}
			last = c
			continue
		case "NOT", "!":
			if pendingNot {
				return nil, newError(s, c.pos, c.text, c.text+" twice in a row")
			}
			pendingNot = true
			last = c
			continue
		}
		terms = append(terms, term{clause: c, must: pendingAnd, not: pendingNot})
		pendingNot, pendingAnd, pendingOr = false, false, false
	}
	if pendingNot || pendingAnd || pendingOr {
		return nil, newError(s, last.pos, last.text, last.text+" needs a term after it")
	}
	out := make([]clause, 0, len(terms))
	for _, t := range terms {
		text := t.text
		switch {
		case t.not:
			text = "-" + strings.TrimLeft(text, "+-")
		case t.must && !strings.HasPrefix(text, "-"):
			text = "+" + strings.TrimPrefix(text, "+")
		}
		out = append(out, clause{pos: t.pos, text: text})
	}
	return out, nil
}

func cleanParseMsg(err error) string {
	msg := strings.ReplaceAll(err.Error(), "\n", "; ")
	if msg == "syntax error" || strings.HasPrefix(msg, "syntax error") {
		msg += " (Bleve query syntax: words, \"phrases\", +must, -mustnot, field:value, word~1, /regexp/)"
	}
	return msg
}

// checkQuery returns what is wrong with a parsed query, or "".
func checkQuery(q query.Query) string {
	field := func(f string) string {
		if _, ok := canonicalField(f); !ok {
			return fmt.Sprintf("unknown field %q (fields: %s; write a literal colon as \\:)", f, knownFieldList())
		}
		return ""
	}
	switch q := q.(type) {
	case *query.BooleanQuery:
		for _, sub := range []query.Query{q.Must, q.Should, q.MustNot, q.Filter} {
			if sub != nil {
				if m := checkQuery(sub); m != "" {
					return m
				}
			}
		}
	case *query.ConjunctionQuery:
		for _, sub := range q.Conjuncts {
			if m := checkQuery(sub); m != "" {
				return m
			}
		}
	case *query.DisjunctionQuery:
		for _, sub := range q.Disjuncts {
			if m := checkQuery(sub); m != "" {
				return m
			}
		}
	case *query.MatchQuery:
		if q.Fuzziness > maxFuzziness {
			return fmt.Sprintf("fuzziness %d exceeds %d", q.Fuzziness, maxFuzziness)
		}
		return field(q.FieldVal)
	case *query.MatchPhraseQuery:
		return field(q.FieldVal)
	case *query.WildcardQuery:
		return field(q.FieldVal)
	case *query.RegexpQuery:
		if m := field(q.FieldVal); m != "" {
			return m
		}
		if _, err := syntax.Parse(q.Regexp, syntax.Perl); err != nil {
			return fmt.Sprintf("invalid regular expression: %v", err)
		}
	case *query.NumericRangeQuery:
		if q.FieldVal == "" {
			return ""
		}
		return field(q.FieldVal)
	case *query.DateRangeStringQuery:
		return field(q.FieldVal)
	case *query.DateRangeQuery:
		return field(q.FieldVal)
	}
	return ""
}
