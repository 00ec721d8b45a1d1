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
	if format != "jsonl" && format != "csv" {
		return fmt.Errorf("export: unknown article format %q (want jsonl or csv)", format)
	}
	bw := bufio.NewWriterSize(w, 1<<16)
	var cw *csv.Writer
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	if format == "csv" {
		cw = csv.NewWriter(bw)
		cw.Write(ArticleColumns)
	}
	for art, err := range arts {
		if err != nil {
			return err
		}
		if !noindex.Keeps(art.NoIndex) {
			continue
		}
		if cw == nil {
			if err := enc.Encode(art); err != nil {
				return err
			}
			continue
		}
		cw.Write(articleRow(art))
	}
	if cw != nil {
		cw.Flush()
		if err := cw.Error(); err != nil {
			return err
		}
	}
	return bw.Flush()
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
