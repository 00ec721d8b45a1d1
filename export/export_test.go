package export

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/syndex/syndex/article"
	"github.com/syndex/syndex/index"
)

func fixture(t *testing.T, n int) *index.Index {
	t.Helper()
	ix, err := index.OpenWith(filepath.Join(t.TempDir(), "bleve"), index.Options{Shards: 2})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	day := time.Date(2024, 3, 1, 9, 0, 0, 0, time.UTC)
	var docs []index.Doc
	for i := range n {
		id := fmt.Sprintf("s%03d", i)
		o := &article.Article{ID: id, URL: "https://o.example/" + id, Site: "o.example", Title: "River report " + id,
			Text: "The river rose again in the valley.", Published: day.Add(time.Duration(i) * time.Hour), Lang: "en", Role: article.RoleOriginal}
		d := index.Doc{Cluster: id, Original: o}
		if i%2 == 0 {
			d.Copies = []*article.Article{{ID: id + "-c", URL: "https://c.example/" + id, Site: "c.example", Title: "=HYPERLINK(\"x\")",
				Text: "Our view: the dam is to blame.\n\n" + o.Text, Published: o.Published.Add(2 * time.Hour), Similarity: 0.9,
				OriginalShare: 1, CopyShare: 0.8, Role: article.RoleCopy}}
		}
		docs = append(docs, d)
	}
	if err := ix.Upsert(context.Background(), docs); err != nil {
		t.Fatal(err)
	}
	return ix
}

func TestWriteCSV(t *testing.T) {
	ix := fixture(t, 25)
	var buf bytes.Buffer
	st, err := Write(context.Background(), &buf, ix, index.Query{Text: "river", Sort: "date", Limit: 4}, "csv", 0)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if st.Stories != 25 || st.Articles != 38 || len(rows) != 39 || strings.Join(rows[0], ",") != strings.Join(Columns, ",") {
		t.Fatalf("%+v, %d rows, header %v", st, len(rows), rows[0])
	}
	orig, cp := rows[1], rows[2]
	if orig[0] != "1" || orig[2] != "original" || orig[3] != "s000" || orig[13] != "1" {
		t.Errorf("original row %v", orig)
	}
	if cp[2] != "copy" || cp[3] != "s000-c" || cp[6] != `'=HYPERLINK("x")` || cp[8] != "7200" || cp[10] != "1" || cp[11] != "0.8" {
		t.Errorf("copy row %v", cp)
	}
	// The copy's own text matched: marked on its row.
	buf.Reset()
	if _, err := Write(context.Background(), &buf, ix, index.Query{Text: `"the dam is to blame"`}, "csv", 0); err != nil {
		t.Fatal(err)
	}
	rows, _ = csv.NewReader(&buf).ReadAll()
	if len(rows) != 1+13*2 || rows[2][15] != "true" {
		t.Errorf("copy-text search: %d rows, first copy row %v", len(rows), rows[2])
	}
}

func TestWriteJSONL(t *testing.T) {
	ix := fixture(t, 25)
	var buf bytes.Buffer
	st, err := Write(context.Background(), &buf, ix, index.Query{Text: "river", Limit: 7}, "jsonl", 10)
	if err != nil || st.Stories != 10 {
		t.Fatalf("%+v %v", st, err)
	}
	sc := bufio.NewScanner(&buf)
	seen := map[string]bool{}
	for sc.Scan() {
		var h index.Hit
		if err := json.Unmarshal(sc.Bytes(), &h); err != nil {
			t.Fatal(err)
		}
		if seen[h.Cluster] || h.Original.ID != h.Cluster {
			t.Errorf("line %s", sc.Bytes())
		}
		seen[h.Cluster] = true
	}
	if len(seen) != 10 {
		t.Errorf("%d stories, want 10", len(seen))
	}
	if _, err := Write(context.Background(), &buf, ix, index.Query{}, "xml", 0); err == nil {
		t.Error("format xml accepted")
	}
	if _, err := Write(context.Background(), &buf, ix, index.Query{Text: "title:("}, "csv", 0); err == nil {
		t.Error("bad query accepted")
	}
}
