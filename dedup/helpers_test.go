package dedup_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/syndex/syndex/article"
)

// textGen writes deterministic English-like filler from invented words.
type textGen struct {
	r     *rand.Rand
	vocab []string
}

var common = strings.Fields("the of and to in a is that for on was with he it as at by from his have said be has an were are but not this which they who after had")

func newTextGen(seed uint64) *textGen {
	g := &textGen{r: rand.New(rand.NewPCG(seed, 99))}
	syl := strings.Fields("ka lo mi ne ra tu be si do va zen tor ul an ri po gha mer sta qui ob el dru fin")
	for range 3000 {
		var b strings.Builder
		for range 2 + g.r.IntN(3) {
			b.WriteString(syl[g.r.IntN(len(syl))])
		}
		g.vocab = append(g.vocab, b.String())
	}
	return g
}

func (g *textGen) sentence(names ...string) string {
	n := 10 + g.r.IntN(12)
	ws := make([]string, n)
	for i := range ws {
		switch {
		case len(names) > 0 && g.r.IntN(8) == 0:
			ws[i] = names[g.r.IntN(len(names))]
		case g.r.IntN(3) == 0:
			ws[i] = common[g.r.IntN(len(common))]
		default:
			ws[i] = g.vocab[g.r.IntN(len(g.vocab))]
		}
	}
	return strings.ToUpper(ws[0][:1]) + ws[0][1:] + " " + strings.Join(ws[1:], " ") + "."
}

func (g *textGen) para(names ...string) string {
	ss := make([]string, 3)
	for i := range ss {
		ss[i] = g.sentence(names...)
	}
	return strings.Join(ss, " ")
}

func (g *textGen) paras(n int, names ...string) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = g.para(names...)
	}
	return out
}

var day0 = time.Date(2024, 5, 1, 8, 0, 0, 0, time.UTC)

func art(id, site string, hours int, paras ...string) *article.Article {
	a := &article.Article{ID: id, Site: site, URL: fmt.Sprintf("https://%s/%s", site, id), Text: strings.Join(paras, "\n\n")}
	if hours >= 0 {
		a.Published = day0.Add(time.Duration(hours) * time.Hour)
	}
	return a
}

func join(parts ...[]string) []string {
	var out []string
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// ocr swaps letters like a bad scan in about one word in twenty-five and
// turns straight quotes curly and spaces double.
func ocr(p string) string {
	ws := strings.Fields(p)
	for i := range ws {
		if i%25 == 7 {
			ws[i] = strings.NewReplacer("m", "rn", "l", "1", "o", "0").Replace(ws[i])
		}
	}
	return strings.ReplaceAll(strings.Join(ws, "  "), "\"", "”")
}

// edit replaces every n-th word.
func edit(p string, n int) string {
	ws := strings.Fields(p)
	for i := n / 2; i < len(ws); i += n {
		ws[i] = "changed"
	}
	return strings.Join(ws, " ")
}

func mapEach(ps []string, f func(string) string) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = f(p)
	}
	return out
}
