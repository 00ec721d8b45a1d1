package store

import (
	"fmt"
	"strings"
	"testing"

	"github.com/syndex/syndex/article"
)

// TestReleasePages: dropping the mapped pages loses nothing; the store
// reads and writes on as before.
func TestReleasePages(t *testing.T) {
	s, err := Open(t.TempDir(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	text := strings.Repeat("word ", 2000)
	for i := range 300 {
		if _, err := s.PutArticle(&article.Article{ID: fmt.Sprint("a", i), Text: text}); err != nil {
			t.Fatal(err)
		}
	}
	for round := range 2 {
		n := 0
		for a, err := range s.Articles(0) {
			if err != nil {
				t.Fatal(err)
			}
			if a.Text != text {
				t.Fatalf("round %d: %s reads back %d bytes of text", round, a.ID, len(a.Text))
			}
			n++
		}
		if n != 300+round {
			t.Fatalf("round %d: %d articles, want %d", round, n, 300+round)
		}
		if err := s.ReleasePages(); err != nil {
			t.Fatal(err)
		}
		if _, err := s.PutArticle(&article.Article{ID: "late", Text: text}); err != nil {
			t.Fatal(err)
		}
	}
	if a, err := s.Article("a7"); err != nil || a.Text != text {
		t.Fatalf("after release: %v", err)
	}
}
