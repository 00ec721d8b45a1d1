package store

import (
	"encoding/json"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/syndex/syndex/article"
)

// quickRecords are records as encodeRecord writes them.
func quickRecords(t testing.TB) [][]byte {
	full := article.Article{
		ID: "a-1", URL: "https://example.com/a?x=1&y=<2>", Site: "example.com",
		Title: "Ünïcödé \"quoted\" \\ back", Text: "line one\nline two\ttab\r\u2028sep \u0000 nul é 日本 🎉",
		Author: "A. <b>Writer</b>", Published: time.Date(2024, 3, 1, 12, 30, 15, 123456789, time.FixedZone("", 5*3600+1800)),
		Modified: time.Date(2024, 3, 2, 0, 0, 0, 0, time.UTC), Fetched: time.Date(2025, 1, 1, 1, 1, 1, 0, time.Local),
		Lang: "de", Canonical: "https://example.com/c", Source: "feed", SiteName: "Example",
		Boilerplate: []string{"Support us", "", "Ad\u00a0break"}, WARC: "w.warc.gz#123", NoIndex: true,
		Cluster: "c-1", Role: article.RoleCopy, Original: "o-1", Similarity: 0.8765432109876543,
		OriginalShare: 1e-7, CopyShare: 123456789012345678901.0, Via: "v-1", Evidence: []string{"attribution", "canonical"},
		TruthCluster: "t-1", TruthOriginal: true,
	}
	invalid := article.Article{ID: "b", Text: "bad \xff\xfe utf8 \xe2\x82 and lone \xed\xa0\x80", Evidence: []string{}}
	var out [][]byte
	for i, a := range []article.Article{full, invalid, {ID: "c"}, {ID: "d", Text: "plain ascii only"}} {
		b, err := encodeRecord(&record{Seq: uint64(i + 1), Article: a})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, b)
	}
	return out
}

// checkQuick fails t when decodeQuick reads v to anything but what
// encoding/json reads, and reports whether decodeQuick read it.
func checkQuick(t *testing.T, v []byte) bool {
	t.Helper()
	var quick record
	if !decodeQuick(v, &quick) {
		return false
	}
	var want record
	if err := json.Unmarshal(v, &want); err != nil {
		t.Fatalf("decodeQuick read %q, encoding/json refuses it: %v", v, err)
	}
	if !reflect.DeepEqual(quick, want) {
		t.Fatalf("decodeQuick read %q as\n%#v\nencoding/json as\n%#v", v, quick, want)
	}
	return true
}

func TestDecodeQuickReadsWrittenRecords(t *testing.T) {
	for _, v := range quickRecords(t) {
		if !checkQuick(t, v) {
			t.Errorf("decodeQuick declined a record encodeRecord wrote: %s", v)
		}
	}
}

func TestDecodeQuickMatchesJSON(t *testing.T) {
	for _, tc := range []struct {
		in    string
		quick bool // whether decodeQuick reads it
	}{
		{`{"seq":1,"id":"a"}`, true},
		{" \n{ \"seq\" : 1 ,\t\"id\" : \"a\" , \"evidence\" : [ \"x\" , \"y\" ] }\r\n", true},
		{`{}`, true},
		{`{"id":"a","id":"b","evidence":["x"],"evidence":[]}`, true},
		{`{"text":"\ud83c\udf89 \ud83c x \udf89 \ud83c\u0041 \u00e9\/\b\f"}`, true},
		{`{"text":"\uD83C\uDF89"}`, true},
		{`{"similarity":-0,"copy_share":1.5e-3,"original_share":2E+2}`, true},
		{`{"noindex":false,"truth_original":true,"role":"original"}`, true},
		{`{"published":"2024-01-02T03:04:05.5+01:00"}`, true},
		{`{"crc32c":"00ff00ff"}`, true},
		{`{"seq":18446744073709551615}`, true},
		{`{"ID":"a"}`, false},                   // another case: encoding/json folds it
		{`{"other":"a"}`, false},                // unknown member
		{`{"id":null}`, false},                  // null leaves the field
		{`{"evidence":null}`, false},            //
		{`{"seq":-1}`, false},                   // not a uint
		{`{"seq":01}`, false},                   // not JSON
		{`{"seq":1.0}`, false},                  // not a uint
		{`{"seq":18446744073709551616}`, false}, // too large
		{`{"similarity":1e400}`, false},         // out of range
		{`{"similarity":.5}`, false},            // not JSON
		{`{"similarity":1.}`, false},            // not JSON
		{`{"similarity":"1"}`, false},           // a string
		{`{"id":"a"} x`, false},                 // trailing bytes
		{`{"id":"a",}`, false},                  // trailing comma
		{`{"id":"a\qb"}`, false},                // bad escape
		{`{"id":"a\u00zz"}`, false},             // bad escape
		{"{\"id\":\"a\nb\"}", false},            // control character
		{`{"id":"a"`, false},                    // cut short
		{`{"published":"yesterday"}`, false},    // not a time
		{`{"published":"2024-01-02T03:04:05\u005a"}`, false},
		{`{"noindex":1}`, false},
		{`{"evidence":["a",1]}`, false},
		{`{"evidence":["a"`, false},
		{`[]`, false},
		{``, false},
	} {
		if got := checkQuick(t, []byte(tc.in)); got != tc.quick {
			t.Errorf("decodeQuick(%q) read it: %v, want %v", tc.in, got, tc.quick)
		}
	}
}

// TestDecodeQuickKnowsEveryMember fails when Article gains a member
// decodeQuick does not read: such records would all take the slow path.
func TestDecodeQuickKnowsEveryMember(t *testing.T) {
	var a article.Article
	var rec record
	for f := range reflect.TypeOf(a).Fields() {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		var kind string
		switch f.Type.Kind() {
		case reflect.String:
			kind = `""`
		case reflect.Bool:
			kind = `true`
		case reflect.Float64:
			kind = `0.5`
		case reflect.Slice:
			kind = `["x"]`
		default:
			kind = `"2024-01-02T03:04:05Z"`
		}
		in := `{"` + name + `":` + kind + `}`
		if !decodeQuick([]byte(in), &rec) {
			t.Errorf("decodeQuick does not read member %q (%s)", name, in)
		}
		checkQuick(t, []byte(in))
	}
}

func FuzzDecodeQuick(f *testing.F) {
	for _, v := range quickRecords(f) {
		f.Add(v)
	}
	f.Add([]byte(`{"text":"\ud83c\udf89 \ud83c x","seq":3,"similarity":1e-3,"evidence":[]}`))
	f.Fuzz(func(t *testing.T, v []byte) {
		checkQuick(t, v)
	})
}

// checkAppend fails t when appendQuick writes rec otherwise than
// json.Marshal, or declines a record json.Marshal writes.
func checkAppend(t *testing.T, rec *record) {
	t.Helper()
	want, err := json.Marshal(rec)
	got, ok := appendQuick(nil, rec)
	switch {
	case err != nil && ok:
		t.Fatalf("appendQuick wrote %s, json.Marshal fails: %v", got, err)
	case err != nil:
		return
	case !ok:
		t.Fatalf("appendQuick declined what json.Marshal writes: %s", want)
	}
	if string(got)+"}" != string(want) {
		t.Fatalf("appendQuick wrote\n%s}\njson.Marshal\n%s", got, want)
	}
}

func TestAppendQuickMatchesJSON(t *testing.T) {
	if !quickWrite {
		t.Fatalf("article.Article has %d members, appendQuick knows %d: teach it the new ones", reflect.TypeFor[article.Article]().NumField(), quickMembers)
	}
	var recs []*record
	for _, v := range quickRecords(t) {
		var rec record
		if err := json.Unmarshal(v, &rec); err != nil {
			t.Fatal(err)
		}
		recs = append(recs, &rec)
	}
	recs = append(recs,
		&record{},
		&record{Seq: 7, Article: article.Article{Text: "<script>&amp;</script> \u2029 \x7f \x01 \x1f", Similarity: -1e-7, OriginalShare: 1e21, CopyShare: 999999999999999999999.0}},
		&record{Article: article.Article{Similarity: 5e-324, OriginalShare: -0.000001, CopyShare: 1.7976931348623157e308, Evidence: []string{}, Boilerplate: []string{""}}},
		&record{Article: article.Article{Similarity: math.NaN()}},
		&record{Article: article.Article{CopyShare: math.Inf(-1)}},
		&record{Article: article.Article{Published: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}},
		&record{Article: article.Article{Modified: time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC)}},
		&record{Article: article.Article{Fetched: time.Date(2024, 1, 1, 0, 0, 0, 0, time.FixedZone("", -(23*3600+59*60)))}},
		&record{Article: article.Article{Fetched: time.Date(2024, 1, 1, 0, 0, 0, 0, time.FixedZone("", 24*3600))}},
	)
	for _, rec := range recs {
		checkAppend(t, rec)
	}
}

func TestEncodeRecordReadsBack(t *testing.T) {
	for _, v := range quickRecords(t) {
		var rec record
		if err := json.Unmarshal(v, &rec); err != nil {
			t.Fatal(err)
		}
		got, err := decodeRecord([]byte(rec.ID), v, 1)
		if err != nil || !reflect.DeepEqual(*got, rec) {
			t.Errorf("decodeRecord(%s) = %#v, %v", v, got, err)
		}
	}
}

func FuzzAppendQuick(f *testing.F) {
	f.Add("a", "text <b>\n", "\xff\u2028", 0.5, 1e-7, int64(1700000000), int64(5), 3600, true)
	f.Add("", "", "", 0.0, -0.0, int64(0), int64(0), 0, false)
	f.Fuzz(func(t *testing.T, id, text, other string, x, y float64, sec, nsec int64, zone int, flag bool) {
		when := time.Unix(sec, nsec).In(time.FixedZone("", zone))
		rec := &record{Seq: uint64(sec), Article: article.Article{
			ID: id, Text: text, Title: other, URL: other + id, Lang: other, Role: article.Role(other),
			Published: when, Fetched: when.Add(time.Duration(nsec)), Similarity: x, OriginalShare: y, CopyShare: x * y,
			Boilerplate: []string{text, other}, Evidence: []string{id}, NoIndex: flag, TruthOriginal: !flag,
		}}
		checkAppend(t, rec)
	})
}
