package archive

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/syndex/syndex/extract"
)

// QueryFromInput fills q from a text or a saved page to look up (a file's
// content, name its file name, pageURL the page's own address when
// known): a page is extracted as a crawled one would be, learning nothing
// from it, and its text, title, canonical URL, site and date fill what q
// does not already say; other input is taken as the text itself. options
// gives the extraction's options, asked only for a page (its errors are
// returned as they are). A page without article text gives an error
// wrapping ErrBadLookup.
func QueryFromInput(ctx context.Context, name string, body []byte, pageURL string, q *LookupQuery, options func() (extract.Options, error)) error {
	q.URL = pageURL
	if !LooksLikeHTML(name, body) {
		q.Text = string(body)
		return nil
	}
	opt, err := options()
	if err != nil {
		return err
	}
	opt.BoilerplatePages = -1 // learn nothing from a looked-up page
	res, err := extract.New(opt).Extract(ctx, extract.Input{URL: pageURL, HTML: body, Fetched: time.Now().UTC()})
	if err != nil {
		return fmt.Errorf("extract %s: %w", name, err)
	}
	if res.Article == nil || strings.TrimSpace(res.Article.Text) == "" {
		return noArticleText{name: name, reason: res.Reason}
	}
	art := res.Article
	q.Text, q.Title = art.Text, art.Title
	if q.URL == "" {
		q.URL = art.Canonical
	}
	if q.Site == "" {
		q.Site = art.Site
	}
	if q.Published.IsZero() {
		q.Published = art.Published
	}
	return nil
}

// noArticleText is a page to look up that has no article text.
type noArticleText struct{ name, reason string }

func (e noArticleText) Error() string {
	return fmt.Sprintf("lookup: no article text found in %s (%s)", e.name, e.reason)
}

func (noArticleText) Unwrap() error { return ErrBadLookup }

// LooksLikeHTML reports whether input to look up is a page rather than a
// text: an .html/.htm/.xhtml name, or markup at its start.
func LooksLikeHTML(name string, body []byte) bool {
	n := strings.ToLower(name)
	if strings.HasSuffix(n, ".html") || strings.HasSuffix(n, ".htm") || strings.HasSuffix(n, ".xhtml") {
		return true
	}
	head := bytes.ToLower(bytes.TrimSpace(body[:min(len(body), 1024)]))
	head = bytes.TrimPrefix(head, []byte("\xef\xbb\xbf"))
	for _, p := range []string{"<!doctype html", "<html", "<head", "<body", "<?xml", "<!--"} {
		if bytes.HasPrefix(head, []byte(p)) {
			return true
		}
	}
	return false
}
