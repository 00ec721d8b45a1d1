package charset

import (
	"bytes"
	"strings"
	"testing"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// encode writes s in enc, failing the test when it cannot.
func encode(t *testing.T, enc encoding.Encoding, s string) string {
	t.Helper()
	b, err := enc.NewEncoder().String(s)
	if err != nil {
		t.Fatalf("encode %q: %v", s, err)
	}
	return b
}

// TestDecodeHeaderMisfit: a header charset the body does not fit gives
// way to a <meta> charset that does; every other page decodes as before.
// decodeCase is a page's Content-Type and body, and the encoding Decode
// should choose and the whole body it should give.
type decodeCase struct {
	name, contentType, body string
	wantEnc, want           string
}

// runDecodeCases decodes each case's body under its Content-Type and
// checks the encoding chosen and the whole decoded body.
func runDecodeCases(t *testing.T, tests []decodeCase) {
	t.Helper()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, enc, err := Decode([]byte(tc.body), tc.contentType)
			if err != nil {
				t.Fatal(err)
			}
			if enc != tc.wantEnc {
				t.Errorf("encoding = %q, want %q", enc, tc.wantEnc)
			}
			if string(got) != tc.want {
				t.Errorf("decoded\n%q\nwant\n%q", got, tc.want)
			}
		})
	}
}

func TestDecodeHeaderMisfit(t *testing.T) {
	zh := "<p>秋季的第一场雨落在河边的小镇上，渡口的船夫说今年的稻子收成很好。</p>"
	ru := "<p>Осенний дождь шёл над городом, и паромщик сказал, что урожай хороший.</p>"
	fr := "<p>Le café du théâtre a rouvert après l'été ; les habitués sont déjà là.</p>"
	gbk := encode(t, simplifiedchinese.GBK, zh)
	cp1251 := encode(t, charmap.Windows1251, ru)
	latin1 := encode(t, charmap.ISO8859_1, fr)
	head := func(charset string) string {
		return `<html><head><meta http-equiv="Content-Type" content="text/html; charset=` + charset + `"></head><body>`
	}
	// Two stray Windows-1252 bytes in three paragraphs of UTF-8 French
	// (2 of 62 non-ASCII bytes, under the one in misfitShare).
	frs := strings.Repeat(fr, 3)
	stray := strings.Replace(strings.Replace(frs, "l'été", "l\x92été", 1), "déjà là", "déjà là\x85", 1)
	strayOut := strings.Replace(strings.Replace(frs, "l'été", "l\uFFFDété", 1), "déjà là", "déjà là\uFFFD", 1)
	const u8 = "text/html; charset=utf-8"
	tests := []decodeCase{
		{"utf-8 header, gbk body, gb2312 meta", u8, head("gb2312") + gbk,
			"gbk", head("gb2312") + zh},
		{"utf-8 header, cp1251 body, windows-1251 meta", u8, head("windows-1251") + cp1251,
			"windows-1251", head("windows-1251") + ru},
		{"utf-8 header, latin-1 body, iso-8859-1 meta", u8, head("iso-8859-1") + latin1,
			"windows-1252", head("iso-8859-1") + fr},
		{"utf-8 header, utf-8 body, stale gb2312 meta", u8, head("gb2312") + zh,
			"utf-8", head("gb2312") + zh},
		{"windows-1251 header, cp1251 body, stale utf-8 meta", "text/html; charset=windows-1251", head("utf-8") + cp1251,
			"windows-1251", head("utf-8") + ru},
		// A few stray bytes in UTF-8 text are not a wrong header: reading
		// the page as Latin-1 would garble every accented letter, so the
		// strays alone become U+FFFD.
		{"utf-8 header, stray bytes, latin-1 meta", u8, head("iso-8859-1") + stray,
			"utf-8", head("iso-8859-1") + strayOut},
		{"unknown header charset, gbk body, gb2312 meta", "text/html; charset=x-bogus", head("gb2312") + gbk,
			"gbk", head("gb2312") + zh},
		// Latin-1 bytes are no more GBK than UTF-8 ("é " is no GBK pair):
		// the header stands and its U+FFFD stay.
		{"utf-8 header, latin-1 body, gb2312 meta", u8, head("gb2312") + latin1,
			"utf-8", string(bytes.ToValidUTF8([]byte(head("gb2312")+latin1), []byte("\uFFFD")))},
		{"utf-8 header, gbk body, no meta", u8, "<p>" + gbk,
			"utf-8", string(bytes.ToValidUTF8([]byte("<p>"+gbk), []byte("\uFFFD")))},
		{"gbk header, gbk body, utf-8 meta", "text/html; charset=gbk", head("utf-8") + gbk,
			"gbk", head("utf-8") + zh},
	}
	runDecodeCases(t, tests)
}
