// Package fastjson decodes the Article fields dedup uses from JSON Lines
// without reflection, for the offline runner (dedup.Run), and hands every
// line it cannot decode exactly as encoding/json would back to it. The
// JSON itself is read by internal/jsonfast; this package holds only which
// members dedup fills, which it skips and which it declines.
package fastjson

import (
	"bytes"

	"github.com/syndex/syndex/article"
	"github.com/syndex/syndex/internal/jsonfast"
)

// Decoder decodes the Article fields dedup uses from one JSONL line
// without reflection, and keeps the text in a reusable buffer instead of a
// new string. It is strict: whenever a line is not plainly valid JSON or
// holds something it does not handle exactly as encoding/json would (odd
// key case, null, escapes in keys, unparsable dates), it reports !ok and
// the caller decodes the line with encoding/json instead, which also
// produces the error message for corrupt lines.
type Decoder struct {
	s    jsonfast.Scanner
	text []byte // the decoded "text" value, reused between lines
	str  []byte // scratch for other strings
}

// Text returns the "text" value of the last line decoded, in the
// decoder's buffer: valid until the next Decode.
func (d *Decoder) Text() []byte { return d.text }

// fastFields are the fields the decoder fills; everything else is
// validated and skipped.
var fastFields = map[string]bool{"id": true, "url": true, "site": true, "text": true,
	"published": true, "fetched": true, "canonical": true, "source": true, "author": true, "site_name": true}

// articleKinds gives the JSON type of every other Article field, so a
// skipped field of the wrong type still sends the line to encoding/json
// (which rejects it): s string, t time, a string array, n number, b bool.
var articleKinds = map[string]byte{"title": 's', "lang": 's',
	"warc": 's', "cluster": 's', "role": 's', "original": 's', "truth_cluster": 's',
	"modified": 't', "boilerplate": 'a', "evidence": 'a', "similarity": 'n', "truth_original": 'b',
	"original_share": 'n', "copy_share": 'n', "via": 's'}

// skipKind checks that the value at s decodes into a field of kind as
// encoding/json decodes it, and skips it (null is always accepted, as
// encoding/json leaves the field alone).
func skipKind(s *jsonfast.Scanner, kind byte) bool {
	if s.Lit("null") {
		return true
	}
	var ok bool
	switch kind {
	case 's':
		ok = s.Peek() == '"' && s.Skip()
	case 't':
		_, ok = s.Time()
	case 'a':
		ok = s.SkipStrings()
	case 'n':
		_, ok = s.Float()
	case 'b':
		_, ok = s.Bool()
	default:
		ok = s.Skip()
	}
	return ok
}

// Decode fills a (Text left empty) and d.text from line.
func (d *Decoder) Decode(line []byte, a *article.Article) bool {
	s := &d.s
	s.Reset(line)
	return s.Object(func(key []byte) bool { return d.field(key, a) })
}

// field reads the value of member key into a, or skips it when dedup
// does not read it.
func (d *Decoder) field(key []byte, a *article.Article) bool {
	s := &d.s
	k := string(key)
	switch {
	case k == "noindex": // the one bool dedup reads
		var ok bool
		a.NoIndex, ok = s.Bool()
		return ok
	case k == "published" || k == "fetched":
		t, ok := s.Time()
		if k == "published" {
			a.Published = t
		} else {
			a.Fetched = t
		}
		return ok
	case !fastFields[k]:
		return skipField(s, key, k)
	case k == "text":
		var ok bool
		d.text, ok = s.AppendString(d.text[:0])
		return ok
	}
	var ok bool
	if d.str, ok = s.AppendString(d.str[:0]); !ok {
		return false // null or a wrong type: let encoding/json decide
	}
	setField(a, k, string(d.str))
	return true
}

// skipField skips the value of a member dedup does not read, after
// checking it would decode as encoding/json decodes it.
func skipField(s *jsonfast.Scanner, key []byte, k string) bool {
	lower := string(bytes.ToLower(key))
	if lower != k && (fastFields[lower] || articleKinds[lower] != 0 || lower == "noindex") {
		return false // encoding/json matches keys case-insensitively
	}
	return skipKind(s, articleKinds[k])
}

// setField sets the string field k of a.
func setField(a *article.Article, k, v string) {
	switch k {
	case "id":
		a.ID = v
	case "url":
		a.URL = v
	case "site":
		a.Site = v
	case "canonical":
		a.Canonical = v
	case "source":
		a.Source = v
	case "author":
		a.Author = v
	case "site_name":
		a.SiteName = v
	}
}
