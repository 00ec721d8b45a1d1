package evaluate

import (
	"math"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// This file scores a body the way the Fundus evaluation does: ROUGE-LSum
// (summary-level longest common subsequence over sentences) as the Python
// rouge_score package computes it with split_summaries and no stemmer.

// RougeScore is a ROUGE precision / recall / F1 triple.
type RougeScore struct {
	Precision, Recall, F1 float64
}

// RougeLSum scores candidate against reference with ROUGE-LSum: both are
// split into sentences, each reference sentence's tokens are matched by
// the union of its longest common subsequences with every candidate
// sentence, and a token counts at most as often as it occurs in both texts.
func RougeLSum(reference, candidate string) RougeScore {
	return summaryLCS(sentenceTokens(reference), sentenceTokens(candidate))
}

// sentenceTokens splits text into sentences and tokenizes each one.
func sentenceTokens(text string) [][]string {
	var out [][]string
	for _, s := range splitSentences(text) {
		out = append(out, rougeTokens(s))
	}
	return out
}

// rougeTokens is rouge_score's default tokenizer: lower-case, every run of
// characters outside [a-z0-9] becomes a separator (so letters outside
// ASCII vanish), no stemming.
func rougeTokens(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return (r < 'a' || r > 'z') && (r < '0' || r > '9')
	})
}

// summaryLCS is the summary-level LCS score of candidate sentences cand
// against reference sentences ref.
func summaryLCS(ref, cand [][]string) RougeScore {
	return newLCSScorer(cand).score(ref)
}

// lcsScorer scores reference texts against one candidate, with tokens
// interned as integers and each reference sentence's LCS union memoised
// (the variants of a reference share most sentences).
type lcsScorer struct {
	vocab map[string]int32
	cand  [][]int32
	n     int
	table []int32
	memo  map[string][]int // reference sentence → indices on the union
}

func newLCSScorer(cand [][]string) *lcsScorer {
	s := &lcsScorer{vocab: map[string]int32{}, memo: map[string][]int{}}
	for _, c := range cand {
		s.cand = append(s.cand, s.ids(c))
		s.n += len(c)
	}
	return s
}

func (s *lcsScorer) ids(toks []string) []int32 {
	out := make([]int32, len(toks))
	for i, t := range toks {
		id, ok := s.vocab[t]
		if !ok {
			id = int32(len(s.vocab))
			s.vocab[t] = id
		}
		out[i] = id
	}
	return out
}

// score computes ROUGE-LSum of the candidate against ref: hits are the
// union-LCS tokens of every reference sentence, each token counted at
// most as often as it occurs in the reference and in the candidate.
func (s *lcsScorer) score(ref [][]string) RougeScore {
	m := 0
	for _, r := range ref {
		m += len(r)
	}
	if m == 0 || s.n == 0 {
		return RougeScore{}
	}
	refIDs := make([][]int32, len(ref))
	for k, r := range ref {
		refIDs[k] = s.ids(r)
	}
	refLeft, candLeft := tokenCounts(refIDs, len(s.vocab)), tokenCounts(s.cand, len(s.vocab))
	hits := 0
	for k, r := range refIDs {
		for _, i := range s.unionLCSOf(ref[k], r) {
			if id := r[i]; refLeft[id] > 0 && candLeft[id] > 0 {
				hits++
				refLeft[id]--
				candLeft[id]--
			}
		}
	}
	p, rc := float64(hits)/float64(s.n), float64(hits)/float64(m)
	return RougeScore{Precision: p, Recall: rc, F1: harmonic(p, rc)}
}

// tokenCounts counts each token id of sentences, in a table of n ids.
func tokenCounts(sentences [][]int32, n int) []int {
	counts := make([]int, n)
	for _, c := range sentences {
		for _, id := range c {
			counts[id]++
		}
	}
	return counts
}

// unionLCSOf is unionLCS of the reference sentence words (ids r),
// remembered by its text.
func (s *lcsScorer) unionLCSOf(words []string, r []int32) []int {
	key := strings.Join(words, " ")
	idx, ok := s.memo[key]
	if !ok {
		idx = s.unionLCS(r)
		s.memo[key] = idx
	}
	return idx
}

func harmonic(p, r float64) float64 {
	if p+r == 0 {
		return 0
	}
	return 2 * p * r / (p + r)
}

// unionLCS returns the indices of ref (in order) that lie on the longest
// common subsequence with at least one of the candidate sentences.
func (s *lcsScorer) unionLCS(ref []int32) []int {
	on := make([]bool, len(ref))
	for _, c := range s.cand {
		for _, i := range s.lcsIndices(ref, c) {
			on[i] = true
		}
	}
	var out []int
	for i, ok := range on {
		if ok {
			out = append(out, i)
		}
	}
	return out
}

// lcsIndices returns the indices into a of one longest common subsequence
// of a and b. Ties are broken the way rouge_score walks its table back
// (prefer dropping a token of a unless dropping one of b keeps a longer
// subsequence), so the chosen subsequence is the same.
func (s *lcsScorer) lcsIndices(a, b []int32) []int {
	if len(a) == 0 || len(b) == 0 {
		return nil
	}
	t := s.lcsTable(a, b)
	w := len(b) + 1
	var idx []int
	for i, j := len(a), len(b); i > 0 && j > 0; {
		switch {
		case a[i-1] == b[j-1]:
			idx = append(idx, i-1)
			i--
			j--
		case t[i*w+j-1] > t[(i-1)*w+j]:
			j--
		default:
			i--
		}
	}
	slices.Reverse(idx)
	return idx
}

// lcsTable fills the scorer's table with the lengths of the longest
// common subsequences of every prefix of a and of b: row i, column j
// (rows of len(b)+1) for a[:i] and b[:j].
func (s *lcsScorer) lcsTable(a, b []int32) []int32 {
	w := len(b) + 1
	size := (len(a) + 1) * w
	if cap(s.table) < size {
		s.table = make([]int32, size)
	}
	t := s.table[:size]
	clear(t[:w])
	for i := 1; i <= len(a); i++ {
		row, prev := t[i*w:(i+1)*w], t[(i-1)*w:i*w]
		row[0] = 0
		ai := a[i-1]
		for j := 1; j <= len(b); j++ {
			switch {
			case ai == b[j-1]:
				row[j] = prev[j-1] + 1
			case prev[j] >= row[j-1]:
				row[j] = prev[j]
			default:
				row[j] = row[j-1]
			}
		}
	}
	return t
}

// bestRougeLSum scores candidate against the reference paragraphs body,
// where a paragraph wrapped in "[" … "]" is optional: every subset of the
// optional paragraphs is tried when there are at most four, otherwise
// all kept and all dropped; the variant with the highest F1 wins (the
// first one on ties, all optional paragraphs kept first).
func bestRougeLSum(body []string, candidate string) RougeScore {
	sc := newLCSScorer(sentenceTokens(candidate))
	var opt []int
	for i, p := range body {
		if isOptionalParagraph(p) {
			opt = append(opt, i)
		}
	}
	var masks []uint64 // bit k set: drop the k-th optional paragraph
	if len(opt) > 4 {
		masks = []uint64{0, 1<<len(opt) - 1}
	} else {
		masks = powersetOrder(len(opt))
	}
	best := RougeScore{F1: -1}
	for _, mask := range masks {
		var kept []string
		k := 0
		for i, p := range body {
			if k < len(opt) && opt[k] == i {
				drop := mask&(1<<k) != 0
				k++
				if drop {
					continue
				}
				p = p[1 : len(p)-1]
			}
			kept = append(kept, p)
		}
		s := sc.score(sentenceTokens(strings.Join(kept, "\n\n")))
		if s.F1 > best.F1 {
			best = s
		}
	}
	return best
}

// isOptionalParagraph reports whether a truth paragraph is marked optional.
func isOptionalParagraph(p string) bool {
	return len(p) >= 2 && p[0] == '[' && p[len(p)-1] == ']'
}

// powersetOrder lists the subsets of n items as bit masks, smallest
// subsets first and, within a size, in lexicographic order of the items.
func powersetOrder(n int) []uint64 {
	out := []uint64{0}
	var rec func(start int, mask uint64, size int)
	for size := 1; size <= n; size++ {
		rec = func(start int, mask uint64, left int) {
			if left == 0 {
				out = append(out, mask)
				return
			}
			for i := start; i <= n-left; i++ {
				rec(i+1, mask|1<<i, left-1)
			}
		}
		rec(0, 0, size)
	}
	return out
}

// meanStd returns the mean and the sample standard deviation of xs (what
// pandas reports).
func meanStd(xs []float64) (mean, std float64) {
	if len(xs) == 0 {
		return 0, 0
	}
	for _, x := range xs {
		mean += x
	}
	mean /= float64(len(xs))
	if len(xs) < 2 {
		return mean, 0
	}
	var ss float64
	for _, x := range xs {
		ss += (x - mean) * (x - mean)
	}
	return mean, math.Sqrt(ss / float64(len(xs)-1))
}

// splitSentences splits text into sentences the way the Punkt sentence
// tokenizer does for English: a sentence ends at "?" or "!", or at a
// period ending a word that is not a known abbreviation, an initial or an
// ordinal, when whitespace or ASCII closing punctuation follows. Line
// breaks alone do not end a sentence, and neither does a period followed
// by a typographic quote.
func splitSentences(text string) []string {
	var out []string
	last := 0
	for i := 0; i < len(text); i++ {
		if !sentenceEnd(text, last, i) {
			continue
		}
		if s := strings.TrimSpace(text[last : i+1]); s != "" {
			out = append(out, s)
		}
		last = i + 1
	}
	if s := strings.TrimSpace(text[last:]); s != "" {
		out = append(out, s)
	}
	return out
}

// sentenceEnd reports whether text[i] ends the sentence that starts at
// last: a "?", "!" or sentence-final period followed by whitespace or
// closing punctuation.
func sentenceEnd(text string, last, i int) bool {
	c := text[i]
	if c != '.' && c != '?' && c != '!' || i+1 >= len(text) {
		return false
	}
	after := text[i+1]
	ws := isSpaceByte(after)
	if !ws && !strings.ContainsRune(punktNonWord, rune(after)) {
		return false
	}
	if c != '.' {
		return true
	}
	// The word before the period, from the last whitespace.
	start := i
	for start > last && !isSpaceByte(text[start-1]) {
		start--
	}
	next := ""
	if ws {
		next = nextWord(text, i+1)
	}
	return periodEndsSentence(text[start:i+1], next)
}

// nextWord returns the word after the whitespace at text[j:].
func nextWord(text string, j int) string {
	for j < len(text) && isSpaceByte(text[j]) {
		j++
	}
	k := j
	for k < len(text) && !isSpaceByte(text[k]) {
		k++
	}
	return text[j:k]
}

// punktNonWord are the characters that end a word for Punkt and may
// follow a sentence-final period.
const punktNonWord = `)";}]*:@'({[!?`

func isSpaceByte(c byte) bool {
	return c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f' || c == '\v'
}

// periodEndsSentence decides whether word (ending in ".") ends a sentence
// when next is the following whitespace-separated word ("" when
// punctuation follows directly).
func periodEndsSentence(word, next string) bool {
	// Punkt's words break at its punctuation; leading quotes, brackets and
	// dashes are separate tokens.
	if k := strings.LastIndexAny(word[:len(word)-1], punktNonWord); k >= 0 {
		word = word[k+1:]
	}
	word = strings.TrimLeft(word, "-,&#`")
	if word == "." {
		return true
	}
	if strings.Trim(word, ".") == "" || strings.HasSuffix(word, "..") {
		// An ellipsis: a break only before a likely sentence start.
		return strings.Trim(word, ".") == "" && likelySentenceStart(next)
	}
	typ := strings.ToLower(word[:len(word)-1])
	initial := isInitial(typ)
	if !initial && (punktAbbrevs[typ] || punktAbbrevs[typ[strings.LastIndexByte(typ, '-')+1:]]) {
		return likelySentenceStart(next)
	}
	if initial {
		return likelySentenceStart(next)
	}
	if isPunktNumber(typ) {
		r, _ := utf8.DecodeRuneInString(next)
		return !unicode.IsLower(r)
	}
	return true
}

// isInitial reports whether typ is a single letter (an initial).
func isInitial(typ string) bool {
	r, size := utf8.DecodeRuneInString(typ)
	return size == len(typ) && unicode.IsLetter(r)
}

// isPunktNumber reports whether typ looks like a number ("1990", "3.5",
// "1,000").
func isPunktNumber(typ string) bool {
	t := strings.TrimPrefix(typ, "-")
	t = strings.TrimLeft(t, ".,")
	if t == "" || t[0] < '0' || t[0] > '9' {
		return false
	}
	for i := 0; i < len(t); i++ {
		if c := t[i]; (c < '0' || c > '9') && c != ',' && c != '.' && c != '-' {
			return false
		}
	}
	return true
}

// likelySentenceStart reports whether next, after an abbreviation, an
// initial or an ellipsis, starts a new sentence: a capitalised word that
// is usually written in lower case (a function word), as Punkt's learned
// orthographic statistics say.
func likelySentenceStart(next string) bool {
	next = strings.TrimLeft(next, `"'(“‘`)
	r, _ := utf8.DecodeRuneInString(next)
	if !unicode.IsUpper(r) {
		return false
	}
	w := strings.ToLower(strings.TrimRight(next, `.,;:!?"')”’`))
	return sentenceStarters[w]
}

// punktAbbrevs are abbreviations after which a period does not end a
// sentence (titles, months, states, company suffixes, Latin).
var punktAbbrevs = setOf(
	"mr", "mrs", "ms", "dr", "st", "jr", "sr", "messrs", "prof", "rev", "hon", "gov", "sen", "rep", "reps", "sens",
	"gen", "lt", "col", "maj", "sgt", "capt", "cmdr", "adm", "cpl", "pvt", "pres", "supt", "atty",
	"jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
	"mon", "tue", "tues", "wed", "thu", "thurs", "fri", "sat", "sun",
	"inc", "corp", "co", "cos", "ltd", "bros", "assn", "dept", "univ", "no", "nos", "vol", "vols", "pp", "ed", "eds",
	"vs", "v", "etc", "e.g", "i.e", "cf", "al", "approx", "est", "ft", "mt", "ave", "blvd", "rd",
	"a.m", "p.m", "u.s", "u.k", "u.n", "d.c", "l.a", "n.y", "n.j", "n.c", "s.c", "n.h", "n.m", "n.d", "s.d", "r.i", "u.s.a", "u.s.s.r",
	"ala", "ariz", "ark", "calif", "colo", "conn", "del", "fla", "ga", "ill", "ind", "kan", "kans", "ky", "la", "md",
	"mass", "mich", "minn", "miss", "mo", "mont", "neb", "nev", "okla", "ore", "pa", "tenn", "tex", "va", "vt",
	"wash", "wis", "wyo", "w.va",
)

// sentenceStarters are words that, capitalised after an abbreviation or
// an initial, begin a new sentence.
var sentenceStarters = setOf(
	"the", "a", "an", "he", "she", "it", "they", "we", "i", "you", "his", "her", "its", "their", "our", "my",
	"this", "that", "these", "those", "there", "but", "and", "or", "so", "yet", "in", "on", "at", "as", "for",
	"after", "before", "when", "while", "if", "since", "although", "though", "because", "some", "many", "most",
	"no", "not", "what", "who", "why", "how", "where", "one", "all", "both", "each", "such", "then", "now",
	"still", "also", "however", "meanwhile", "last", "earlier", "later", "officials", "according",
)

func setOf(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}
