package dedup

import (
	"encoding/json"
	"testing"

	"github.com/syndex/syndex/article"
	"github.com/syndex/syndex/dedup/internal/fastjson"
	"github.com/syndex/syndex/dedup/shingle"
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
		sh := shingle.New(3, 4)
		var fd fastjson.Decoder
		for i := 0; b.Loop(); i++ {
			it := parsed{raw: lines[i%len(lines)]}
			parseLine(&it, &sh, &fd, true, nil)
		}
	})
	b.Run("sentenceSketch", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			sentenceSketch(arts[i%len(arts)].Text)
		}
	})
	b.Run("features", func(b *testing.B) {
		sh := shingle.New(3, 4)
		for i := 0; b.Loop(); i++ {
			sh.Features(arts[i%len(arts)].Text, nil)
		}
	})
	b.Run("words", func(b *testing.B) {
		var buf []byte
		for i := 0; b.Loop(); i++ {
			buf = shingle.Words(arts[i%len(arts)].Text, buf, func(uint64) {})
		}
	})
}
