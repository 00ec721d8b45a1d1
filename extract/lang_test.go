package extract

import (
	"context"
	"strings"
	"testing"

	"github.com/RadhiFadlillah/whatlanggo"
)

// garbledPara is a paragraph of what a page decoded with the wrong charset
// looks like: replacement characters with a few letters between them.
// The letters left ("de") score exactly the same in Spanish and French,
// a tie the detector breaks in Go's map order.
var garbledPara = strings.Repeat("\ufffd\ufffdde\ufffd\ufffd\ufffd \ufffd\ufffd\ufffd\ufffd ", 12)

// thinPara is clean text with the same tie: few letters among numbers;
// longTiePara the same with more letters than thinLetters.
var (
	thinPara    = strings.Repeat("12,5 de 13,0 – ", 12)
	longTiePara = strings.Repeat("12,5 de 13,0 – ", 300)
)

const germanPara = "Der Gemeinderat hat am Dienstag beschlossen, die alte Brücke über den Fluss abzureißen und eine neue zu bauen. " +
	"Die Kosten werden auf zwölf Millionen Euro geschätzt, und die Bauarbeiten sollen im nächsten Frühjahr beginnen."

func langPage(htmlAttr, head string, paras []string) string {
	var b strings.Builder
	b.WriteString(`<html` + htmlAttr + `><head><meta charset="utf-8"><title>Stadt</title>` + head + `</head><body><article><h1>Stadt</h1>`)
	for _, p := range paras {
		b.WriteString("<p>" + p + "</p>")
	}
	b.WriteString(`</article></body></html>`)
	return b.String()
}

// TestLangNoise checks that a page whose text the detector can only guess
// at (garbled, or a few letters that score the same in two languages)
// gets no language guessed from it, the same on every run: its declared
// language if it has one, else none; that a tie on a longer text gives
// the declared language; and that clean text, short or long, still gets
// the detected one.
func TestLangNoise(t *testing.T) {
	for _, para := range []string{garbledPara, thinPara, longTiePara} {
		if info := whatlanggo.Detect(para); info.Confidence != 0 {
			t.Fatalf("fixture %.30q: detector confidence %.2f (%s), want a tie (0)", para, info.Confidence, info.Lang.Iso6391())
		}
	}
	four := func(p string) []string { return []string{p, p, p, p} }
	cases := []struct {
		name, attr, head string
		paras            []string
		want             string
	}{
		{"garbled, nothing declared", "", "", four(garbledPara), ""},
		{"garbled, html lang", ` lang="zh-CN"`, "", four(garbledPara), "zh"},
		{"garbled, content-language", "", `<meta http-equiv="content-language" content="zh">`, four(garbledPara), "zh"},
		{"thin tie, nothing declared", "", "", four(thinPara), ""},
		{"thin tie, og:locale", "", `<meta property="og:locale" content="fr_FR">`, four(thinPara), "fr"},
		{"long tie, declared one of the two", ` lang="fr"`, "", []string{longTiePara}, "fr"},
		{"long tie, declared the other", ` lang="es"`, "", []string{longTiePara}, "es"},
		{"long tie, declared neither", ` lang="it"`, "", []string{longTiePara}, "it"},
		{"clean, nothing declared", "", "", four(germanPara), "de"},
		{"clean and short, nothing declared", "", "", []string{germanPara}, "de"},
		{"clean, html lang", ` lang="de-AT"`, "", four(germanPara), "de"},
	}
	ex := New(Options{})
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			page := []byte(langPage(c.attr, c.head, c.paras))
			for run := range 30 {
				res, err := ex.Extract(context.Background(), Input{URL: "https://stadt.example/news/" + c.name, HTML: page})
				if err != nil {
					t.Fatal(err)
				}
				if len(res.Article.Text) < 200 {
					t.Fatalf("text %q: want 200 bytes or more, where detection decides", res.Article.Text)
				}
				if got := res.Article.Lang; got != c.want {
					t.Fatalf("run %d: Lang = %q, want %q", run, got, c.want)
				}
			}
		})
	}
}

func TestLetterCount(t *testing.T) {
	cases := []struct {
		text    string
		letters int
		garbled bool
	}{
		{"", 0, false},
		{"plain English text", 16, false},
		{"中文新闻报道，没有乱码。", 10, false},
		{"Grüße aus Köln", 12, false},
		{"12,5 de 13,0", 2, false},
		{"abc\ufffd", 3, true},                            // one in four
		{"abcd\ufffd", 4, false},                          // one in five
		{"abcd \t\n \ufffd", 4, false},                    // white space does not count: one in five
		{"abc \t\n \ufffd", 3, true},                      // one in four
		{"abc\ue8fb", 3, true},                            // private use
		{"abc\u0378", 3, true},                            // unassigned
		{"abc\x01", 3, true},                              // control
		{"\u00e4\u00b8\u00ad\u00e6\u0096\u0087", 2, true}, // UTF-8 read as Latin-1: two C1 controls in six
	}
	for _, c := range cases {
		letters, garbled := letterCount(c.text)
		if letters != c.letters || garbled != c.garbled {
			t.Errorf("letterCount(%q) = %d, %v, want %d, %v", c.text, letters, garbled, c.letters, c.garbled)
		}
	}
}

func TestTrustedLang(t *testing.T) {
	long := strings.Repeat("Le conseil municipal a voté mardi la construction d'un nouveau pont. ", 10)
	cases := []struct{ name, lang, declared, text, want string }{
		{"short clean", "fr", "", "Le conseil municipal a voté mardi.", "fr"},
		{"long clean", "fr", "", long, "fr"},
		{"long clean, declared otherwise", "fr", "de-DE", long, "fr"},
		{"garbled", "fr", "", garbledPara, ""},
		{"garbled, declared", "fr", "fr", garbledPara, ""},
		{"garbled, long", "fr", "", strings.Repeat(garbledPara+"Le conseil municipal. ", 20), ""},
		{"thin tie", "es", "", thinPara, ""},
		{"long tie, declared", "es", "ES", longTiePara, "es"},
		{"long tie, declared the other", "es", "fr_FR", longTiePara, ""},
		{"nothing detected", "", "fr", "Le conseil", ""},
	}
	for _, c := range cases {
		if got := trustedLang(c.lang, c.declared, c.text); got != c.want {
			t.Errorf("%s: trustedLang(%q, %q, …) = %q, want %q", c.name, c.lang, c.declared, got, c.want)
		}
	}
}
