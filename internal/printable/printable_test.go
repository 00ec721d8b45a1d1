package printable

import "testing"

func i64(v int64) *int64 { return &v }

func TestLag(t *testing.T) {
	tests := []struct {
		in   *int64
		want string
	}{{nil, "?"}, {i64(45), "45s"}, {i64(125), "2m05s"}, {i64(7500), "2h05m"}, {i64(90000), "1d01h"}, {i64(-3600), "-1h00m"}}
	for _, tt := range tests {
		if got := Lag(tt.in); got != tt.want {
			t.Errorf("Lag(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestClean(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain", "plain"},
		{"a\x1b[31mb", "a\uFFFD[31mb"},
		{"line\n\nbreak  ", "line break"},
		{"rtl\u202eoverride", "rtl\uFFFDoverride"},
	}
	for _, tt := range tests {
		if got := Clean(tt.in); got != tt.want {
			t.Errorf("Clean(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestCSV(t *testing.T) {
	if got := CSV("=HYPERLINK(\"x\")"); got[0] != '\'' {
		t.Errorf("formula not defused: %q", got)
	}
	if got := CSV("plain"); got != "plain" {
		t.Errorf("CSV(plain) = %q", got)
	}
}
