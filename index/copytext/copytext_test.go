package copytext

import (
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/cespare/xxhash/v2"
)

func TestAdded(t *testing.T) {
	orig := "The council approved the harbour budget on Monday after a long debate.\n\nThe mayor said repairs would start in spring and finish by the autumn."
	for _, tc := range []struct {
		name, copy, want string
	}{
		{"verbatim", orig, ""},
		{"intro added", "Our partners report an important story today about the harbour.\n\n" + orig,
			"Our partners report an important story today about the harbour."},
		{"lightly edited paragraph is not added", "The council approved the harbour budget on Monday after a lengthy debate.\n\nThe mayor said repairs would start in spring and finish by the autumn.", ""},
		{"spin at the end", orig + "\n\nThis is yet another waste of taxpayers' money, critics say.",
			"This is yet another waste of taxpayers' money, critics say."},
		{"short own line", orig + "\n\nRead more", "Read more"},
		{"empty", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Added(orig, tc.copy); got != tc.want {
				t.Errorf("Added = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestOf(t *testing.T) {
	orig := "The council approved the harbour budget on Monday after a long debate."
	ct, cb, any := Of("Council approves budget", orig,
		[]string{"council  APPROVES budget", "Outrage over budget", ""},
		[]string{orig, orig + "\n\nCritics call it a waste of money again.", ""})
	if !any || ct[0] != "" || ct[1] != "Outrage over budget" || ct[2] != "" {
		t.Errorf("titles %q (any %v), want only the second copy's own", ct, any)
	}
	if cb[0] != "" || cb[1] != "Critics call it a waste of money again." || cb[2] != "" {
		t.Errorf("added texts %q", cb)
	}
	if _, _, any := Of("T", orig, []string{"t"}, []string{orig}); any {
		t.Error("a verbatim copy with the same title adds something")
	}
}

// refOf is Of as first written: a map of triples, words cut rune by rune.
func refOf(origTitle, origText string, titles, texts []string) (ct, cb []string, any bool) {
	words := func(p string) []uint64 {
		var ws []uint64
		var w []byte
		for _, r := range p {
			r = unicode.ToLower(r)
			if unicode.IsLetter(r) || unicode.IsDigit(r) {
				w = utf8.AppendRune(w, r)
				continue
			}
			if len(w) > 0 {
				ws, w = append(ws, xxhash.Sum64(w)), w[:0]
			}
		}
		if len(w) > 0 {
			ws = append(ws, xxhash.Sum64(w))
		}
		if len(ws) < 3 {
			return ws
		}
		var grams []uint64
		var tri [24]byte
		for i := 0; i+2 < len(ws); i++ {
			binary.LittleEndian.PutUint64(tri[0:], ws[i])
			binary.LittleEndian.PutUint64(tri[8:], ws[i+1])
			binary.LittleEndian.PutUint64(tri[16:], ws[i+2])
			grams = append(grams, xxhash.Sum64(tri[:]))
		}
		return grams
	}
	have := map[uint64]bool{}
	for p := range strings.SplitSeq(origText, "\n\n") {
		for _, h := range words(p) {
			have[h] = true
		}
	}
	norm := func(s string) string { return strings.Join(strings.Fields(strings.ToLower(s)), " ") }
	ct, cb = make([]string, len(texts)), make([]string, len(texts))
	for i := range texts {
		if t := strings.TrimSpace(titles[i]); t != "" && norm(t) != norm(origTitle) {
			ct[i], any = t, true
		}
		if strings.TrimSpace(texts[i]) == "" {
			continue
		}
		var out []string
		size := 0
		for p := range strings.SplitSeq(texts[i], "\n\n") {
			p = strings.TrimSpace(p)
			grams := words(p)
			found := 0
			for _, h := range grams {
				if have[h] {
					found++
				}
			}
			if len(grams) == 0 || 2*found >= len(grams) {
				continue
			}
			if size+len(p) > MaxAdded {
				break
			}
			out, size = append(out, p), size+len(p)+2
		}
		if cb[i] = strings.Join(out, "\n\n"); cb[i] != "" {
			any = true
		}
	}
	return ct, cb, any
}

// TestOfRandom compares Of with refOf on random originals and copies that
// take, edit and add paragraphs, over ASCII and other letters, digits,
// marks, punctuation and invalid UTF-8.
func TestOfRandom(t *testing.T) {
	words := []string{"the", "The", "COUNCIL", "budget", "2024", "Straße", "ÉTÉ", "İstanbul", "東京", "x1y", "a\u0301",
		"don't", "U.S.", "—", ",", ".", "\xff", "K", "ǅ", "Ⅻ", "٣", "\t", "\n", "\n\n", "  "}
	r := rand.New(rand.NewPCG(3, 4))
	text := func(n int) string {
		var b strings.Builder
		for range n {
			b.WriteString(words[r.IntN(len(words))])
			b.WriteByte(" \n"[r.IntN(8)/7])
		}
		return b.String()
	}
	for n := 0; n < 3000; n++ {
		orig := text(r.IntN(120))
		paras := strings.Split(orig, "\n\n")
		var titles, texts []string
		for range r.IntN(4) {
			var cp []string
			for _, p := range paras {
				switch r.IntN(4) {
				case 0: // dropped
				case 1:
					cp = append(cp, text(r.IntN(20)))
				case 2:
					cp = append(cp, p+" "+text(r.IntN(3)))
				default:
					cp = append(cp, p)
				}
			}
			titles = append(titles, text(r.IntN(5)))
			texts = append(texts, strings.Join(cp, "\n\n"))
		}
		title := text(4)
		ct, cb, any := Of(title, orig, titles, texts)
		wct, wcb, wany := refOf(title, orig, titles, texts)
		if !slices.Equal(ct, wct) || !slices.Equal(cb, wcb) || any != wany {
			t.Fatalf("Of(%q, %q, %q, %q) = %q, %q, %v; want %q, %q, %v", title, orig, titles, texts, ct, cb, any, wct, wcb, wany)
		}
	}
}

func TestHashSet(t *testing.T) {
	for _, tc := range []struct {
		name string
		add  []uint64
		miss []uint64
	}{
		{"empty", nil, []uint64{0, 1, 1 << 63}},
		{"zero", []uint64{0}, []uint64{1, 16}},
		{"same low bits", []uint64{1, 17, 33, 1 << 40, 1<<40 | 1}, []uint64{0, 49, 2}},
		{"repeats", []uint64{5, 5, 5, 0, 0}, []uint64{6}},
		{"grows", func() (hs []uint64) {
			for i := range uint64(1000) {
				hs = append(hs, i*0x9e3779b97f4a7c15)
			}
			return hs
		}(), []uint64{7, 1 << 62}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newHashSet(2)
			for _, h := range tc.add {
				s.add(h)
			}
			for _, h := range tc.add {
				if !s.has(h) {
					t.Errorf("%#x added, not found", h)
				}
			}
			for _, h := range tc.miss {
				if s.has(h) {
					t.Errorf("%#x found, never added", h)
				}
			}
		})
	}
}

func BenchmarkOf(b *testing.B) {
	r := rand.New(rand.NewPCG(5, 6))
	var ob strings.Builder
	for i := range 600 { // about a news article: 8 paragraphs, 600 words of 2,000
		fmt.Fprintf(&ob, "w%d", r.IntN(2000))
		ob.WriteString([]string{" ", " ", " ", ", ", "\n\n"}[min(i%75/74*4+r.IntN(4), 4)])
	}
	orig := ob.String()
	texts := []string{"Our own intro about the harbour.\n\n" + orig, orig + "\n\nCritics say it is a waste."}
	titles := []string{"Harbour budget", "Budget approved"}
	b.SetBytes(int64(len(orig)))
	b.ReportAllocs()
	for b.Loop() {
		Of("Council approves budget", orig, titles, texts)
	}
}
