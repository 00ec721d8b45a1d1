package diff

import (
	"fmt"
	"strings"
	"testing"
)

func render(rows []Row) string {
	var b strings.Builder
	side := func(paras [][]Span) string {
		var out []string
		for _, p := range paras {
			var s strings.Builder
			for _, sp := range p {
				switch sp.Op {
				case OpAdded:
					fmt.Fprintf(&s, "+[%s]", sp.Text)
				case OpRemoved:
					fmt.Fprintf(&s, "-[%s]", sp.Text)
				default:
					s.WriteString(sp.Text)
				}
			}
			out = append(out, s.String())
		}
		return strings.Join(out, " / ")
	}
	for _, r := range rows {
		fmt.Fprintf(&b, "%s:%s|%s\n", r.Op, side(r.Left), side(r.Right))
	}
	return b.String()
}

func TestCompare(t *testing.T) {
	tests := []struct {
		name     string
		orig, cp string
		want     string
	}{
		{"identical", "a b c\n\nd e f", "a b c\n\nd e f", "same:a b c|a b c\nsame:d e f|d e f\n"},
		{"spacing and case ignored", "A  b c", "a b\nc", "same:A  b c|a b\nc\n"},
		{"quote style ignored", "He said \"no\".", "He said 'no'.", "same:He said \"no\".|He said 'no'.\n"},
		{"added header", "a b c", "Republished.\n\na b c", "added:|+[Republished.]\nsame:a b c|a b c\n"},
		{"cut tail", "a b c\n\nd e f", "a b c", "same:a b c|a b c\nremoved:-[d e f]|\n"},
		{"edited words", "the cat sat on the mat", "the big cat sat on a mat",
			"changed:the cat sat on -[the] mat|the +[big] cat sat on +[a] mat\n"},
		{"replaced paragraph", "one two three\n\nx y z", "one two three\n\np q r",
			"same:one two three|one two three\nremoved:-[x y z]|\nadded:|+[p q r]\n"},
		{"insert before edited", "alpha beta gamma delta", "Note.\n\nalpha beta gamma epsilon",
			"added:|+[Note.]\nchanged:alpha beta gamma -[delta]|alpha beta gamma +[epsilon]\n"},
		{"paragraph split", "one two three four five six", "one two three\n\nfour five six",
			"same:one two three four five six|one two three / four five six\n"},
		{"paragraphs merged and edited", "a b c d\n\ne f g h\n\nz", "a b c d e f x h\n\nz",
			"changed:a b c d / e f -[g] h|a b c d e f +[x] h\nsame:z|z\n"},
		{"unrelated stretch", "one two three\n\ncommon", "four five six\n\ncommon",
			"removed:-[one two three]|\nadded:|+[four five six]\nsame:common|common\n"},
		{"punctuation-only change", "Hello, world", "Hello world!", "same:Hello, world|Hello world!\n"},
		{"empty copy", "a", "", "removed:-[a]|\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := render(Compare(Paragraphs(tt.orig), Paragraphs(tt.cp)))
			if got != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

// TestDiffLong checks the fallback for stretches too long to compare word
// by word: similar paragraphs are still paired and diffed.
func TestDiffLong(t *testing.T) {
	var o, c []string
	for i := range 80 {
		p := strings.TrimSpace(strings.Repeat(fmt.Sprintf("w%d ", i), 30)) + fmt.Sprintf(" tail%d", i)
		o = append(o, `"`+p+`"`)
		if i == 40 {
			c = append(c, "An inserted note.")
			continue // paragraph 40 is cut
		}
		c = append(c, "'"+strings.Replace(p, fmt.Sprintf("tail%d", i), "changed", 1)+"'")
	}
	rows := Compare(o, c)
	same, added, removed, changed := Count(rows)
	if same != 0 || added != 1 || removed != 1 || changed != 79 {
		t.Errorf("same %d added %d removed %d changed %d; want 0 1 1 79", same, added, removed, changed)
	}
}

// FuzzCompare checks that a diff keeps every word of both sides,
// in order, whatever the input.
func FuzzCompare(f *testing.F) {
	f.Add("a b\n\nc d", "c d\n\ne f")
	f.Fuzz(func(t *testing.T, a, b string) {
		rows := Compare(Paragraphs(a), Paragraphs(b))
		var left, right []string
		for _, r := range rows {
			for _, p := range r.Left {
				var s strings.Builder
				for _, sp := range p {
					s.WriteString(sp.Text)
				}
				left = append(left, strings.Fields(s.String())...)
			}
			for _, p := range r.Right {
				var s strings.Builder
				for _, sp := range p {
					s.WriteString(sp.Text)
				}
				right = append(right, strings.Fields(s.String())...)
			}
		}
		words := func(ps []string) []string { return strings.Fields(strings.Join(ps, " ")) }
		if strings.Join(left, " ") != strings.Join(words(Paragraphs(a)), " ") {
			t.Fatalf("left side lost or reordered words: %q", left)
		}
		if strings.Join(right, " ") != strings.Join(words(Paragraphs(b)), " ") {
			t.Fatalf("right side lost or reordered words: %q", right)
		}
	})
}

func BenchmarkCompare(b *testing.B) {
	var o, c []string
	for i := range 60 {
		p := strings.Repeat(fmt.Sprintf("word%d ", i), 40)
		o = append(o, p)
		if i%7 == 0 {
			c = append(c, "Inserted disclaimer paragraph.")
		}
		if i%5 != 0 {
			c = append(c, strings.Replace(p, fmt.Sprintf("word%d", i), "changed", 3))
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		Compare(o, c)
	}
}
