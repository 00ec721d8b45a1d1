package dedup

import (
	"encoding/json"
	"testing"

	"github.com/syndex/syndex/article"
	"github.com/syndex/syndex/dedup/synth"
)

// BenchmarkParts times the stages of Run on one goroutine.
func BenchmarkParts(b *testing.B) {
	opt := synth.Default()
	opt.Stories = 300
	arts := synth.Generate(opt, 42)
	var lines [][]byte
	for _, a := range arts {
		l, _ := json.Marshal(a)
		lines = append(lines, l)
	}
	b.Run("unmarshal", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			var a article.Article
			json.Unmarshal(lines[i%len(lines)], &a)
		}
	})
	b.Run("parseLine", func(b *testing.B) {
		sh := shingler{k: 3, sample: 4}
		var fd fastDecoder
		for i := 0; b.Loop(); i++ {
			it := parsed{raw: lines[i%len(lines)]}
			parseLine(&it, &sh, &fd)
		}
	})
	b.Run("features", func(b *testing.B) {
		sh := shingler{k: 3, sample: 4}
		for i := 0; b.Loop(); i++ {
			sh.features(arts[i%len(arts)].Text, nil)
		}
	})
	b.Run("words", func(b *testing.B) {
		var buf []byte
		for i := 0; b.Loop(); i++ {
			buf = words(arts[i%len(arts)].Text, buf, func(uint64) {})
		}
	})
}
