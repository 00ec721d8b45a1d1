// Package diff shows what a copy did with its original, for the cluster
// page's side-by-side view: paragraphs kept, added, cut and edited, and
// within an edited stretch the words added and removed (a longest common
// subsequence of paragraphs, then of words, bounded in memory). It reads
// two texts and nothing else.
package diff

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

// Row pairs a stretch of the original with the copy's version of it: one
// paragraph on each side when they match exactly, otherwise the paragraphs
// of both sides between two points where they line up, each paragraph a
// list of spans. Left is empty for added stretches, Right for removed ones.
type Row struct {
	Op    Op
	Left  [][]Span
	Right [][]Span
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

// normPara is a paragraph's comparison key: its words without case or
// surrounding punctuation, so a change of quote style is not an edit.
func normPara(p string) string {
	ws := strings.Fields(p)
	for i, w := range ws {
		ws[i] = wordKey(w)
	}
	return strings.Join(ws, " ")
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

// minShared is the share of words two stretches must have in common to be
// shown as one edited passage rather than a cut and an addition.
const minShared = 0.3

// Compare aligns the original's paragraphs with the copy's. Equal
// paragraphs (ignoring case and spacing) anchor the alignment; between two
// anchors the words of both sides are compared as one sequence, so a copy
// that merges, splits or rewords paragraphs is shown as an edit with the
// added and removed words marked, and rows are cut wherever both sides
// start a paragraph on the same word.
func Compare(orig, cp []string) []Row {
	if len(orig)*len(cp) > maxDiffCells {
		return apart(orig, cp)
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
	for _, p := range append(pairs, [2]int{len(orig), len(cp)}) {
		rows = append(rows, diffRegion(orig[i:p[0]], cp[j:p[1]])...)
		if p[0] < len(orig) {
			rows = append(rows, Row{Op: OpSame, Left: [][]Span{{{OpSame, orig[p[0]]}}}, Right: [][]Span{{{OpSame, cp[p[1]]}}}})
		}
		i, j = p[0]+1, p[1]+1
	}
	return rows
}

// apart shows two stretches as unrelated: every original paragraph cut,
// every copy paragraph added.
func apart(orig, cp []string) []Row {
	rows := make([]Row, 0, len(orig)+len(cp))
	for _, p := range orig {
		rows = append(rows, Row{Op: OpRemoved, Left: [][]Span{{{OpRemoved, p}}}})
	}
	for _, p := range cp {
		rows = append(rows, Row{Op: OpAdded, Right: [][]Span{{{OpAdded, p}}}})
	}
	return rows
}

type word struct {
	text  string
	para  int
	first bool // first word of its paragraph
}

func flatten(paras []string) []word {
	var out []word
	for i, p := range paras {
		for k, w := range strings.Fields(p) {
			out = append(out, word{w, i, k == 0})
		}
	}
	return out
}

// diffRegion compares the stretches between two anchors word by word.
func diffRegion(orig, cp []string) []Row {
	if len(orig) == 0 || len(cp) == 0 {
		return apart(orig, cp)
	}
	ow, cw := flatten(orig), flatten(cp)
	if len(ow) == 0 || len(cw) == 0 {
		return apart(orig, cp)
	}
	if len(ow)*len(cw) > maxDiffCells {
		return pairParagraphs(orig, cp)
	}
	pairs := matchWords(ow, cw)
	if float64(len(pairs)) < minShared*float64(min(len(ow), len(cw))) {
		return apart(orig, cp)
	}
	om, cm, cuts := markPairs(ow, cw, pairs)
	left := spans(ow, om, len(orig), OpRemoved)
	right := spans(cw, cm, len(cp), OpAdded)
	cuts = append(cuts, [2]int{len(orig), len(cp)})
	return cutRows(left, right, cuts)
}

// markPairs marks the matched words of each side (pairs of indexes into
// ow and cw) and returns where rows are cut: at each pair of paragraph
// numbers where both sides begin a paragraph with a matched word, after
// the start {0, 0}.
func markPairs(ow, cw []word, pairs [][2]int) (om, cm []bool, cuts [][2]int) {
	om = make([]bool, len(ow))
	cm = make([]bool, len(cw))
	cuts = [][2]int{{0, 0}}
	for _, p := range pairs {
		om[p[0]], cm[p[1]] = true, true
		a, b := ow[p[0]], cw[p[1]]
		last := cuts[len(cuts)-1]
		if a.first && b.first && (a.para > last[0] || b.para > last[1]) {
			cuts = append(cuts, [2]int{a.para, b.para})
		}
	}
	return om, cm, cuts
}

// matchWords returns the longest common subsequence of two word lists,
// as index pairs: words match by their key (case and punctuation aside),
// or exactly when they have no key (punctuation alone).
func matchWords(ow, cw []word) [][2]int {
	ok := make([]string, len(ow))
	ck := make([]string, len(cw))
	for i, w := range ow {
		ok[i] = wordKey(w.text)
	}
	for j, w := range cw {
		ck[j] = wordKey(w.text)
	}
	return lcsPairs(len(ow), len(cw), func(i, j int) bool {
		return ok[i] == ck[j] && (ok[i] != "" || ow[i].text == cw[j].text)
	})
}

// cutRows cuts the two sides' paragraphs into rows at the cuts (pairs of
// paragraph numbers), each row marked by what happened to it; empty rows
// are left out.
func cutRows(left, right [][]Span, cuts [][2]int) []Row {
	var rows []Row
	for k := 0; k+1 < len(cuts); k++ {
		a, b := cuts[k], cuts[k+1]
		r := Row{Left: left[a[0]:b[0]], Right: right[a[1]:b[1]]}
		switch {
		case len(r.Left) == 0 && len(r.Right) == 0:
			continue
		case len(r.Left) == 0:
			r.Op = OpAdded
		case len(r.Right) == 0:
			r.Op = OpRemoved
		case unmarked(r.Left) && unmarked(r.Right):
			r.Op = OpSame
		default:
			r.Op = OpChanged
		}
		rows = append(rows, r)
	}
	return rows
}

func unmarked(paras [][]Span) bool {
	for _, p := range paras {
		for _, s := range p {
			if s.Op != OpSame {
				return false
			}
		}
	}
	return true
}

// spans groups words into per-paragraph runs: matched words are OpSame,
// the others get op. The separating space stays outside the marks.
func spans(ws []word, matched []bool, paras int, op Op) [][]Span {
	out := make([][]Span, paras)
	for i, w := range ws {
		o := OpSame
		if !matched[i] {
			o = op
		}
		sp := out[w.para]
		switch n := len(sp); {
		case n == 0:
			sp = append(sp, Span{o, w.text})
		case sp[n-1].Op == o:
			sp[n-1].Text += " " + w.text
		case sp[n-1].Op == OpSame:
			sp[n-1].Text += " "
			sp = append(sp, Span{o, w.text})
		default:
			sp = append(sp, Span{o, " " + w.text})
		}
		out[w.para] = sp
	}
	return out
}

func wordKey(w string) string {
	return strings.ToLower(strings.TrimFunc(w, func(r rune) bool { return unicode.IsPunct(r) }))
}

// pairParagraphs handles a stretch too long to compare word by word: it
// aligns paragraphs that share at least half their words, compares each
// such pair word by word and shows the rest as cut or added.
func pairParagraphs(orig, cp []string) []Row {
	if len(orig)*len(cp) > maxDiffCells/64 {
		return apart(orig, cp)
	}
	similar := similarParagraphs(wordBags(orig), wordBags(cp))
	pairs := lcsPairs(len(orig), len(cp), func(i, j int) bool { return similar[i*len(cp)+j] })
	var rows []Row
	i, j := 0, 0
	for _, p := range append(pairs, [2]int{len(orig), len(cp)}) {
		rows = append(rows, apart(orig[i:p[0]], cp[j:p[1]])...)
		if p[0] < len(orig) {
			rows = append(rows, diffRegion(orig[p[0]:p[0]+1], cp[p[1]:p[1]+1])...)
		}
		i, j = p[0]+1, p[1]+1
	}
	return rows
}

// wordBags counts the words (by wordKey) of each paragraph.
func wordBags(ps []string) []map[string]int {
	out := make([]map[string]int, len(ps))
	for i, p := range ps {
		out[i] = map[string]int{}
		for _, w := range strings.Fields(p) {
			out[i][wordKey(w)]++
		}
	}
	return out
}

// similarParagraphs says, for each original paragraph i and copy
// paragraph j (at i*len(cb)+j), whether they share at least half the
// words of the shorter one.
func similarParagraphs(ob, cb []map[string]int) []bool {
	similar := make([]bool, len(ob)*len(cb))
	for i := range ob {
		for j := range cb {
			similar[i*len(cb)+j] = shareHalf(ob[i], cb[j])
		}
	}
	return similar
}

// shareHalf reports whether the word bags a and b share at least half
// the words of the one with fewer distinct words (a when as many).
func shareHalf(a, b map[string]int) bool {
	small, big := a, b
	if len(small) > len(big) {
		small, big = big, small
	}
	common, total := 0, 0
	for w, n := range small {
		common += min(n, big[w])
		total += n
	}
	return total > 0 && float64(common) >= 0.5*float64(total)
}

// Count summarises a diff in paragraphs: unchanged rows, copy
// paragraphs that are wholly new, original paragraphs wholly cut, and copy
// paragraphs that were edited.
func Count(rows []Row) (same, added, removed, changed int) {
	for _, r := range rows {
		if r.Op == OpSame {
			same++
			continue
		}
		for _, p := range r.Left {
			if onlyOp(p, OpRemoved) {
				removed++
			}
		}
		for _, p := range r.Right {
			switch {
			case onlyOp(p, OpAdded):
				added++
			case !onlyOp(p, OpSame):
				changed++
			}
		}
	}
	return same, added, removed, changed
}

// onlyOp reports whether the paragraph p has spans and all are op.
func onlyOp(p []Span, op Op) bool {
	for _, s := range p {
		if s.Op != op {
			return false
		}
	}
	return len(p) > 0
}
