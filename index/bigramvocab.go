package index

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/blevesearch/bleve/v2/mapping"

	"github.com/syndex/syndex/index/fasttoken"
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
//
// Since session 11 (bigramRuleProduct) a body bigram is indexed only where
// the two words' shares of the learning bodies multiply to at least
// bigramMinProduct, and only of words next to each other (a bigram across
// removed words cannot narrow a positional phrase, see usable): most
// bigrams of two common words are in one document each, and made most of
// the index's dictionary. Each index keeps the rule and threshold it was
// built with (BigramsFile); a file without them is the rule before,
// bigramRuleCommon.
var (
	bigramLearnDocs   = 500
	bigramCommonShare = 0.02
	bigramMaxCommon   = 8000
	bigramMinProduct  = 0.01
	bigramRule        = bigramRuleProduct // of a new index
)

// The rules of which body bigrams an index keeps (bigramsRec.Rule).
const (
	// bigramRuleCommon keeps every bigram of two common words, across
	// removed words too, and every title bigram.
	bigramRuleCommon = 0
	// bigramRuleProduct keeps the bigrams of neighbouring common words
	// whose shares multiply to at least the index's MinProduct, and the
	// title bigrams of neighbouring words.
	bigramRuleProduct = 2
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
	common   map[string]*commonTerms
	learning map[string]*bigramLearner
	// rule and minProduct say which bigrams are kept (fixed when the
	// vocabulary is made or read).
	rule       int
	minProduct float64
}

// commonTerms are a language's common terms with the number of learning
// bodies holding each (0 for an index of bigramRuleCommon, which did not
// record them), out of docs.
type commonTerms struct {
	df   map[string]int
	docs int
}

type bigramLearner struct {
	docs int
	df   map[string]int
}

// bigramsRec is the content of BigramsFile. Files written before the
// rule existed hold only Common, each language's common terms as an array
// (bigramRuleCommon). A file of bigramRuleProduct holds Rule and
// MinProduct, and under Common an object per language (productTerms):
// another JSON type on purpose, so that an earlier syndex, which would take
// every bigram of two common words to be indexed and miss hits, cannot
// read the file and rebuilds the index from the store instead.
type bigramsRec struct {
	Rule       int             `json:"rule,omitempty"`
	MinProduct float64         `json:"min_product,omitempty"`
	Common     json.RawMessage `json:"common"`
}

// productTerms is a language's entry in a file of bigramRuleProduct: its
// learning bodies and the number of them holding each common term.
type productTerms struct {
	Docs int            `json:"docs"`
	DF   map[string]int `json:"df"`
}

// newBigramVocab returns the vocabulary of a new index: nothing fixed, the
// present rule.
func newBigramVocab(path string) *bigramVocab {
	return &bigramVocab{path: path, common: map[string]*commonTerms{}, learning: map[string]*bigramLearner{},
		rule: bigramRule, minProduct: bigramMinProduct}
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
	switch {
	case rec.Rule == bigramRuleCommon:
	case rec.Rule == bigramRuleProduct && rec.MinProduct > 0 && rec.MinProduct <= 1:
	default:
		return nil, fmt.Errorf("open index %s: %s: bigram rule %d (min product %v): %w", dir, BigramsFile, rec.Rule, rec.MinProduct, ErrIncompatible)
	}
	v.rule, v.minProduct = rec.Rule, rec.MinProduct
	if err := v.readCommon(rec); err != nil {
		return nil, fmt.Errorf("open index %s: %s: %w: %v", dir, BigramsFile, ErrCorrupt, err)
	}
	return v, nil
}

// readCommon fills v.common from a file's Common by the file's rule.
func (v *bigramVocab) readCommon(rec bigramsRec) error {
	if len(rec.Common) == 0 {
		return nil // no language fixed yet
	}
	if v.rule == bigramRuleCommon {
		var common map[string][]string
		if err := json.Unmarshal(rec.Common, &common); err != nil {
			return err
		}
		for a, terms := range common {
			ct := &commonTerms{df: make(map[string]int, len(terms))}
			for _, t := range terms {
				ct.df[t] = 0
			}
			v.common[a] = ct
		}
		return nil
	}
	var common map[string]productTerms
	if err := json.Unmarshal(rec.Common, &common); err != nil {
		return err
	}
	for a, pt := range common {
		if pt.Docs <= 0 {
			return fmt.Errorf("%s: %d learning bodies", a, pt.Docs)
		}
		if pt.DF == nil {
			pt.DF = map[string]int{}
		}
		v.common[a] = &commonTerms{df: pt.DF, docs: pt.Docs}
	}
	return nil
}

// save writes the fixed sets (v.mu held).
func (v *bigramVocab) save() error {
	var common any
	if v.rule == bigramRuleProduct {
		pc := make(map[string]productTerms, len(v.common))
		for a, ct := range v.common {
			pc[a] = productTerms{Docs: ct.docs, DF: ct.df}
		}
		common = pc
	} else {
		cc := make(map[string][]string, len(v.common))
		for a, ct := range v.common {
			cc[a] = slices.Sorted(maps.Keys(ct.df))
		}
		common = cc
	}
	raw, err := json.Marshal(common)
	if err != nil {
		return err
	}
	rec := bigramsRec{Common: raw}
	if v.rule == bigramRuleProduct {
		rec.Rule, rec.MinProduct = v.rule, v.minProduct
	}
	if raw, err = json.Marshal(rec); err != nil {
		return err
	}
	return atomicfile.WriteFile(v.path, raw)
}

// commonSet returns analysis a's fixed common terms, nil while every bigram
// is indexed.
func (v *bigramVocab) commonSet(a string) *commonTerms {
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
func (v *bigramVocab) observe(a string, terms [][]byte) (*commonTerms, error) {
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
func (v *bigramVocab) fix(a string) (*commonTerms, error) {
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
func (v *bigramVocab) fixLocked(a string) (*commonTerms, error) {
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
	set := &commonTerms{df: make(map[string]int, len(cands)), docs: l.docs}
	for _, c := range cands {
		set.df[c.t] = c.n
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

// bodyKeep returns which body bigrams the index keeps for a language of
// common terms ct (nil: every bigram, while they are being learned).
func (v *bigramVocab) bodyKeep(ct *commonTerms) func(x, y []byte, gap int) bool {
	if ct == nil {
		return nil
	}
	if v.rule == bigramRuleCommon {
		return func(x, y []byte, _ int) bool {
			_, okx := ct.df[string(x)]
			_, oky := ct.df[string(y)]
			return okx && oky
		}
	}
	floor := v.minProduct * float64(ct.docs) * float64(ct.docs)
	return func(x, y []byte, gap int) bool {
		if gap != 1 {
			return false
		}
		nx, okx := ct.df[string(x)]
		ny, oky := ct.df[string(y)]
		return okx && oky && float64(nx)*float64(ny) >= floor
	}
}

// titleKeep returns which title bigrams the index keeps (nil: all).
func (v *bigramVocab) titleKeep() func(x, y []byte, gap int) bool {
	if v.rule == bigramRuleCommon {
		return nil
	}
	return titleBigrams
}

// usable returns which body bigrams of analysis a a phrase query may take
// its candidates from: those every document holding the two words next to
// each other is sure to hold. A bigram across removed words ("bank ~2
// england") is not one of them: Bleve's positional phrase query, whose
// hits the bigrams must only narrow, accepts any word in the gap, the
// bigram only removed ones.
func (v *bigramVocab) usable(a string) func(x, y []byte, gap int) bool {
	if v == nil {
		return titleBigrams
	}
	keep := v.bodyKeep(v.commonSet(a))
	return func(x, y []byte, gap int) bool { return gap == 1 && (keep == nil || keep(x, y, gap)) }
}

// titleBigrams are the title bigrams a phrase query may take its
// candidates from: every title bigram of neighbouring words is indexed
// (under either rule); those across removed words are not used (usable).
func titleBigrams(_, _ []byte, gap int) bool { return gap == 1 }

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
	fast := fasttoken.Analyzer(an) // the same tokens
	body := fast.Analyze([]byte(text))
	set := pm.vocab.commonSet(a)
	if set == nil { // still learning: count this body's terms
		if set, err = pm.vocab.observe(a, uniqueTerms(body)); err != nil {
			return false, err
		}
		held = pm.hold
	}
	if !held {
		if p := schema.JoinBigrams(body, pm.vocab.bodyKeep(set)); p != "" {
			f[schema.BigramsField(a)] = p
		}
		if pm.hold { // a Builder's: Bleve takes the tokens (preanalyzed.go)
			keepAnalyzed(f, schema.BodyField(a), an, body)
		}
	}
	tt := fast.Analyze([]byte(title))
	if p := schema.JoinBigrams(tt, pm.vocab.titleKeep()); p != "" {
		f[schema.TitleBigramsField(a)] = p
	}
	if pm.hold {
		keepAnalyzed(f, schema.TitleField(a), an, tt)
	}
	return held, nil
}

// bodyBigrams sets the body bigram field of a document of analysis a that add
// held back, keeping the bigrams of set (every bigram when nil).
func (pm *bigramMaker) bodyBigrams(f map[string]any, a string, set *commonTerms) error {
	an := pm.m.AnalyzerNamed(schema.AnalyzerName(a))
	if an == nil {
		return fmt.Errorf("no analyzer for %s", a)
	}
	text, _ := f[schema.BodyField(a)].(string)
	body := fasttoken.Analyzer(an).Analyze([]byte(text))
	if p := schema.JoinBigrams(body, pm.vocab.bodyKeep(set)); p != "" {
		f[schema.BigramsField(a)] = p
	}
	keepAnalyzed(f, schema.BodyField(a), an, body)
	return nil
}
