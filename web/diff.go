package web

import (
	"strings"
	"unicode"
)

// Op says what a copy did with a piece of the original.
type Op string

// Diff operations.
const (
	OpSame    Op = "same"    // present in both
	OpAdded   Op = "added"   // only in the copy
	OpRemoved Op = "removed" // only in the original
	OpChanged Op = "changed" // present in both, with word edits
)

// Span is a run of words with one operation.
type Span struct {
	Op   Op
	Text string
}

// Row pairs a paragraph of the original with the copy's version of it.
// Left is empty for added paragraphs, Right for removed ones; changed rows
// carry word spans on both sides.
type Row struct {
	Op    Op
	Left  []Span
	Right []Span
}

// Paragraphs splits an article text at blank lines.
func Paragraphs(text string) []string {
	var out []string
	for _, p := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func normPara(p string) string {
	return strings.ToLower(strings.Join(strings.Fields(p), " "))
}

// lcsPairs returns the index pairs of a longest common subsequence of a and
// b under eq. It uses O(len(a)·len(b)) memory, so callers bound the sizes.
func lcsPairs(n, m int, eq func(i, j int) bool) [][2]int {
	dp := make([]int32, (n+1)*(m+1))
	w := m + 1
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if eq(i, j) {
				dp[i*w+j] = dp[(i+1)*w+j+1] + 1
			} else {
				dp[i*w+j] = max(dp[(i+1)*w+j], dp[i*w+j+1])
			}
		}
	}
	var out [][2]int
	for i, j := 0, 0; i < n && j < m; {
		switch {
		case eq(i, j):
			out = append(out, [2]int{i, j})
			i++
			j++
		case dp[(i+1)*w+j] >= dp[i*w+j+1]:
			i++
		default:
			j++
		}
	}
	return out
}

// maxDiffCells bounds the LCS tables (paragraphs × paragraphs, words ×
// words) so a hostile page cannot make a diff take long.
const maxDiffCells = 4_000_000

// DiffParagraphs aligns the original's paragraphs with the copy's: equal
// paragraphs (ignoring case and spacing) line up, a removed paragraph next to
// an added one that shares most of its words becomes one changed row with
// word-level marks, and the rest are added or removed.
func DiffParagraphs(orig, cp []string) []Row {
	if len(orig)*len(cp) > maxDiffCells {
		rows := make([]Row, 0, len(orig)+len(cp))
		for _, p := range orig {
			rows = append(rows, Row{Op: OpRemoved, Left: []Span{{OpRemoved, p}}})
		}
		for _, p := range cp {
			rows = append(rows, Row{Op: OpAdded, Right: []Span{{OpAdded, p}}})
		}
		return rows
	}
	no := make([]string, len(orig))
	nc := make([]string, len(cp))
	for i, p := range orig {
		no[i] = normPara(p)
	}
	for j, p := range cp {
		nc[j] = normPara(p)
	}
	pairs := lcsPairs(len(orig), len(cp), func(i, j int) bool { return no[i] == nc[j] })
	var rows []Row
	i, j := 0, 0
	flush := func(ie, je int) {
		// Pair up the removed and added paragraphs between two anchors.
		for i < ie || j < je {
			switch {
			case i < ie && j < je && wordOverlap(orig[i], cp[j]) >= 0.5:
				l, r := DiffWords(orig[i], cp[j])
				rows = append(rows, Row{Op: OpChanged, Left: l, Right: r})
				i++
				j++
			case i < ie && (j >= je || !laterMatch(orig, cp, i, j, je)):
				rows = append(rows, Row{Op: OpRemoved, Left: []Span{{OpRemoved, orig[i]}}})
				i++
			default:
				rows = append(rows, Row{Op: OpAdded, Right: []Span{{OpAdded, cp[j]}}})
				j++
			}
		}
	}
	for _, p := range pairs {
		flush(p[0], p[1])
		rows = append(rows, Row{Op: OpSame, Left: []Span{{OpSame, orig[p[0]]}}, Right: []Span{{OpSame, cp[p[1]]}}})
		i, j = p[0]+1, p[1]+1
	}
	flush(len(orig), len(cp))
	return rows
}

// laterMatch reports whether orig[i] resembles a copy paragraph after j
// (before je), in which case the copy's paragraph j is an insertion.
func laterMatch(orig, cp []string, i, j, je int) bool {
	for k := j + 1; k < je; k++ {
		if wordOverlap(orig[i], cp[k]) >= 0.5 {
			return true
		}
	}
	return false
}

func wordsOf(s string) []string { return strings.Fields(s) }

func wordKey(w string) string {
	return strings.ToLower(strings.TrimFunc(w, func(r rune) bool { return unicode.IsPunct(r) }))
}

// wordOverlap is the share of the shorter paragraph's words found in the
// other (as a multiset).
func wordOverlap(a, b string) float64 {
	wa, wb := wordsOf(a), wordsOf(b)
	if len(wa) == 0 || len(wb) == 0 {
		return 0
	}
	count := map[string]int{}
	for _, w := range wa {
		count[wordKey(w)]++
	}
	common := 0
	for _, w := range wb {
		if k := wordKey(w); count[k] > 0 {
			count[k]--
			common++
		}
	}
	return float64(common) / float64(min(len(wa), len(wb)))
}

// DiffWords marks the words of a that b removed and the words of b that it
// added, merging runs into spans.
func DiffWords(a, b string) (left, right []Span) {
	wa, wb := wordsOf(a), wordsOf(b)
	if len(wa)*len(wb) > maxDiffCells {
		return []Span{{OpRemoved, a}}, []Span{{OpAdded, b}}
	}
	pairs := lcsPairs(len(wa), len(wb), func(i, j int) bool { return wordKey(wa[i]) == wordKey(wb[j]) && wordKey(wa[i]) != "" || wa[i] == wb[j] })
	add := func(spans []Span, op Op, w string) []Span {
		if n := len(spans); n > 0 && spans[n-1].Op == op {
			spans[n-1].Text += " " + w
			return spans
		}
		// The separating space stays outside the marks.
		switch n := len(spans); {
		case n == 0:
		case spans[n-1].Op == OpSame:
			spans[n-1].Text += " "
		case op == OpSame:
			w = " " + w
		default:
			spans = append(spans, Span{OpSame, " "})
		}
		return append(spans, Span{op, w})
	}
	i, j := 0, 0
	for _, p := range append(pairs, [2]int{len(wa), len(wb)}) {
		for ; i < p[0]; i++ {
			left = add(left, OpRemoved, wa[i])
		}
		for ; j < p[1]; j++ {
			right = add(right, OpAdded, wb[j])
		}
		if p[0] < len(wa) {
			left = add(left, OpSame, wa[i])
			right = add(right, OpSame, wb[j])
			i++
			j++
		}
	}
	return left, right
}
