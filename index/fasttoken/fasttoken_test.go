package fasttoken

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/registry"

	// The analyzers compared below.
	_ "github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	_ "github.com/blevesearch/bleve/v2/analysis/analyzer/standard"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/cjk"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/de"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/en"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/fr"
)

// sameTokens fails t unless got is, token for token, what Bleve's unicode
// tokenizer makes of input: terms (bytes and the capacity left after them,
// as they are slices of the input), offsets, positions and types.
func sameTokens(t *testing.T, input []byte, got analysis.TokenStream) {
	t.Helper()
	want := unicode.NewUnicodeTokenizer().Tokenize(append([]byte(nil), input...))
	if len(got) != len(want) {
		t.Fatalf("%q: %d tokens, want %d:\n got %s\nwant %s", input, len(got), len(want), dump(got), dump(want))
	}
	for i := range want {
		g, w := got[i], want[i]
		if string(g.Term) != string(w.Term) || g.Start != w.Start || g.End != w.End ||
			g.Position != w.Position || g.Type != w.Type || cap(g.Term) != cap(input)-g.Start {
			t.Fatalf("%q: token %d is %s, want %s", input, i, dump(got[i:i+1]), dump(want[i:i+1]))
		}
	}
}

func dump(ts analysis.TokenStream) string {
	var b strings.Builder
	for _, t := range ts {
		fmt.Fprintf(&b, "[%q %d-%d p%d t%d] ", t.Term, t.Start, t.End, t.Position, t.Type)
	}
	return b.String()
}

func TestTokenize(t *testing.T) {
	for _, s := range []string{
		"", " ", "a", "_", "__", "1", "_1", "1_", "_1_", "a_", "_a", "1_a", "a_1", "__1__2",
		"Hello, world!", "e.g. U.S.A. don't rock'n'roll", "a:b a::b :a a: a.b. .a",
		"3.14 1,000.50 1,,2 1.a a.1 a1.2 1a.b 1'2 a'1 1;2 1:2 a;b",
		"x.y_z 1_,2 1._ a_.b a._b 12abc abc12 a-b a/b a\\b",
		"line one\r\nline two\rthree\nfour\vfive\fsix\tseven",
		"“quoted,” she said—then left… We’d go.",
		"Über straße naïve café déjà-vu Ελλάδα Москва",
		"日本語のテキスト 中文文本 한국어 텍스트 カタカナ ひらがな",
		"a\u0301b e\u0301 \u0301x x \u0301 x\u00adx \u200dx \ufeffx",
		"mixed ASCII and 北京 and 😀 emoji 🇬🇧 flags",
		"tab\there  double  space   triple",
		"ends with space ", " starts with space", "a.", "a'", "1,", "1.",
		"\x00\x01 control \x7f del", "#hash @at $5 %10 &amp; *star* (p) [b] {c} <d> ~e ^f `g` |h +i =j ?k \"q\"",
	} {
		sameTokens(t, []byte(s), Tokenize([]byte(s)))
	}
}

func TestTokenizeInvalidUTF8(t *testing.T) {
	for _, s := range []string{"abc \xff def", "\xc3", "ok \xe2\x80 ok", "日\xff本"} {
		sameTokens(t, []byte(s), Tokenize([]byte(s)))
	}
}

// TestTokenizeRandom compares random texts over the characters whose word
// breaks differ: ASCII letters, digits, every mid character and joiner,
// white space, and non-ASCII letters, quotes, marks, ideographs.
func TestTokenizeRandom(t *testing.T) {
	parts := []string{
		"a", "Z", "q", "0", "7", "_", ":", ".", "'", ",", ";", "\"", "-", "!", "/",
		" ", " ", " ", "\n", "\r", "\t", "\v", "\f", "\r\n",
		"é", "ß", "’", "‘", "“", "—", "…", "\u0301", "\u00ad", "\u200d", "\ufeff",
		"日", "本", "カ", "ひ", "한", "😀", "🇬", "\u00b7", "\u2024", "\uff0e", "١", "٣",
	}
	r := rand.New(rand.NewPCG(1, 2))
	for n := 0; n < 20000; n++ {
		var b strings.Builder
		for k := r.IntN(24); k >= 0; k-- {
			b.WriteString(parts[r.IntN(len(parts))])
		}
		in := []byte(b.String())
		sameTokens(t, in, Tokenize(in))
	}
}

func FuzzTokenize(f *testing.F) {
	for _, s := range []string{"e.g. U.S.A. don't", "1,000.50 a1.2", "We’d go. Über", "日本語 a\u0301b", "x\r\ny"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		sameTokens(t, in, Tokenize(in))
	})
}

// TestAnalyzer compares each analyzer with its fast form on text of
// several languages: the same terms, offsets and positions after the
// analyzer's own filters.
func TestAnalyzer(t *testing.T) {
	cache := registry.NewCache()
	texts := []string{
		"The Bank of England's governor said rates would stay at 5.25% until 2025.",
		"Die Bundesregierung hat am Mittwoch über die Straßenbau-Pläne beraten.",
		"L'économie française a progressé de 0,3 % au troisième trimestre.",
		"東京都の人口は約1400万人です。 Tokyo's population",
		"“Quoted,” he said — we’d go; U.S. 1,000 a_b",
	}
	for _, name := range []string{"standard", "en", "de", "fr", "cjk", "keyword"} {
		an, err := cache.AnalyzerNamed(name)
		if err != nil {
			t.Fatal(err)
		}
		fast := Analyzer(an)
		if _, ok := fast.(fastAnalyzer); ok == (name == "keyword") {
			t.Errorf("%s: fast form %T", name, fast)
		}
		for _, text := range texts {
			want := an.Analyze([]byte(text))
			got := fast.Analyze([]byte(text))
			if dump(got) != dump(want) {
				t.Errorf("%s %q:\n got %s\nwant %s", name, text, dump(got), dump(want))
			}
		}
	}
}

func BenchmarkTokenize(b *testing.B) {
	text := []byte(strings.Repeat("The governor said on Tuesday that rates, at 5.25%, would stay — “for now”. ", 60))
	for _, bc := range []struct {
		name string
		tok  func([]byte) analysis.TokenStream
	}{
		{"bleve", unicode.NewUnicodeTokenizer().Tokenize},
		{"fast", Tokenize},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(text)))
			b.ReportAllocs()
			for b.Loop() {
				bc.tok(text)
			}
		})
	}
}
