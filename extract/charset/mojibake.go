package charset

import (
	"bytes"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/text/encoding/charmap"
)

// hasMojibakeLead reports whether s holds "Â", "Ã" or "â" (C3 82, C3 83,
// C3 A2 in UTF-8), searching for their first byte, which is fast.
func hasMojibakeLead(s string) bool {
	for {
		i := strings.IndexByte(s, 0xC3)
		if i < 0 || i+1 >= len(s) {
			return false
		}
		if c := s[i+1]; c == 0x82 || c == 0x83 || c == 0xA2 {
			return true
		}
		s = s[i+1:]
	}
}

// RepairMojibakeDOM repairs mojibake (see RepairMojibake) in the text and
// attribute values of a parsed document: pages write it as characters
// and as references alike ("&acirc;&#128;&#153;" is "â€™" once parsed).
func RepairMojibakeDOM(doc *html.Node) {
	fix := func(s string) string {
		if !hasMojibakeLead(s) {
			return s
		}
		return string(RepairMojibake([]byte(s)))
	}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		for ; n != nil; n = n.NextSibling {
			switch n.Type {
			case html.TextNode:
				n.Data = fix(n.Data)
			case html.ElementNode:
				for i := range n.Attr {
					n.Attr[i].Val = fix(n.Attr[i].Val)
				}
				walk(n.FirstChild)
			case html.DocumentNode:
				walk(n.FirstChild)
			}
		}
	}
	walk(doc)
}

// Mojibake is UTF-8 text that was once decoded as Windows-1252 and saved
// again as UTF-8: "’" becomes "â€™", "é" becomes "Ã©", a no-break space
// becomes "Â ". Scrapers and republishers leave it in pages that are
// otherwise valid UTF-8, where no charset choice can undo it, and it
// breaks the word shingles that match a copy to its original.
//
// RepairMojibake undoes the unambiguous cases: a lead character "Â" or
// "Ã" followed by one character, or "â" followed by two, whose
// Windows-1252 bytes are UTF-8 continuation bytes, together forming one
// valid UTF-8 character. Those letter-and-symbol runs do not occur in
// real text ("Ã©", "â€™"); an accented letter followed by a quote or a
// dash ("É”", "é–") is left alone because its lead is not one of the
// three. It returns src itself when there is nothing to repair.
func RepairMojibake(src []byte) []byte {
	// The three leads encoded as UTF-8: Â = C3 82, Ã = C3 83, â = C3 A2.
	if !bytes.Contains(src, []byte{0xC3, 0x82}) && !bytes.Contains(src, []byte{0xC3, 0x83}) && !bytes.Contains(src, []byte{0xC3, 0xA2}) {
		return src
	}
	var out []byte
	last := 0 // src[last:i] is still to be copied
	for i := 0; i < len(src); {
		if src[i] != 0xC3 || i+1 >= len(src) {
			i++
			continue
		}
		seq, j := repairedAt(src, i)
		if seq == nil {
			i = j
			continue
		}
		if out == nil {
			out = make([]byte, 0, len(src))
		}
		out = append(out, src[last:i]...)
		out = append(out, seq...)
		i, last = j, j
	}
	if out == nil {
		return src
	}
	return append(out, src[last:]...)
}

// repairedAt reads the mojibake sequence whose lead (C3 82, C3 83 or
// C3 A2) starts at src[i]: it returns the character it stands for and the
// index after it, or nil and the index to go on from when there is none.
func repairedAt(src []byte, i int) ([]byte, int) {
	var lead byte
	var follow int
	switch src[i+1] {
	case 0x82:
		lead, follow = 0xC2, 1
	case 0x83:
		lead, follow = 0xC3, 1
	case 0xA2:
		lead, follow = 0xE2, 2
	default:
		return nil, i + 1
	}
	seq := []byte{lead}
	j := i + 2
	for k := 0; k < follow && j < len(src); k++ {
		b, size, ok := continuationByte(src[j:])
		if !ok {
			break
		}
		seq = append(seq, b)
		j += size
	}
	if len(seq) != follow+1 || !utf8.Valid(seq) {
		return nil, i + 2
	}
	return seq, j
}

// continuationByte decodes the character opening s and returns the
// Windows-1252 byte it stands for, when that is a UTF-8 continuation byte
// (0x80–0xBF), and the character's width.
func continuationByte(s []byte) (byte, int, bool) {
	r, size := utf8.DecodeRune(s)
	b, ok := charmap.Windows1252.EncodeRune(r)
	if !ok && r >= 0x80 && r <= 0x9F {
		// The five bytes Windows-1252 leaves undefined (0x81, 0x8D,
		// 0x8F, 0x90, 0x9D) survive as C1 controls.
		b, ok = byte(r), true
	}
	return b, size, ok && b >= 0x80 && b <= 0xBF
}
