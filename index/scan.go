package index

import (
	"context"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"

	"github.com/blevesearch/bleve/v2/search"
)

// Searcher runs one query: an *Index, or an archive (local or through the
// read API of the process that holds it).
type Searcher interface {
	Search(ctx context.Context, q Query) (*Result, error)
}

// ScanPage is the number of stories one step of Scan reads.
const ScanPage = MaxLimit

// Scan calls fn with every page of q's hits, in q's order, however many
// there are: it pages with a search-after cursor (Bleve's SearchAfter)
// rather than an offset, so each page costs what the first does and no
// story is skipped or repeated. q.Limit sets the page size (ScanPage when
// 0), q.Offset must be 0. It stops at the first error of the search or
// of fn.
func Scan(ctx context.Context, s Searcher, q Query, fn func(*Result) error) error {
	if q.Limit <= 0 {
		q.Limit = ScanPage
	}
	q.Cursor, q.After = true, nil
	for {
		res, err := s.Search(ctx, q)
		if err != nil {
			return err
		}
		if len(res.Hits) > 0 {
			if err := fn(res); err != nil {
				return err
			}
		}
		if len(res.Next) == 0 {
			return nil
		}
		if slices.Equal(res.Next, q.After) {
			return fmt.Errorf("search: deep paging did not advance past %q", res.Next)
		}
		q.After, q.Facets = res.Next, false
	}
}

// cursorOf is the search-after position of hit h under sort order so:
// the score written out in full, field values as their index encoding in
// hex (a date's encoding and the marker of a missing date are bytes that
// JSON would not carry).
func cursorOf(so search.SortOrder, h *search.DocumentMatch) []string {
	out := make([]string, len(so))
	for i, s := range so {
		switch {
		case s.RequiresScoring():
			out[i] = strconv.FormatFloat(h.Score, 'g', -1, 64)
		case i < len(h.Sort):
			out[i] = hex.EncodeToString([]byte(h.Sort[i]))
		}
	}
	return out
}

// decodeCursor turns a cursor from cursorOf back into Bleve's
// search-after values.
func decodeCursor(so search.SortOrder, after []string) ([]string, error) {
	out := make([]string, len(after))
	for i, s := range so {
		if s.RequiresScoring() {
			if _, err := strconv.ParseFloat(after[i], 64); err != nil {
				return nil, fmt.Errorf("search: after: %q is not a score", after[i])
			}
			out[i] = after[i]
			continue
		}
		b, err := hex.DecodeString(after[i])
		if err != nil {
			return nil, fmt.Errorf("search: after: %q is not a cursor value", after[i])
		}
		out[i] = string(b)
	}
	return out, nil
}
