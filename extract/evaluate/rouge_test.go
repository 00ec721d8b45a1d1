package evaluate

import (
	"math"
	"slices"
	"testing"
)

func TestRougeTokens(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"Hello, World!", []string{"hello", "world"}},
		{"U.S. $1,000", []string{"u", "s", "1", "000"}},
		{"It’s a café, naïve", []string{"it", "s", "a", "caf", "na", "ve"}},
		{"Привет мир", nil},
		{"  \n ", nil},
		{"COVID-19 p.m.", []string{"covid", "19", "p", "m"}},
	}
	for _, tc := range tests {
		if got := rougeTokens(tc.in); !slices.Equal(got, tc.want) {
			t.Errorf("rougeTokens(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestSplitSentences(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string
	}{
		{"two sentences", "He left. She stayed.", []string{"He left.", "She stayed."}},
		{"titles", "Mr. Smith left. Dr. Jones stayed.", []string{"Mr. Smith left.", "Dr. Jones stayed."}},
		{"country abbreviation mid-sentence", "The U.S. Army said so.", []string{"The U.S. Army said so."}},
		{"abbreviation ending a sentence", "It was in the U.S. The rest followed.", []string{"It was in the U.S.", "The rest followed."}},
		{"month", "Jan. 5 was cold. Feb. Warmer.", []string{"Jan. 5 was cold.", "Feb. Warmer."}},
		{"line breaks alone do not split", "A headline\n\nThe body text.", []string{"A headline\n\nThe body text."}},
		{"question before lower case", "Really? yes.", []string{"Really?", "yes."}},
		{"period before lower case", "It ended. then more.", []string{"It ended.", "then more."}},
		{"typographic quote keeps it together", "He said “no.” Then left.", []string{"He said “no.” Then left."}},
		{"ascii quote splits", `He said "yes." Then left.`, []string{`He said "yes.`, `" Then left.`}},
		{"abbreviation before a quote", `He said "no." Then left.`, []string{`He said "no." Then left.`}},
		{"initial", "John F. Kennedy spoke.", []string{"John F. Kennedy spoke."}},
		{"initial then sentence start", "Plan B. The next one.", []string{"Plan B.", "The next one."}},
		{"number then capital", "It was 1990. The end.", []string{"It was 1990.", "The end."}},
		{"number then lower case", "See page 5. then go.", []string{"See page 5. then go."}},
		{"attached ellipsis", "Wait... Then go.", []string{"Wait... Then go."}},
		{"free ellipsis before a sentence start", "Wait ... The end.", []string{"Wait ...", "The end."}},
		{"lone period", "Data from X . More here.", []string{"Data from X .", "More here."}},
		{"bracket after period", "(He left.) She stayed.", []string{"(He left.", ") She stayed."}},
		{"empty", "", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := splitSentences(tc.in); !slices.Equal(got, tc.want) {
				t.Errorf("splitSentences(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestUnionLCS(t *testing.T) {
	tests := []struct {
		name  string
		ref   []string
		cands [][]string
		want  []int
	}{
		{"union of two subsequences", []string{"a", "b", "c", "d", "e"}, [][]string{{"a", "b", "x"}, {"c", "e"}}, []int{0, 1, 2, 4}},
		// Table for ref "a b", cand "b a": both tokens are an LCS of length
		// 1; walking back from the corner drops ref's last token first.
		{"tie goes to the earlier reference token", []string{"a", "b"}, [][]string{{"b", "a"}}, []int{0}},
		{"repeated token matches its last occurrence", []string{"a", "a"}, [][]string{{"a"}, {"a"}}, []int{1}},
		{"no overlap", []string{"a", "b"}, [][]string{{"x"}}, nil},
		{"no candidates", []string{"a"}, nil, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newLCSScorer(tc.cands)
			if got := s.unionLCS(s.ids(tc.ref)); !slices.Equal(got, tc.want) {
				t.Errorf("unionLCS = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestSummaryLCS(t *testing.T) {
	tests := []struct {
		name      string
		ref, cand [][]string
		p, r      float64
	}{
		{"union hits", [][]string{{"a", "b", "c", "d", "e"}}, [][]string{{"a", "b", "x"}, {"c", "e"}}, 4.0 / 5, 4.0 / 5},
		// Each reference sentence's union is "a b", but the candidate has
		// one "a" and one "b" to give.
		{"candidate budget", [][]string{{"a", "b"}, {"a", "b"}}, [][]string{{"a", "b"}}, 1, 2.0 / 4},
		// Every candidate sentence matches reference index 1; one hit.
		{"reference budget", [][]string{{"a", "a"}}, [][]string{{"a"}, {"a"}, {"a"}}, 1.0 / 3, 1.0 / 2},
		{"empty candidate", [][]string{{"a"}}, [][]string{{}}, 0, 0},
		{"identical", [][]string{{"x", "y"}, {"z"}}, [][]string{{"x", "y"}, {"z"}}, 1, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := summaryLCS(tc.ref, tc.cand)
			if math.Abs(got.Precision-tc.p) > 1e-12 || math.Abs(got.Recall-tc.r) > 1e-12 || math.Abs(got.F1-harmonic(tc.p, tc.r)) > 1e-12 {
				t.Errorf("got %+v, want P=%.4f R=%.4f", got, tc.p, tc.r)
			}
		})
	}
}

func TestRougeLSum(t *testing.T) {
	tests := []struct {
		name, ref, cand string
		p, r            float64
	}{
		{"same text, other case and punctuation", "The cat sat. It purred.", "the cat, sat! it purred", 1, 1},
		// ref sentences "a b c" / "d e"; cand one sentence "a c d x":
		// unions "a c" and "d" → 3 hits of 4 candidate and 5 reference tokens.
		{"sentences", "A b c. D e.", "A c d x.", 3.0 / 4, 3.0 / 5},
		{"nothing extracted", "Some text.", "", 0, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := RougeLSum(tc.ref, tc.cand)
			if math.Abs(got.Precision-tc.p) > 1e-12 || math.Abs(got.Recall-tc.r) > 1e-12 {
				t.Errorf("got %+v, want P=%.4f R=%.4f", got, tc.p, tc.r)
			}
		})
	}
}

func TestBestRougeLSum(t *testing.T) {
	five := []string{"[v w.]", "[w x.]", "[x y.]", "[y z.]", "[z a.]"}
	tests := []struct {
		name string
		body []string
		cand string
		want RougeScore
	}{
		{"optional paragraph dropped", []string{"a b c.", "[x y z.]"}, "a b c.", RougeScore{1, 1, 1}},
		{"optional paragraph kept", []string{"a b c.", "[x y z.]"}, "a b c.\n\nx y z.", RougeScore{1, 1, 1}},
		// Only the middle optional paragraph is in the candidate.
		{"one subset of three", []string{"[p.]", "a b.", "[q.]", "[r.]"}, "a b.\n\nq.", RougeScore{1, 1, 1}},
		// More than four optional paragraphs: all kept (P 1, R 4/10) or
		// all dropped (nothing left); subsets are not tried.
		{"more than four optional", five[:5], "v w.\n\nw x.", RougeScore{1, 0.4, harmonic(1, 0.4)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := bestRougeLSum(tc.body, tc.cand)
			if math.Abs(got.Precision-tc.want.Precision) > 1e-12 || math.Abs(got.Recall-tc.want.Recall) > 1e-12 || math.Abs(got.F1-tc.want.F1) > 1e-12 {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestPowersetOrder(t *testing.T) {
	tests := []struct {
		n    int
		want []uint64
	}{
		{0, []uint64{0}},
		{2, []uint64{0, 1, 2, 3}},
		{3, []uint64{0, 1, 2, 4, 3, 5, 6, 7}},
	}
	for _, tc := range tests {
		if got := powersetOrder(tc.n); !slices.Equal(got, tc.want) {
			t.Errorf("powersetOrder(%d) = %v, want %v", tc.n, got, tc.want)
		}
	}
}

func TestMeanStdAndParagraphBody(t *testing.T) {
	m, s := meanStd([]float64{1, 2, 3, 4})
	if math.Abs(m-2.5) > 1e-12 || math.Abs(s-math.Sqrt(5.0/3)) > 1e-12 {
		t.Errorf("meanStd = %v, %v; want 2.5, %v", m, s, math.Sqrt(5.0/3))
	}
	if got, want := paragraphBody("a\n\n\n  b \r\n\r\nc\nd\n\n"), "a\n\nb\n\nc\nd"; got != want {
		t.Errorf("paragraphBody = %q, want %q", got, want)
	}
}
