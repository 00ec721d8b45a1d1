package index

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/blevesearch/bleve/v2/mapping"

	"github.com/syndex/syndex/index/schema"
	"github.com/syndex/syndex/internal/atomicfile"
)

// Which body bigrams are indexed. A bigram only pays where a positional phrase
// check would be slow: where both of its words are in a large share of the
// documents. When one word is rarer, Bleve's phrase check runs over that
// word's documents only, which is cheap. And most of a text's bigrams hold
// a rare word, each a term of its own in the dictionary: indexing them all
// made the bigram fields some 70% of the cost of building the index. So each
// language's common terms are learned from the first bigramLearnDocs bodies
// of that language (every bigram of those is indexed): a term in at least
// bigramCommonShare of them is common. From then on, a body's bigrams are
// indexed only where both words are common, and a phrase query uses a
// bigram only where both its words are; for the other neighbours it checks
// positions. The common set of a language never changes once fixed (an
// index rebuilt from the store learns it anew), so every document holds
// every bigram a query may ask for. Title bigrams are all indexed: titles are
// short.
var (
	bigramLearnDocs   = 500
	bigramCommonShare = 0.02
	bigramMaxCommon   = 8000
)

// BigramsFile records, in an index directory, the common terms of each
// language whose set is fixed (its name is older than the word bigram and
// stays, so that existing indexes keep it).
const BigramsFile = "syndex-pairs.json"

// bigramVocab is an index's common terms per analysis name: fixed ones and
// the counts of those still being learned.
type bigramVocab struct {
	mu       sync.RWMutex
	path     string // where fixed sets are saved; "" while a Builder runs
	common   map[string]map[string]struct{}
	learning map[string]*bigramLearner
}

type bigramLearner struct {
	docs int
	df   map[string]int
}

// bigramsRec is the content of BigramsFile.
type bigramsRec struct {
	Common map[string][]string `json:"common"`
}

func newBigramVocab(path string) *bigramVocab {
	return &bigramVocab{path: path, common: map[string]map[string]struct{}{}, learning: map[string]*bigramLearner{}}
}

// loadBigramVocab reads dir's BigramsFile; none means nothing is fixed yet.
func loadBigramVocab(dir string) (*bigramVocab, error) {
	v := newBigramVocab(filepath.Join(dir, BigramsFile))
	raw, err := os.ReadFile(v.path)
	if errors.Is(err, os.ErrNotExist) {
		return v, nil
	}
	if err != nil {
		return nil, fmt.Errorf("open index %s: %w", dir, err)
	}
	var rec bigramsRec
	if err := json.Unmarshal(raw, &rec); err != nil {
		return nil, fmt.Errorf("open index %s: %s: %w: %v", dir, BigramsFile, ErrCorrupt, err)
	}
	for a, terms := range rec.Common {
		set := make(map[string]struct{}, len(terms))
		for _, t := range terms {
			set[t] = struct{}{}
		}
		v.common[a] = set
	}
	return v, nil
}

// save writes the fixed sets (v.mu held).
func (v *bigramVocab) save() error {
	rec := bigramsRec{Common: map[string][]string{}}
	for a, set := range v.common {
		terms := make([]string, 0, len(set))
		for t := range set {
			terms = append(terms, t)
		}
		slices.Sort(terms)
		rec.Common[a] = terms
	}
	raw, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	return atomicfile.WriteFile(v.path, raw)
}

// commonSet returns analysis a's fixed common terms, nil while every bigram
// is indexed.
func (v *bigramVocab) commonSet(a string) map[string]struct{} {
	if v == nil {
		return nil
	}
	v.mu.RLock()
	defer v.mu.RUnlock()
	return v.common[a]
}

// observe counts the distinct terms of one body of analysis a while its
// common set is being learned, fixing (and saving) the set after
// bigramLearnDocs bodies. It returns the set that applies to this body: nil
// (every bigram) while learning, and for the body that fixed the set.
func (v *bigramVocab) observe(a string, terms [][]byte) (map[string]struct{}, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if set, ok := v.common[a]; ok {
		return set, nil
	}
	l := v.learning[a]
	if l == nil {
		l = &bigramLearner{df: map[string]int{}}
		v.learning[a] = l
	}
	l.docs++
	for _, t := range terms {
		l.df[string(t)]++ // terms are distinct
	}
	if l.docs < bigramLearnDocs {
		return nil, nil
	}
	if _, err := v.fixLocked(a); err != nil {
		return nil, err
	}
	return nil, nil // this body was one of the learning ones
}

// learned returns how many bodies of analysis a have been counted while
// its set is not fixed.
func (v *bigramVocab) learned(a string) int {
	v.mu.RLock()
	defer v.mu.RUnlock()
	if l := v.learning[a]; l != nil {
		return l.docs
	}
	return 0
}

// fix fixes analysis a's common set from the bodies counted so far (a
// Builder does so for a language with fewer than bigramLearnDocs bodies).
func (v *bigramVocab) fix(a string) (map[string]struct{}, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if set, ok := v.common[a]; ok {
		return set, nil
	}
	return v.fixLocked(a)
}

// fixLocked turns analysis a's counts into its common set: the terms in
// at least bigramCommonShare of the bodies counted (and in two of them at
// least), at most bigramMaxCommon, most frequent first (v.mu held).
func (v *bigramVocab) fixLocked(a string) (map[string]struct{}, error) {
	l := v.learning[a]
	if l == nil {
		l = &bigramLearner{df: map[string]int{}}
	}
	floor := max(int(bigramCommonShare*float64(l.docs)), 2)
	type tc struct {
		t string
		n int
	}
	var cands []tc
	for t, n := range l.df {
		if n >= floor {
			cands = append(cands, tc{t, n})
		}
	}
	slices.SortFunc(cands, func(x, y tc) int { return cmp.Or(y.n-x.n, strings.Compare(x.t, y.t)) })
	cands = cands[:min(len(cands), bigramMaxCommon)]
	set := make(map[string]struct{}, len(cands))
	for _, c := range cands {
		set[c.t] = struct{}{}
	}
	v.common[a] = set
	delete(v.learning, a)
	if v.path != "" {
		// Fixed before any document indexed under it.
		if err := v.save(); err != nil {
			delete(v.common, a)
			v.learning[a] = l
			return nil, fmt.Errorf("save common terms: %w", err)
		}
	}
	return set, nil
}

// bigramKeep returns the filter of bigrams for a common set: both words
// common; nil set keeps every bigram.
func bigramKeep(set map[string]struct{}) func(x, y []byte) bool {
	if set == nil {
		return nil
	}
	return func(x, y []byte) bool {
		_, okx := set[string(x)]
		_, oky := set[string(y)]
		return okx && oky
	}
}

// vocabKey carries an index's bigramVocab to the phrase queries it runs.
type vocabKey struct{}

func withVocab(ctx context.Context, v *bigramVocab) context.Context {
	return context.WithValue(ctx, vocabKey{}, v)
}

func vocabFrom(ctx context.Context) *bigramVocab {
	v, _ := ctx.Value(vocabKey{}).(*bigramVocab)
	return v
}

// fieldsKey carries the names of an index's fields (Index.fields) to the
// text and phrase queries it runs.
type fieldsKey struct{}

func withFields(ctx context.Context, fields *map[string]bool) context.Context {
	if fields == nil {
		return ctx
	}
	return context.WithValue(ctx, fieldsKey{}, *fields)
}

// absent reports whether no document of the index a query runs on has
// field (false when the query does not know the index's fields). Searchers
// over the per-language fields (four per language, in every shard) made a
// quarter of the cost of a one-word query on an index of six languages.
func absent(ctx context.Context, field string) bool {
	fs, ok := ctx.Value(fieldsKey{}).(map[string]bool)
	return ok && !fs[field]
}

// bigramMaker builds the bigram fields of an index's documents with the
// analyzers of its mapping and the index's common terms.
type bigramMaker struct {
	m     *mapping.IndexMappingImpl
	vocab *bigramVocab
	// hold leaves out the body bigrams of a language whose common terms are
	// still being learned, and says so (a Builder holds such documents
	// back until the set is fixed, then adds them with bodyBigrams).
	hold bool
}

// newBigramMaker returns the bigram maker of the index in dir.
func newBigramMaker(dir string) (*bigramMaker, error) {
	m, err := schema.NewMapping()
	if err != nil {
		return nil, fmt.Errorf("index mapping: %w", err)
	}
	v, err := loadBigramVocab(dir)
	if err != nil {
		return nil, err
	}
	return &bigramMaker{m: m, vocab: v}, nil
}

// add sets the bigram fields of analysis a for a document's title and text.
// With pm.hold it reports held when the body bigrams were left out because
// a's common terms are not fixed yet (the body was counted for them).
func (pm *bigramMaker) add(f map[string]any, a, title, text string) (held bool, err error) {
	an := pm.m.AnalyzerNamed(schema.AnalyzerName(a))
	if an == nil {
		return false, fmt.Errorf("no analyzer for %s", a)
	}
	body := an.Analyze([]byte(text))
	set := pm.vocab.commonSet(a)
	if set == nil { // still learning: count this body's terms
		if set, err = pm.vocab.observe(a, uniqueTerms(body)); err != nil {
			return false, err
		}
		held = pm.hold
	}
	if !held {
		if p := schema.JoinBigrams(body, bigramKeep(set)); p != "" {
			f[schema.BigramsField(a)] = p
		}
		if pm.hold { // a Builder's: Bleve takes the tokens (preanalyzed.go)
			keepAnalyzed(f, schema.BodyField(a), an, body)
		}
	}
	tt := an.Analyze([]byte(title))
	if p := schema.JoinBigrams(tt, nil); p != "" {
		f[schema.TitleBigramsField(a)] = p
	}
	if pm.hold {
		keepAnalyzed(f, schema.TitleField(a), an, tt)
	}
	return held, nil
}

// bodyBigrams sets the body bigram field of a document of analysis a that add
// held back, keeping the bigrams of set (every bigram when nil).
func (pm *bigramMaker) bodyBigrams(f map[string]any, a string, set map[string]struct{}) error {
	an := pm.m.AnalyzerNamed(schema.AnalyzerName(a))
	if an == nil {
		return fmt.Errorf("no analyzer for %s", a)
	}
	text, _ := f[schema.BodyField(a)].(string)
	body := an.Analyze([]byte(text))
	if p := schema.JoinBigrams(body, bigramKeep(set)); p != "" {
		f[schema.BigramsField(a)] = p
	}
	keepAnalyzed(f, schema.BodyField(a), an, body)
	return nil
}
