package fastjson

import "bytes"

// DecodeText reads only the "text" value of line into the decoder's
// buffer (see Text), skipping every other member without decoding it. It
// reports !ok, as Decode does, when the line is not plainly valid JSON or
// its text is not a plain string (the caller then decodes the line with
// encoding/json).
func (d *Decoder) DecodeText(line []byte) bool {
	s := &d.s
	s.Reset(line)
	d.text = d.text[:0]
	return s.Object(func(key []byte) bool {
		switch {
		case string(key) == "text":
			var ok bool
			d.text, ok = s.AppendString(d.text[:0])
			return ok
		case bytes.EqualFold(key, []byte("text")):
			return false // encoding/json matches keys case-insensitively
		}
		return s.Skip()
	})
}
