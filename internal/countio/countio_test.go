package countio

import (
	"bytes"
	"errors"
	"testing"
)

// short takes at most max bytes and then fails.
type short struct{ max int }

func (s *short) Write(p []byte) (int, error) {
	if len(p) > s.max {
		n := s.max
		s.max = 0
		return n, errors.New("full")
	}
	s.max -= len(p)
	return len(p), nil
}

func TestWriter(t *testing.T) {
	var buf bytes.Buffer
	w := &Writer{W: &buf}
	for _, s := range []string{"abc", "", "defg"} {
		if _, err := w.Write([]byte(s)); err != nil {
			t.Fatal(err)
		}
	}
	if w.N != 7 || buf.String() != "abcdefg" {
		t.Errorf("N = %d, wrote %q; want 7, %q", w.N, buf.String(), "abcdefg")
	}
	// A failing write counts only what reached the writer.
	f := &Writer{W: &short{max: 5}}
	f.Write([]byte("abc"))
	if _, err := f.Write([]byte("defg")); err == nil || f.N != 5 {
		t.Errorf("N = %d, err %v; want 5 and an error", f.N, err)
	}
}
