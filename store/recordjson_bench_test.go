package store

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/syndex/syndex/article"
)

// benchRecords are records of the shape an import stores: every Article
// member set, a text of a few kilobytes with non-ASCII letters, quotes
// and paragraph breaks.
func benchRecords(b *testing.B) (recs []*record, encoded [][]byte, size int64) {
	when := time.Date(2024, 5, 1, 8, 0, 0, 0, time.UTC)
	para := strings.Repeat("The council voted on the harbour plan after a “long” debate about costs in Köln; ", 12)
	for i := range 200 {
		rec := &record{Seq: uint64(i + 1), Article: article.Article{ID: fmt.Sprintf("a-%d", i),
			URL:  fmt.Sprintf("https://news%d.example/2024/05/story-%d?x=1&y=2", i%7, i),
			Site: fmt.Sprintf("news%d.example", i%7), Title: "Harbour plan <passes>", Text: strings.Repeat(para+"\n\n", 1+i%5),
			Author: "A. Writer", Published: when.Add(time.Duration(i) * time.Hour), Fetched: when.Add(48 * time.Hour),
			Lang: "en", Canonical: "https://news.example/story", Source: "wire", SiteName: "News",
			Boilerplate: []string{"Subscribe now"}, WARC: "w.warc.gz#1", Evidence: []string{"canonical"},
			Cluster: "c-1", Role: article.RoleCopy, Original: "a-0", Similarity: 0.8125, OriginalShare: 1, CopyShare: 0.75}}
		v, err := encodeRecord(rec)
		if err != nil {
			b.Fatal(err)
		}
		recs = append(recs, rec)
		encoded = append(encoded, v)
		size += int64(len(v))
	}
	return recs, encoded, size
}

func BenchmarkDecodeQuick(b *testing.B) {
	_, encoded, size := benchRecords(b)
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		for _, v := range encoded {
			var rec record
			if !decodeQuick(v, &rec) {
				b.Fatalf("declined %s", v)
			}
		}
	}
}

func BenchmarkEncodeRecord(b *testing.B) {
	recs, _, size := benchRecords(b)
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		for _, rec := range recs {
			if _, err := encodeRecord(rec); err != nil {
				b.Fatal(err)
			}
		}
	}
}
