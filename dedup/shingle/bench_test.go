package shingle

import (
	"bufio"
	"encoding/json"
	"os"
	"strings"
	"testing"
)

// BenchmarkFeatures shingles texts as the dedup index does (3-word
// shingles, one in 4 kept, quotations tracked):
//
//	SYNDEX_BENCH_TEXTS=articles.jsonl go test -run XXX -bench Features -benchmem ./dedup/shingle/
//
// reads the "text" of every line of a JSONL file (syndex extract's output
// of real pages, for instance); without it, a few built-in paragraphs.
func BenchmarkFeatures(b *testing.B) {
	texts := benchTexts(b)
	var size int64
	for _, t := range texts {
		size += int64(len(t))
	}
	b.SetBytes(size / int64(len(texts)))
	b.ReportAllocs()
	sh := New(3, 4)
	var dst []uint32
	for i := 0; b.Loop(); i++ {
		dst, _ = sh.FeaturesQuoted(texts[i%len(texts)])
	}
	_ = dst
}

func benchTexts(b *testing.B) []string {
	path := os.Getenv("SYNDEX_BENCH_TEXTS")
	if path == "" {
		return []string{
			strings.Repeat(`The council said on Tuesday that the “new ferry terminal” would open in 2027, three years later than planned. `, 40),
			strings.Repeat("Der Stadtrat hat am Dienstag beschlossen, dass das neue Fährterminal „erst 2027“ öffnen wird. ", 40),
			strings.Repeat("قال المجلس يوم الثلاثاء إن محطة العبارات الجديدة ستفتح عام ٢٠٢٧. ", 40),
		}
	}
	f, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	var texts []string
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 64<<20)
	for sc.Scan() {
		var a struct {
			Text string `json:"text"`
		}
		if json.Unmarshal(sc.Bytes(), &a) == nil && a.Text != "" {
			texts = append(texts, a.Text)
		}
	}
	if err := sc.Err(); err != nil {
		b.Fatal(err)
	}
	if len(texts) == 0 {
		b.Fatalf("%s: no line with a text", path)
	}
	return texts
}
