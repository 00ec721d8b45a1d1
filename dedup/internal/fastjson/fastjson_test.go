package fastjson

import (
	"encoding/json"
	"testing"

	"github.com/syndex/syndex/article"
)

// agree checks the fast decoder against encoding/json on one line: when
// the fast path accepts a line, encoding/json must accept it too and give
// the same fields.
func agree(t *testing.T, line string) (fast bool) {
	t.Helper()
	var fd Decoder
	var got article.Article
	if !fd.Decode([]byte(line), &got) {
		return false
	}
	got.Text = string(fd.Text())
	var want article.Article
	if err := json.Unmarshal([]byte(line), &want); err != nil {
		t.Fatalf("fast decoder accepted %q, encoding/json: %v", line, err)
	}
	if got.ID != want.ID || got.URL != want.URL || got.Site != want.Site || got.Text != want.Text ||
		!got.Published.Equal(want.Published) || !got.Fetched.Equal(want.Fetched) ||
		got.Canonical != want.Canonical || got.Source != want.Source || got.NoIndex != want.NoIndex {
		t.Fatalf("%q:\nfast %+v\njson %+v", line, got, want)
	}
	return true
}

func TestFastDecoder(t *testing.T) {
	tests := []struct {
		line string
		fast bool
	}{
		{`{"id":"a","text":"hello \"world\"\n\u00e9\ud83d\ude00 \\ \/","published":"2024-05-01T08:00:00Z","title":"t","similarity":0.5,"evidence":["x"],"truth_original":true,"extra":{"n":[1,2.5e3,null,false]}}`, true},
		{` { "url" : "https://x.example/a" , "text" : "t" , "fetched" : "2024-05-01T08:00:00.123+02:00" } `, true},
		{`{}`, true},
		{`{"ID":"a","text":"t"}`, false},                     // key case: encoding/json's rules
		{`{"id":null,"text":"t"}`, false},                    // null: encoding/json's rules
		{`{"id":"a","text":"t","similarity":"high"}`, false}, // wrong type
		{`{"id":"a","text":"t","published":"yesterday"}`, false},
		{`{"id":"a","text":"t"`, false},
		{`{"id":"a","text":"t"} x`, false},
		{`{"id":"a","text":"\ud800"}`, false},
		{"{\"id\":\"a\",\"text\":\"\xff\"}", false},
		{`{"id":"a","text":"t","n":01}`, false},
		{`{"id":"a","text":"t","noindex":true,"original_share":0.5,"copy_share":1,"via":"b"}`, true},
		{`{"id":"a","text":"t","noindex":false}`, true},
		{`{"id":"a","text":"t","noindex":"yes"}`, false},
		{`{"id":"a","text":"t","NoIndex":true}`, false},
		{`{"id":"a","text":"t","via":1}`, false},
	}
	for _, tc := range tests {
		if got := agree(t, tc.line); got != tc.fast {
			t.Errorf("fast path on %q = %v, want %v", tc.line, got, tc.fast)
		}
	}
}

func FuzzFastDecoder(f *testing.F) {
	f.Add(`{"id":"a","text":"x\ny","published":"2024-05-01T08:00:00Z","evidence":["a",null]}`)
	f.Add(`{"url":"u","text":"\u00e9","similarity":-1.5e-3,"truth_original":false,"x":[{}]}`)
	f.Fuzz(func(t *testing.T, line string) {
		agree(t, line)
	})
}

// TestFastDecoderPlainRuns puts each kind of byte that ends or spoils a
// plain run at every offset of a long text, so the eight-byte scan meets
// it in every lane and at the end of the line.
func TestFastDecoderPlainRuns(t *testing.T) {
	tests := []struct {
		name string
		ins  string
		fast bool
	}{
		{"escaped quote", `\"`, true},
		{"escaped newline", `\n`, true},
		{"curly quote", "“", true},
		{"four-byte rune", "😀", true},
		{"control byte", "\x01", false},
		{"tab byte", "\t", false},
		{"invalid byte", "\xff", false},
		{"truncated rune", "\xe2\x80", false},
		{"surrogate bytes", "\xed\xa0\x80", false},
	}
	const base = "abcdefghijklmnopqrstuvwxyz0123456789 ABCDEFGHIJ"
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for i := 0; i <= len(base); i++ {
				line := `{"id":"a","text":"` + base[:i] + tc.ins + base[i:] + `"}`
				if got := agree(t, line); got != tc.fast {
					t.Fatalf("fast path on %q = %v, want %v", line, got, tc.fast)
				}
			}
		})
	}
}
