package index

import (
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/mapping"

	"github.com/syndex/syndex/index/fasttoken"
)

// A Builder's documents are analysed once. Their title and body go through
// the language analyzer when their bigrams are made (bigramMaker.add), and
// Bleve would analyse them again when it indexes the document: about a
// twentieth of a build's CPU on news text. So a Builder's bigramMaker keeps
// the token streams in the document's map under fieldAnalyzed, and the
// builders' mapping (builderMapping) hands them to the title and body
// fields in place of their analyzer. The tokens are the analyzer's own on
// the same text, so the index is the same.

// fieldAnalyzed is the key of a document map's token streams: never a
// field of the mapping (no field name holds a NUL).
const fieldAnalyzed = "\x00analyzed"

// analyzedFields are a document's token streams by field name, each with
// the analyzer that made it.
type analyzedFields map[string]analyzedField

type analyzedField struct {
	an     analysis.Analyzer
	tokens analysis.TokenStream
}

// Analyze implements analysis.Analyzer: the stream made before.
func (a analyzedField) Analyze([]byte) analysis.TokenStream { return a.tokens }

// keepAnalyzed records in f the tokens an made of field's text.
func keepAnalyzed(f map[string]any, field string, an analysis.Analyzer, tokens analysis.TokenStream) {
	af, _ := f[fieldAnalyzed].(analyzedFields)
	if af == nil {
		af = analyzedFields{}
		f[fieldAnalyzed] = af
	}
	af[field] = analyzedField{an: an, tokens: tokens}
}

// builderMapping is the mapping a Builder's shards index with: the index's
// own (the same JSON is saved in the index), whose documents take the
// token streams their map carries.
type builderMapping struct {
	*mapping.IndexMappingImpl
}

// MapDocument implements mapping.IndexMapping.
func (m builderMapping) MapDocument(doc *document.Document, data any) error {
	if _, ok := data.(placeholder); ok {
		return nil // no field (segmentsize.go)
	}
	f, _ := data.(map[string]any)
	af, _ := f[fieldAnalyzed].(analyzedFields)
	if af != nil {
		delete(f, fieldAnalyzed)
	}
	if err := m.IndexMappingImpl.MapDocument(doc, data); err != nil {
		return err
	}
	for i, fl := range doc.Fields {
		tf, ok := fl.(*document.TextField)
		if !ok || tf.Analyzer() == nil {
			continue
		}
		// The stream only where the mapping gives the field the analyzer
		// that made it; the other text fields (the copies' titles and
		// texts) tokenize faster to the same tokens (fasttoken).
		an, fast := analysis.Analyzer(nil), fasttoken.Analyzer(tf.Analyzer())
		if a, ok := af[tf.Name()]; ok && tf.Analyzer() == a.an && len(tf.ArrayPositions()) == 0 {
			an = a
		} else if fast != tf.Analyzer() {
			an = fast
		}
		if an != nil {
			doc.Fields[i] = document.NewTextFieldCustom(tf.Name(), tf.ArrayPositions(), tf.Value(), tf.Options(), an)
		}
	}
	return nil
}
