package boltcheck

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// smallDB writes a bbolt file with nested, inline and large values.
func smallDB(t testing.TB) []byte {
	t.Helper()
	path := filepath.Join(t.TempDir(), "x.db")
	db, err := bolt.Open(path, 0o644, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		a, _ := tx.CreateBucket([]byte("a"))
		for i := range 300 {
			a.Put(fmt.Appendf(nil, "k%04d", i), []byte(strings.Repeat("v", i%50)))
		}
		a.Put([]byte("big"), []byte(strings.Repeat("B", 10000)))
		n, _ := a.CreateBucket([]byte("nested"))
		n.Put([]byte("x"), []byte("y"))
		n.NextSequence()
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	db.Update(func(tx *bolt.Tx) error { return tx.Bucket([]byte("a")).Delete([]byte("k0007")) })
	db.Close()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestCheckClean(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.db")
	os.WriteFile(path, smallDB(t), 0o644)
	f, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	pairs := 0
	r := Check(f, 10, func(p [][]byte, k, v []byte) { pairs++ })
	if len(r.Problems) != 0 || f.Truncated() != "" || f.MetaNote() != "" {
		t.Fatalf("a clean file: %v %q %q", r.Problems, f.Truncated(), f.MetaNote())
	}
	if pairs != 300+1 || r.Seqs["a/nested"] != 1 {
		t.Errorf("%d pairs, nested sequence %d", pairs, r.Seqs["a/nested"])
	}
	if err := Precheck(path); err != nil {
		t.Error(err)
	}
}

// FuzzCheck: no bytes make Open, Precheck or Check panic.
func FuzzCheck(f *testing.F) {
	db := smallDB(f)
	f.Add(db, 0, byte(0))
	f.Add(db, 4096*2+40, byte(0xff))
	f.Add(db[:len(db)/2], 0, byte(0))
	f.Fuzz(func(t *testing.T, b []byte, at int, x byte) {
		if at >= 0 && at < len(b) {
			b[at] ^= x
		}
		path := filepath.Join(t.TempDir(), "x.db")
		os.WriteFile(path, b, 0o644)
		Precheck(path)
		file, err := Open(path)
		if err != nil {
			return
		}
		defer file.Close()
		Check(file, 5, func([][]byte, []byte, []byte) {})
	})
}
