package charset

import (
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/korean"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
)

// TestDecodeSingleByteHeaderOverMultibyte: a single-byte header charset
// (never a U+FFFD) over a CJK or UTF-8 page, or a Windows-1252 one over a
// Cyrillic, Greek, Hebrew or Arabic page, gives way to the page's <meta>
// charset when the bytes show it; Latin pages with a stale <meta>, and
// pages with too little evidence, decode as before.
func TestDecodeSingleByteHeaderOverMultibyte(t *testing.T) {
	zh := "<p>国务院新闻办公室今天上午举行新闻发布会，介绍今年前三季度国民经济运行情况。统计局发言人表示，经济运行总体平稳，就业形势保持稳定。</p>"
	tw := "<p>中央氣象局今天發布颱風警報，提醒民眾注意強風豪雨，山區及沿海地區應加強防範措施。</p>"
	ja := "<p>東京都は今日、来年度の予算案を発表しました。子育て支援と防災対策に重点を置き、総額は過去最大となります。ｶﾀｶﾅも含みます。</p>"
	ko := "<p>서울시는 오늘 내년도 예산안을 발표했습니다. 대중교통 확충과 주거 안정에 중점을 두었다고 밝혔습니다.</p>"
	fr := "<p>Le café du théâtre a rouvert après l'été ; les habitués sont déjà là, à côté du marché.</p>"
	de := "<p>Die Bürgerinnen und Bürger äußerten sich über die Öffnungszeiten der Bäder und die Gebühren für Schüler.</p>"
	pt := "<p>As informações da administração sobre as eleições e as situações das populações não são públicas.</p>"
	ru := "<p>Осенний дождь шёл над городом, и паромщик сказал, что урожай в этом году хороший.</p>"
	el := "<p>Η κυβέρνηση ανακοίνωσε σήμερα νέα μέτρα για τη στήριξη των νοικοκυριών και των μικρών επιχειρήσεων.</p>"
	he := "<p>הממשלה הודיעה היום על צעדים חדשים לתמיכה במשקי הבית ובעסקים קטנים ברחבי הארץ.</p>"
	ar := "<p>أعلنت الحكومة اليوم عن إجراءات جديدة لدعم الأسر والشركات الصغيرة في جميع أنحاء البلاد.</p>"
	head := func(charset string) string {
		return `<html><head><meta http-equiv="Content-Type" content="text/html; charset=` + charset + `"><title>t</title></head><body>`
	}
	late := func(charset string) string { // a <meta> after 2 KB of injected script
		return `<html><head><script>` + strings.Repeat("var x = 1;\n", 200) + `</script><meta charset="` + charset + `"></head><body>`
	}
	latin1 := func(s string) string { return encode(t, charmap.Windows1252, s) } // how the header reads bytes
	const l1 = "text/html; charset=ISO-8859-1"
	const w1252 = "text/html; charset=windows-1252"
	tests := []decodeCase{
		{"iso-8859-1 header, gbk body, gb2312 meta", l1, head("gb2312") + encode(t, simplifiedchinese.GBK, zh),
			"gbk", head("gb2312") + zh},
		{"windows-1252 header, gb18030 body, gb18030 meta", w1252, head("gb18030") + encode(t, simplifiedchinese.GB18030, zh),
			"gb18030", head("gb18030") + zh},
		{"iso-8859-1 header, big5 body, big5 meta", l1, head("big5") + encode(t, traditionalchinese.Big5, tw),
			"big5", head("big5") + tw},
		{"iso-8859-1 header, shift_jis body, late shift_jis meta", l1, late("Shift_JIS") + encode(t, japanese.ShiftJIS, ja),
			"shift_jis", late("Shift_JIS") + ja},
		{"windows-1252 header, euc-jp body, euc-jp meta", w1252, head("euc-jp") + encode(t, japanese.EUCJP, ja),
			"euc-jp", head("euc-jp") + ja},
		{"iso-8859-1 header, euc-kr body, euc-kr meta", l1, head("euc-kr") + encode(t, korean.EUCKR, ko),
			"euc-kr", head("euc-kr") + ko},
		{"windows-1251 header, gbk body, gbk meta", "text/html; charset=windows-1251", head("gbk") + encode(t, simplifiedchinese.GBK, zh),
			"gbk", head("gbk") + zh},
		// Under a Windows-1252 header, the single-byte charsets of other
		// scripts: their words are runs of non-ASCII bytes too.
		{"iso-8859-1 header, cp1251 body, windows-1251 meta", l1, head("windows-1251") + encode(t, charmap.Windows1251, ru),
			"windows-1251", head("windows-1251") + ru},
		{"windows-1252 header, koi8-r body, koi8-r meta", w1252, head("koi8-r") + encode(t, charmap.KOI8R, ru),
			"koi8-r", head("koi8-r") + ru},
		{"iso-8859-1 header, greek body, iso-8859-7 meta", l1, head("iso-8859-7") + encode(t, charmap.ISO8859_7, el),
			"iso-8859-7", head("iso-8859-7") + el},
		{"iso-8859-1 header, hebrew body, windows-1255 meta", l1, head("windows-1255") + encode(t, charmap.Windows1255, he),
			"windows-1255", head("windows-1255") + he},
		{"iso-8859-1 header, arabic body, windows-1256 meta", l1, head("windows-1256") + encode(t, charmap.Windows1256, ar),
			"windows-1256", head("windows-1256") + ar},
		// Latin text under a stale Cyrillic <meta>, and another header than
		// Windows-1252 (its reading of runs may be right): as before.
		{"iso-8859-1 header, latin-1 french, stale windows-1251 meta", l1, head("windows-1251") + latin1(strings.Repeat(fr, 3)),
			"windows-1252", head("windows-1251") + strings.Repeat(fr, 3)},
		{"iso-8859-1 header, latin-1 german, stale koi8-r meta", l1, head("koi8-r") + latin1(strings.Repeat(de, 3)),
			"windows-1252", head("koi8-r") + strings.Repeat(de, 3)},
		{"windows-1251 header, cp1251 body, stale iso-8859-7 meta", "text/html; charset=windows-1251", head("iso-8859-7") + encode(t, charmap.Windows1251, ru),
			"windows-1251", head("iso-8859-7") + ru},
		{"iso-8859-7 header, greek body, stale windows-1251 meta", "text/html; charset=iso-8859-7", head("windows-1251") + encode(t, charmap.ISO8859_7, el),
			"iso-8859-7", head("windows-1251") + el},
		// Valid UTF-8 under a single-byte header was already read as UTF-8;
		// UTF-8 but for a stray byte in over a hundred is read so too when
		// the <meta> says UTF-8, or names a CJK charset it fits worse.
		{"iso-8859-1 header, utf-8 body, utf-8 meta", l1, head("utf-8") + zh,
			"utf-8", head("utf-8") + zh},
		{"iso-8859-1 header, utf-8 chinese with a stray byte, utf-8 meta", l1, head("utf-8") + zh + "\x92" + zh,
			"utf-8", head("utf-8") + zh + "\uFFFD" + zh},
		{"windows-1252 header, utf-8 french with a stray byte, utf-8 meta", w1252, head("utf-8") + strings.Repeat(fr, 3) + "\x85" + strings.Repeat(fr, 3),
			"utf-8", head("utf-8") + strings.Repeat(fr, 3) + "\uFFFD" + strings.Repeat(fr, 3)},
		{"iso-8859-1 header, utf-8 chinese with a stray byte, stale gbk meta", l1, head("gbk") + zh + "\x92" + zh,
			"utf-8", head("gbk") + zh + "\uFFFD" + zh},
		// Too many strays (3 in 81 non-ASCII bytes) for UTF-8, and Latin-1 under a stale
		// UTF-8 <meta>: as before.
		{"iso-8859-1 header, utf-8 french with strays, utf-8 meta", l1, head("utf-8") + strings.Repeat(fr+"\x85", 3),
			"windows-1252", head("utf-8") + latin1Of(t, strings.Repeat(fr+"\x85", 3))},
		{"iso-8859-1 header, latin-1 french, stale utf-8 meta", l1, head("utf-8") + latin1(strings.Repeat(fr, 3)),
			"windows-1252", head("utf-8") + strings.Repeat(fr, 3)},
		// Latin text: its accented letters stand alone, whatever the <meta>.
		{"iso-8859-1 header, latin-1 french, stale gbk meta", l1, head("gbk") + latin1(fr),
			"windows-1252", head("gbk") + fr},
		{"iso-8859-1 header, latin-1 german, stale shift_jis meta", l1, head("shift_jis") + latin1(de),
			"windows-1252", head("shift_jis") + de},
		{"iso-8859-1 header, latin-1 portuguese, stale big5 meta", l1, head("big5") + latin1(strings.Repeat(pt, 3)),
			"windows-1252", head("big5") + strings.Repeat(pt, 3)},
		// Cyrillic bytes come in runs too, but are no GBK: the header stands.
		{"windows-1251 header, cp1251 body, stale gbk meta", "text/html; charset=windows-1251", head("gbk") + encode(t, charmap.Windows1251, ru),
			"windows-1251", head("gbk") + ru},
		// No multi-byte <meta>, or too few bytes to tell: as before.
		{"iso-8859-1 header, gbk body, no meta", l1, "<p>" + encode(t, simplifiedchinese.GBK, zh),
			"windows-1252", "<p>" + latin1Of(t, encode(t, simplifiedchinese.GBK, zh))},
		{"iso-8859-1 header, gbk body, stale utf-8 meta", l1, head("utf-8") + encode(t, simplifiedchinese.GBK, zh),
			"windows-1252", head("utf-8") + latin1Of(t, encode(t, simplifiedchinese.GBK, zh))},
		{"iso-8859-1 header, gbk body, latin single-byte meta", l1, head("iso-8859-2") + encode(t, simplifiedchinese.GBK, zh),
			"windows-1252", head("iso-8859-2") + latin1Of(t, encode(t, simplifiedchinese.GBK, zh))},
		{"iso-8859-1 header, short gbk title, gbk meta", l1, head("gbk") + encode(t, simplifiedchinese.GBK, "<h1>新闻发布会</h1>"),
			"windows-1252", head("gbk") + latin1Of(t, encode(t, simplifiedchinese.GBK, "<h1>新闻发布会</h1>"))},
		// A body full of invalid sequences for the <meta> charset stays.
		{"iso-8859-1 header, gbk body cut to odd bytes, gbk meta", l1, head("gbk") + oddCut(encode(t, simplifiedchinese.GBK, zh)),
			"windows-1252", head("gbk") + latin1Of(t, oddCut(encode(t, simplifiedchinese.GBK, zh)))},
	}
	runDecodeCases(t, tests)
}

// latin1Of is s's bytes read as Windows-1252 (the mojibake a single-byte
// header makes of a CJK page).
func latin1Of(t *testing.T, s string) string {
	t.Helper()
	b, err := charmap.Windows1252.NewDecoder().String(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// oddCut drops the second byte of every other two-byte character of a
// GBK text, leaving lead bytes before ASCII (invalid pairs).
func oddCut(s string) string {
	var b strings.Builder
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x80 && i+1 < len(s) {
			n++
			b.WriteByte(c)
			if n%2 == 0 {
				b.WriteByte(' ')
				i++
				continue
			}
			b.WriteByte(s[i+1])
			i++
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}
