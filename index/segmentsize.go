package index

import (
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/document"
	bindex "github.com/blevesearch/bleve_index_api"

	"github.com/syndex/syndex/index/schema"
)

// A Builder's segments are cut by size as well as by count. Bleve's
// offline builder writes a segment when it holds builderBatch documents,
// whatever their size, and the count that suits short texts does not suit
// long ones: segments of 100 short generated articles halved the segments
// a 20,000-article import writes and merges (merged in one pass instead
// of two), while 100 long real pages took the final merges of a
// 27,000-page web archive import above its memory bound. So a segment is
// also closed once its documents' text reaches builderSegmentBytes
// (segmentFill.add): Bleve offers no call for that, so the batch is
// completed with placeholders, empty documents that our segment format
// leaves out of the segment it writes (dropPlaceholders).

// placeholderPrefix starts the ids of placeholders: not valid UTF-8, so
// never the id of a stored article (archive.Check) nor of a cluster, and
// a placeholder cannot take the place of a document in Bleve's batch.
const placeholderPrefix = "\xffsegment-end-"

// placeholder is the data of a placeholder document (builderMapping maps
// it to a document of no field).
type placeholder struct{}

// segmentFill follows the segment a shard's builder is filling.
type segmentFill struct {
	docs, bytes int
}

// add counts a document of size bytes just handed to bb, and closes the
// segment with placeholders when it is full by size.
func (s *segmentFill) add(bb bleve.Builder, size int) error {
	s.docs++
	s.bytes += size
	switch {
	case s.docs >= builderBatch: // Bleve wrote the segment
	case s.bytes >= builderSegmentBytes:
		for n := s.docs; n < builderBatch; n++ {
			if err := bb.Index(placeholderPrefix+strconv.Itoa(n), placeholder{}); err != nil {
				return err
			}
		}
	default:
		return nil
	}
	*s = segmentFill{}
	return nil
}

// textBytes is the size of the text of f, a document of analysis a: the
// title and body of its original as indexed.
func textBytes(f map[string]any, a string) int {
	t, _ := f[schema.TitleField(a)].(string)
	body, _ := f[schema.BodyField(a)].(string)
	return len(t) + len(body)
}

// isPlaceholder reports whether d is a placeholder: its id says so and it
// has no field but its id.
func isPlaceholder(d bindex.Document) bool {
	if !strings.HasPrefix(d.ID(), placeholderPrefix) {
		return false
	}
	doc, ok := d.(*document.Document)
	if !ok {
		return false
	}
	for _, f := range doc.Fields {
		if f.Name() != "_id" {
			return false
		}
	}
	return len(doc.CompositeFields) == 0
}

// placeholdersDropped counts the placeholders left out (for tests).
var placeholdersDropped atomic.Int64

// dropPlaceholders removes the placeholders from docs, in place.
func dropPlaceholders(docs []bindex.Document) []bindex.Document {
	out := docs[:0]
	for _, d := range docs {
		if !isPlaceholder(d) {
			out = append(out, d)
		}
	}
	if n := len(docs) - len(out); n > 0 {
		placeholdersDropped.Add(int64(n))
	}
	return out
}
