package store

import (
	"reflect"
	"strconv"
	"time"

	"github.com/syndex/syndex/article"
	"github.com/syndex/syndex/internal/jsonfast"
)

// A quick reading of article records. encoding/json reads a record in two
// passes (it checks the whole of it, then decodes) through reflection;
// reading records back was most of what feeding a rebuild from the store
// cost besides the index itself. decodeQuick reads the records this
// package writes (encodeRecord: json.Marshal of a record, then the
// checksum member) in one pass, to exactly the record encoding/json makes
// of them, and declines anything else: a member it does not know, a
// member name in another case, a null, a value of another type, anything
// that is not JSON. A declined record is read by encoding/json as before,
// so what a record decodes to does not depend on which path read it.
// The JSON itself is read by internal/jsonfast; this file holds only
// which members decodeQuick fills and which it declines.

// decodeQuick decodes the record v into rec and reports whether it
// could; when it could not, rec is left in an unspecified state.
func decodeQuick(v []byte, rec *record) bool {
	var s jsonfast.Scanner
	s.Reset(v)
	return s.Object(func(key []byte) bool { return member(&s, key, rec) })
}

// DecodeArticle decodes the JSON object v, one line of an import, into a
// and reports whether it could: exactly as json.Unmarshal would when it
// could, and false for anything decodeQuick declines or a member a stored
// record has but an Article does not (seq, crc32c), which the caller then
// decodes with encoding/json. a must be the zero Article; when it could
// not, a is left in an unspecified state.
func DecodeArticle(v []byte, a *article.Article) bool {
	var s jsonfast.Scanner
	s.Reset(v)
	var rec record
	ok := s.Object(func(key []byte) bool {
		switch string(key) {
		case "seq", "crc32c":
			return false
		}
		return member(&s, key, &rec)
	})
	*a = rec.Article
	return ok
}

// member reads the value of member key into rec; false for a member
// decodeQuick does not read.
func member(s *jsonfast.Scanner, key []byte, rec *record) bool {
	a := &rec.Article
	if p := stringField(key, a); p != nil {
		var ok bool
		*p, ok = s.String()
		return ok
	}
	var ok bool
	switch string(key) {
	case "seq":
		rec.Seq, ok = s.Uint()
	case "role":
		var r string
		r, ok = s.String()
		a.Role = article.Role(r)
	case "published":
		a.Published, ok = s.Time()
	case "modified":
		a.Modified, ok = s.Time()
	case "fetched":
		a.Fetched, ok = s.Time()
	case "similarity":
		a.Similarity, ok = s.Float()
	case "original_share":
		a.OriginalShare, ok = s.Float()
	case "copy_share":
		a.CopyShare, ok = s.Float()
	case "noindex":
		a.NoIndex, ok = s.Bool()
	case "truth_original":
		a.TruthOriginal, ok = s.Bool()
	case "boilerplate":
		a.Boilerplate, ok = s.Strings()
	case "evidence":
		a.Evidence, ok = s.Strings()
	case "crc32c":
		_, ok = s.PlainString()
	}
	return ok
}

// stringField returns the string member of a named key, nil when key
// names none.
func stringField(key []byte, a *article.Article) *string {
	switch string(key) {
	case "id":
		return &a.ID
	case "url":
		return &a.URL
	case "site":
		return &a.Site
	case "title":
		return &a.Title
	case "text":
		return &a.Text
	case "author":
		return &a.Author
	case "lang":
		return &a.Lang
	case "canonical":
		return &a.Canonical
	case "source":
		return &a.Source
	case "site_name":
		return &a.SiteName
	case "warc":
		return &a.WARC
	case "cluster":
		return &a.Cluster
	case "original":
		return &a.Original
	case "via":
		return &a.Via
	case "truth_cluster":
		return &a.TruthCluster
	}
	return nil
}

// The writing side: appendQuick writes a record as json.Marshal does,
// byte for byte, without reflection. It knows the members of
// article.Article as they are; quickMembers is their number, and a
// build whose Article has another number writes through json.Marshal
// (a member appendQuick did not write would be lost).
const quickMembers = 26

var quickWrite = reflect.TypeFor[article.Article]().NumField() == quickMembers

// appendQuick appends rec as json.Marshal writes it, without the closing
// brace, and reports whether it could (not when a float is not finite, a
// date outside the years 0-9999, or Article has members it does not know).
func appendQuick(b []byte, rec *record) ([]byte, bool) {
	if !quickWrite {
		return nil, false
	}
	a := &rec.Article
	b = append(b, `{"seq":`...)
	b = strconv.AppendUint(b, rec.Seq, 10)
	b = appendMember(b, `,"id":`, a.ID, false)
	b = appendMember(b, `,"url":`, a.URL, true)
	b = appendMember(b, `,"site":`, a.Site, true)
	b = appendMember(b, `,"title":`, a.Title, true)
	b = appendMember(b, `,"text":`, a.Text, false)
	b = appendMember(b, `,"author":`, a.Author, true)
	var ok bool
	for _, t := range []struct {
		key string
		t   time.Time
	}{{`,"published":`, a.Published}, {`,"modified":`, a.Modified}, {`,"fetched":`, a.Fetched}} {
		if b, ok = appendTime(b, t.key, t.t); !ok {
			return nil, false
		}
	}
	b = appendMember(b, `,"lang":`, a.Lang, true)
	b = appendMember(b, `,"canonical":`, a.Canonical, true)
	b = appendMember(b, `,"source":`, a.Source, true)
	b = appendMember(b, `,"site_name":`, a.SiteName, true)
	b = appendStrings(b, `,"boilerplate":`, a.Boilerplate)
	b = appendMember(b, `,"warc":`, a.WARC, true)
	b = appendBool(b, `,"noindex":true`, a.NoIndex)
	b = appendMember(b, `,"cluster":`, a.Cluster, true)
	b = appendMember(b, `,"role":`, string(a.Role), true)
	b = appendMember(b, `,"original":`, a.Original, true)
	for _, f := range []struct {
		key string
		f   float64
	}{{`,"similarity":`, a.Similarity}, {`,"original_share":`, a.OriginalShare}, {`,"copy_share":`, a.CopyShare}} {
		if b, ok = appendFloat(b, f.key, f.f); !ok {
			return nil, false
		}
	}
	b = appendMember(b, `,"via":`, a.Via, true)
	b = appendStrings(b, `,"evidence":`, a.Evidence)
	b = appendMember(b, `,"truth_cluster":`, a.TruthCluster, true)
	b = appendBool(b, `,"truth_original":true`, a.TruthOriginal)
	return b, true
}

// quickSize is about how long rec's JSON is (escapes aside).
func quickSize(rec *record) int {
	a := &rec.Article
	n := 512 + len(a.ID) + len(a.URL) + len(a.Site) + len(a.Title) + len(a.Text) + len(a.Author) +
		len(a.Lang) + len(a.Canonical) + len(a.Source) + len(a.SiteName) + len(a.WARC) + len(a.Cluster) +
		len(a.Role) + len(a.Original) + len(a.Via) + len(a.TruthCluster)
	for _, s := range a.Boilerplate {
		n += len(s) + 3
	}
	for _, s := range a.Evidence {
		n += len(s) + 3
	}
	return n
}

// appendMember appends key and s; nothing when omitEmpty and s is empty.
func appendMember(b []byte, key, s string, omitEmpty bool) []byte {
	if omitEmpty && s == "" {
		return b
	}
	return jsonfast.AppendString(append(b, key...), s)
}

// appendStrings appends key and the strings of ss; nothing when ss is
// empty.
func appendStrings(b []byte, key string, ss []string) []byte {
	if len(ss) == 0 {
		return b
	}
	b = append(b, key...)
	for i, s := range ss {
		if i == 0 {
			b = append(b, '[')
		} else {
			b = append(b, ',')
		}
		b = jsonfast.AppendString(b, s)
	}
	return append(b, ']')
}

// appendBool appends member (a key with the value true) when v.
func appendBool(b []byte, member string, v bool) []byte {
	if v {
		b = append(b, member...)
	}
	return b
}

// appendTime appends key and t as time.Time's MarshalJSON writes it;
// nothing for the zero time.
func appendTime(b []byte, key string, t time.Time) ([]byte, bool) {
	if t.IsZero() {
		return b, true
	}
	return jsonfast.AppendTime(append(b, key...), t)
}

// appendFloat appends key and f as encoding/json writes a float64;
// nothing for 0.
func appendFloat(b []byte, key string, f float64) ([]byte, bool) {
	if f == 0 {
		return b, true
	}
	return jsonfast.AppendFloat(append(b, key...), f)
}
