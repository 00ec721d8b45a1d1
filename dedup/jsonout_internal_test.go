package dedup

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/syndex/syndex/article"
)

func TestAppendAssignmentMatchesEncodingJSON(t *testing.T) {
	story := strings.Repeat("the council voted on the harbour plan after a long debate about costs ", 8)
	tests := []struct {
		name string
		ids  []string // added in order with the same text: one cluster
	}{
		{"plain ids", []string{"a1", "b2", "c3"}},
		{"quotes, backslashes and control characters", []string{`q"uote`, `back\slash`, "tab\tnew\nline\r\b\f\x01\x1f"}},
		{"html characters", []string{"<b>&amp;</b>", "x>y"}},
		{"unicode, invalid utf-8 and line separators", []string{"Überweisung-日本", "bad\xffbyte\xc3", "sep\u2028par\u2029"}},
		{"a unique article", []string{"alone"}},
		{"site furniture: six sites, undated, plain addresses", []string{"f1", "f2", "f3", "f4", "f5", `f"6<`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ix := NewClusterer(DefaultConfig())
			for i, id := range tc.ids {
				site := "s" + string(rune('a'+i)) + ".example"
				ix.Add(&article.Article{ID: id, Site: site, URL: "https://" + site + "/our-promise", Text: story})
			}
			if furniture := strings.HasPrefix(tc.name, "site furniture"); furniture != ix.furniture(ix.byID[tc.ids[0]]) {
				t.Fatalf("furniture %v, want %v", !furniture, furniture)
			}
			for _, id := range tc.ids {
				di := ix.byID[id]
				var want bytes.Buffer
				if err := json.NewEncoder(&want).Encode(ix.assignment(di)); err != nil {
					t.Fatal(err)
				}
				if got := ix.appendAssignment(nil, di); !bytes.Equal(got, want.Bytes()) {
					t.Errorf("%q:\n got %s\nwant %s", id, got, want.Bytes())
				}
			}
		})
	}
}

func TestAppendFloatRounded(t *testing.T) {
	if got := appendFloat(nil, round4(0.123456)); string(got) != "0.1235" {
		t.Errorf("rounded similarity: got %s, want 0.1235", got)
	}
}

// TestAppendAssignmentVia covers the fields only copies of copies and
// partial copies have: via and shares below 1.
func TestAppendAssignmentVia(t *testing.T) {
	story := strings.Repeat("the council voted on the harbour plan after a long debate about costs ", 4) +
		strings.Repeat("engineers warned that the breakwater would need repairs within ten winters ", 4)
	half := story[:len(story)/2]
	ix := NewClusterer(DefaultConfig())
	ix.Add(&article.Article{ID: "a", Site: "a.example", Text: story})
	ix.Add(&article.Article{ID: "b", Site: "b.example", Text: half, Source: "a.example"})
	ix.Add(&article.Article{ID: "c", Site: "c.example", Text: half + " Read more.", Source: "b.example"})
	di := ix.byID["c"]
	as := ix.assignment(di)
	if as.Via != "b" || as.OriginalShare >= 0.9 {
		t.Fatalf("c: %+v, want via b and a partial share", as)
	}
	var want bytes.Buffer
	if err := json.NewEncoder(&want).Encode(as); err != nil {
		t.Fatal(err)
	}
	if got := ix.appendAssignment(nil, di); !bytes.Equal(got, want.Bytes()) {
		t.Errorf("got %s\nwant %s", got, want.Bytes())
	}
}
