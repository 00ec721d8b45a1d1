package extract

import (
	"time"

	"github.com/markusmobius/go-htmldate"
	"golang.org/x/net/html"
)

// guessDate is the last resort when the markup states no publication
// date: go-htmldate's extensive search of the page (URL, visible
// datelines, free text), asked for the original rather than the latest
// date. It returns the zero time when nothing plausible is found.
func guessDate(doc *html.Node, pageURL string) time.Time {
	r, err := htmldate.FromDocument(doc, htmldate.Options{UseOriginalDate: true, URL: pageURL})
	if err != nil {
		return time.Time{}
	}
	return r.DateTime
}
