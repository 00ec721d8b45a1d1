// Package fasttoken splits text into words exactly as Bleve's unicode
// tokenizer (UAX #29 word boundaries, blevesearch/segment) does, token for
// token: the same terms (slices of the input), offsets, positions and
// types. It only does so faster: the words of plain ASCII are cut here, by
// the same rules, and only a run of text between ASCII spaces that holds
// another character goes through the segmenter, as it would have. The
// segmenter starts afresh for each token, so a run cut at ASCII white space
// (which no token holds, and which no token reaches across) is cut alike
// on its own. Input that is not valid UTF-8 goes to Bleve's tokenizer whole.
//
// Analyzer wraps an analyzer whose tokenizer is Bleve's unicode one so that
// it tokenizes here; its token filters are its own.
package fasttoken

import (
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/segment"
)

// Tokenize returns the token stream Bleve's unicode tokenizer returns for
// input.
func Tokenize(input []byte) analysis.TokenStream {
	if !utf8.Valid(input) {
		return unicode.NewUnicodeTokenizer().Tokenize(input)
	}
	t := tokenizer{input: input, pos: 1}
	t.block = make([]analysis.Token, 0, len(input)/5+8)
	t.out = make(analysis.TokenStream, 0, cap(t.block))
	for i := 0; i < len(input); {
		if isSpace(input[i]) {
			i++
			continue
		}
		end, ascii := i, true
		for end < len(input) && !isSpace(input[end]) {
			ascii = ascii && input[end] < utf8.RuneSelf
			end++
		}
		if ascii {
			t.ascii(i, end)
		} else {
			t.segment(i, end)
		}
		i = end
	}
	return t.out
}

// isSpace reports whether b is ASCII white space: a segment of its own
// (or, for CR LF, with the LF) that is never part of a word.
func isSpace(b byte) bool {
	switch b {
	case ' ', '\t', '\n', '\r', '\v', '\f':
		return true
	}
	return false
}

// tokenizer collects the tokens of one input.
type tokenizer struct {
	input []byte
	pos   int
	block []analysis.Token // the tokens point into it: never grown
	out   analysis.TokenStream
}

// emit adds the token input[start:end].
func (t *tokenizer) emit(start, end int, typ analysis.TokenType) {
	if len(t.block) == cap(t.block) {
		// As many again as the words so far suggest are left.
		left := (len(t.input) - start) * len(t.out) / max(start, 1)
		t.block = make([]analysis.Token, 0, min(max(left, 16), 1024))
	}
	t.block = append(t.block, analysis.Token{
		Term: t.input[start:end], Start: start, End: end, Position: t.pos, Type: typ,
	})
	t.out = append(t.out, &t.block[len(t.block)-1])
	t.pos++
}

// The word-break classes of ASCII characters (UAX #29) that words are
// made of.
const (
	other    = iota
	letter   // ALetter
	digit    // Numeric
	joiner   // ExtendNumLet: _
	midLet   // MidLetter: :
	midNum   // MidNum: , ;
	midBoth  // MidNumLet and Single_Quote: . '
	numClass // count
)

var classOf = func() (c [utf8.RuneSelf]uint8) {
	for b := 'a'; b <= 'z'; b++ {
		c[b], c[b-'a'+'A'] = letter, letter
	}
	for b := '0'; b <= '9'; b++ {
		c[b] = digit
	}
	c['_'], c[':'], c[','], c[';'], c['.'], c['\''] = joiner, midLet, midNum, midNum, midBoth, midBoth
	return c
}()

// ascii cuts the words of input[start:end], all ASCII and no space.
// Letters, digits and _ join in any order (WB5, WB8-10, WB13a-b); a
// MidLetter or MidNumLet between two letters (WB6-7) and a MidNum or
// MidNumLet between two digits (WB11-12) join too. A word without a
// letter but with a digit is a number, as the segmenter's longest match
// prefers its numeric rule on a tie; any other word, _ alone too, is
// alphanumeric. Other characters are segments of their own, not tokens.
func (t *tokenizer) ascii(start, end int) {
	in := t.input
	for i := start; i < end; {
		c := classOf[in[i]]
		if c != letter && c != digit && c != joiner {
			i++
			continue
		}
		j, letters, digits := i, false, false
	word:
		for ; j < end; j++ {
			switch classOf[in[j]] {
			case letter:
				letters = true
			case digit:
				digits = true
			case joiner:
			default:
				if !joins(in, j, end) {
					break word
				}
				// the mid character; the next is a letter or digit
			}
		}
		typ := analysis.AlphaNumeric
		if digits && !letters {
			typ = analysis.Numeric
		}
		t.emit(i, j, typ)
		i = j
	}
}

// joins reports whether the mid character at in[j] (j > start of its word)
// joins the characters either side of it.
func joins(in []byte, j, end int) bool {
	if j+1 >= end {
		return false
	}
	prev, next := classOf[in[j-1]], classOf[in[j+1]]
	switch classOf[in[j]] {
	case midLet:
		return prev == letter && next == letter
	case midNum:
		return prev == digit && next == digit
	case midBoth:
		return prev == next && (prev == letter || prev == digit)
	}
	return false
}

// segment cuts the words of input[start:end] with the segmenter, as
// Bleve's tokenizer does; terms are slices of the whole input, as there.
func (t *tokenizer) segment(start, end int) {
	s := segment.NewWordSegmenterDirect(t.input[start:end])
	at := start
	for s.Segment() {
		n := len(s.Bytes())
		if typ := s.Type(); typ != segment.None {
			t.emit(at, at+n, tokenType(typ))
		}
		at += n
	}
}

// tokenType is Bleve's type of a segment of type typ.
func tokenType(typ int) analysis.TokenType {
	switch typ {
	case segment.Ideo, segment.Kana:
		return analysis.Ideographic
	case segment.Number:
		return analysis.Numeric
	}
	return analysis.AlphaNumeric
}

// fastAnalyzer is an analyzer of Bleve's unicode tokenizer and no char
// filter, tokenizing with Tokenize.
type fastAnalyzer struct {
	*analysis.DefaultAnalyzer
}

// Analyze implements analysis.Analyzer.
func (a fastAnalyzer) Analyze(input []byte) analysis.TokenStream {
	tokens := Tokenize(input)
	for _, f := range a.TokenFilters {
		tokens = f.Filter(tokens)
	}
	return tokens
}

// Analyzer returns an analyzer making the same tokens as an: one that
// tokenizes with Tokenize when an is Bleve's analyzer of its unicode
// tokenizer without char filters, else an itself.
func Analyzer(an analysis.Analyzer) analysis.Analyzer {
	d, ok := an.(*analysis.DefaultAnalyzer)
	if !ok || len(d.CharFilters) > 0 {
		return an
	}
	if _, ok := d.Tokenizer.(*unicode.UnicodeTokenizer); !ok {
		return an
	}
	return fastAnalyzer{d}
}
