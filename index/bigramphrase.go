package index

import (
	"context"
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
// phrase), the conjunction of the phrase's term searchers is advanced to
// each candidate (a skip, not a scan) and its term positions are checked
// there. Bleve's phrase searcher, by contrast, checks positions in every
// document holding all the words, which the bigrams let us skip. The score
// is the conjunction's; only the phrase's own positions are kept for
// highlighting.
type bigramPhraseSearcher struct {
	bigrams search.Searcher // candidates
	terms   search.Searcher // conjunction of the phrase's terms, with positions
	field   string
	phrase  []phraseTerm
	pos     map[string][]uint64 // reused per candidate
}

func newBigramPhraseSearcher(ctx context.Context, r index.IndexReader, field string, phrase []phraseTerm,
	bigrams [][]byte, bigramField string, boost float64, options search.SearcherOptions) (search.Searcher, error) {
	options.IncludeTermVectors = true
	var opened []search.Searcher
	fail := func(err error) (search.Searcher, error) {
		for _, s := range opened {
			_ = s.Close()
		}
		return nil, err
	}
	var bigramSearchers []search.Searcher
	for _, p := range bigrams {
		ts, err := searcher.NewTermSearcherBytes(ctx, r, p, bigramField, 0, options)
		if err != nil {
			return fail(err)
		}
		opened = append(opened, ts)
		bigramSearchers = append(bigramSearchers, ts)
	}
	var termSearchers []search.Searcher
	seen := map[string]bool{}
	for _, t := range phrase {
		if seen[t.term] {
			continue
		}
		seen[t.term] = true
		ts, err := searcher.NewTermSearcher(ctx, r, t.term, field, boost, options)
		if err != nil {
			return fail(err)
		}
		opened = append(opened, ts)
		termSearchers = append(termSearchers, ts)
	}
	ps, err := combine(ctx, r, options, bigramSearchers, true)
	if err != nil {
		closeSearchers(termSearchers) // combine closed the bigrams
		return nil, err
	}
	ts, err := combine(ctx, r, options, termSearchers, true)
	if err != nil {
		_ = ps.Close()
		return nil, err
	}
	return &bigramPhraseSearcher{bigrams: ps, terms: ts, field: field, phrase: phrase, pos: map[string][]uint64{}}, nil
}

// Next implements search.Searcher.
func (s *bigramPhraseSearcher) Next(ctx *search.SearchContext) (*search.DocumentMatch, error) {
	c, err := s.bigrams.Next(ctx)
	if err != nil || c == nil {
		return nil, err
	}
	return s.from(ctx, c)
}

// Advance implements search.Searcher.
func (s *bigramPhraseSearcher) Advance(ctx *search.SearchContext, ID index.IndexInternalID) (*search.DocumentMatch, error) {
	c, err := s.bigrams.Advance(ctx, ID)
	if err != nil || c == nil {
		return nil, err
	}
	return s.from(ctx, c)
}

// from leapfrogs bigrams and terms from candidate c until both stand on a
// document whose positions hold the phrase.
func (s *bigramPhraseSearcher) from(ctx *search.SearchContext, c *search.DocumentMatch) (*search.DocumentMatch, error) {
	for {
		m, err := s.terms.Advance(ctx, c.IndexInternalID)
		if err != nil || m == nil {
			ctx.DocumentMatchPool.Put(c)
			return nil, err
		}
		if cmp := m.IndexInternalID.Compare(c.IndexInternalID); cmp > 0 {
			ctx.DocumentMatchPool.Put(c)
			next := m.IndexInternalID
			ctx.DocumentMatchPool.Put(m)
			if c, err = s.bigrams.Advance(ctx, next); err != nil || c == nil {
				return nil, err
			}
			continue
		}
		ctx.DocumentMatchPool.Put(c)
		if s.holdsPhrase(m) {
			return m, nil
		}
		ctx.DocumentMatchPool.Put(m)
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
	err := s.bigrams.Close()
	if err2 := s.terms.Close(); err == nil {
		err = err2
	}
	return err
}

// Weight implements search.Searcher.
func (s *bigramPhraseSearcher) Weight() float64 { return s.terms.Weight() }

// SetQueryNorm implements search.Searcher.
func (s *bigramPhraseSearcher) SetQueryNorm(n float64) { s.terms.SetQueryNorm(n) }

// Count implements search.Searcher (an upper bound, as Bleve's own
// composite searchers report).
func (s *bigramPhraseSearcher) Count() uint64 { return s.bigrams.Count() }

// Min implements search.Searcher.
func (s *bigramPhraseSearcher) Min() int { return 0 }

// Size implements search.Searcher.
func (s *bigramPhraseSearcher) Size() int { return s.bigrams.Size() + s.terms.Size() + 64 }

// DocumentMatchPoolSize implements search.Searcher.
func (s *bigramPhraseSearcher) DocumentMatchPoolSize() int {
	return s.bigrams.DocumentMatchPoolSize() + s.terms.DocumentMatchPoolSize() + 1
}
