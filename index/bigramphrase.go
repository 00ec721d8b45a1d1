package index

import (
	"context"
	"fmt"
	"math"
	"slices"

	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/searcher"
	index "github.com/blevesearch/bleve_index_api"
)

// phraseTerm is one analysed term of a phrase and its position relative
// to the first (gaps left by stop words included).
type phraseTerm struct {
	term string
	rel  uint64
}

// bigramPhraseSearcher matches a phrase in one field: candidates come from
// the bigram postings (documents holding every neighbouring bigram of the
// phrase the index guarantees, see bigramVocab.usable), the conjunction of
// the phrase's words is advanced to each candidate (a skip, not a scan)
// and its term positions are checked there. Bleve's phrase searcher, by
// contrast, checks positions in every document holding all the words,
// which the bigrams let us skip. The conjunction is built exactly as
// Bleve's phrase searcher builds its own (a term searcher per word, in
// order, repeats included, and the same query norm), so a phrase scores
// what Bleve's positional phrase query gives it, whichever of its bigrams
// the index holds: the bigrams only narrow the candidates. Only the
// phrase's own positions are kept for highlighting.
type bigramPhraseSearcher struct {
	bigrams search.Searcher // candidates; nil when a bigram is in no document
	terms   search.Searcher // conjunction of the phrase's words
	// verify checks positions; false when the phrase is two words whose
	// bigram is the candidate set and no locations are wanted (a document
	// holding the bigram holds the phrase).
	verify bool
	field  string
	phrase []phraseTerm
	pos    map[string][]uint64 // reused per candidate
}

// newBigramPhraseSearcher returns the phrase's searcher in field f, nil
// when f lacks one of its words.
func newBigramPhraseSearcher(ctx context.Context, r index.IndexReader, f textField, phrase []phraseTerm,
	bigrams [][]byte, options search.SearcherOptions) (search.Searcher, error) {
	verify := len(phrase) != 2 || len(bigrams) != 1 || options.IncludeTermVectors
	if verify {
		options.IncludeTermVectors = true
	}
	termSearchers := make([]search.Searcher, 0, len(phrase))
	for _, t := range phrase {
		ts, err := searcher.NewTermSearcher(ctx, r, t.term, f.name, f.boost, options)
		if err != nil {
			closeSearchers(termSearchers)
			return nil, err
		}
		termSearchers = append(termSearchers, ts)
		if ts.Count() == 0 {
			closeSearchers(termSearchers)
			return nil, nil
		}
	}
	narrow, err := bigramReaders(ctx, r, f.bigrams, bigrams)
	if err != nil {
		closeSearchers(termSearchers)
		return nil, err
	}
	if narrow != nil {
		// Before the words' conjunction (which would AND their postings
		// alone), so that its own optimisation keeps the narrowed ones.
		err = narrowPostings(narrow, termSearchers)
		for _, tfr := range narrow {
			_ = tfr.Close()
		}
		if err != nil {
			closeSearchers(termSearchers)
			return nil, err
		}
	}
	ts, err := searcher.NewConjunctionSearcher(ctx, r, termSearchers, options)
	if err != nil {
		closeSearchers(termSearchers)
		return nil, err
	}
	var ps search.Searcher
	if narrow != nil {
		if ps, err = phraseCandidates(ctx, r, f.bigrams, bigrams); err != nil {
			_ = ts.Close()
			return nil, err
		}
	}
	// Bleve's phrase searcher normalises its conjunction at once (a
	// parent's norm, when there is one, replaces it).
	ts.SetQueryNorm(1 / math.Sqrt(ts.Weight()))
	return &bigramPhraseSearcher{bigrams: ps, terms: ts, verify: verify, field: f.name, phrase: phrase,
		pos: map[string][]uint64{}}, nil
}

// bigramReaders opens a reader of each bigram's postings in field, none
// when one of them is in no document (then neither is the phrase).
func bigramReaders(ctx context.Context, r index.IndexReader, field string, bigrams [][]byte) ([]index.TermFieldReader, error) {
	var out []index.TermFieldReader
	for _, p := range bigrams {
		tfr, err := r.TermFieldReader(ctx, p, field, false, false, false)
		if err != nil {
			closeReaders(out)
			return nil, fmt.Errorf("phrase bigram %q: %w", p, err)
		}
		out = append(out, tfr)
		if tfr.Count() == 0 {
			closeReaders(out)
			return nil, nil
		}
	}
	return out, nil
}

func closeReaders(rs []index.TermFieldReader) {
	for _, r := range rs {
		_ = r.Close()
	}
}

// phraseCandidates returns the conjunction of the bigrams' postings in
// field: their documents alone, without frequencies (scoring is the
// words'), so that a step to the next candidate jumps in the postings'
// bitmap rather than decoding every posting on the way.
func phraseCandidates(ctx context.Context, r index.IndexReader, field string, bigrams [][]byte) (search.Searcher, error) {
	opts := search.SearcherOptions{Score: "none"}
	var ss []search.Searcher
	for _, p := range bigrams {
		ts, err := searcher.NewTermSearcherBytes(ctx, r, p, field, 0, opts)
		if err != nil {
			closeSearchers(ss)
			return nil, err
		}
		ss = append(ss, ts)
	}
	return combine(ctx, r, opts, ss, true)
}

// narrowPostings has the term searchers of the phrase's words iterate,
// in each segment, only the documents holding all of its bigrams
// (readers, not iterated themselves) and words: scorch's conjunction
// optimisation, which ANDs the postings' bitmaps up front, over the
// bigrams and the words together. Bleve's conjunction of the words alone
// ANDs only theirs; then advancing the words to each candidate decodes
// the frequencies of every document holding both words up to it, and the
// conjunction steps every word past each hit to the next document holding
// both, most of them not candidates. The scores are unchanged: a term
// searcher's document count (its idf) is read when it is made, and the
// frequencies and norms it reads are those of the same postings. Segments
// whose postings have no bitmap (a term in one document) are left as they
// are: the leapfrog in bigramPhraseSearcher.from checks every candidate
// against the words whatever the postings iterate.
func narrowPostings(bigrams []index.TermFieldReader, words []search.Searcher) error {
	all := make([]index.Optimizable, 0, len(bigrams)+len(words))
	for _, b := range bigrams {
		o, ok := b.(index.Optimizable)
		if !ok {
			return nil
		}
		all = append(all, o)
	}
	for _, w := range words {
		o, ok := w.(index.Optimizable)
		if !ok {
			return nil
		}
		all = append(all, o)
	}
	var octx index.OptimizableContext
	for _, o := range all {
		var err error
		if octx, err = o.Optimize("conjunction", octx); err != nil {
			return fmt.Errorf("phrase postings: %w", err)
		}
		if octx == nil {
			return nil
		}
	}
	if _, err := octx.Finish(); err != nil {
		return fmt.Errorf("phrase postings: %w", err)
	}
	return nil
}

// Next implements search.Searcher.
func (s *bigramPhraseSearcher) Next(ctx *search.SearchContext) (*search.DocumentMatch, error) {
	if s.bigrams == nil {
		return nil, nil
	}
	c, err := s.bigrams.Next(ctx)
	if err != nil || c == nil {
		return nil, err
	}
	return s.from(ctx, c)
}

// Advance implements search.Searcher.
func (s *bigramPhraseSearcher) Advance(ctx *search.SearchContext, ID index.IndexInternalID) (*search.DocumentMatch, error) {
	if s.bigrams == nil {
		return nil, nil
	}
	c, err := s.bigrams.Advance(ctx, ID)
	if err != nil || c == nil {
		return nil, err
	}
	return s.from(ctx, c)
}

// from leapfrogs bigrams and terms from candidate c until both stand on a
// document whose positions hold the phrase. A document the words'
// conjunction stops on past the candidate is kept until the candidates
// reach it: the conjunction has moved on from it and would not return it
// again.
func (s *bigramPhraseSearcher) from(ctx *search.SearchContext, c *search.DocumentMatch) (*search.DocumentMatch, error) {
	var m *search.DocumentMatch
	var err error
	for {
		if m == nil || m.IndexInternalID.Compare(c.IndexInternalID) < 0 {
			if m != nil {
				ctx.DocumentMatchPool.Put(m)
			}
			if m, err = s.terms.Advance(ctx, c.IndexInternalID); err != nil || m == nil {
				ctx.DocumentMatchPool.Put(c)
				return nil, err
			}
		}
		if m.IndexInternalID.Compare(c.IndexInternalID) > 0 {
			// The candidate lacks a word: on to the words' next document.
			ctx.DocumentMatchPool.Put(c)
			if c, err = s.bigrams.Advance(ctx, m.IndexInternalID); err != nil || c == nil {
				ctx.DocumentMatchPool.Put(m)
				return nil, err
			}
			continue
		}
		ctx.DocumentMatchPool.Put(c)
		if !s.verify || s.holdsPhrase(m) {
			return m, nil
		}
		ctx.DocumentMatchPool.Put(m)
		m = nil
		if c, err = s.bigrams.Next(ctx); err != nil || c == nil {
			return nil, err
		}
	}
}

// holdsPhrase checks m's term positions in the field for the phrase and
// keeps only the locations of its occurrences.
func (s *bigramPhraseSearcher) holdsPhrase(m *search.DocumentMatch) bool {
	for k := range s.pos {
		s.pos[k] = s.pos[k][:0]
	}
	for _, l := range m.FieldTermLocations {
		if l.Field == s.field {
			s.pos[l.Term] = append(s.pos[l.Term], l.Location.Pos)
		}
	}
	var keep []search.FieldTermLocation
	for _, start := range s.pos[s.phrase[0].term] {
		ok := true
		for _, t := range s.phrase[1:] {
			if !slices.Contains(s.pos[t.term], start+t.rel) {
				ok = false
				break
			}
		}
		if !ok {
			continue
		}
		for _, l := range m.FieldTermLocations {
			if l.Field != s.field {
				continue
			}
			for _, t := range s.phrase {
				if l.Term == t.term && l.Location.Pos == start+t.rel {
					keep = append(keep, l)
					break
				}
			}
		}
	}
	if len(keep) == 0 {
		return false
	}
	m.FieldTermLocations = keep
	return true
}

// Close implements search.Searcher.
func (s *bigramPhraseSearcher) Close() error {
	err := s.terms.Close()
	if s.bigrams != nil {
		if err2 := s.bigrams.Close(); err == nil {
			err = err2
		}
	}
	return err
}

// Weight implements search.Searcher.
func (s *bigramPhraseSearcher) Weight() float64 { return s.terms.Weight() }

// SetQueryNorm implements search.Searcher.
func (s *bigramPhraseSearcher) SetQueryNorm(n float64) { s.terms.SetQueryNorm(n) }

// Count implements search.Searcher (an upper bound, as Bleve's own
// composite searchers report).
func (s *bigramPhraseSearcher) Count() uint64 {
	if s.bigrams == nil {
		return 0
	}
	return s.bigrams.Count()
}

// Min implements search.Searcher.
func (s *bigramPhraseSearcher) Min() int { return 0 }

// Size implements search.Searcher.
func (s *bigramPhraseSearcher) Size() int {
	n := s.terms.Size() + 64
	if s.bigrams != nil {
		n += s.bigrams.Size()
	}
	return n
}

// DocumentMatchPoolSize implements search.Searcher.
func (s *bigramPhraseSearcher) DocumentMatchPoolSize() int {
	n := s.terms.DocumentMatchPoolSize() + 1
	if s.bigrams != nil {
		n += s.bigrams.DocumentMatchPoolSize()
	}
	return n
}
