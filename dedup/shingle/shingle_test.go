package shingle

import (
	"slices"
	"strings"
	"testing"
)

func TestShinglesNormalise(t *testing.T) {
	tests := []struct {
		name string
		a, b string
		same bool
	}{
		{"case and punctuation", "The Minister said: it's over.", "the minister SAID it's over", true},
		{"curly vs straight apostrophes and quotes", "“Don’t go,” she said", "\"Don't go,\" she said", true},
		{"dashes and whitespace", "peace — at last\n\n  now", "peace - at   last now", true},
		{"NFKC compatibility forms", "ﬁnal ２０２４ Ｒｅｐｏｒｔ", "final 2024 report", true},
		{"Arabic-script letter variants", "كتاب يوم", "کتاب یوم", true},
		{"Urdu digits", "۲۰۱۴ میں", "2014 میں", true},
		{"combining marks dropped", "café", "cafe\u0301", true},
		{"different words", "the minister resigned today", "the minister stayed today", false},
		{"word order matters for shingles", "one two three four", "four three two one", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a, b := Of(tc.a, 2, 1), Of(tc.b, 2, 1)
			if got := slices.Equal(a, b); got != tc.same {
				t.Errorf("Shingles(%q) == Shingles(%q): %v, want %v (%v vs %v)", tc.a, tc.b, got, tc.same, a, b)
			}
		})
	}
}

func TestShinglesShortAndSampled(t *testing.T) {
	if got := Of("", 3, 1); len(got) != 0 {
		t.Errorf("empty text: %v", got)
	}
	if got := Of("two words", 3, 1); len(got) != 1 {
		t.Errorf("text shorter than k: %d shingles, want 1", len(got))
	}
	text := "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho sigma tau upsilon phi chi psi omega"
	all, quarter := Of(text, 3, 1), Of(text, 3, 4)
	if len(all) != 22 {
		t.Errorf("24 words give %d 3-shingles, want 22", len(all))
	}
	for _, f := range quarter {
		if !slices.Contains(all, f) {
			t.Errorf("sampled feature %d not among all features", f)
		}
	}
	if len(quarter) >= len(all) {
		t.Errorf("sampling kept %d of %d", len(quarter), len(all))
	}
}

func FuzzShingles(f *testing.F) {
	f.Add("Hello, “world” — ١٢٣ كتاب", 3)
	f.Add("\xff\xfe broken utf8", 2)
	f.Fuzz(func(t *testing.T, s string, k int) {
		k = k%8 + 1
		if k < 1 {
			k = 1
		}
		got := Of(s, k, 1)
		if !slices.IsSorted(got) {
			t.Fatalf("not sorted: %v", got)
		}
		if len(slices.Compact(slices.Clone(got))) != len(got) {
			t.Fatalf("duplicates: %v", got)
		}
	})
}

func TestQuotedWords(t *testing.T) {
	tests := []struct {
		name string
		text string
		want string // one letter per word: q quoted, - not
	}{
		{"straight quotes", `He said "we will stay" today`, "--qqq-"},
		{"curly quotes", "He said “we will stay” today", "--qqq-"},
		{"guillemets", "Il a dit « nous restons » hier", "---qq-"},
		{"German low-high quotes", "Er sagte „wir bleiben“ heute", "--qq-"},
		{"a quotation ends with its paragraph", "\"first part\n\nnot quoted here", "qq---"},
		{"a quotation over two paragraphs opens each", "\"one two\n\n\"three four\" five", "qqqq-"},
		{"apostrophes are not quotes", "it's Anna's view", "---"},
		{"a word in non-Latin script", "قال «نحن باقون» اليوم", "-qq-"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ws, spans, _ := appendWordsQuoted(nil, nil, true, tc.text, nil)
			got := []byte(strings.Repeat("-", len(ws)))
			for i := 0; i+1 < len(spans); i += 2 {
				for w := spans[i]; w < spans[i+1]; w++ {
					got[w] = 'q'
				}
			}
			if string(got) != tc.want {
				t.Errorf("quoted words of %q: %s, want %s", tc.text, got, tc.want)
			}
		})
	}
	// The shingler reports the features whose words are all quoted.
	s := Shingler{k: 2, sample: 1}
	fs := s.Features(`Officials said "the bridge stays shut" on Monday`, nil)
	q := s.QuotedFeatures()
	if want := Of("the bridge stays shut", 2, 1); len(fs) != 7 || !slices.Equal(q, want) {
		t.Errorf("%d features, quoted %v; want 7 features, quoted those of the quotation %v", len(fs), q, want)
	}
	s.Features("no quotation here at all", nil)
	if q := s.QuotedFeatures(); q != nil {
		t.Errorf("text without quotations: quoted %v, want nil", q)
	}
}

// TestFold: Fold writes text as words are compared (case, Arabic-script
// letter variants, digits of every script, apostrophes and diacritics),
// so its words shingle exactly as the text's.
func TestFold(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Don’t STOP—the 2nd “round”!", "dont stop the 2nd round"},
		{"پاکستان  ۲۰۱۴ میں كرکٹ", "پاکستان 2014 میں کرکٹ"},
		{"عَلِیؒ يہ ٹیمـــ", "علی یہ ٹیم"},
		{"ﷲ  ١٢٣", "الله 123"},
		{"", ""},
	} {
		got := Fold(tc.in)
		if got != tc.want {
			t.Errorf("Fold(%q) = %q, want %q", tc.in, got, tc.want)
		}
		for k := 1; k <= 3; k++ {
			if a, b := Of(tc.in, k, 1), Of(got, k, 1); !slices.Equal(a, b) {
				t.Errorf("Fold(%q): its %d-word shingles differ from the text's", tc.in, k)
			}
		}
	}
}
