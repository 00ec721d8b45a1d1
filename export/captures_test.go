package export

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"iter"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/syndex/syndex/article"
	"github.com/syndex/syndex/index"
	"github.com/syndex/syndex/warc"
)

// fakeSource holds clusters of articles and finds a cluster for a query
// naming its id.
type fakeSource struct{ arts []*article.Article }

func (s fakeSource) Cluster(id string) ([]*article.Article, error) {
	var out []*article.Article
	for _, a := range s.arts {
		if a.Cluster == id {
			out = append(out, a)
		}
	}
	return out, nil
}

func (s fakeSource) Search(_ context.Context, q index.Query) (*index.Result, error) {
	if q.Text == "bad(" {
		return nil, errors.New("bad query")
	}
	res := &index.Result{}
	seen := map[string]bool{}
	for _, a := range s.arts {
		if strings.Contains(a.Text, q.Text) && !seen[a.Cluster] {
			seen[a.Cluster] = true
			res.Hits = append(res.Hits, index.Hit{Cluster: a.Cluster})
		}
	}
	res.Total = uint64(len(res.Hits))
	return res, nil
}

func (s fakeSource) All(context.Context) iter.Seq2[*article.Article, error] {
	return func(yield func(*article.Article, error) bool) {
		for _, a := range s.arts {
			if !yield(a, nil) {
				return
			}
		}
	}
}

func TestSelect(t *testing.T) {
	src := fakeSource{arts: []*article.Article{
		{ID: "a", Cluster: "a", Site: "origin.example", Text: "flood in the valley"},
		{ID: "b", Cluster: "a", Site: "copier.example", Text: "flood in the valley", NoIndex: true},
		{ID: "c", Cluster: "c", Site: "other.example", Text: "election night"},
	}}
	coll := map[string][]string{"copiers": {"copier.example", "other.example", "copier.example"}, "origins": {"origin.example"}}
	tests := []struct {
		name    string
		sel     Selection
		ids     string
		desc    string
		wantErr string
	}{
		{"all", Selection{}, "a b c", "the whole archive", ""},
		{"cluster", Selection{Clusters: []string{"a"}}, "a b", "cluster a", ""},
		{"site", Selection{Sites: []string{"www.Other.example"}}, "c", "site www.Other.example", ""},
		{"query", Selection{Query: "election"}, "c", `query "election" (1 clusters)`, ""},
		{"noindex", Selection{Clusters: []string{"a"}, NoIndex: article.NoIndexExclude}, "a", "cluster a, noindex exclude", ""},
		{"no such cluster", Selection{Clusters: []string{"zzz"}}, "", "", "cluster zzz: no such cluster"},
		{"query finds nothing", Selection{Query: "sports"}, "", "", `the selection (query "sports" (0 clusters)) holds no articles`},
		{"bad query", Selection{Query: "bad("}, "", "", "bad query"},
		{"collection", Selection{Sites: []string{"copiers"}, Collections: coll}, "b c", "collection copiers (copier.example, other.example)", ""},
		{"@collection", Selection{Sites: []string{"@copiers"}, Collections: coll}, "b c", "collection copiers (copier.example, other.example)", ""},
		{"collection of one site", Selection{Sites: []string{"@origins"}, Collections: coll}, "a", "collection origins (origin.example)", ""},
		{"collection and site", Selection{Sites: []string{"origins", "Other.example"}, Collections: coll}, "a c", "collection origins (origin.example), site Other.example", ""},
		{"collection and cluster", Selection{Clusters: []string{"c"}, Sites: []string{"@origins"}, Collections: coll}, "a c", "cluster c, collection origins (origin.example)", ""},
		{"collection with noindex", Selection{Sites: []string{"copiers"}, Collections: coll, NoIndex: article.NoIndexExclude}, "c", "collection copiers (copier.example, other.example), noindex exclude", ""},
		{"localhost is a site", Selection{Sites: []string{"localhost"}, Collections: coll}, "", "", "the selection (site localhost) holds no articles"},
		{"unknown @collection", Selection{Sites: []string{"@nope"}, Collections: coll}, "", "", `"@nope" is neither a site (example.org) nor a collection (collections: copiers, origins)`},
		{"a name without a dot", Selection{Sites: []string{"copier"}, Collections: coll}, "", "", `"copier" is neither a site`},
		{"a collection without config", Selection{Sites: []string{"copiers"}}, "", "", "the config defines none"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			arts, desc, err := Select(context.Background(), src, tc.sel)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, a := range arts {
				ids = append(ids, a.ID)
			}
			if strings.Join(ids, " ") != tc.ids || desc != tc.desc {
				t.Errorf("got %v %q, want %s %q", ids, desc, tc.ids, tc.desc)
			}
		})
	}
	if _, _, err := Select(context.Background(), src, Selection{Clusters: []string{"zzz"}}); !errors.Is(err, ErrNoCluster) {
		t.Errorf("missing cluster: %v, want ErrNoCluster", err)
	}
	var qe *QueryError
	if _, _, err := Select(context.Background(), src, Selection{Query: "bad("}); !errors.As(err, &qe) {
		t.Errorf("bad query: %v, want a *QueryError", err)
	}
	var se *SiteError
	if _, _, err := Select(context.Background(), src, Selection{Sites: []string{"@nope"}, Collections: coll}); !errors.As(err, &se) {
		t.Errorf("unknown collection: %v, want a *SiteError", err)
	}
}

func TestCollect(t *testing.T) {
	fixture, err := filepath.Abs("../warc/testdata/warcio.warc.gz")
	if err != nil {
		t.Fatal(err)
	}
	var arts []*article.Article
	for c, err := range warc.Captures(context.Background(), []string{fixture}, warc.ReadOptions{}) {
		if err != nil {
			t.Fatal(err)
		}
		if c.Body != nil && c.HTML {
			arts = append(arts, &article.Article{ID: c.URI, URL: c.URI, Fetched: c.Date, WARC: c.Location()})
		}
	}
	if len(arts) == 0 {
		t.Fatal("no HTML capture in the fixture")
	}
	// An imported revisit stands for the record it repeats; an article
	// imported as JSONL has no record; an unreadable record is reported.
	revisit := &article.Article{ID: "revisit", URL: "https://example.org/again", Fetched: time.Now(), WARC: "/nonexistent/revisit.warc.gz#0"}
	jsonl := &article.Article{ID: "jsonl", URL: "https://example.org/j"}
	broken := &article.Article{ID: "broken", URL: "https://example.org/b", WARC: "/nonexistent/broken.warc.gz#0"}
	sel := append(append([]*article.Article{}, arts...), revisit, jsonl, broken)
	var warned []string
	caps, err := Collect(sel, "test", CaptureOptions{WARCDir: t.TempDir(), Software: "syndex/test",
		Original: func(loc string) string {
			if loc == revisit.WARC {
				return arts[0].WARC
			}
			return ""
		},
		Warn: func(a *article.Article, err error) { warned = append(warned, a.ID) }})
	if err != nil {
		t.Fatal(err)
	}
	defer caps.Close()
	if caps.Len() != len(arts)+1 || caps.NoRecord != 1 || caps.Failed != 1 || strings.Join(warned, " ") != "broken" {
		t.Errorf("captures %d (want %d), no record %d (want 1), failed %d (want 1), warned %v", caps.Len(), len(arts)+1, caps.NoRecord, caps.Failed, warned)
	}
	var buf bytes.Buffer
	if err := caps.Write(&buf, "warc", ""); err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(gunzipAll(t, buf.Bytes()), []byte("WARC-Target-URI: https://example.org/again")) {
		t.Error("the revisit's page is not written under its own URL")
	}
	if _, err := Collect([]*article.Article{jsonl}, "test", CaptureOptions{}); err == nil || !strings.Contains(err.Error(), "none of the 1 selected articles has a readable archived record") {
		t.Errorf("nothing readable: %v", err)
	}
}

// gunzipAll decompresses a multi-member gzip file.
func gunzipAll(t *testing.T, b []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return out
}
