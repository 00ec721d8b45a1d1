// Package copytext finds what a republished copy adds to its original:
// its own paragraphs (an intro, an update, spin, the republisher's lines),
// told apart from the original's, lightly edited ones included, by word
// triples; and its own headline. The index stores both in the copy fields
// of a story's document, so that a search finds a story through the text
// a copy added; reading them back at search time is the index's.
package copytext

import (
	"encoding/binary"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/cespare/xxhash/v2"
)

// MaxAdded caps the added text indexed per copy (bytes), so a copy
// that is mostly other material (a digest page) cannot bloat its story.
const MaxAdded = 32 << 10

// Added returns the paragraphs (separated by blank lines) of a copy
// that the original does not carry: a paragraph is the copy's own when
// fewer than half of its word triples (its words, for a paragraph of
// fewer than three) occur in the original. Lightly edited paragraphs of
// the original are therefore not added text; new intros, updates, spin
// and the republisher's own lines are.
func Added(original, copyText string) string {
	if strings.TrimSpace(copyText) == "" {
		return ""
	}
	var g grammer
	return g.added(g.set(original), copyText)
}

// grammer hashes the word triples of paragraphs, reusing its buffers.
type grammer struct {
	words []uint64 // hashes of one paragraph's words
	grams []uint64
	word  []byte
}

// set returns the word triples (or words) of every paragraph of a text.
func (g *grammer) set(text string) *hashSet {
	have := newHashSet(len(text) / 6)
	for p := range strings.SplitSeq(text, "\n\n") {
		for _, h := range g.of(p) {
			have.add(h)
		}
	}
	return have
}

// added is Added against the triples of the original.
func (g *grammer) added(have *hashSet, copyText string) string {
	var out []string
	size := 0
	for p := range strings.SplitSeq(copyText, "\n\n") {
		p = strings.TrimSpace(p)
		grams := g.of(p)
		if len(grams) == 0 {
			continue
		}
		found := 0
		for _, h := range grams {
			if have.has(h) {
				found++
			}
		}
		if 2*found >= len(grams) {
			continue
		}
		if size+len(p) > MaxAdded {
			break
		}
		out = append(out, p)
		size += len(p) + 2
	}
	return strings.Join(out, "\n\n")
}

// of hashes the word triples of a paragraph (its words: maximal runs of
// letters and digits, lower-cased), or its single words when it has
// fewer than three. The result is valid until the next call.
func (g *grammer) of(p string) []uint64 {
	g.words = g.words[:0]
	g.word = g.word[:0]
	for i := 0; i < len(p); {
		if b := p[i]; b < utf8.RuneSelf { // ASCII: as below, by table
			i++
			if c := asciiWord[b]; c != 0 {
				g.word = append(g.word, c)
				continue
			}
		} else {
			r, size := utf8.DecodeRuneInString(p[i:])
			i += size
			r = unicode.ToLower(r)
			if unicode.IsLetter(r) || unicode.IsDigit(r) {
				g.word = utf8.AppendRune(g.word, r)
				continue
			}
		}
		if len(g.word) > 0 {
			g.words = append(g.words, xxhash.Sum64(g.word))
			g.word = g.word[:0]
		}
	}
	if len(g.word) > 0 {
		g.words = append(g.words, xxhash.Sum64(g.word))
	}
	if len(g.words) < 3 {
		return g.words
	}
	g.grams = g.grams[:0]
	var tri [24]byte
	for i := 0; i+2 < len(g.words); i++ {
		binary.LittleEndian.PutUint64(tri[0:], g.words[i])
		binary.LittleEndian.PutUint64(tri[8:], g.words[i+1])
		binary.LittleEndian.PutUint64(tri[16:], g.words[i+2])
		g.grams = append(g.grams, xxhash.Sum64(tri[:]))
	}
	return g.grams
}

// asciiWord maps an ASCII letter or digit to its lower case, any other
// ASCII character to 0: unicode.ToLower, IsLetter and IsDigit on ASCII.
var asciiWord = func() (t [utf8.RuneSelf]byte) {
	for b := range byte(utf8.RuneSelf) {
		if r := unicode.ToLower(rune(b)); unicode.IsLetter(r) || unicode.IsDigit(r) {
			t[b] = byte(r)
		}
	}
	return t
}()

// hashSet is a set of hashes (of word triples): open addressing on their
// low bits, which are as good as any, as they are xxhash's.
type hashSet struct {
	slots []uint64 // 0: free
	n     int
	zero  bool // 0 is in the set
}

// newHashSet returns a set for about n hashes.
func newHashSet(n int) *hashSet {
	size := 16
	for size < 2*n {
		size *= 2
	}
	return &hashSet{slots: make([]uint64, size)}
}

// add puts h in the set.
func (s *hashSet) add(h uint64) {
	if h == 0 {
		s.zero = true
		return
	}
	if 2*(s.n+1) > len(s.slots) {
		s.grow()
	}
	mask := uint64(len(s.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		switch s.slots[i] {
		case h:
			return
		case 0:
			s.slots[i] = h
			s.n++
			return
		}
	}
}

// has reports whether h is in the set.
func (s *hashSet) has(h uint64) bool {
	if h == 0 {
		return s.zero
	}
	mask := uint64(len(s.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		switch s.slots[i] {
		case h:
			return true
		case 0:
			return false
		}
	}
}

// grow doubles the table.
func (s *hashSet) grow() {
	old := s.slots
	s.slots, s.n = make([]uint64, 2*len(old)), 0
	for _, h := range old {
		if h != 0 {
			s.add(h)
		}
	}
}

// Of returns, aligned with the copies, the title of each copy when it is
// not the original's, and the text each copy adds (Added); any reports
// whether a copy has either.
func Of(origTitle, origText string, titles, texts []string) (ct, cb []string, any bool) {
	ct = make([]string, len(texts))
	cb = make([]string, len(texts))
	norm := func(s string) string { return strings.Join(strings.Fields(strings.ToLower(s)), " ") }
	ot := norm(origTitle)
	var g grammer
	var have *hashSet // the original's triples, made once
	for i := range texts {
		if t := strings.TrimSpace(titles[i]); t != "" && norm(t) != ot {
			ct[i] = t
			any = true
		}
		if strings.TrimSpace(texts[i]) == "" {
			continue
		}
		if have == nil {
			have = g.set(origText)
		}
		if a := g.added(have, texts[i]); a != "" {
			cb[i] = a
			any = true
		}
	}
	return ct, cb, any
}
