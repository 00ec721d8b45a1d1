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
	sc := clauseScanner{s: s}
	i := 0
	for i < len(s) {
		if isSpace(s[i]) {
			i++
			continue
		}
		start := i
		var err error
		if i, err = sc.clause(start); err != nil {
			return nil, err
		}
		out = append(out, clause{pos: start, text: s[start:i]})
	}
	if len(sc.open) > 0 {
		q := sc.open[len(sc.open)-1]
		return nil, newError(s, q, s[q:], "unbalanced parenthesis: missing closing )")
	}
	return out, nil
}

// clauseScanner reads the clauses of a query string, keeping the
// parentheses still open.
type clauseScanner struct {
	s    string
	open []int // positions of the parentheses not yet closed
}

// clause reads the clause that starts at start and returns its end.
func (sc *clauseScanner) clause(start int) (int, error) {
	s := sc.s
	i := start
	valueStart := true // at the start of a value: '/' opens a regexp
	for i < len(s) && !isSpace(s[i]) {
		if s[i] == '\\' {
			i += 2
			valueStart = false
			continue
		}
		var err error
		if i, err = quoted(s, i, valueStart); err != nil {
			return 0, err
		}
		if err := sc.paren(i); err != nil {
			return 0, err
		}
		valueStart = opensValue(s, i, start)
		i++
	}
	return min(i, len(s)), nil
}

// quoted returns the position of the delimiter that closes a phrase or
// (at the start of a value) a regular expression opening at s[i], or i
// when none opens there.
func quoted(s string, i int, valueStart bool) (int, error) {
	switch c := s[i]; {
	case c == '"':
		return closing(s, i, '"', `unterminated phrase: missing closing "`)
	case c == '/' && valueStart:
		return closing(s, i, '/', "unterminated regular expression: missing closing /")
	}
	return i, nil
}

// opensValue reports whether a value starts after s[i] in the clause
// that starts at start: after a field's colon or a leading + or -.
func opensValue(s string, i, start int) bool {
	return s[i] == ':' || ((s[i] == '+' || s[i] == '-') && i == start)
}

// paren keeps track of a parenthesis at s[i].
func (sc *clauseScanner) paren(i int) error {
	switch sc.s[i] {
	case '(':
		sc.open = append(sc.open, i)
	case ')':
		if len(sc.open) == 0 {
			return newError(sc.s, i, sc.s[i:], "unbalanced parenthesis: no ( before this )")
		}
		sc.open = sc.open[:len(sc.open)-1]
	}
	return nil
}

// closing returns the position of the delimiter that closes the one at
// s[q] (a backslash escapes the next byte), or the error msg at q.
func closing(s string, q int, delim byte, msg string) (int, error) {
	i := q + 1
	for i < len(s) && s[i] != delim {
		if s[i] == '\\' {
			i++
		}
		i++
	}
	if i >= len(s) {
		return 0, newError(s, q, s[q:], msg)
	}
	return i, nil
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
	if !slices.ContainsFunc(in, func(c clause) bool { return isOperator(c.text) }) {
		return in, nil
	}
	b := booleanReader{s: s}
	for i, c := range in {
		if err := b.read(c, i > 0 && isOperator(in[i-1].text)); err != nil {
			return nil, err
		}
	}
	if b.pendingNot || b.pendingAnd || b.pendingOr {
		return nil, newError(s, b.last.pos, b.last.text, b.last.text+" needs a term after it")
	}
	out := make([]clause, 0, len(b.terms))
	for _, t := range b.terms {
		out = append(out, t.prefixed())
	}
	return out, nil
}

// isOperator reports whether a clause is one of Lucene's boolean
// operators.
func isOperator(t string) bool {
	switch t {
	case "AND", "&&", "OR", "||", "NOT", "!":
		return true
	}
	return false
}

// booleanReader reads a query's clauses into terms, each required or
// excluded by the operators before and after it.
type booleanReader struct {
	s                                 string
	terms                             []boolTerm
	pendingNot, pendingAnd, pendingOr bool
	last                              clause // the last operator seen, for errors
}

// boolTerm is a clause that is not an operator, with what the operators
// make of it.
type boolTerm struct {
	clause
	must, not bool
}

// read takes the next clause c; afterOp says the clause before it was an
// operator.
func (b *booleanReader) read(c clause, afterOp bool) error {
	switch c.text {
	case "AND", "&&", "OR", "||":
		return b.binary(c, afterOp)
	case "NOT", "!":
		if b.pendingNot {
			return newError(b.s, c.pos, c.text, c.text+" twice in a row")
		}
		b.pendingNot = true
		b.last = c
		return nil
	}
	b.terms = append(b.terms, boolTerm{clause: c, must: b.pendingAnd, not: b.pendingNot})
	b.pendingNot, b.pendingAnd, b.pendingOr = false, false, false
	return nil
}

// binary takes the operator c (AND, &&, OR or ||); afterOp says the
// clause before it was an operator.
func (b *booleanReader) binary(c clause, afterOp bool) error {
	if len(b.terms) == 0 || b.pendingNot || b.pendingAnd || afterOp {
		return newError(b.s, c.pos, c.text, c.text+" needs a term on each side")
	}
	if c.text == "AND" || c.text == "&&" {
		b.terms[len(b.terms)-1].must = true
		b.pendingAnd = true
	} else {
		b.pendingOr = true
	}
	b.last = c
	return nil
}

// prefixed is the term with Bleve's prefix: - when excluded, + when
// required.
func (t boolTerm) prefixed() clause {
	text := t.text
	switch {
	case t.not:
		text = "-" + strings.TrimLeft(text, "+-")
	case t.must && !strings.HasPrefix(text, "-"):
		text = "+" + strings.TrimPrefix(text, "+")
	}
	return clause{pos: t.pos, text: text}
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
	if subs, ok := subQueries(q); ok {
		return checkAll(subs...)
	}
	switch q := q.(type) {
	case *query.MatchQuery:
		if q.Fuzziness > maxFuzziness {
			return fmt.Sprintf("fuzziness %d exceeds %d", q.Fuzziness, maxFuzziness)
		}
	case *query.RegexpQuery:
		if m := checkField(q.FieldVal); m != "" {
			return m
		}
		if _, err := syntax.Parse(q.Regexp, syntax.Perl); err != nil {
			return fmt.Sprintf("invalid regular expression: %v", err)
		}
		return ""
	}
	if f, ok := typedField(q); ok {
		return checkField(f)
	}
	return ""
}

// subQueries returns the clauses of a compound query (some may be nil),
// and false for any other query.
func subQueries(q query.Query) ([]query.Query, bool) {
	switch q := q.(type) {
	case *query.BooleanQuery:
		return []query.Query{q.Must, q.Should, q.MustNot, q.Filter}, true
	case *query.ConjunctionQuery:
		return q.Conjuncts, true
	case *query.DisjunctionQuery:
		return q.Disjuncts, true
	}
	return nil, false
}

// typedField returns the field a user named in a query of the kinds that
// take one (a numeric range may name none), and false for the others.
func typedField(q query.Query) (string, bool) {
	switch q := q.(type) {
	case *query.MatchQuery:
		return q.FieldVal, true
	case *query.NumericRangeQuery:
		return q.FieldVal, q.FieldVal != ""
	case *query.MatchPhraseQuery:
		return q.FieldVal, true
	case *query.WildcardQuery:
		return q.FieldVal, true
	case *query.DateRangeStringQuery:
		return q.FieldVal, true
	case *query.DateRangeQuery:
		return q.FieldVal, true
	}
	return "", false
}

// checkAll is the first of checkQuery's complaints about qs (nil ones
// skipped), or "".
func checkAll(qs ...query.Query) string {
	for _, sub := range qs {
		if sub == nil {
			continue
		}
		if m := checkQuery(sub); m != "" {
			return m
		}
	}
	return ""
}

// checkField says what is wrong with a field name users typed, or "".
func checkField(f string) string {
	if _, ok := canonicalField(f); !ok {
		return fmt.Sprintf("unknown field %q (fields: %s; write a literal colon as \\:)", f, knownFieldList())
	}
	return ""
}
