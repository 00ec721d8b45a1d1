package extract

import (
	"regexp"
	"strings"

	"golang.org/x/net/html"

	"github.com/syndex/syndex/extract/internal/dom"
)

// runawayMin is the text length above which a <title> or <textarea> is
// taken to have swallowed the document rather than to hold a real value.
const runawayMin = 4096

// brokenCloseRE finds a malformed end tag of an element whose content the
// HTML parser reads as raw text: "</titlevalue=...>" (a template
// leftover) is not "</title>", so a browser — and the parser — keeps
// reading the rest of the page as the title.
var brokenCloseRE = regexp.MustCompile(`(?i)</(title|textarea)[^\s/>][^>]*>`)

// repairRunaway returns a fixed copy of src when doc's <title> or
// <textarea> holds the rest of the page because its end tag is malformed
// (the page would otherwise extract as its own markup), and nil when the
// document is fine or cannot be repaired that way.
func repairRunaway(doc *html.Node, src []byte) []byte {
	runaway := false
	dom.WalkElements(doc, func(n *html.Node) bool {
		if runaway {
			return false
		}
		if (n.Data == "title" || n.Data == "textarea") && n.FirstChild != nil && n.FirstChild.Type == html.TextNode {
			t := n.FirstChild.Data
			if len(t) > runawayMin && strings.Contains(t, "</") {
				runaway = true
			}
		}
		return !runaway
	})
	if !runaway || !brokenCloseRE.Match(src) {
		return nil
	}
	return brokenCloseRE.ReplaceAll(src, []byte("</$1>"))
}
