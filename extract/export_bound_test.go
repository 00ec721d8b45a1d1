package extract

import (
	readability "github.com/go-shiori/go-readability"
)

// ReadabilityMeasures parses a page as Extract does and returns the
// measure of the text Readability extracts from it (-1 when it extracts
// none) and readabilityBound of the page's body, which must not be less,
// both on the page as mainText gives it to them (pruneCleaned).
func ReadabilityMeasures(raw []byte, pageURL string) (text, bound int, err error) {
	p := &page{in: Input{URL: pageURL, HTML: raw}}
	if err := New(Options{}).parse(p); err != nil {
		return 0, 0, err
	}
	defer pruneCleaned(p.doc).restore()
	bound = readabilityBound(bodyOf(p.doc))
	art, err := readability.FromDocument(p.doc, p.base)
	if err != nil || art.Node == nil {
		return -1, bound, nil
	}
	return textMeasure(art.Node), bound, nil
}
