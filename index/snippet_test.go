package index

import (
	"context"
	"strings"
	"testing"

	"github.com/syndex/syndex/article"
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
			h, ts := tidySnippet(tc.in)
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
	_, ts := tidySnippet("…ly the central <mark>bank</mark> raised its interest rates again on Tuesday, citing persistent inflation and a weak currency, while economists had expected a pause in the cycle of increases that began in the spring of the previous year…")
	s := terminalSnippet(ts, 80)
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

// TestSearchTextSnippets: search results carry plain-text snippets whose
// match offsets point at the matched words, HTML snippets without a word
// cut at either end, and copies ordered by date.
func TestSearchTextSnippets(t *testing.T) {
	ix := openFixture(t)
	doc := Doc{Cluster: "c-order", Original: art("o9", "first.example", "en", "Ferry terminal fire",
		strings.Repeat("Smoke rose over the harbour as crews worked through the night. ", 6)+
			"A fire in an electrical room at the ferry terminal forced the evacuation of about 300 people. "+
			strings.Repeat("Officials said the cause was under investigation and crossings would resume. ", 6), "2024-04-01"),
		Copies: []*article.Article{cp("o9c", "late.example", "2024-04-05", 0.9), cp("o9a", "undated.example", "", 0.9), cp("o9b", "early.example", "2024-04-02", 0.9)}}
	if err := ix.Upsert(context.Background(), []Doc{doc}); err != nil {
		t.Fatal(err)
	}
	r, err := ix.Search(context.Background(), Query{Text: "electrical", Highlight: true})
	if err != nil || len(r.Hits) != 1 {
		t.Fatalf("hits %v, err %v", r, err)
	}
	h := r.Hits[0]
	if len(h.TextSnippets) == 0 || len(h.TextSnippets) != len(h.Snippets) {
		t.Fatalf("%d text snippets for %d snippets", len(h.TextSnippets), len(h.Snippets))
	}
	for _, ts := range h.TextSnippets {
		rs := []rune(ts.Text)
		if len(ts.Matches) == 0 {
			t.Errorf("no match in %q", ts.Text)
		}
		for _, m := range ts.Matches {
			if got := strings.ToLower(string(rs[m[0]:m[1]])); got != "electrical" {
				t.Errorf("match %v is %q, want electrical", m, got)
			}
		}
		body := doc.Original.Text
		for _, w := range strings.Fields(strings.Trim(ts.Text, "… ")) {
			if !strings.Contains(" "+body+" ", " "+w+" ") {
				t.Errorf("snippet word %q is not a whole word of the text (%q)", w, ts.Text)
			}
		}
	}
	var sites []string
	for _, c := range h.Copies {
		sites = append(sites, c.Site)
	}
	if got := strings.Join(sites, ","); got != "early.example,late.example,undated.example" {
		t.Errorf("copies in order %s, want by date, undated last", got)
	}
}
