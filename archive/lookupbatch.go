package archive

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/syndex/syndex/article"
)

// Looker answers lookups: an *Archive, or a remote.Archive reading the
// API of the process that holds one.
type Looker interface {
	Lookup(ctx context.Context, q LookupQuery) (*LookupResult, error)
}

// lookupChunk is how many lines LookupJSONL reads before it flushes.
const lookupChunk = 64

// LookupJSONL looks up every line of r, a JSONL file of Articles (id and
// text; url, site, title and published when known, each overriding
// defaults), and hands each result to emit in input order: many texts for
// the cost of loading the archive once. flush (nil: none) is called after
// every chunk of lines, so results stream. A line the lookup refuses
// (ErrBadLookup: no text, say) is listed in bad as "ID: why" and the rest
// are looked up; n is the number of lines read.
func LookupJSONL(ctx context.Context, lk Looker, r io.Reader, defaults LookupQuery,
	emit func(*LookupResult) error, flush func() error) (n int, bad []string, err error) {
	n, err = ReadJSONL(r, lookupChunk, func(arts []*article.Article) error {
		for _, art := range arts {
			res, err := lk.Lookup(ctx, queryOfLine(art, defaults))
			if errors.Is(err, ErrBadLookup) {
				bad = append(bad, fmt.Sprintf("%s: %v", art.ID, err))
				continue
			}
			if err != nil {
				return fmt.Errorf("lookup %s: %w", art.ID, err)
			}
			if err := emit(res); err != nil {
				return err
			}
		}
		if flush != nil {
			return flush()
		}
		return nil
	})
	return n, bad, err
}

// queryOfLine is the lookup of one line's Article: its own site and
// publication date win over the defaults.
func queryOfLine(art *article.Article, defaults LookupQuery) LookupQuery {
	q := defaults
	q.ID, q.Text, q.Title, q.URL = art.ID, art.Text, art.Title, art.URL
	if art.Site != "" {
		q.Site = art.Site
	}
	if !art.Published.IsZero() {
		q.Published = art.Published
	}
	return q
}
