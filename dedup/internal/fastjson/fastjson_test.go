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
		{`{"id":"a","text":"\ud800"}`, true},       // a lone surrogate: U+FFFD, as encoding/json
		{"{\"id\":\"a\",\"text\":\"\xff\"}", true}, // invalid UTF-8: U+FFFD, as encoding/json
		{`{"id":"a","text":"t","published":"2024-05-01t08:00:00Z"}`, false},
		{`{"id":"a","text":"t","published":"2024-05-01T08:00:00\u005a"}`, false}, // time.Time reads the raw string
		{`{"id":"a","text":"t","modified":"2024-05-01"}`, false},
		{`{"id":"a","text":"t","similarity":1e400}`, false}, // out of a float64's range
		{`{"id":"a","text":"t","evidence":["x",null],"title":null}`, true},
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
