package dedup

import (
	"slices"
	"unicode/utf8"

	"github.com/syndex/syndex/dedup/shingle"
)

// Sentence alignment. A newspaper's rewrite of agency copy rephrases
// each sentence it keeps, so the two share few runs of three words, yet
// each of the rewrite's sentences still spells much of itself like one
// sentence of the source: the same names, figures and word stems, in a
// new order and with new endings. An independent report of the same
// event shares names and figures too, but spread over sentences that
// each say something else. So a later article is a rewrite of an earlier
// one when cfg.Align of its text stands in sentences aligned to one
// sentence of the earlier text: at least alignSentence of the sentence's
// character 4-grams (letters and digits of the folded text, spaces
// dropped, so joined and split words meet) in that one sentence of the
// source (isAligned says when the rule applies).
//
// What the clusterer keeps of a text for this is its sentence sketch: for
// each sentence, in order, the number of grams kept, then the grams as
// 16-bit hashes, sorted and distinct. One gram in alignSample is kept (by
// hash), and only the first alignRunes letters and digits of the text are
// read: a rewrite condenses the top of a story, and the sketch stays
// small whatever the article's length (at most alignRunes/alignSample
// grams and one count per sentence: 140 bytes or so).
const (
	alignGram     = 4     // characters per gram
	alignSample   = 8     // one gram in alignSample kept
	alignRunes    = 512   // letters and digits read
	alignSentence = 0.3   // share of a sentence's grams in one source sentence
	alignMinGrams = 2     // sentences with fewer kept grams count for nothing
	alignDays     = 7     // the most days a rewrite follows its source by
	alignDay      = 86400 // seconds
	// A gram in more than alignCommonMin articles and 1/alignCommonDiv
	// of the dated articles is common (gramTable).
	alignCommonMin = 5
	alignCommonDiv = 10
)

// sentenceSketch returns the sentence sketch of text (see above); nil
// when no sentence keeps a gram. It is built on the stack and copied out
// at its exact size: one allocation.
func sentenceSketch(text string) []uint16 {
	var buf [2 * alignRunes]uint16 // a count and a gram per letter at most
	out := buf[:0]
	var key uint64
	n, runes, start := 0, 0, -1
	prevDigit := false
	for i, r := range text {
		f := gramRune(text, i, r, prevDigit)
		if f == sentenceBreak {
			out = endSentence(out, start)
			start, n = -1, 0
		}
		if prevDigit = f >= '0' && f <= '9'; f < 0 {
			continue
		}
		if runes++; runes > alignRunes {
			break
		}
		key = key<<16 | uint64(uint16(f)^uint16(f>>16))
		if n++; n < alignGram || (key*0xd6e8feb86659fd93)>>58%alignSample != 0 {
			continue
		}
		if start < 0 {
			start = len(out)
			out = append(out, 0)
		}
		out = append(out, uint16((key*0x9e3779b97f4a7c15)>>48))
	}
	out = endSentence(out, start)
	if len(out) == 0 {
		return nil
	}
	return append([]uint16(nil), out...)
}

// endSentence closes the sentence whose count stands at out[start] (none
// when start < 0): its grams sorted and made distinct, the count set.
func endSentence(out []uint16, start int) []uint16 {
	if start < 0 {
		return out
	}
	s := out[start+1:]
	slices.Sort(s)
	s = slices.Compact(s)
	out[start] = uint16(len(s))
	return out[:start+1+len(s)]
}

// sentenceBreak is what gramRune returns for a rune that ends a sentence.
const sentenceBreak = -2

// gramRune returns r, at byte i of text, as the grams of the sentence
// sketch and of the whole-text alignment read it: folded to lower case
// without marks, -1 when it is not part of a word (punctuation, space),
// sentenceBreak when it ends a sentence. prevDigit says whether the rune
// before was a digit (a full stop between digits is a decimal point).
func gramRune(text string, i int, r rune, prevDigit bool) rune {
	switch {
	case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
		return r
	case r >= 'A' && r <= 'Z':
		return r + 'a' - 'A'
	case sentenceEnd(text, i, r, prevDigit):
		return sentenceBreak
	case r < utf8.RuneSelf:
		return -1
	}
	return max(shingle.FoldRune(r), -1)
}

// sentenceEnd reports whether r, at byte i of text, ends a sentence: a
// full stop of the Latin or Arabic script (not a decimal point between
// two digits), a question or exclamation mark, a line break.
func sentenceEnd(text string, i int, r rune, prevDigit bool) bool {
	switch r {
	case '۔', '؟', '?', '!', '\n', '。', '！', '？':
		return true
	case '.':
		next, _ := utf8.DecodeRuneInString(text[i+1:])
		return !prevDigit || next < '0' || next > '9'
	}
	return false
}

// validSketch reports whether s is a well-formed sentence sketch: each
// count followed by that many grams, none 0 (a checkpoint may be damaged).
func validSketch(s []uint16) bool {
	for len(s) > 0 {
		n := int(s[0])
		if n == 0 || n >= len(s) {
			return false
		}
		s = s[1+n:]
	}
	return true
}

// gramTable counts, per gram hash, the dated articles whose sketch holds
// it: a gram most texts hold (the spelling of function words, "tion",
// the day's names and datelines in a corpus of one event) says nothing
// about where a sentence came from, and is left out of the alignment.
type gramTable struct {
	docs  int
	count [1 << 16]uint32
}

// add counts (sign 1) or uncounts (-1) the distinct grams of a sketch.
func (g *gramTable) add(sk []uint16, sign int) {
	if len(sk) == 0 {
		return
	}
	var buf [2 * alignRunes]uint16
	hs := buf[:0]
	for len(sk) > 0 {
		n := int(sk[0])
		hs = append(hs, sk[1:1+n]...)
		sk = sk[1+n:]
	}
	slices.Sort(hs)
	g.docs += sign
	for _, h := range slices.Compact(hs) {
		g.count[h] = uint32(int(g.count[h]) + sign)
	}
}

// limit is the most articles a gram may be in and still count.
func (g *gramTable) limit() uint32 {
	return uint32(max(alignCommonMin, g.docs/alignCommonDiv))
}

// grams returns the clusterer's gram table, counting every live article's
// sketch the first time (a new clusterer, or one read from a checkpoint).
func (ix *Clusterer) grams() *gramTable {
	if ix.gramDF == nil {
		ix.gramDF = new(gramTable)
		for i := range ix.docs {
			if !ix.docs[i].dead {
				ix.gramDF.add(ix.docs[i].sents, 1)
			}
		}
	}
	return ix.gramDF
}

// alignedShare returns the share of der's grams that stand in sentences
// with at least alignSentence of their grams in one sentence of src (both
// sentence sketches), counting only the grams g does not find common
// (none when g is nil).
func alignedShare(der, src []uint16, g *gramTable) float64 {
	total, hit := 0, 0
	var keep [2 * alignRunes]uint16
	limit := uint32(1<<32 - 1)
	if g != nil {
		limit = g.limit()
	}
	for len(der) > 0 {
		sent := g.keptGrams(keep[:0], der[1:1+int(der[0])], limit)
		der = der[1+int(der[0]):]
		n := len(sent)
		if n < alignMinGrams {
			continue
		}
		total += n
		if sentenceIn(sent, src) {
			hit += n
		}
	}
	if total == 0 {
		return 0
	}
	return float64(hit) / float64(total)
}

// keptGrams appends to dst the grams of sent that are no more common
// than limit (all of them when g is nil).
func (g *gramTable) keptGrams(dst, sent []uint16, limit uint32) []uint16 {
	for _, h := range sent {
		if g == nil || g.count[h] <= limit {
			dst = append(dst, h)
		}
	}
	return dst
}

// sentenceIn reports whether some sentence of src (length-prefixed
// grams) holds alignSentence of sent's grams.
func sentenceIn(sent, src []uint16) bool {
	need := max(1, int(alignSentence*float64(len(sent))+0.999999))
	for s := src; len(s) > 0; {
		m := int(s[0])
		if m >= need && Shared(sent, s[1:1+m]) >= need {
			return true
		}
		s = s[1+m:]
	}
	return false
}

// isAligned reports whether, of articles a and b (verified as m), the one
// published later is a rewrite of the earlier by sentence alignment (see
// above). It needs a cleaned feature in common (a sketch is of the whole
// text: what two articles share only in boilerplate or a recurring
// passage does not make them copies), and the later article must not be
// the original of copies of its own. It applies across sites only (an outlet's follow-up of its own story
// repeats its background sentences, and is a new story), to a later
// article published at most alignDays after the earlier (a rewrite of
// agency copy is news: it follows within days), and, as the rewrite rule,
// by publication dates alone.
func (ix *Clusterer) isAligned(m match, a, b uint32) bool {
	if ix.cfg.Align <= 0 || m.inter == 0 {
		return false
	}
	later, earlier := a, b
	switch {
	case ix.publishedBefore(b, a):
	case ix.publishedBefore(a, b):
		later, earlier = b, a
	default:
		return false
	}
	if ix.originalOfCopies(later) {
		// The later article is the original of copies of its own, which
		// hold its text, not the earlier one's: a rewrite, the weakest
		// link, does not take it from them.
		return false
	}
	dl, de := &ix.docs[later], &ix.docs[earlier]
	if !alignable(dl, de) {
		return false
	}
	return alignedShare(dl.sents, de.sents, ix.grams()) >= ix.cfg.Align
}

// alignable reports whether later may be a rewrite of earlier that the
// alignment rule looks at: of another site, within alignDays, both with
// a sentence sketch.
func alignable(later, earlier *doc) bool {
	return later.site != earlier.site && later.published-earlier.published <= alignDays*alignDay &&
		len(later.sents) != 0 && len(earlier.sents) != 0
}

// originalOfCopies reports whether document di is the original of a
// cluster with copies.
func (ix *Clusterer) originalOfCopies(di uint32) bool {
	c := ix.docs[di].cluster
	return c != noCluster && ix.clusters[c].original == di && len(ix.clusters[c].members) > 1
}

// AlignedShare returns the share of text later that stands in sentences
// aligned to one sentence of text earlier, as the alignment rule measures
// it (on the texts' sentence sketches). For diagnostics.
func AlignedShare(later, earlier string) float64 {
	return alignedShare(sentenceSketch(later), sentenceSketch(earlier), nil)
}
