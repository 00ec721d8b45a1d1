package store

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/syndex/syndex/article"
)

func TestPutGetOrder(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	arts := []*article.Article{
		{ID: "b", URL: "http://x.example/b", Text: "two"},
		{ID: "a", URL: "http://x.example/a", Text: "one"},
		{ID: "c", Text: "three", Published: time.Date(2024, 5, 1, 8, 0, 0, 0, time.FixedZone("EST", -5*3600))},
	}
	for i, a := range arts {
		seq, err := s.PutArticle(a)
		if err != nil || seq != uint64(i+1) {
			t.Fatalf("put %s: seq %d err %v", a.ID, seq, err)
		}
	}
	// Updating keeps the arrival number.
	arts[0].Cluster = "a"
	if seq, err := s.PutArticle(arts[0]); err != nil || seq != 1 {
		t.Fatalf("update: seq %d err %v", seq, err)
	}
	var got []string
	for a, err := range s.Articles(0) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, a.ID)
	}
	if strings.Join(got, ",") != "b,a,c" {
		t.Errorf("order %v, want b,a,c", got)
	}
	// The ids alone, in the same order, with the arrival numbers an
	// article read by id carries.
	got = nil
	for e, err := range s.ArrivalIDs(0) {
		if err != nil {
			t.Fatal(err)
		}
		a, err := s.ArticleArrival(e.ID)
		if err != nil || a.Seq != e.Seq || a.ID != e.ID {
			t.Errorf("%+v read by id: %d %v %v", e, a.Seq, a.Article, err)
		}
		got = append(got, e.ID)
	}
	if strings.Join(got, ",") != "b,a,c" {
		t.Errorf("ids in order %v, want b,a,c", got)
	}
	got = nil
	for e := range s.ArrivalIDs(1) {
		got = append(got, e.ID)
	}
	if strings.Join(got, ",") != "a,c" {
		t.Errorf("ids since 1: %v, want a,c", got)
	}
	got = nil
	for a := range s.Articles(2) {
		got = append(got, a.ID)
	}
	if strings.Join(got, ",") != "c" {
		t.Errorf("since 2: %v, want c", got)
	}
	b, err := s.ArticleByURL("http://x.example/b")
	if err != nil || b.Cluster != "a" {
		t.Errorf("by url: %+v %v", b, err)
	}
	c, _ := s.Article("c")
	if _, off := c.Published.Zone(); off != -5*3600 {
		t.Errorf("timezone lost: %v", c.Published)
	}
	if _, err := s.Article("zz"); !errors.Is(err, ErrNotFound) {
		t.Errorf("missing: %v", err)
	}
	if s.Count() != 3 || s.LastSeq() != 3 {
		t.Errorf("count %d last %d", s.Count(), s.LastSeq())
	}
}

func TestManyArticlesWhileWriting(t *testing.T) {
	s, err := Open(t.TempDir(), Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var batch []*article.Article
	for i := 0; i < 2000; i++ {
		batch = append(batch, &article.Article{ID: article.IDFor(string(rune(i))), Text: strings.Repeat("x", 500)})
	}
	if err := s.PutArticles(batch); err != nil {
		t.Fatal(err)
	}
	n := 0
	for a, err := range s.Articles(0) {
		if err != nil {
			t.Fatal(err)
		}
		// Writing while iterating must not deadlock.
		a.Role = article.RoleUnique
		if _, err := s.PutArticle(a); err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n != 2000 || s.LastSeq() != 2000 {
		t.Errorf("iterated %d, last seq %d", n, s.LastSeq())
	}
}

func TestOpenErrors(t *testing.T) {
	t.Run("second writer names the holder", func(t *testing.T) {
		dir := t.TempDir()
		s, err := Open(dir, Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		_, err = Open(dir, Options{})
		var le *LockedError
		if !errors.Is(err, ErrLocked) || !errors.As(err, &le) || le.PID != os.Getpid() {
			t.Fatalf("second open: %v", err)
		}
		if !strings.Contains(err.Error(), "in use by pid") {
			t.Errorf("message %q", err)
		}
	})
	t.Run("newer schema is refused", func(t *testing.T) {
		dir := t.TempDir()
		s, err := Open(dir, Options{})
		if err != nil {
			t.Fatal(err)
		}
		s.db.Update(func(tx *bolt.Tx) error { return tx.Bucket(bucketMeta).Put(keySchema, []byte("99")) })
		s.Close()
		_, err = Open(dir, Options{})
		if err == nil || !strings.Contains(err.Error(), "newer syndex") {
			t.Fatalf("want a newer-version error, got %v", err)
		}
	})
	t.Run("foreign bbolt file is refused", func(t *testing.T) {
		dir := t.TempDir()
		db, err := bolt.Open(filepath.Join(dir, FileName), 0o644, nil)
		if err != nil {
			t.Fatal(err)
		}
		db.Update(func(tx *bolt.Tx) error { _, err := tx.CreateBucket([]byte("other")); return err })
		db.Close()
		if _, err := Open(dir, Options{}); err == nil || !strings.Contains(err.Error(), "not written by syndex") {
			t.Fatalf("want a foreign-file error, got %v", err)
		}
	})
	t.Run("not a database", func(t *testing.T) {
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, FileName), []byte("garbage garbage garbage"), 0o644)
		if _, err := Open(dir, Options{}); err == nil || !strings.Contains(err.Error(), FileName) {
			t.Fatalf("want an error naming the file, got %v", err)
		}
	})
	t.Run("read-only without an archive", func(t *testing.T) {
		if _, err := Open(filepath.Join(t.TempDir(), "none"), Options{ReadOnly: true}); err == nil || !strings.Contains(err.Error(), "no store") {
			t.Fatalf("got %v", err)
		}
	})
}

// TestCreateWhole checks that a new store appears whole: a process killed
// while creating one leaves only the file under its temporary name, which
// the next Open replaces, and never a store file without its schema
// record (which a read-only open after the crash refused as not written
// by syndex).
func TestCreateWhole(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, FileName)
	// What a kill during creation leaves: bbolt's empty layout, no buckets.
	db, err := bolt.Open(path+".new", 0o644, nil)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	if _, err := Open(dir, Options{ReadOnly: true}); err == nil || !strings.Contains(err.Error(), "no store") {
		t.Fatalf("read-only open of an archive still being created: %v, want no store", err)
	}
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatalf("open after a killed creation: %v", err)
	}
	s.Close()
	if _, err := os.Stat(path + ".new"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the temporary file is left: %v", err)
	}
	r, err := Open(dir, Options{ReadOnly: true})
	if err != nil {
		t.Fatalf("read-only open of the new store: %v", err)
	}
	r.Close()
}
