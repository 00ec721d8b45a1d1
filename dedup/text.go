package dedup

import (
	"slices"
	"unicode"
	"unicode/utf8"

	"github.com/cespare/xxhash/v2"
	"golang.org/x/text/unicode/norm"
)

// isASCII reports whether s needs no Unicode normalisation.
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
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
	if !isASCII(text) {
		text = norm.NFKC.String(text)
	}
	buf = buf[:0]
	flush := func() {
		if len(buf) > 0 {
			fn(xxhash.Sum64(buf))
			buf = buf[:0]
		}
	}
	for i := 0; i < len(text); {
		c := text[i]
		if c < utf8.RuneSelf {
			i++
			switch x := asciiFold[c]; x {
			case asciiSep:
				if len(buf) > 0 {
					fn(xxhash.Sum64(buf))
					buf = buf[:0]
				}
			case asciiDrop:
			default:
				buf = append(buf, x)
			}
			continue
		}
		r, n := utf8.DecodeRuneInString(text[i:])
		i += n
		switch f := foldRune(r); f {
		case -1:
		case -2:
			flush()
		default:
			buf = utf8.AppendRune(buf, f)
		}
	}
	flush()
	return buf
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
	ring      [8]uint64
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
	if k > len(s.ring) {
		k = len(s.ring)
	}
	sample := uint64(s.sample)
	if sample < 1 {
		sample = 1
	}
	n := 0
	acc := s.acc[:0]
	emit := func(h uint64) {
		h = mix64(h)
		if h%sample == 0 {
			acc = append(acc, uint32(h>>32))
		}
	}
	s.buf = words(text, s.buf, func(w uint64) {
		s.ring[n%k] = w
		n++
		if n < k {
			return
		}
		var h uint64
		for j := 0; j < k; j++ {
			h = (h<<23 | h>>41) ^ s.ring[(n+j)%k]
			h *= 0x9e3779b97f4a7c15
		}
		emit(h)
	})
	if n > 0 && n < k {
		var h uint64
		for j := 0; j < n; j++ {
			h = (h<<23 | h>>41) ^ s.ring[j]
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
