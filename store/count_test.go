package store

import (
	"fmt"
	"testing"

	bolt "go.etcd.io/bbolt"

	"github.com/syndex/syndex/article"
)

// fillStore writes n articles (and updates of the first few, which must
// not count twice) into a new store in dir and closes it.
func fillStore(t *testing.T, dir string, n int) {
	t.Helper()
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var batch []*article.Article
	for i := range n {
		batch = append(batch, &article.Article{ID: fmt.Sprint("a", i), URL: fmt.Sprint("https://x.example/", i), Text: "text"})
	}
	if err := s.PutArticles(batch); err != nil {
		t.Fatal(err)
	}
	for i := range min(n, 3) {
		if _, err := s.PutArticle(&article.Article{ID: fmt.Sprint("a", i), Text: "changed"}); err != nil {
			t.Fatal(err)
		}
	}
	if got := s.Count(); got != n {
		t.Fatalf("Count after %d new articles and updates = %d", n, got)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
}

// setKeptCount replaces (nil: removes) the count kept in the meta bucket,
// as a store written by a build that kept none, or a damaged one, has it.
func setKeptCount(t *testing.T, dir string, v []byte) {
	t.Helper()
	db, err := bolt.Open(dir+"/"+FileName, 0o644, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		if v == nil {
			return tx.Bucket(bucketMeta).Delete(keyCount)
		}
		return tx.Bucket(bucketMeta).Put(keyCount, v)
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
}

func keptValue(t *testing.T, s *Store) string {
	t.Helper()
	var v string
	s.view(func(tx *bolt.Tx) error {
		v = string(tx.Bucket(bucketMeta).Get(keyCount))
		return nil
	})
	return v
}

// TestCount: the count is right from the kept count, and a store whose
// kept count is missing or cannot be right is counted by walking it, read
// only or writable; a writable open keeps the walked count from then on.
func TestCount(t *testing.T) {
	const n = 40
	for _, tc := range []struct {
		name string
		kept []byte // nil: no kept count
		keep bool   // leave the kept count as the store wrote it
	}{
		{name: "kept", keep: true},
		{name: "none"},                          // a store written before the count was kept
		{name: "garbage", kept: []byte("many")}, // a damaged value
		{name: "too many", kept: []byte("41")},  // more than there are arrival numbers
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			fillStore(t, dir, n)
			if !tc.keep {
				setKeptCount(t, dir, tc.kept)
			}
			ro, err := Open(dir, Options{ReadOnly: true})
			if err != nil {
				t.Fatal(err)
			}
			if got := ro.Count(); got != n {
				t.Errorf("read-only Count = %d, want %d", got, n)
			}
			want := string(tc.kept)
			if tc.keep {
				want = fmt.Sprint(n)
			}
			if got := keptValue(t, ro); got != want {
				t.Errorf("kept count after a read-only open = %q, want %q (unchanged)", got, want)
			}
			ro.Close()
			s, err := Open(dir, Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if got := keptValue(t, s); got != fmt.Sprint(n) {
				t.Errorf("kept count after a writable open = %q, want %d", got, n)
			}
			if _, err := s.PutArticle(&article.Article{ID: "new", Text: "new"}); err != nil {
				t.Fatal(err)
			}
			if _, err := s.PutArticle(&article.Article{ID: "a5", Text: "again"}); err != nil {
				t.Fatal(err)
			}
			if got := s.Count(); got != n+1 {
				t.Errorf("Count after one more = %d, want %d", got, n+1)
			}
		})
	}
}

// TestCountEmpty: a new store counts 0, read-only too.
func TestCountEmpty(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Count(); got != 0 {
		t.Errorf("Count of a new store = %d", got)
	}
	s.Close()
	ro, err := Open(dir, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if got := ro.Count(); got != 0 {
		t.Errorf("read-only Count of a new store = %d", got)
	}
}
