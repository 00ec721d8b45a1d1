package store

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/syndex/syndex/article"
)

// BenchmarkCheckFile measures the check a writable Open runs over the
// whole store file: SYNDEX_BENCH_ARTICLES articles (default 20,000) of
// about 3 KB. It reports the file size and the throughput.
func BenchmarkCheckFile(b *testing.B) {
	n := 20000
	if v, err := strconv.Atoi(os.Getenv("SYNDEX_BENCH_ARTICLES")); err == nil && v > 0 {
		n = v
	}
	dir := b.TempDir()
	s, err := Open(dir, Options{NoSync: true})
	if err != nil {
		b.Fatal(err)
	}
	text := strings.Repeat("The harbour board approved the new breakwater after a long debate. ", 45)
	var batch []*article.Article
	for i := range n {
		id := fmt.Sprintf("%016x", uint64(i)*0x9E3779B97F4A7C15)
		batch = append(batch, &article.Article{ID: id, URL: "https://news.example/" + id, Site: "news.example", Title: "Story " + id, Text: text})
		if len(batch) == 1000 || i == n-1 {
			if err := s.PutArticles(batch); err != nil {
				b.Fatal(err)
			}
			batch = batch[:0]
		}
	}
	s.Close()
	path := filepath.Join(dir, FileName)
	fi, _ := os.Stat(path)
	b.SetBytes(fi.Size())
	b.ResetTimer()
	for range b.N {
		rep, err := CheckFile(path, 5, false)
		if err != nil || !rep.OK() {
			b.Fatalf("%v %+v", err, rep)
		}
	}
	b.ReportMetric(float64(fi.Size())/(1<<20), "MiB")
}
