package snippet

import (
	"strings"
	"testing"
)

func TestTidySnippet(t *testing.T) {
	tests := []struct {
		name, in, html, text string
		matches              [][2]int
	}{
		{"cut in words at both ends", "…n electrical room at the Pier 9 ferry <mark>terminal</mark> early Tuesday forced all crossings to Gull Island for more tha…",
			"… electrical room at the Pier 9 ferry <mark>terminal</mark> early Tuesday forced all crossings to Gull Island for more …",
			"… electrical room at the Pier 9 ferry terminal early Tuesday forced all crossings to Gull Island for more …", [][2]int{{38, 46}}},
		{"cut between words", "… the <mark>bank</mark> raised rates …", "… the <mark>bank</mark> raised rates …", "… the bank raised rates …", [][2]int{{6, 10}}},
		{"whole text", "The <mark>bank</mark> raised its rates.", "The <mark>bank</mark> raised its rates.", "The bank raised its rates.", [][2]int{{4, 8}}},
		{"a match in the cut word stays", "…<mark>terminal</mark>s closed. Then…", "… <mark>terminal</mark>s closed. …", "… terminals closed. …", [][2]int{{2, 10}}},
		{"a cut word keeps from its match on", "…ne-<mark>year</mark>-old boy has died in hosp…", "… <mark>year</mark>-old boy has died in …", "… year-old boy has died in …", [][2]int{{2, 6}}},
		{"a cut last word keeps up to its match", "… the boy has died in the <mark>hospital</mark>-wi…", "… the boy has died in the <mark>hospital</mark> …", "… the boy has died in the hospital …", [][2]int{{26, 34}}},
		{"escapes and spaces", "…x O&#39;Brien said\n\n<mark>&lt;b&gt;</mark>  and left…", "… O&#39;Brien said <mark>&lt;b&gt;</mark> and …", "… O'Brien said <b> and …", [][2]int{{15, 18}}},
		{"characters, not bytes", "Ça <mark>coûte</mark> cher", "Ça <mark>coûte</mark> cher", "Ça coûte cher", [][2]int{{3, 8}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h, ts := Tidy(tc.in)
			if h != tc.html {
				t.Errorf("html\n got %q\nwant %q", h, tc.html)
			}
			if ts.Text != tc.text {
				t.Errorf("text\n got %q\nwant %q", ts.Text, tc.text)
			}
			if len(ts.Matches) != len(tc.matches) {
				t.Fatalf("matches %v, want %v", ts.Matches, tc.matches)
			}
			rs := []rune(ts.Text)
			for i, m := range ts.Matches {
				if m != tc.matches[i] {
					t.Errorf("match %d = %v, want %v (%q)", i, m, tc.matches[i], string(rs[m[0]:m[1]]))
				}
			}
			if strings.Count(ts.Text, "…") > 2 || strings.Contains(ts.Text, "… …") || strings.Contains(ts.Text, "……") {
				t.Errorf("doubled ellipsis in %q", ts.Text)
			}
		})
	}
}

func TestTerminalSnippet(t *testing.T) {
	_, ts := Tidy("…ly the central <mark>bank</mark> raised its interest rates again on Tuesday, citing persistent inflation and a weak currency, while economists had expected a pause in the cycle of increases that began in the spring of the previous year…")
	s := Terminal(ts, 80)
	if !strings.HasPrefix(s, "… the central *bank* raised") || !strings.HasSuffix(s, " …") || strings.Count(s, "…") != 2 {
		t.Errorf("terminal snippet %q", s)
	}
	if n := len([]rune(s)); n > 80 {
		t.Errorf("terminal snippet has %d characters, want ≤ 80", n)
	}
	words := strings.Fields(strings.Trim(s, "… "))
	last := words[len(words)-1]
	if !strings.Contains(ts.Text, " "+last+" ") {
		t.Errorf("terminal snippet ends mid-word: %q", last)
	}
}

func TestMark(t *testing.T) {
	tests := []struct {
		name, text string
		marks      [][2]int
		width      int
		want       string
	}{
		{"no marks", "the bank raised rates", nil, 200, ""},
		{"whole text", "the bank raised rates", [][2]int{{4, 8}}, 200, "the <mark>bank</mark> raised rates"},
		{"escaped", "O'Brien & <b> said", [][2]int{{10, 13}}, 200, "O&#39;Brien &amp; <mark>&lt;b&gt;</mark> said"},
		{"two marks, one out of order skipped", "a bank and a bank", [][2]int{{2, 6}, {1, 3}, {13, 17}}, 200, "a <mark>bank</mark> and a <mark>bank</mark>"},
		{"window cut between words", "one two three four five six seven eight nine ten", [][2]int{{24, 27}}, 12,
			"…five <mark>six</mark> seven …"},
		{"cut after a multi-byte character", "ça coûte très cher à Paris", [][2]int{{17, 21}}, 8, "…très <mark>cher</mark> à …"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Mark(tc.text, tc.marks, tc.width); got != tc.want {
				t.Errorf("Mark = %q, want %q", got, tc.want)
			}
		})
	}
}
