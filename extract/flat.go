package extract

import (
	"bytes"
	"html/template"
	"strings"

	"golang.org/x/net/html"

	"github.com/syndex/syndex/extract/internal/dom"
	"github.com/syndex/syndex/extract/internal/scan"
)

// flatten rewrites a document the HTML parser refuses (elements nested
// more than 512 deep) into a shallow one: head metadata (<title>, <meta>,
// <link>, JSON-LD) is kept, the body becomes one <p> per block of text.
// It streams with the tokenizer, so depth costs nothing.
func flatten(src []byte) []byte {
	z := html.NewTokenizer(bytes.NewReader(src))
	var f flattener
	for tt := z.Next(); tt != html.ErrorToken; tt = z.Next() { // the end, or bad input
		tok := z.Token()
		switch tt {
		case html.StartTagToken, html.SelfClosingTagToken:
			f.start(tok)
		case html.EndTagToken:
			f.end(tok.Data)
		case html.TextToken:
			f.text(tok.Data)
		}
	}
	f.flush()
	var out bytes.Buffer
	out.WriteString("<!DOCTYPE html><html><head>")
	out.Write(f.head.Bytes())
	out.WriteString("</head><body>")
	out.Write(f.body.Bytes())
	out.WriteString("</body></html>")
	return out.Bytes()
}

// flattener is flatten's state: the head and body written so far, the
// paragraph being gathered, and what the tokens read are inside of.
type flattener struct {
	head, body bytes.Buffer
	para       strings.Builder
	skip       string // inside script/style: the tag that ends it
	inTitle    bool
	inLD       bool // inside a JSON-LD script, which is kept
}

// flush writes the paragraph gathered so far to the body, if it has text.
func (f *flattener) flush() {
	if t := scan.CollapseSpace(f.para.String()); t != "" {
		f.body.WriteString("<p>")
		f.body.WriteString(template.HTMLEscapeString(t))
		f.body.WriteString("</p>\n")
	}
	f.para.Reset()
}

// start reads a start tag: head metadata is kept, scripts and styles
// skipped (JSON-LD kept), a block element ends the paragraph.
func (f *flattener) start(tok html.Token) {
	switch tok.Data {
	case "meta", "link":
		f.head.WriteString(tok.String())
	case "title":
		f.inTitle = true
		f.head.WriteString("<title>")
	case "script", "style", "noscript", "template":
		f.skip = tok.Data
		for _, a := range tok.Attr {
			if a.Key == "type" && strings.Contains(strings.ToLower(a.Val), "ld+json") {
				f.inLD = true
				f.head.WriteString(`<script type="application/ld+json">`)
			}
		}
	default:
		if dom.BlockTags[tok.Data] || tok.Data == "br" {
			f.flush()
		}
	}
}

// end reads the end tag of element tag.
func (f *flattener) end(tag string) {
	switch {
	case tag == f.skip:
		if f.inLD {
			f.head.WriteString("</script>")
		}
		f.skip, f.inLD = "", false
	case tag == "title":
		f.inTitle = false
		f.head.WriteString("</title>")
	case dom.BlockTags[tag]:
		f.flush()
	}
}

// text reads a text token: JSON-LD and the title go to the head, skipped
// text nowhere, the rest to the paragraph.
func (f *flattener) text(t string) {
	switch {
	case f.inLD:
		f.head.WriteString(strings.ReplaceAll(t, "</", `<\/`))
	case f.skip != "":
	case f.inTitle:
		f.head.WriteString(template.HTMLEscapeString(t))
	default:
		f.para.WriteString(t)
		f.para.WriteByte(' ')
	}
}
