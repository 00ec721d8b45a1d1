package extract

import (
	"bytes"
	"html/template"
	"io"
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
	var head, body bytes.Buffer
	var para strings.Builder
	flush := func() {
		if t := scan.CollapseSpace(para.String()); t != "" {
			body.WriteString("<p>")
			body.WriteString(template.HTMLEscapeString(t))
			body.WriteString("</p>\n")
		}
		para.Reset()
	}
	skip := "" // inside script/style: the tag that ends it
	inTitle, inLD := false, false
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			if z.Err() != io.EOF {
				break
			}
			break
		}
		tok := z.Token()
		switch tt {
		case html.StartTagToken, html.SelfClosingTagToken:
			switch tok.Data {
			case "meta", "link":
				head.WriteString(tok.String())
			case "title":
				inTitle = true
				head.WriteString("<title>")
			case "script", "style", "noscript", "template":
				skip = tok.Data
				for _, a := range tok.Attr {
					if a.Key == "type" && strings.Contains(strings.ToLower(a.Val), "ld+json") {
						inLD = true
						head.WriteString(`<script type="application/ld+json">`)
					}
				}
			default:
				if dom.BlockTags[tok.Data] || tok.Data == "br" {
					flush()
				}
			}
		case html.EndTagToken:
			switch {
			case tok.Data == skip:
				if inLD {
					head.WriteString("</script>")
				}
				skip, inLD = "", false
			case tok.Data == "title":
				inTitle = false
				head.WriteString("</title>")
			case dom.BlockTags[tok.Data]:
				flush()
			}
		case html.TextToken:
			switch {
			case inLD:
				head.WriteString(strings.ReplaceAll(tok.Data, "</", `<\/`))
			case skip != "":
			case inTitle:
				head.WriteString(template.HTMLEscapeString(tok.Data))
			default:
				para.WriteString(tok.Data)
				para.WriteByte(' ')
			}
		}
	}
	flush()
	var out bytes.Buffer
	out.WriteString("<!DOCTYPE html><html><head>")
	out.Write(head.Bytes())
	out.WriteString("</head><body>")
	out.Write(body.Bytes())
	out.WriteString("</body></html>")
	return out.Bytes()
}
