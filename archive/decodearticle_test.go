package archive

import (
	"reflect"
	"testing"

	"github.com/syndex/syndex/article"
)

// sameDecode fails t unless decodeArticle reads line as article.Decode
// does: the same Article, or the same error.
func sameDecode(t *testing.T, line []byte) {
	t.Helper()
	got, gerr := decodeArticle(line)
	want, werr := article.Decode(line)
	if (gerr == nil) != (werr == nil) || (gerr != nil && gerr.Error() != werr.Error()) {
		t.Fatalf("%q: error %v, want %v", line, gerr, werr)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%q:\n got %#v\nwant %#v", line, got, want)
	}
}

func TestDecodeArticle(t *testing.T) {
	for _, line := range []string{
		`{"id":"a1","url":"https://news.example/a1","title":"T","text":"Some text."}`,
		`{"url":"https://News.Example/x?y=1","text":"no id: from the URL"}`,
		`{"id":"a2","site":"Site.Example","text":"t","published":"2025-02-22T03:04:05+02:00","fetched":"2025-02-22T03:04:05.123456789Z","lang":"en-GB"}`,
		`{"id":"a3","text":"esc \"q\" \u00e9 \ud83d\ude00 \n\t \u0000 \/","boilerplate":["x","y"],"noindex":true}`,
		`{"id":"a4","text":"   "}`,
		`{"id":"a5"}`,
		`{"id":"a6","text":"t","unknown":1}`,
		`{"id":"a7","Text":"capital member name"}`,
		`{"id":"a8","text":"t","author":null}`,
		`{"id":"a9","text":"t","similarity":0.5,"original_share":1e-3,"copy_share":-0}`,
		`{"id":"a10","text":"t","seq":7}`,
		`{"id":"a11","text":"t"} trailing`,
		`{"id":"a12","text":"t"}` + "\r",
		` {"id":"a13", "text" : "spaces" } `,
		`{"id":"a14","text":"t","published":"not a date"}`,
		`{"id":"a15","text":"invalid ` + "\xff\xfe" + ` utf-8"}`,
		`{"id":"a16","text":"t","text":"repeated member"}`,
		`{"id":"a17","text":"t","role":"copy","cluster":"c","original":"o","via":"v","evidence":["e"]}`,
		`{"text":"no id and no url"}`,
		`[1,2]`, `null`, ``, `{`, `{"id":"a18","text":"t",}`,
	} {
		sameDecode(t, []byte(line))
	}
}

func FuzzDecodeArticle(f *testing.F) {
	for _, s := range []string{
		`{"id":"a1","url":"https://news.example/a1","title":"T","text":"Some text."}`,
		`{"id":"a3","text":"esc \"q\" \u00e9","boilerplate":["x"],"noindex":true,"published":"2025-02-22T03:04:05+02:00"}`,
		`{"url":"https://n.example/x","text":"t","similarity":0.25}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, line []byte) { sameDecode(t, line) })
}
