package fastjson

import "testing"

// TestDecodeText: the text of a line, whatever the other members hold;
// lines encoding/json must decide are refused.
func TestDecodeText(t *testing.T) {
	tests := []struct {
		line string
		text string
		ok   bool
	}{
		{`{"id":"a","text":"Hello \"world\"\n","tags":[1,{"x":null}]}`, "Hello \"world\"\n", true},
		{`{"text":"first","id":"a","text":"last"}`, "last", true},
		{`{"id":"a"}`, "", true},
		{`{"Text":"odd case"}`, "", false},
		{`{"text":null}`, "", false},
		{`{"text":"cut`, "", false},
		{`{"text":"x"} trailing`, "", false},
	}
	var d Decoder
	for _, tc := range tests {
		ok := d.DecodeText([]byte(tc.line))
		if ok != tc.ok || (ok && string(d.Text()) != tc.text) {
			t.Errorf("DecodeText(%s) = %q, %v; want %q, %v", tc.line, d.Text(), ok, tc.text, tc.ok)
		}
	}
}
