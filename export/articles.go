package export

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"iter"
	"strconv"
	"strings"
	"time"

	"github.com/syndex/syndex/article"
)

// ArticleFormats are the formats WriteArticles writes, by name.
var ArticleFormats = []string{"jsonl", "csv"}

// ArticleColumns are the CSV header of WriteArticles, in order.
var ArticleColumns = []string{"id", "url", "site", "title", "author", "published", "fetched", "lang", "canonical", "source", "cluster", "role", "original", "similarity", "text",
	"original_share", "copy_share", "via", "noindex"}

// WriteArticles writes every Article arts yields (`syndex export`) that
// the noindex mode keeps to w in format: jsonl, one Article as JSON a
// line (the data contract's shape), or csv, one row an Article under
// ArticleColumns. It stops at the first error arts yields.
func WriteArticles(w io.Writer, arts iter.Seq2[*article.Article, error], format string, noindex article.NoIndexMode) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	aw, err := newArticleWriter(bw, format)
	if err != nil {
		return err
	}
	for art, err := range arts {
		if err != nil {
			return err
		}
		if !noindex.Keeps(art.NoIndex) {
			continue
		}
		if err := aw.write(art); err != nil {
			return err
		}
	}
	if err := aw.finish(); err != nil {
		return err
	}
	return bw.Flush()
}

// articleWriter writes Articles in one of WriteArticles' formats.
type articleWriter interface {
	write(art *article.Article) error
	finish() error // after the last Article
}

// newArticleWriter is the writer of format (jsonl or csv) onto w; a csv
// one writes its header first.
func newArticleWriter(w io.Writer, format string) (articleWriter, error) {
	switch format {
	case "jsonl":
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		return jsonlArticles{enc}, nil
	case "csv":
		cw := csv.NewWriter(w)
		cw.Write(ArticleColumns)
		return csvArticles{cw}, nil
	}
	return nil, fmt.Errorf("export: unknown article format %q (want jsonl or csv)", format)
}

// jsonlArticles writes one Article as JSON a line.
type jsonlArticles struct{ enc *json.Encoder }

func (j jsonlArticles) write(art *article.Article) error { return j.enc.Encode(art) }
func (j jsonlArticles) finish() error                    { return nil }

// csvArticles writes one Article a row under ArticleColumns; a write
// error is reported when the rows are flushed.
type csvArticles struct{ cw *csv.Writer }

func (c csvArticles) write(art *article.Article) error {
	c.cw.Write(articleRow(art))
	return nil
}

func (c csvArticles) finish() error {
	c.cw.Flush()
	return c.cw.Error()
}

// articleRow is an Article's CSV row under ArticleColumns.
func articleRow(art *article.Article) []string {
	return []string{art.ID, art.URL, art.Site, art.Title, art.Author, timeOrEmpty(art.Published), timeOrEmpty(art.Fetched),
		art.Lang, art.Canonical, art.Source, art.Cluster, string(art.Role), art.Original,
		strconv.FormatFloat(art.Similarity, 'f', 4, 64), strings.TrimSpace(art.Text),
		shareCell(art.OriginalShare, art.Role), shareCell(art.CopyShare, art.Role), art.Via, strconv.FormatBool(art.NoIndex)}
}

// shareCell writes a copy's share (empty when the archive has none for it,
// as for articles deduplicated before shares were computed); originals and
// unique articles carry all of themselves.
func shareCell(x float64, role article.Role) string {
	switch {
	case role == article.RoleOriginal || role == article.RoleUnique:
		return "1.0000"
	case x == 0:
		return ""
	}
	return strconv.FormatFloat(x, 'f', 4, 64)
}

// timeOrEmpty writes t as RFC 3339, empty when it is zero.
func timeOrEmpty(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.RFC3339)
}
