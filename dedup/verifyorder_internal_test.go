package dedup

import (
	"errors"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/syndex/syndex/article"
)

// TestVerifyOrderFilter: on the incremental path, a candidate that shares
// an article's words but not their order (the same page with each
// paragraph's words shuffled, as on the real-page WARC; independent
// reports of one event sharing its names) is never aligned: the two
// share few word pairs (verifyOrder). Without that rule this page is
// aligned and even joins: a third of each shuffled sentence's words come
// from each sentence of its paragraph, and their 4-grams inside words
// reach alignSentence. A rewrite that keeps two words in three is still
// aligned and joins.
func TestVerifyOrderFilter(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 5))
	text := orderTexts(r)
	src := text(func(_ int, p []string) []string { return p })
	shuffled := text(func(_ int, p []string) []string {
		r.Shuffle(len(p), func(i, j int) { p[i], p[j] = p[j], p[i] })
		return p
	})
	rewrite := text(func(_ int, p []string) []string {
		for j := 1; j < len(p); j += 3 {
			p[j] += "i"
		}
		return p
	})
	day := time.Date(2024, 5, 1, 8, 0, 0, 0, time.UTC)
	texts := map[string]string{}
	ix := NewClusterer(DefaultConfig())
	ix.SetTexts(func(id string) (string, error) {
		if s, ok := texts[id]; ok {
			return s, nil
		}
		return "", errors.New("not stored")
	})
	add := func(id, site, text string, at time.Time) {
		texts[id] = text
		ix.Add(&article.Article{ID: id, Site: site, URL: "https://" + site + "/" + id, Published: at, Text: text})
	}
	add("src", "a.example", src, day)
	add("shuffled", "b.example", shuffled, day.Add(24*time.Hour))
	if sc := ix.inc.scratch; sc != nil && sc.aligned > 0 {
		t.Errorf("the shuffled page was aligned %d times: its word pairs should keep it from alignment", sc.aligned)
	}
	if as, _ := ix.Assignment("shuffled"); as.Role != article.RoleUnique {
		t.Errorf("the shuffled page is %s, want unique", as.Role)
	}
	add("rewrite", "c.example", rewrite, day.Add(24*time.Hour))
	if sc := ix.inc.scratch; sc == nil || sc.aligned == 0 {
		t.Fatal("the rewrite was not aligned")
	}
	if as, _ := ix.Assignment("rewrite"); as.Role != article.RoleCopy || as.Original != "src" {
		t.Errorf("the rewrite is %s of %q, want a copy of src", as.Role, as.Original)
	}
}

// orderTexts returns a function writing six paragraphs of 45 random
// words, passed through f, in sentences of 15 words.
func orderTexts(r *rand.Rand) func(f func(i int, p []string) []string) string {
	vocab := make([]string, 4000)
	for i := range vocab {
		var b strings.Builder
		for range 2 + r.IntN(3) {
			b.WriteString([]string{"ka", "lo", "mi", "ne", "ra", "tu", "be", "si", "do", "va", "zen", "ul"}[r.IntN(12)])
		}
		vocab[i] = b.String()
	}
	var paras [][]string
	for range 6 {
		var p []string
		for range 45 {
			p = append(p, vocab[r.IntN(len(vocab))])
		}
		paras = append(paras, p)
	}
	return func(f func(i int, p []string) []string) string {
		var out []string
		for i, p := range paras {
			ws := f(i, append([]string(nil), p...))
			var ss []string
			for k := 0; k < len(ws); k += 15 {
				ss = append(ss, strings.Join(ws[k:min(k+15, len(ws))], " ")+".")
			}
			out = append(out, strings.Join(ss, " "))
		}
		return strings.Join(out, "\n\n")
	}
}
