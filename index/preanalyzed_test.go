package index

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/blevesearch/bleve/v2/document"
	bindex "github.com/blevesearch/bleve_index_api"

	"github.com/syndex/syndex/index/schema"
)

// TestPreAnalyzed checks that a Builder's documents, analysed once,
// index exactly what Bleve's own analysis gives (every field's length and
// term frequencies, positions and offsets included), and that the
// builders' mapping saves the index's mapping unchanged.
func TestPreAnalyzed(t *testing.T) {
	m, err := schema.NewMapping()
	must(t, err)
	want, err := json.Marshal(m)
	must(t, err)
	got, err := json.Marshal(builderMapping{m})
	must(t, err)
	if string(got) != string(want) {
		t.Fatalf("builder mapping saves another mapping:\n%s\n%s", got, want)
	}
	docs := append(fixture(), genDoc(1), genDoc(2))
	for _, d := range docs {
		// Common terms fixed (none), so that neither holds the body back.
		v := newBigramVocab("")
		v.common[schema.AnalysisFor(schema.NormalizeLang(d.Original.Lang))] = &commonTerms{df: map[string]int{}, docs: 1}
		plain, _, err := d.fields(&bigramMaker{m: m, vocab: v})
		must(t, err)
		pre, _, err := d.fields(&bigramMaker{m: m, vocab: v, hold: true})
		must(t, err)
		if _, ok := pre[fieldAnalyzed]; !ok {
			t.Fatalf("%s: a Builder's document carries no token streams", d.Cluster)
		}
		a, b := document.NewDocument("x"), document.NewDocument("x")
		must(t, m.MapDocument(a, plain))
		must(t, builderMapping{m}.MapDocument(b, pre))
		if _, ok := pre[fieldAnalyzed]; ok {
			t.Errorf("%s: token streams left in the map", d.Cluster)
		}
		analyse := func(doc *document.Document) map[string][]any {
			out := map[string][]any{}
			doc.VisitFields(func(f bindex.Field) {
				f.Analyze()
				out[f.Name()] = append(out[f.Name()], f.AnalyzedLength(), f.AnalyzedTokenFrequencies())
			})
			return out
		}
		fa, fb := analyse(a), analyse(b)
		reused := 0
		for _, fl := range b.Fields {
			if tf, ok := fl.(*document.TextField); ok {
				if _, ok := tf.Analyzer().(analyzedField); ok {
					reused++
				}
			}
		}
		if reused == 0 {
			t.Errorf("%s: no field took its token stream", d.Cluster)
		}
		if len(fa) != len(fb) {
			t.Errorf("%s: %d fields analysed once, %d by Bleve", d.Cluster, len(fb), len(fa))
		}
		for name, x := range fa {
			if !reflect.DeepEqual(x, fb[name]) {
				t.Errorf("%s: field %s analysed once differs from Bleve's analysis", d.Cluster, name)
			}
		}
	}
}
