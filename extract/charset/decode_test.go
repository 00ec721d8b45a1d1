package charset

import (
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
)

func TestDecode(t *testing.T) {
	cyr, _ := charmap.Windows1251.NewEncoder().String("Привет, мир")
	lat, _ := charmap.ISO8859_1.NewEncoder().String("café crème brûlée à la carte, déjà vu, façade")
	u16, _ := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().String("<p>héllo</p>")
	tests := []struct {
		name, body, contentType string
		wantEnc, wantHas        string
	}{
		{"utf-8 bom", "\xef\xbb\xbf<p>héllo</p>", "text/html; charset=iso-8859-1", "utf-8", "<p>héllo</p>"},
		{"utf-16le bom", u16, "", "utf-16le", "héllo"},
		{"utf-8 bom before invalid bytes", "\xef\xbb\xbf<p>caf\x9c</p>", "", "utf-8", "<p>caf\uFFFD</p>"},
		{"header charset", "<p>" + lat + "</p>", "text/html; charset=ISO-8859-1", "windows-1252", "crème brûlée"},
		{"header beats meta", `<meta charset="utf-8"><p>` + cyr + "</p>", "text/html; charset=windows-1251", "windows-1251", "Привет"},
		{"meta charset", `<html><head><meta charset="windows-1251"></head><p>` + cyr + "</p>", "", "windows-1251", "Привет, мир"},
		{"meta http-equiv", `<meta http-equiv="Content-Type" content="text/html; charset=koi8-r"><p>x</p>`, "text/html", "koi8-r", "<p>x</p>"},
		{"one multi-byte sequence under a latin-1 meta", `<meta charset="iso-8859-1"><p>Copyright © 2008 The Post</p>`, "", "utf-8", "Copyright © 2008 The Post"},
		{"latin-1 header on utf-8 bytes", "<p>naïve café</p>", "text/html; charset=ISO-8859-1", "utf-8", "naïve café"},
		{"stale legacy meta on utf-8 bytes", `<meta charset="gb2312"><p>促进航天技术更好惠及人民，促进航天技术</p>`, "", "utf-8", "促进航天技术"},
		{"meta after 1 KiB of injected scripts", "<html><head><script>" + strings.Repeat("var x = 1; ", 150) + `</script><meta http-equiv="Content-Type" content="text/html; charset=windows-1251"></head><p>` + cyr + "</p>", "", "windows-1251", "Привет, мир"},
		{"charset meta in the body is not read", "<html><head><script>" + strings.Repeat("var x = 1; ", 150) + `</script></head><body><p>` + lat + `</p><meta charset="windows-1251"></body>`, "", "windows-1252", "déjà vu"},
		{"no declaration, utf-8", "<p>naïve café</p>", "", "utf-8", "naïve café"},
		{"no declaration, latin-1 bytes", "<p>" + lat + "</p>", "", "windows-1252", "déjà vu"},
		{"unknown header charset falls through", "<p>plain</p>", "text/html; charset=x-bogus", "utf-8", "plain"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, enc, err := Decode([]byte(tc.body), tc.contentType)
			if err != nil {
				t.Fatal(err)
			}
			if enc != tc.wantEnc {
				t.Errorf("encoding = %q, want %q", enc, tc.wantEnc)
			}
			if !strings.Contains(string(got), tc.wantHas) {
				t.Errorf("decoded %q lacks %q", got, tc.wantHas)
			}
		})
	}
}

// FuzzDecode: any body under any Content-Type decodes to valid UTF-8
// without panicking.
func FuzzDecode(f *testing.F) {
	f.Add([]byte("<meta charset=windows-1251>\xcf\xf0\xe8"), "")
	f.Add([]byte("\xef\xbb\xbfhi\xff"), "text/html; charset=iso-8859-1")
	f.Add([]byte("\xff\xfeh\x00"), "text/html")
	f.Add([]byte("<meta http-equiv=content-type content='text/html; charset=x-user-defined'>\x80"), "text/html; charset=")
	f.Fuzz(func(t *testing.T, body []byte, ct string) {
		out, _, err := Decode(body, ct)
		if err == nil && !utf8.Valid(out) {
			t.Fatalf("Decode gave invalid UTF-8: %q", out)
		}
	})
}
