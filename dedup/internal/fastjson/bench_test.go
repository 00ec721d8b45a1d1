package fastjson

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/syndex/syndex/article"
)

// benchLines are JSONL lines of the shape dedup reads: every Article
// member set, a text of a few kilobytes with non-ASCII letters, quotes
// and paragraph breaks.
func benchLines(b *testing.B) (lines [][]byte, size int64) {
	when := time.Date(2024, 5, 1, 8, 0, 0, 0, time.UTC)
	para := strings.Repeat("The council voted on the harbour plan after a “long” debate about costs in Köln; ", 12)
	for i := range 200 {
		a := article.Article{ID: fmt.Sprintf("a-%d", i), URL: fmt.Sprintf("https://news%d.example/2024/05/story-%d?x=1&y=2", i%7, i),
			Site: fmt.Sprintf("news%d.example", i%7), Title: "Harbour plan <passes>", Text: strings.Repeat(para+"\n\n", 1+i%5),
			Author: "A. Writer", Published: when.Add(time.Duration(i) * time.Hour), Fetched: when.Add(48 * time.Hour),
			Lang: "en", Canonical: "https://news.example/story", Source: "wire", SiteName: "News",
			Boilerplate: []string{"Subscribe now"}, WARC: "w.warc.gz#1", Evidence: []string{"canonical"},
			Similarity: 0.8125, TruthCluster: "t-1"}
		line, err := json.Marshal(&a)
		if err != nil {
			b.Fatal(err)
		}
		lines = append(lines, line)
		size += int64(len(line))
	}
	return lines, size
}

func BenchmarkDecode(b *testing.B) {
	lines, size := benchLines(b)
	b.SetBytes(size)
	b.ReportAllocs()
	var d Decoder
	for b.Loop() {
		for _, line := range lines {
			var a article.Article
			if !d.Decode(line, &a) {
				b.Fatalf("declined %s", line)
			}
		}
	}
}

func BenchmarkDecodeText(b *testing.B) {
	lines, size := benchLines(b)
	b.SetBytes(size)
	b.ReportAllocs()
	var d Decoder
	for b.Loop() {
		for _, line := range lines {
			if !d.DecodeText(line) {
				b.Fatalf("declined %s", line)
			}
		}
	}
}
