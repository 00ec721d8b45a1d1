// Package export writes every hit of a search as CSV or JSONL, streaming,
// for analysis outside syndex: `syndex search --format csv|jsonl` and the
// web UI's download link; and every Article of an archive with its cluster
// fields (WriteArticles, `syndex export`). It pages through the hits with a search-after
// cursor (index.Scan), so an export holds one page in memory however
// many stories match, and is not bound by the search's page cap.
//
// JSONL has one line per story, the shape of a `search --json` hit; CSV
// has one row per article: the story's original, then each copy, with
// its site, date, lag, similarity and shares. The package reads through an
// index.Searcher and writes; it owns no storage.
package export

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"time"

	"github.com/syndex/syndex/article"
	"github.com/syndex/syndex/index"
	"github.com/syndex/syndex/internal/printable"
	"github.com/syndex/syndex/report"
)

// Formats are the export formats, by name.
var Formats = []string{"csv", "jsonl"}

// ContentType returns the MIME type of a format.
func ContentType(format string) string {
	if format == "csv" {
		return "text/csv; charset=utf-8"
	}
	return "application/jsonl; charset=utf-8"
}

// Columns are the CSV header, in order.
var Columns = []string{"rank", "cluster", "role", "id", "url", "site", "title", "published", "lag_seconds",
	"similarity", "original_share", "copy_share", "via", "copies", "score", "matched_in_copy_text", "lang"}

// Stats counts what an export wrote.
type Stats struct {
	Stories  int // hits (stories)
	Articles int // originals and copies
}

// errEnough stops a scan once max stories are written.
var errEnough = errors.New("enough stories")

// Write runs q over s and writes every hit (the first max when max > 0)
// in format (csv or jsonl) to w as it arrives, flushing after each page.
// q.Limit is the page size (index.ScanPage when 0); q.Offset must be 0.
// Snippets are not written.
func Write(ctx context.Context, w io.Writer, s index.Searcher, q index.Query, format string, max int) (Stats, error) {
	if !slices.Contains(Formats, format) {
		return Stats{}, fmt.Errorf("export: unknown format %q (want csv or jsonl)", format)
	}
	q.Highlight, q.Facets = false, false
	hw, err := newHitWriter(w, format)
	if err != nil {
		return Stats{}, err
	}
	var st Stats
	err = index.Scan(ctx, s, q, func(res *index.Result) error {
		for _, h := range res.Hits {
			if max > 0 && st.Stories == max {
				return errEnough
			}
			st.Stories++
			st.Articles += 1 + len(h.Copies)
			if err := hw.write(st.Stories, h); err != nil {
				return err
			}
		}
		return hw.flush()
	})
	if err != nil && !errors.Is(err, errEnough) {
		return st, err
	}
	return st, hw.flush()
}

// hitWriter writes hits as CSV rows (after the header) or JSON lines,
// buffered.
type hitWriter struct {
	bw  *bufio.Writer
	cw  *csv.Writer // nil for jsonl
	enc *json.Encoder
}

func newHitWriter(w io.Writer, format string) (*hitWriter, error) {
	hw := &hitWriter{bw: bufio.NewWriterSize(w, 64<<10)}
	hw.enc = json.NewEncoder(hw.bw)
	if format == "csv" {
		hw.cw = csv.NewWriter(hw.bw)
		if err := hw.cw.Write(Columns); err != nil {
			return nil, err
		}
	}
	return hw, nil
}

// write writes hit h ranked rank.
func (hw *hitWriter) write(rank int, h index.Hit) error {
	if hw.cw != nil {
		for _, row := range Rows(rank, h) {
			if err := hw.cw.Write(row); err != nil {
				return err
			}
		}
		return nil
	}
	if h.Snippets == nil {
		h.Snippets = []string{}
	}
	return hw.enc.Encode(h)
}

// flush writes out what is buffered.
func (hw *hitWriter) flush() error {
	if hw.cw != nil {
		hw.cw.Flush()
		if err := hw.cw.Error(); err != nil {
			return err
		}
	}
	return hw.bw.Flush()
}

// Rows are the CSV rows of one hit ranked rank: its original, then its
// copies in the order of the hit.
func Rows(rank int, h index.Hit) [][]string {
	matched := map[string]bool{}
	for _, cm := range h.CopyMatches {
		matched[cm.ID] = true
	}
	o := h.Original
	date := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format(time.RFC3339)
	}
	num := func(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }
	r := strconv.Itoa(rank)
	role := string(article.RoleUnique)
	if len(h.Copies) > 0 {
		role = string(article.RoleOriginal)
	}
	safe := printable.CSV
	rows := [][]string{{r, safe(h.Cluster), role, safe(o.ID), safe(o.URL), safe(o.Site), safe(o.Title), date(o.Published), "",
		"1", "", "", "", strconv.Itoa(len(h.Copies)), num(h.Score), "", safe(h.Lang)}}
	orig := &article.Article{Published: o.Published}
	for _, c := range h.Copies {
		lag := ""
		if l := report.Lag(orig, &article.Article{Published: c.Published}); l != nil {
			lag = strconv.FormatInt(*l, 10)
		}
		share := func(f float64) string {
			if f == 0 {
				return "" // not recorded (indexed before shares existed)
			}
			return num(f)
		}
		title := c.Title
		if title == "" {
			title = o.Title // the copy runs the original's headline
		}
		rows = append(rows, []string{r, safe(h.Cluster), string(article.RoleCopy), safe(c.ID), safe(c.URL), safe(c.Site), safe(title), date(c.Published), lag,
			num(c.Similarity), share(c.OriginalShare), share(c.CopyShare), safe(c.Via), "", "", strconv.FormatBool(matched[c.ID]), safe(h.Lang)})
	}
	return rows
}
