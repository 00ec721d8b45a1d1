// Package schema is the layout of the search index's documents: the
// field names, the analysis of each language (which Bleve analyzer, or a
// stop-word and elision chain built here, reads title_<lang> and
// body_<lang>), the bigram fields and their tokenizer (bigrams.go), and
// the Bleve mapping built from them (NewMapping, MappingVersion). Building,
// querying and searching the index are package index's.
package schema

import (
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/standard"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/mapping"

	// Language analyzers and the stop/elision filters the custom analyzers
	// below are built from; importing registers them with Bleve.
	_ "github.com/blevesearch/bleve/v2/analysis/lang/ar"
	"github.com/blevesearch/bleve/v2/analysis/lang/bg"
	"github.com/blevesearch/bleve/v2/analysis/lang/ca"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/cjk"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/ckb"
	"github.com/blevesearch/bleve/v2/analysis/lang/cs"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/da"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/de"
	"github.com/blevesearch/bleve/v2/analysis/lang/el"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/en"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/es"
	"github.com/blevesearch/bleve/v2/analysis/lang/eu"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/fa"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/fi"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/fr"
	"github.com/blevesearch/bleve/v2/analysis/lang/ga"
	"github.com/blevesearch/bleve/v2/analysis/lang/gl"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/hi"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/hr"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/hu"
	"github.com/blevesearch/bleve/v2/analysis/lang/hy"
	"github.com/blevesearch/bleve/v2/analysis/lang/id"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/it"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/nl"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/no"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/pt"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/ro"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/ru"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/sv"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/tr"
)

// MappingVersion identifies the field and shard layout this build writes. An index
// built with another version is refused with ErrIncompatible so the caller
// rebuilds it from the store.
const MappingVersion = "syndex-index-7"

// Field names of the cluster document. The analysed text lives in a title and a body
// field per analysis language (title_en, body_en, …; title_std, body_std for
// languages without an analyzer); queries on "title", "body" or no field are
// expanded over the languages present.
const (
	FieldCluster   = "cluster"   // keyword: cluster id (also the document id)
	FieldSite      = "site"      // keyword: the original's site
	FieldSites     = "sites"     // keyword: every site carrying the story
	FieldRole      = "role"      // keyword: original or unique
	FieldLang      = "lang"      // keyword: normalised language code
	FieldAuthor    = "author"    // keyword: the original's author
	FieldYear      = "year"      // keyword: year of publication, for facets
	FieldPublished = "published" // datetime: the original's publication date
	FieldFetched   = "fetched"   // datetime: when the original was first seen
	FieldCopies    = "copies"    // numeric: number of copies
	FieldNoIndex   = "noindex"   // keyword: "any" when a page of the story is marked noindex, and "all" when every one is
	FieldMeta      = "meta"      // stored only: display data as JSON
	FieldTitle     = "title"     // prefix of the per-language title fields
	FieldBody      = "body"      // prefix of the per-language body fields
)

// TitleBoost weights a title match over a body match.
const TitleBoost = 3.0

// FallbackAnalysis names the field suffix for languages without an analyzer.
const FallbackAnalysis = "std"

// builtinAnalyzers are Bleve's own language analyzers, named by language
// code.
var builtinAnalyzers = []string{
	"ar", "cjk", "ckb", "da", "de", "en", "es", "fa", "fi", "fr", "hi", "hr",
	"hu", "it", "nl", "no", "pt", "ro", "ru", "sv", "tr",
}

// stopOnly are languages for which Bleve ships stop words (and, for ca and
// ga, elision) but no analyzer; we assemble one: unicode tokens, lower
// case, then these filters.
var stopOnly = map[string][]string{
	"bg": {bg.StopName},
	"ca": {ca.ElisionName, ca.StopName},
	"cs": {cs.StopName},
	"el": {el.StopName},
	"eu": {eu.StopName},
	"ga": {ga.ElisionName, ga.StopName},
	"gl": {gl.StopName},
	"hy": {hy.StopName},
	"id": {id.StopName},
}

// langAliases maps language codes that share an analyzer, or older and
// three-letter codes, onto the analysis name.
var langAliases = map[string]string{
	"zh": "cjk", "ja": "cjk", "ko": "cjk", "nb": "no", "nn": "no", "in": "id",
	"eng": "en", "fra": "fr", "fre": "fr", "deu": "de", "ger": "de", "ara": "ar",
	"rus": "ru", "spa": "es", "ita": "it", "por": "pt", "nld": "nl", "dut": "nl",
	"zho": "cjk", "chi": "cjk", "jpn": "cjk", "kor": "cjk", "tur": "tr",
	"swe": "sv", "fas": "fa", "per": "fa", "hin": "hi",
	// Polish (pl) is left to the standard analyzer: its stemmer needs the
	// stempel module, which is not among our pinned dependencies.
}

// analysisNames lists every field suffix the mapping defines.
func analysisNames() []string {
	names := append([]string{FallbackAnalysis}, builtinAnalyzers...)
	for l := range stopOnly {
		names = append(names, l)
	}
	return names
}

var KnownAnalysis = func() map[string]bool {
	m := map[string]bool{}
	for _, n := range analysisNames() {
		m[n] = true
	}
	return m
}()

// NormalizeLang reduces a language tag ("en-GB", "FR", "pt_BR") to the
// lower-case primary subtag stored in the lang field.
func NormalizeLang(tag string) string {
	tag = strings.ToLower(strings.TrimSpace(tag))
	if i := strings.IndexAny(tag, "-_"); i >= 0 {
		tag = tag[:i]
	}
	return tag
}

// AnalysisFor picks the field suffix (and so the analyzer) for a language
// tag: the language's analyzer when Bleve has one, else the standard one.
func AnalysisFor(tag string) string {
	l := NormalizeLang(tag)
	if a, ok := langAliases[l]; ok {
		l = a
	}
	if l != FallbackAnalysis && KnownAnalysis[l] {
		return l
	}
	return FallbackAnalysis
}

func AnalyzerName(analysis string) string {
	switch {
	case analysis == FallbackAnalysis:
		return standard.Name
	case stopOnly[analysis] != nil:
		return "syndex_" + analysis
	default:
		return analysis
	}
}

func TitleField(analysis string) string { return FieldTitle + "_" + analysis }
func BodyField(analysis string) string  { return FieldBody + "_" + analysis }

// NewMapping returns the explicit index mapping: nothing dynamic, no _all
// field (queries are expanded over the per-language fields instead, which
// costs far less than indexing every text twice).
func NewMapping() (*mapping.IndexMappingImpl, error) {
	im := bleve.NewIndexMapping()
	im.DefaultAnalyzer = standard.Name
	im.StoreDynamic = false
	im.IndexDynamic = false
	im.DocValuesDynamic = false
	for l, filters := range stopOnly {
		err := im.AddCustomAnalyzer(AnalyzerName(l), map[string]any{
			"type":          custom.Name,
			"tokenizer":     unicode.Name,
			"token_filters": append([]string{lowercase.Name}, filters...),
		})
		if err != nil {
			return nil, err
		}
	}

	dm := bleve.NewDocumentStaticMapping()
	keywordField := func(docValues bool) *mapping.FieldMapping {
		f := bleve.NewKeywordFieldMapping()
		f.Analyzer = keyword.Name
		f.Store = false
		f.IncludeInAll = false
		f.IncludeTermVectors = false
		f.DocValues = docValues
		return f
	}
	dm.AddFieldMappingsAt(FieldCluster, keywordField(true)) // doc values: the date order's tie-break
	dm.AddFieldMappingsAt(FieldSite, keywordField(false))
	dm.AddFieldMappingsAt(FieldSites, keywordField(true))
	dm.AddFieldMappingsAt(FieldRole, keywordField(false))
	dm.AddFieldMappingsAt(FieldLang, keywordField(true))
	dm.AddFieldMappingsAt(FieldAuthor, keywordField(false))
	dm.AddFieldMappingsAt(FieldNoIndex, keywordField(false))
	dm.AddFieldMappingsAt(FieldYear, keywordField(true))
	dm.AddFieldMappingsAt(FieldDay, keywordField(true))      // histogram.go
	dm.AddFieldMappingsAt(FieldCopyDays, keywordField(true)) // histogram.go
	for _, name := range []string{FieldPublished, FieldFetched} {
		f := bleve.NewDateTimeFieldMapping()
		f.Store = false
		f.IncludeInAll = false
		f.DocValues = true
		dm.AddFieldMappingsAt(name, f)
	}
	copies := bleve.NewNumericFieldMapping()
	copies.Store = false
	copies.IncludeInAll = false
	copies.DocValues = true
	dm.AddFieldMappingsAt(FieldCopies, copies)

	meta := bleve.NewTextFieldMapping()
	meta.Index = false
	meta.Store = true
	meta.IncludeInAll = false
	meta.IncludeTermVectors = false
	meta.DocValues = false
	dm.AddFieldMappingsAt(FieldMeta, meta)

	if err := im.AddCustomAnalyzer(bigramListAnalyzer, map[string]any{
		"type": custom.Name, "tokenizer": bigramSplitTokenizer, "token_filters": []string{},
	}); err != nil {
		return nil, err
	}
	for _, a := range analysisNames() {
		p := bleve.NewTextFieldMapping()
		p.Analyzer = bigramListAnalyzer
		p.Store = false
		p.IncludeInAll = false
		p.IncludeTermVectors = false // a filter for phrases: no positions
		p.DocValues = false
		dm.AddFieldMappingsAt(BigramsField(a), p)
		tp := *p
		dm.AddFieldMappingsAt(TitleBigramsField(a), &tp)

		// Term vectors (positions) are what phrase queries and
		// highlighting need; the body is stored for snippets only.
		t := bleve.NewTextFieldMapping()
		t.Analyzer = AnalyzerName(a)
		t.Store = false
		t.IncludeInAll = false
		t.IncludeTermVectors = true
		t.DocValues = false
		dm.AddFieldMappingsAt(TitleField(a), t)

		b := bleve.NewTextFieldMapping()
		b.Analyzer = AnalyzerName(a)
		b.Store = true
		b.IncludeInAll = false
		b.IncludeTermVectors = true
		b.DocValues = false
		dm.AddFieldMappingsAt(BodyField(a), b)

		// The copies' own titles and added text (copytext.go): stored,
		// with positions, for snippets and phrases.
		ct := *b
		dm.AddFieldMappingsAt(CopyTitleField(a), &ct)
		cb := *b
		dm.AddFieldMappingsAt(CopyBodyField(a), &cb)
	}
	im.DefaultMapping = dm
	if err := im.Validate(); err != nil {
		return nil, err
	}
	return im, nil
}

// Copy field prefixes.
const (
	FieldCopyTitle = "ctitle"
	FieldCopyBody  = "cbody"
)

// CopyTitleField and copyBodyField name the fields of the text copies add
// (see package index's copy text).
func CopyTitleField(analysis string) string { return FieldCopyTitle + "_" + analysis }
func CopyBodyField(analysis string) string  { return FieldCopyBody + "_" + analysis }

// Histogram field names.
const (
	FieldDay      = "day"   // keyword: the original's day, 2006-01-02 (UTC)
	FieldCopyDays = "cdays" // keyword: "day#n", n copies of the story that day
)
