package fastjson

import "bytes"

// DecodeText reads only the "text" value of line into the decoder's
// buffer (see Text), skipping every other member without decoding it. It
// reports !ok, as Decode does, when the line is not plainly valid JSON or
// its text is not a plain string (the caller then decodes the line with
// encoding/json).
func (d *Decoder) DecodeText(line []byte) bool {
	p := &jsonScan{b: line}
	d.text = d.text[:0]
	p.ws()
	if !p.eat('{') {
		return false
	}
	p.ws()
	if p.eat('}') {
		return p.end()
	}
	for {
		p.ws()
		key, ok := p.rawKey()
		if !ok {
			return false
		}
		p.ws()
		if !p.eat(':') {
			return false
		}
		p.ws()
		switch {
		case string(key) == "text":
			if p.peek() != '"' {
				return false
			}
			if d.text, ok = p.str(d.text[:0]); !ok {
				return false
			}
		case bytes.EqualFold(key, []byte("text")):
			return false // encoding/json matches keys case-insensitively
		case !p.skipValue(0):
			return false
		}
		p.ws()
		if p.eat(',') {
			continue
		}
		if p.eat('}') {
			return p.end()
		}
		return false
	}
}
