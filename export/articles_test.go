package export

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"iter"
	"strings"
	"testing"
	"time"

	"github.com/syndex/syndex/article"
)

// seq yields arts, then err when it is not nil.
func seq(arts []*article.Article, err error) iter.Seq2[*article.Article, error] {
	return func(yield func(*article.Article, error) bool) {
		for _, a := range arts {
			if !yield(a, nil) {
				return
			}
		}
		if err != nil {
			yield(nil, err)
		}
	}
}

func TestWriteArticles(t *testing.T) {
	pub := time.Date(2024, 3, 1, 9, 30, 0, 0, time.UTC)
	arts := []*article.Article{
		{ID: "a", URL: "https://origin.example/a", Site: "origin.example", Title: "Flood <b>", Text: " Water rose.\n\n", Published: pub,
			Cluster: "a", Role: article.RoleOriginal, Original: "a", Similarity: 1},
		{ID: "b", URL: "https://copier.example/b", Site: "copier.example", Text: "Water rose.", Cluster: "a", Role: article.RoleCopy,
			Original: "a", Similarity: 0.93, OriginalShare: 0.5, NoIndex: true},
		{ID: "c", Site: "other.example", Text: "Other.", Cluster: "c", Role: article.RoleCopy, Original: "a"},
	}
	for _, tc := range []struct {
		name    string
		format  string
		noindex article.NoIndexMode
		ids     []string
	}{
		{"jsonl all", "jsonl", article.NoIndexKeep, []string{"a", "b", "c"}},
		{"jsonl without noindex", "jsonl", article.NoIndexExclude, []string{"a", "c"}},
		{"csv only noindex", "csv", article.NoIndexOnly, []string{"b"}},
		{"csv all", "csv", article.NoIndexKeep, []string{"a", "b", "c"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteArticles(&buf, seq(arts, nil), tc.format, tc.noindex); err != nil {
				t.Fatal(err)
			}
			var ids []string
			if tc.format == "jsonl" {
				for _, line := range strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n") {
					var a article.Article
					if err := json.Unmarshal([]byte(line), &a); err != nil {
						t.Fatalf("line %q: %v", line, err)
					}
					ids = append(ids, a.ID)
				}
				if !strings.Contains(buf.String(), "Flood <b>") && tc.noindex != article.NoIndexOnly {
					t.Errorf("HTML in a title is escaped: %s", buf.String())
				}
			} else {
				rows, err := csv.NewReader(&buf).ReadAll()
				if err != nil {
					t.Fatal(err)
				}
				if strings.Join(rows[0], ",") != strings.Join(ArticleColumns, ",") {
					t.Fatalf("header %v", rows[0])
				}
				for _, r := range rows[1:] {
					if len(r) != len(ArticleColumns) {
						t.Fatalf("row %v has %d cells, want %d", r, len(r), len(ArticleColumns))
					}
					ids = append(ids, r[0])
					switch r[0] {
					case "a": // an original carries all of itself; text trimmed; RFC 3339
						if r[5] != "2024-03-01T09:30:00Z" || r[14] != "Water rose." || r[15] != "1.0000" || r[16] != "1.0000" {
							t.Errorf("original row %v", r)
						}
					case "b": // a copy's shares; an unknown share is empty
						if r[13] != "0.9300" || r[15] != "0.5000" || r[16] != "" || r[18] != "true" || r[6] != "" {
							t.Errorf("copy row %v", r)
						}
					}
				}
			}
			if strings.Join(ids, " ") != strings.Join(tc.ids, " ") {
				t.Errorf("wrote %v, want %v", ids, tc.ids)
			}
		})
	}
	t.Run("bad format", func(t *testing.T) {
		if err := WriteArticles(&bytes.Buffer{}, seq(arts, nil), "xml", article.NoIndexKeep); err == nil || !strings.Contains(err.Error(), "xml") {
			t.Errorf("err = %v, want one naming the format", err)
		}
	})
	t.Run("read error", func(t *testing.T) {
		bad := errors.New("damaged record")
		if err := WriteArticles(&bytes.Buffer{}, seq(arts[:1], bad), "jsonl", article.NoIndexKeep); !errors.Is(err, bad) {
			t.Errorf("err = %v, want the read error", err)
		}
	})
}
