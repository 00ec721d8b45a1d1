package store

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"strconv"
)

// An article record is the JSON of record with a CRC-32C of its bytes as
// its last member: {"seq":1,"id":"a",…,"crc32c":"89abcdef"}. The checksum
// covers everything before ,"crc32c", so a flipped byte anywhere in the
// record is found when it is read, and older syndex builds, which ignore
// unknown members, still read the record. Records written before
// checksums existed have none; they are accepted as they are, but a record
// at or after the arrival number from which this store writes checksums
// (meta key keySumsFrom) must carry one.

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

const (
	sumOpen  = `,"crc32c":"`
	sumClose = `"}`
	sumLen   = len(sumOpen) + 8 + len(sumClose)
)

// encodeRecord marshals rec and seals it with its checksum.
func encodeRecord(rec *record) ([]byte, error) {
	body, ok := appendQuick(make([]byte, 0, quickSize(rec)+sumLen), rec)
	if !ok {
		b, err := json.Marshal(rec)
		if err != nil {
			return nil, err
		}
		body = append(make([]byte, 0, len(b)-1+sumLen), b[:len(b)-1]...) // without the closing brace
	}
	sum := crc32.Checksum(body, castagnoli)
	out := append(body, sumOpen...)
	out = hex.AppendEncode(out, []byte{byte(sum >> 24), byte(sum >> 16), byte(sum >> 8), byte(sum)})
	return append(out, sumClose...), nil
}

// splitSum returns the bytes a sealed record's checksum covers and the
// checksum; ok is false for a record without one.
func splitSum(v []byte) (body []byte, sum uint32, ok bool) {
	if len(v) < sumLen+2 || !bytes.HasSuffix(v, []byte(sumClose)) {
		return nil, 0, false
	}
	at := len(v) - sumLen
	if !bytes.Equal(v[at:at+len(sumOpen)], []byte(sumOpen)) {
		return nil, 0, false
	}
	digits := v[at+len(sumOpen) : len(v)-len(sumClose)]
	for _, c := range digits {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return nil, 0, false // the checksum is written in lower case
		}
	}
	var b [4]byte
	if _, err := hex.Decode(b[:], digits); err != nil {
		return nil, 0, false
	}
	return v[:at], uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3]), true
}

// recordHead is what checkRecord learns of a record without decoding it.
type recordHead struct {
	seq    uint64
	id     string
	sealed bool // carries a checksum
}

// checkRecord checks the record v stored under key: its checksum when it
// has one, that it is JSON naming key as its id, and that a record from
// sumsFrom on (0: none required) has a checksum. It decodes only the
// leading "seq" and "id" members when the record has its usual shape.
func checkRecord(key, v []byte, sumsFrom uint64) (recordHead, error) {
	var h recordHead
	body, sum, sealed := splitSum(v)
	h.sealed = sealed
	if sealed {
		if got := crc32.Checksum(body, castagnoli); got != sum {
			return h, fmt.Errorf("checksum mismatch (stored %08x, computed %08x)", sum, got)
		}
	} else if !json.Valid(v) {
		return h, fmt.Errorf("not a JSON record")
	}
	seq, id, ok := parseHead(v)
	if !ok {
		var r struct {
			Seq uint64 `json:"seq"`
			ID  string `json:"id"`
		}
		if err := json.Unmarshal(v, &r); err != nil {
			return h, fmt.Errorf("undecodable record: %v", err)
		}
		seq, id = r.Seq, r.ID
	}
	h.seq, h.id = seq, id
	if id != string(key) {
		return h, fmt.Errorf("record holds id %q", id)
	}
	if !sealed && sumsFrom > 0 && seq >= sumsFrom {
		return h, fmt.Errorf("record %d has no checksum (every record from %d has one)", seq, sumsFrom)
	}
	return h, nil
}

// parseHead reads {"seq":N,"id":"…" at the start of a record.
func parseHead(v []byte) (uint64, string, bool) {
	rest, ok := bytes.CutPrefix(v, []byte(`{"seq":`))
	if !ok {
		return 0, "", false
	}
	n := 0
	for n < len(rest) && rest[n] >= '0' && rest[n] <= '9' {
		n++
	}
	seq, err := strconv.ParseUint(string(rest[:n]), 10, 64)
	if err != nil {
		return 0, "", false
	}
	rest, ok = bytes.CutPrefix(rest[n:], []byte(`,"id":"`))
	if !ok {
		return 0, "", false
	}
	id, ok := leadingString(rest)
	if !ok {
		return 0, "", false
	}
	return seq, id, true
}

// leadingString reads the JSON string whose opening quote is already
// consumed at the start of b: up to the first quote not escaped, then
// unescaped (a string without a backslash as it is).
func leadingString(b []byte) (string, bool) {
	end := -1
	for i := 0; i < len(b); i++ {
		if b[i] == '\\' {
			i++
			continue
		}
		if b[i] == '"' {
			end = i
			break
		}
	}
	if end < 0 {
		return "", false
	}
	raw := b[:end]
	if bytes.IndexByte(raw, '\\') < 0 {
		return string(raw), true
	}
	var s string
	if err := json.Unmarshal(append(append([]byte{'"'}, raw...), '"'), &s); err != nil {
		return "", false
	}
	return s, true
}

// decodeRecord checks and decodes the record v stored under key.
func decodeRecord(key, v []byte, sumsFrom uint64) (*record, error) {
	if _, err := checkRecord(key, v, sumsFrom); err != nil {
		return nil, err
	}
	var rec record
	if decodeQuick(v, &rec) {
		return &rec, nil
	}
	rec = record{}
	if err := json.Unmarshal(v, &rec); err != nil {
		return nil, fmt.Errorf("undecodable record: %v", err)
	}
	return &rec, nil
}
