// Package shingle turns a text into the feature set dedup compares:
// normalised words (Fold: NFKC, case folding, script variants, digits,
// quotes and dashes unified), hashed, joined into k-word shingles and
// sampled by hash (Of, Shingler), with the shingles inside quotation marks
// kept apart. Comparing the sets and deciding is package dedup's.
package shingle

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/cespare/xxhash/v2"
	"golang.org/x/text/unicode/norm"
)

// needsNFKC reports whether NFKC might change s. It is false when every
// rune of s is ASCII or has no NFKC decomposition and cannot combine with
// what precedes it (the Unicode quick check answers Yes for each, so s is
// in NFKC); most texts with curly quotes or dashes skip the normaliser.
func needsNFKC(s string) bool {
	i := 0
	for i < len(s) {
		for i+8 <= len(s) {
			w := uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
				uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
			if w&0x8080808080808080 != 0 {
				break
			}
			i += 8
		}
		if i == len(s) {
			break
		}
		if s[i] < utf8.RuneSelf {
			i++
			continue
		}
		n, stable := nfkcStable(s[i:])
		if !stable {
			return true
		}
		i += n
	}
	return false
}

// nfkcStable reports whether the rune s starts with (not ASCII) is one
// NFKC keeps as it stands (a boundary before it, no decomposition), and
// returns its size; invalid UTF-8 is not: the normaliser decides.
func nfkcStable(s string) (int, bool) {
	p := norm.NFKC.PropertiesString(s)
	if p.Size() == 0 || !p.BoundaryBefore() || p.Decomposition() != nil {
		return 0, false
	}
	if _, n := utf8.DecodeRuneInString(s); n != p.Size() || n == 1 {
		return 0, false
	}
	return p.Size(), true
}

// FoldRune maps r to the form words are compared in: lower case, with
// variant letters of the Arabic script and non-ASCII digits unified. It
// returns -1 for a rune that is dropped inside a word (apostrophes,
// combining marks, tatweel) and -2 for a separator.
func FoldRune(r rune) rune {
	switch r {
	case '\'', '’', '‘', 'ʼ', '′', '`', '´':
		return -1 // "don’t" and "don't" and "dont" are one word
	case 'ـ', '\u200c', '\u200d', '\u00ad': // tatweel, ZWNJ, ZWJ, soft hyphen
		return -1
	case 'ي', 'ى', 'ې': // Arabic yeh variants -> Farsi/Urdu yeh
		return 'ی'
	case 'ك': // Arabic kaf -> keheh
		return 'ک'
	case 'ە', 'ۀ', 'ة':
		return 'ہ'
	}
	if unicode.Is(unicode.Mn, r) {
		return -1
	}
	if unicode.IsLetter(r) {
		return unicode.ToLower(r)
	}
	if unicode.IsDigit(r) {
		if d := digitValue(r); d >= 0 {
			return '0' + rune(d)
		}
		return r
	}
	return -2
}

// digitValue returns the value of a decimal digit from the common scripts.
func digitValue(r rune) int {
	for _, zero := range [...]rune{'0', '٠', '۰', '०', '০', '０'} {
		if r >= zero && r <= zero+9 {
			return int(r - zero)
		}
	}
	return -1
}

const (
	asciiSep  = 0    // ends a word
	asciiDrop = 0xff // dropped inside a word (apostrophes)
)

// asciiFold maps each ASCII byte to its folded letter or digit, asciiSep or
// asciiDrop.
var asciiFold = func() (t [utf8.RuneSelf]byte) {
	for c := range t {
		switch b := byte(c); {
		case b >= 'a' && b <= 'z', b >= '0' && b <= '9':
			t[c] = b
		case b >= 'A' && b <= 'Z':
			t[c] = b + 'a' - 'A'
		case b == '\'' || b == '`':
			t[c] = asciiDrop
		}
	}
	return t
}()

// Words calls fn with the xxhash of each normalised word of text, in order.
func Words(text string, buf []byte, fn func(uint64)) []byte {
	var hs []uint64
	hs, buf = appendWords(hs, text, buf)
	for _, h := range hs {
		fn(h)
	}
	return buf
}

// Fold returns text as dedup compares its words: normalised (NFKC), in
// lower case, with the Arabic script's variant letters and every script's
// decimal digits unified, apostrophes, combining marks and tatweel dropped
// inside words, and the words separated by single spaces. Shingles of
// Fold(text) are those of text; character n-grams of it see past word
// spacing (diagnostics compare texts so).
func Fold(text string) string {
	if needsNFKC(text) {
		text = norm.NFKC.String(text)
	}
	var b strings.Builder
	inWord := false
	for _, r := range text {
		f := foldAny(r)
		switch {
		case f == -2:
			inWord = false
		case f >= 0:
			if !inWord && b.Len() > 0 {
				b.WriteByte(' ')
			}
			inWord = true
			b.WriteRune(f)
		}
	}
	return b.String()
}

// foldAny is FoldRune, through the ASCII table for an ASCII rune.
func foldAny(r rune) rune {
	if r >= utf8.RuneSelf {
		return FoldRune(r)
	}
	switch x := asciiFold[r]; x {
	case asciiSep:
		return -2
	case asciiDrop:
		return -1
	default:
		return rune(x)
	}
}

// Byte classes for the ASCII fast path of appendWords.
const (
	clsSep   = iota // ends a word
	clsPlain        // a lower-case letter or digit, kept as is
	clsOther        // anything else: folded, dropped, or not ASCII
)

// byteClass classifies every byte value for appendWords.
var byteClass = func() (t [256]byte) {
	for c := range t {
		switch {
		case c >= utf8.RuneSelf:
			t[c] = clsOther
		case asciiFold[c] == asciiSep:
			t[c] = clsSep
		case asciiFold[c] == byte(c):
			t[c] = clsPlain
		default:
			t[c] = clsOther
		}
	}
	return t
}()

// appendWords appends the xxhash of each normalised word of text, in
// order, to dst; buf is scratch space for one word.
func appendWords(dst []uint64, text string, buf []byte) ([]uint64, []byte) {
	dst, _, buf = appendWordsQuoted(dst, nil, false, text, buf)
	return dst, buf
}

// quoteEffect is what a separator rune does to the quotation state.
func quoteEffect(r rune) (toggle, open, close, reset bool) {
	switch r {
	case '"', '“', '«', '»', '＂':
		return true, false, false, false
	case '„', '‟', '「', '『':
		return false, true, false, false
	case '”', '」', '』':
		return false, false, true, false
	case '\n', '\r', '\u2029':
		return false, false, false, true
	}
	return false, false, false, false
}

// applyQuote updates the quotation state q for separator r.
func applyQuote(q bool, r rune) bool {
	toggle, open, close, reset := quoteEffect(r)
	switch {
	case toggle:
		return !q
	case open:
		return true
	case close, reset:
		return false
	}
	return q
}

// appendWordsQuoted is appendWords that, when track is set, also appends
// to spans the quotations: for each, the index in dst of its first word
// and the index after its last. A quotation ends at its closing mark or at
// the end of the paragraph (a quotation running over several paragraphs
// opens each of them again).
func appendWordsQuoted(dst []uint64, spans []int32, track bool, text string, buf []byte) ([]uint64, []int32, []byte) {
	if needsNFKC(text) {
		text = norm.NFKC.String(text)
	}
	buf = buf[:0]
	q := false
	i := 0
	for i < len(text) {
		i, q, spans = separators(text, i, track, q, spans, len(dst))
		// A word that is a plain run of lower-case letters and digits
		// (most of them) is hashed in place.
		start := i
		i = plainEnd(text, i)
		if i == len(text) || byteClass[text[i]] == clsSep {
			if i > start {
				dst = append(dst, xxhash.Sum64String(text[start:i]))
			}
			continue
		}
		// Otherwise fold the rest of the word rune by rune into buf.
		buf, i = foldWord(append(buf[:0], text[start:i]...), text, i)
		if len(buf) > 0 {
			dst = append(dst, xxhash.Sum64(buf))
		}
		if i < len(text) {
			i, q, spans = stepSeparator(text, i, track, q, spans, len(dst))
		}
	}
	if q {
		spans = append(spans, int32(len(dst)))
	}
	return dst, spans, buf[:0]
}

// plainEnd returns the end of the run of plain bytes (lower-case ASCII
// letters and digits) of text from i.
func plainEnd(text string, i int) int {
	for i < len(text) && byteClass[text[i]] == clsPlain {
		i++
	}
	return i
}

// stepSeparator steps over the separator at text[i] that ended a word,
// noting it in the quote state (q, spans) when track is set; n is the
// number of words so far.
func stepSeparator(text string, i int, track, q bool, spans []int32, n int) (int, bool, []int32) {
	r, size := rune(text[i]), 1
	if text[i] >= utf8.RuneSelf {
		r, size = utf8.DecodeRuneInString(text[i:])
	}
	if track {
		q, spans = quoteMark(q, r, spans, n)
	}
	return i + size, q, spans
}

// separators steps over the ASCII separators at text[i:]. When track is
// set, the quotation marks and line breaks among them open and close
// quotations (q is the state): a change appends at, the index of the next
// word, to spans.
func separators(text string, i int, track, q bool, spans []int32, at int) (int, bool, []int32) {
	for i < len(text) && byteClass[text[i]] == clsSep {
		if track && (text[i] == '"' || text[i] == '\n' || text[i] == '\r') {
			q, spans = quoteMark(q, rune(text[i]), spans, at)
		}
		i++
	}
	return i, q, spans
}

// quoteMark applies the separator r to the quotation state q; a change
// appends at, the index of the next word, to spans.
func quoteMark(q bool, r rune, spans []int32, at int) (bool, []int32) {
	if nq := applyQuote(q, r); nq != q {
		return nq, append(spans, int32(at))
	}
	return q, spans
}

// foldWord appends the folded form of the word at text[i:] to buf, up to
// the separator that ends it, and returns buf and where the word ends.
func foldWord(buf []byte, text string, i int) ([]byte, int) {
	for i < len(text) {
		c := text[i]
		if c < utf8.RuneSelf {
			x := asciiFold[c]
			if x == asciiSep {
				break
			}
			if x != asciiDrop {
				buf = append(buf, x)
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(text[i:])
		f := FoldRune(r)
		if f == -2 {
			break
		}
		i += n
		if f != -1 {
			buf = utf8.AppendRune(buf, f)
		}
	}
	return buf, i
}

// Mix64 is the splitmix64 finaliser: it spreads the bits of x.
func Mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

// Shingler turns texts into feature sets; it keeps scratch space, so one
// Shingler serves one goroutine.
type Shingler struct {
	k, sample int
	buf       []byte
	acc       []uint32
	hs        []uint64 // the word hashes of the text being shingled
	spans     []int32  // quotations, as word index ranges (appendWordsQuoted)
	quoted    []uint32 // the features of the last text found inside quotations
}

// New returns a Shingler of k-word shingles keeping one in sample (see Of).
func New(k, sample int) Shingler {
	return Shingler{k: k, sample: sample}
}

// Of returns the sorted, distinct 32-bit hashes of the k-word
// shingles of text, keeping one shingle in sample (chosen by hash, so the
// same shingles are kept in every text). A text shorter than k words yields
// one shingle of all its words.
func Of(text string, k, sample int) []uint32 {
	s := &Shingler{k: k, sample: sample}
	return s.Features(text, nil)
}

// WordHashes returns the hashes of the words of the text last shingled
// (as Words gives them), in order; valid until the Shingler's next call.
func (s *Shingler) WordHashes() []uint64 { return s.hs }

// Words returns the hashes of the words of text (as Words gives them), in
// order, in the Shingler's scratch: valid until its next call.
func (s *Shingler) Words(text string) []uint64 {
	s.hs, s.buf = appendWords(s.hs[:0], text, s.buf)
	return s.hs
}

// QuotedFeatures returns the features of the last text features read that
// lie wholly inside quotation marks (somewhere in it), sorted, in a new
// slice of exactly that size; nil when there are none.
func (s *Shingler) QuotedFeatures() []uint32 {
	if len(s.quoted) == 0 {
		return nil
	}
	return slices.Clone(s.quoted)
}

// FeaturesQuoted returns the feature set of text in a new slice whose
// capacity also holds, past its length, the n features that lie inside
// quotation marks (as the index keeps them; see doc.quotedFeats).
func (s *Shingler) FeaturesQuoted(text string) (fs []uint32, n uint32) {
	s.shingle(text)
	all := make([]uint32, 0, len(s.acc)+len(s.quoted))
	all = append(append(all, s.acc...), s.quoted...)
	return all[:len(s.acc)], uint32(len(s.quoted))
}

// Features appends the feature set of text (sorted, without duplicates)
// to dst; with a nil dst it returns a new slice of exactly that size.
func (s *Shingler) Features(text string, dst []uint32) []uint32 {
	s.shingle(text)
	// The set is kept for the life of the index: store it without slack.
	if dst == nil {
		dst = make([]uint32, 0, len(s.acc))
	}
	return append(dst, s.acc...)
}

// shingle computes the feature set of text into s.acc and its quoted
// Features into s.quoted (both sorted, without duplicates).
func (s *Shingler) shingle(text string) {
	k := min(max(s.k, 1), 8)
	s.hs, s.spans, s.buf = appendWordsQuoted(s.hs[:0], s.spans[:0], true, text, s.buf)
	ws := s.hs
	n := len(ws)
	f := features{acc: s.acc[:0], quoted: s.quoted[:0], sample: max(uint64(s.sample), 1), spans: s.spans}
	for e := k; e <= n; e++ {
		f.emit(shingleHash(ws[e-k:e]), e-k, e)
	}
	if n > 0 && n < k {
		f.emit(shingleHash(ws)^uint64(n), 0, n)
	}
	slices.Sort(f.acc)
	s.acc = slices.Compact(f.acc)
	slices.Sort(f.quoted)
	s.quoted = slices.Compact(f.quoted)
}

// shingleHash is the hash of a shingle, the word hashes ws in order.
func shingleHash(ws []uint64) uint64 {
	var h uint64
	for _, w := range ws {
		h = (h<<23 | h>>41) ^ w
		h *= 0x9e3779b97f4a7c15
	}
	return h
}

// features gathers a text's sampled shingles, and those inside quotations.
type features struct {
	acc, quoted []uint32
	sample      uint64
	spans       []int32 // quotations, as word index ranges
	sp          int     // the first quotation that may hold the next shingle
}

// emit adds the shingle of words [from, to), of hash h, when the sample
// keeps it.
func (f *features) emit(h uint64, from, to int) {
	inQuote := len(f.spans) > 0 && f.inQuote(from, to)
	h = Mix64(h)
	if h%f.sample == 0 {
		f.acc = append(f.acc, uint32(h>>32))
		if inQuote {
			f.quoted = append(f.quoted, uint32(h>>32))
		}
	}
}

// inQuote reports whether words [from, to) lie in one quotation; from
// never decreases between calls.
func (f *features) inQuote(from, to int) bool {
	spans := f.spans
	for f.sp < len(spans) && int(spans[f.sp+1]) <= from {
		f.sp += 2
	}
	return f.sp < len(spans) && int(spans[f.sp]) <= from && to <= int(spans[f.sp+1])
}
