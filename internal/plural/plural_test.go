package plural

import "testing"

func TestN(t *testing.T) {
	tests := []struct {
		n    int
		want string
	}{{0, "0 copies"}, {1, "1 copy"}, {2, "2 copies"}, {-1, "-1 copy"}, {21, "21 copies"}}
	for _, tt := range tests {
		if got := N(tt.n, "copy", "copies"); got != tt.want {
			t.Errorf("N(%d) = %q, want %q", tt.n, got, tt.want)
		}
	}
	if got := S(1, "page"); got != "1 page" {
		t.Errorf("S(1) = %q", got)
	}
	if got := S(2, "page"); got != "2 pages" {
		t.Errorf("S(2) = %q", got)
	}
}
