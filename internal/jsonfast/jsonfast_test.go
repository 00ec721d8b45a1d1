package jsonfast

import (
	"bytes"
	"encoding/json"
	"math"
	"reflect"
	"testing"
	"time"
)

// read runs one Scanner primitive on the value v (which must be all of
// the text but white space) and returns what it read.
type read func(s *Scanner) (any, bool)

var readers = map[string]struct {
	read read
	into func() any // a new pointer of the Go type encoding/json reads into
}{
	"String": {func(s *Scanner) (any, bool) { return s.String() }, func() any { return new(string) }},
	"AppendString": {func(s *Scanner) (any, bool) {
		b, ok := s.AppendString([]byte("keep"))
		if !ok || !bytes.HasPrefix(b, []byte("keep")) {
			return nil, false
		}
		return string(b[4:]), true
	}, func() any { return new(string) }},
	"Strings": {func(s *Scanner) (any, bool) { return s.Strings() }, func() any { return new([]string) }},
	"Bool":    {func(s *Scanner) (any, bool) { return s.Bool() }, func() any { return new(bool) }},
	"Uint":    {func(s *Scanner) (any, bool) { return s.Uint() }, func() any { return new(uint64) }},
	"Float":   {func(s *Scanner) (any, bool) { return s.Float() }, func() any { return new(float64) }},
	"Time":    {func(s *Scanner) (any, bool) { return s.Time() }, func() any { return new(time.Time) }},
}

// agree checks every primitive on v against encoding/json: what a
// primitive reads, encoding/json must read into its Go type to the same
// value; it returns the names of the primitives that read v.
func agree(t *testing.T, v string) map[string]bool {
	t.Helper()
	read := map[string]bool{}
	for name, r := range readers {
		var s Scanner
		s.Reset([]byte(v))
		s.Space()
		got, ok := r.read(&s)
		if !ok || !s.End() {
			continue
		}
		read[name] = true
		want := r.into()
		if err := json.Unmarshal([]byte(v), want); err != nil {
			t.Fatalf("%s read %q, encoding/json refuses it: %v", name, v, err)
		}
		w := reflect.ValueOf(want).Elem().Interface()
		if wt, isTime := w.(time.Time); isTime {
			if gt := got.(time.Time); !gt.Equal(wt) || gt.Location().String() != wt.Location().String() {
				t.Fatalf("Time read %q as %v, encoding/json as %v", v, gt, wt)
			}
			continue
		}
		if gf, isFloat := got.(float64); isFloat && math.Signbit(gf) != math.Signbit(w.(float64)) {
			t.Fatalf("Float read %q as %v, encoding/json as %v", v, gf, w)
		}
		if !reflect.DeepEqual(got, w) {
			t.Fatalf("%s read %q as %#v, encoding/json as %#v", name, v, got, w)
		}
	}
	var s Scanner
	s.Reset([]byte(v))
	s.Space()
	if s.Skip() && s.End() {
		read["Skip"] = true
		if !json.Valid([]byte(v)) {
			t.Fatalf("Skip passed %q, which is not JSON", v)
		}
	}
	return read
}

func TestScannerMatchesJSON(t *testing.T) {
	for _, tc := range []struct {
		v    string
		read string // the primitives that read v, Skip aside
		skip bool
	}{
		{`"plain"`, "String AppendString", true},
		{` "with space" `, "String AppendString", true},
		{`"hello \"world\"\n\u00e9\ud83d\ude00 \\ \/ \b\f\r\t"`, "String AppendString", true},
		{`"\uD83C\uDF89 \ud83c x \udf89 \ud83c\u0041 \ud800\ud800"`, "String AppendString", true}, // lone halves: U+FFFD
		{"\"bad \xff\xfe utf8 \xe2\x82 and \xed\xa0\x80\"", "String AppendString", true},
		{`"éèà 日本 🎉"`, "String AppendString", true},
		{`""`, "String AppendString", true},
		{`"2024-01-02T03:04:05.5+01:00"`, "String AppendString Time", true},
		{`"2024-01-02T03:04:05Z"`, "String AppendString Time", true},
		{`"2024-01-02t03:04:05Z"`, "String AppendString", true},      // time.Time wants T
		{`"2024-01-02T03:04:05\u005a"`, "String AppendString", true}, // time.Time reads the raw string
		{`"2024-13-02T03:04:05Z"`, "String AppendString", true},      // no such month
		{`"yesterday"`, "String AppendString", true},                 //
		{"\"a\nb\"", "", false},                                      // a control byte
		{`"a\qb"`, "", false},                                        // a bad escape
		{`"a\u00zz"`, "", false},                                     //
		{`"cut`, "", false},                                          //
		{`"cut\`, "", false},                                         //
		{`null`, "", true},                                           // null: the caller decides
		{`["x", "y\n" ,""]`, "Strings", true},                        //
		{`[]`, "Strings", true},                                      // an empty slice, not nil
		{`[ ]`, "Strings", true},                                     //
		{`["x",null]`, "", true},                                     //
		{`["x",1]`, "", true},                                        //
		{`["x",]`, "", false},                                        //
		{`["x"`, "", false},                                          //
		{`true`, "Bool", true},                                       //
		{`false`, "Bool", true},                                      //
		{`tru`, "", false},                                           //
		{`0`, "Uint Float", true},                                    //
		{`18446744073709551615`, "Uint Float", true},                 //
		{`18446744073709551616`, "Float", true},                      // too large a uint
		{`-0`, "Float", true},                                        //
		{`-1.5e-3`, "Float", true},                                   //
		{`2E+2`, "Float", true},                                      //
		{`1.0`, "Float", true},                                       //
		{`1e400`, "", true},                                          // out of a float64's range
		{`01`, "", false},                                            //
		{`.5`, "", false},                                            //
		{`1.`, "", false},                                            //
		{`1e`, "", false},                                            //
		{`-`, "", false},                                             //
		{`{"a":[1,{"b":null}],"c":"d","e":{}}`, "", true},            //
		{`{"a":1,}`, "", false},                                      //
		{`{"a" 1}`, "", false},                                       //
		{`[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]`, "", false}, // too deep
	} {
		read := agree(t, tc.v)
		want := map[string]bool{}
		for _, name := range bytes.Fields([]byte(tc.read)) {
			want[string(name)] = true
		}
		if tc.skip {
			want["Skip"] = true
		}
		if !reflect.DeepEqual(read, want) {
			t.Errorf("%q read by %v, want %v", tc.v, read, want)
		}
	}
}

// TestPlainRuns puts each kind of byte that ends or spoils a plain run at
// every offset of a long string, so the eight-byte scan meets it in every
// lane and at the end of the text.
func TestPlainRuns(t *testing.T) {
	tests := []struct {
		name  string
		ins   string
		read  bool // whether String reads it
		plain bool // whether PlainString reads it
	}{
		{"plain", "", true, true},
		{"escaped quote", `\"`, true, false},
		{"escaped newline", `\n`, true, false},
		{"curly quote", "“", true, true},
		{"four-byte rune", "😀", true, true},
		{"delete byte", "\x7f", true, true},
		{"control byte", "\x01", false, false},
		{"tab byte", "\t", false, false},
		{"invalid byte", "\xff", true, false},
		{"truncated rune", "\xe2\x80", true, false},
		{"surrogate bytes", "\xed\xa0\x80", true, false},
	}
	const base = "abcdefghijklmnopqrstuvwxyz0123456789 ABCDEFGHIJ"
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for i := 0; i <= len(base); i++ {
				v := `"` + base[:i] + tc.ins + base[i:] + `"`
				if got := agree(t, v)["String"]; got != tc.read {
					t.Fatalf("String on %q: %v, want %v", v, got, tc.read)
				}
				var s Scanner
				s.Reset([]byte(v))
				raw, ok := s.PlainString()
				if ok != tc.plain || (ok && string(raw) != v[1:len(v)-1]) {
					t.Fatalf("PlainString on %q = %q, %v; want %v", v, raw, ok, tc.plain)
				}
			}
		})
	}
}

// TestObject: the members of one object, in order, with their raw names;
// text that is not one plain object is declined.
func TestObject(t *testing.T) {
	for _, tc := range []struct {
		in   string
		keys string
		ok   bool
	}{
		{` { "a" : 1 , "b":"x" ,"é":[] } `, "a b é", true},
		{`{}`, "", true},
		{`{"a":1,"a":2}`, "a a", true},
		{`{"a\u0041":1}`, "", false}, // an escaped name: encoding/json's rules
		{"{\"a\xff\":1}", "", false},
		{`{"a":1,}`, "a", false},
		{`{"a":1} x`, "a", false},
		{`{"a":1`, "a", false},
		{`[]`, "", false},
		{``, "", false},
	} {
		var s Scanner
		s.Reset([]byte(tc.in))
		var keys []string
		ok := s.Object(func(key []byte) bool {
			keys = append(keys, string(key))
			return s.Skip()
		})
		if got := string(bytes.Join(bytesOf(keys), []byte(" "))); ok != tc.ok || got != tc.keys {
			t.Errorf("Object(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.keys, tc.ok)
		}
		if ok && !json.Valid([]byte(tc.in)) {
			t.Errorf("Object read %q, which is not JSON", tc.in)
		}
	}
	var s Scanner
	s.Reset([]byte(`{"a":1,"b":2}`))
	if s.Object(func(key []byte) bool { return string(key) == "a" && s.Skip() }) {
		t.Error("Object read on after member declined")
	}
}

func bytesOf(ss []string) [][]byte {
	out := make([][]byte, len(ss))
	for i, s := range ss {
		out[i] = []byte(s)
	}
	return out
}

func TestSkipStrings(t *testing.T) {
	for in, want := range map[string]bool{`[]`: true, `[ "a" , null ]`: true, `["a",1]`: false, `["a",]`: false, `[`: false, `{}`: false} {
		var s Scanner
		s.Reset([]byte(in))
		if got := s.SkipStrings() && s.End(); got != want {
			t.Errorf("SkipStrings(%q) = %v, want %v", in, got, want)
		}
		if want {
			var ss []string
			if err := json.Unmarshal([]byte(in), &ss); err != nil {
				t.Errorf("SkipStrings passed %q, encoding/json: %v", in, err)
			}
		}
	}
}

func FuzzScanner(f *testing.F) {
	for _, seed := range []string{
		// The seeds of the readers this package replaced.
		`{"id":"a","text":"x\ny","published":"2024-05-01T08:00:00Z","evidence":["a",null]}`,
		`{"url":"u","text":"\u00e9","similarity":-1.5e-3,"truth_original":false,"x":[{}]}`,
		`{"text":"\ud83c\udf89 \ud83c x","seq":3,"similarity":1e-3,"evidence":[]}`,
		`"\ud83c\udf89 \ud83c x"`, `["a","b"]`, `18446744073709551615`, `-0.5e-7`, `"2024-01-02T03:04:05.5+01:00"`,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, v string) {
		agree(t, v)
		var s Scanner
		s.Reset([]byte(v))
		if s.Object(func([]byte) bool { return s.Skip() }) && !json.Valid([]byte(v)) {
			t.Fatalf("Object read %q, which is not JSON", v)
		}
	})
}

func TestAppendStringEveryByte(t *testing.T) {
	for c := range 256 {
		for _, s := range []string{string([]byte{byte(c)}), "a" + string([]byte{byte(c)}) + "é\u2028z", string([]byte{byte(c), 0x80})} {
			checkString(t, s)
		}
	}
	for _, s := range []string{"", "<script>&amp;</script> \u2029", "bad \xff\xfe utf8 \xe2\x82 and \xed\xa0\x80", "日本 🎉"} {
		checkString(t, s)
	}
}

func checkString(t *testing.T, s string) {
	t.Helper()
	want, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	if got := AppendString([]byte("x"), s); !bytes.Equal(got[1:], want) || got[0] != 'x' {
		t.Errorf("%q: got %s, want %s", s, got, want)
	}
}

func TestAppendFloat(t *testing.T) {
	for _, f := range []float64{0, math.Copysign(0, -1), 1, 0.5, 0.4605, 0.0001, 1e-7, -1e-7, 2.5e-9, 1e21, 1e20,
		999999999999999999999.0, 123456.789, -0.25, 5e-324, 1.7976931348623157e308, 0.8765432109876543,
		math.Inf(1), math.Inf(-1), math.NaN()} {
		checkFloat(t, f)
	}
}

func checkFloat(t *testing.T, f float64) {
	t.Helper()
	want, err := json.Marshal(f)
	got, ok := AppendFloat([]byte("x"), f)
	switch {
	case ok != (err == nil):
		t.Errorf("%v: AppendFloat ok %v, json.Marshal error %v", f, ok, err)
	case ok && string(got) != "x"+string(want):
		t.Errorf("%v: got %s, want x%s", f, got, want)
	case !ok && string(got) != "x":
		t.Errorf("%v: declined, but wrote %q", f, got)
	}
}

func TestAppendTime(t *testing.T) {
	for _, tm := range []time.Time{
		{}, time.Date(2024, 3, 1, 12, 30, 15, 123456789, time.FixedZone("", 5*3600+1800)),
		time.Date(2024, 3, 2, 0, 0, 0, 0, time.UTC), time.Date(2025, 1, 1, 1, 1, 1, 0, time.Local),
		time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(2024, 1, 1, 0, 0, 0, 0, time.FixedZone("", -(23*3600+59*60))),
		time.Date(2024, 1, 1, 0, 0, 0, 0, time.FixedZone("", 24*3600)),
	} {
		checkTime(t, tm)
	}
}

func checkTime(t *testing.T, tm time.Time) {
	t.Helper()
	want, err := json.Marshal(tm)
	got, ok := AppendTime([]byte("x"), tm)
	switch {
	case ok != (err == nil):
		t.Errorf("%v: AppendTime ok %v, json.Marshal error %v", tm, ok, err)
	case ok && string(got) != "x"+string(want):
		t.Errorf("%v: got %s, want x%s", tm, got, want)
	case !ok && string(got) != "x":
		t.Errorf("%v: declined, but wrote %q", tm, got)
	}
}

func FuzzAppend(f *testing.F) {
	// The seeds of the writers this package replaced.
	f.Add("text <b>\n", 0.5, int64(1700000000), int64(5), 3600)
	f.Add("\xff\u2028", 1e-7, int64(0), int64(0), 0)
	f.Add("", -0.0, int64(-62135596800), int64(999999999), -86399)
	f.Fuzz(func(t *testing.T, s string, x float64, sec, nsec int64, zone int) {
		checkString(t, s)
		checkFloat(t, x)
		checkTime(t, time.Unix(sec, nsec).In(time.FixedZone("", zone)))
	})
}
