package dedup

import (
	"slices"
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
		p := norm.NFKC.PropertiesString(s[i:])
		if p.Size() == 0 || !p.BoundaryBefore() || p.Decomposition() != nil {
			return true
		}
		if _, n := utf8.DecodeRuneInString(s[i:]); n != p.Size() || n == 1 {
			return true // invalid UTF-8: let the normaliser decide
		}
		i += p.Size()
	}
	return false
}

// foldRune maps r to the form words are compared in: lower case, with
// variant letters of the Arabic script and non-ASCII digits unified. It
// returns -1 for a rune that is dropped inside a word (apostrophes,
// combining marks, tatweel) and -2 for a separator.
func foldRune(r rune) rune {
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

// words calls fn with the xxhash of each normalised word of text, in order.
func words(text string, buf []byte, fn func(uint64)) []byte {
	var hs []uint64
	hs, buf = appendWords(hs, text, buf)
	for _, h := range hs {
		fn(h)
	}
	return buf
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
	if needsNFKC(text) {
		text = norm.NFKC.String(text)
	}
	buf = buf[:0]
	i := 0
	for i < len(text) {
		// A word that is a plain run of lower-case letters and digits
		// (most of them) is hashed in place.
		for i < len(text) && byteClass[text[i]] == clsSep {
			i++
		}
		start := i
		for i < len(text) && byteClass[text[i]] == clsPlain {
			i++
		}
		if i == len(text) || byteClass[text[i]] == clsSep {
			if i > start {
				dst = append(dst, xxhash.Sum64String(text[start:i]))
			}
			continue
		}
		// Otherwise fold the rest of the word rune by rune into buf.
		buf = append(buf[:0], text[start:i]...)
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
			f := foldRune(r)
			if f == -2 {
				break
			}
			i += n
			if f != -1 {
				buf = utf8.AppendRune(buf, f)
			}
		}
		if len(buf) > 0 {
			dst = append(dst, xxhash.Sum64(buf))
		}
		if i < len(text) {
			// Step over the separator that ended the word.
			if text[i] < utf8.RuneSelf {
				i++
			} else {
				_, n := utf8.DecodeRuneInString(text[i:])
				i += n
			}
		}
	}
	return dst, buf[:0]
}

// mix64 is the splitmix64 finaliser: it spreads the bits of x.
func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

// shingler turns texts into feature sets; it keeps scratch space, so one
// shingler serves one goroutine.
type shingler struct {
	k, sample int
	buf       []byte
	acc       []uint32
	hs        []uint64 // the word hashes of the text being shingled
}

// Shingles returns the sorted, distinct 32-bit hashes of the k-word
// shingles of text, keeping one shingle in sample (chosen by hash, so the
// same shingles are kept in every text). A text shorter than k words yields
// one shingle of all its words.
func Shingles(text string, k, sample int) []uint32 {
	s := &shingler{k: k, sample: sample}
	return s.features(text, nil)
}

// features appends the feature set of text (sorted, without duplicates)
// to dst; with a nil dst it returns a new slice of exactly that size.
func (s *shingler) features(text string, dst []uint32) []uint32 {
	k := s.k
	if k < 1 {
		k = 1
	}
	if k > 8 {
		k = 8
	}
	sample := uint64(s.sample)
	if sample < 1 {
		sample = 1
	}
	acc := s.acc[:0]
	emit := func(h uint64) {
		h = mix64(h)
		if h%sample == 0 {
			acc = append(acc, uint32(h>>32))
		}
	}
	s.hs, s.buf = appendWords(s.hs[:0], text, s.buf)
	ws := s.hs
	n := len(ws)
	for e := k; e <= n; e++ {
		var h uint64
		for _, w := range ws[e-k : e] {
			h = (h<<23 | h>>41) ^ w
			h *= 0x9e3779b97f4a7c15
		}
		emit(h)
	}
	if n > 0 && n < k {
		var h uint64
		for _, w := range ws {
			h = (h<<23 | h>>41) ^ w
			h *= 0x9e3779b97f4a7c15
		}
		emit(h ^ uint64(n))
	}
	slices.Sort(acc)
	acc = slices.Compact(acc)
	s.acc = acc
	// The set is kept for the life of the index: store it without slack.
	if dst == nil {
		dst = make([]uint32, 0, len(acc))
	}
	return append(dst, acc...)
}
