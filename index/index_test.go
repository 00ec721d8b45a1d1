package index

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/syndex/syndex/article"
	"github.com/syndex/syndex/index/schema"
)

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func art(id, site, lang, title, text, published string) *article.Article {
	a := &article.Article{
		ID: id, URL: "https://" + site + "/" + id, Site: site, Lang: lang,
		Title: title, Text: text, Fetched: day("2025-01-01"),
	}
	if published != "" {
		a.Published = day(published)
	}
	return a
}

// viaCopy gives copy a its shares and the copy it was taken from.
func viaCopy(a *article.Article, via string, originalShare, copyShare float64) *article.Article {
	a.Via, a.OriginalShare, a.CopyShare = via, originalShare, copyShare
	return a
}

func cp(id, site, published string, sim float64) *article.Article {
	a := art(id, site, "", "", "", published)
	a.Similarity = sim
	a.Role = article.RoleCopy
	return a
}

// fixture is a small multilingual archive: clusters with copies on other
// sites, stories in five languages, one in a language without an analyzer.
func fixture() []Doc {
	return []Doc{
		{Cluster: "c-en-bank", Original: art("en1", "origin.example", "en",
			"Central bank raises interest rates",
			"The central bank raised its interest rates again on Tuesday, citing persistent inflation.\n\nEconomists expected the decision.", "2024-03-05"),
			Copies: []*article.Article{cp("en1a", "copier.example", "2024-03-06", 0.93), viaCopy(cp("en1b", "mirror.example", "2024-03-07", 0.88), "en1a", 0.56, 1)}},
		{Cluster: "c-en-rain", Original: art("en2", "weather.example", "en-GB",
			"Heavy rain floods the valley",
			"Rivers burst their banks after a week of heavy rain. Residents were evacuated from flooded homes.", "2023-11-20"),
			Copies: []*article.Article{cp("en2a", "copier.example", "2023-11-21", 0.91)}},
		{Cluster: "c-en-football", Original: art("en3", "sport.example", "en",
			"Local team wins the cup final",
			"The local football team won the cup final in extra time, their first trophy in twenty years.", "2022-05-14")},
		{Cluster: "c-fr", Original: art("fr1", "journal.example", "fr",
			"La banque centrale relève ses taux",
			"Les banques centrales européennes ont relevé leurs taux directeurs pour lutter contre l'inflation.", "2024-03-05"),
			Copies: []*article.Article{cp("fr1a", "reprise.example", "2024-03-05", 0.97)}},
		{Cluster: "c-de", Original: art("de1", "zeitung.example", "de",
			"Die Regierung beschließt neue Gesetze",
			"Der Bundestag hat am Donnerstag mehrere Gesetze zum Klimaschutz beschlossen.", "2024-06-01")},
		{Cluster: "c-ar", Original: art("ar1", "akhbar.example", "ar",
			"البنك المركزي يرفع أسعار الفائدة",
			"رفع البنك المركزي أسعار الفائدة مرة أخرى بسبب التضخم المستمر.", "2024-03-06"),
			Copies: []*article.Article{cp("ar1a", "naql.example", "2024-03-07", 0.9)}},
		{Cluster: "c-ru", Original: art("ru1", "novosti.example", "ru",
			"Центральный банк повысил ключевую ставку",
			"Банк России повысил ключевую ставку до шестнадцати процентов из-за инфляции.", "2024-03-07")},
		{Cluster: "c-sw", Original: art("sw1", "habari.example", "sw",
			"Benki kuu yapandisha riba",
			"Benki kuu imepandisha kiwango cha riba kutokana na mfumuko wa bei.", "")},
	}
}

func openFixture(t *testing.T) *Index {
	t.Helper()
	ix, err := Open(filepath.Join(t.TempDir(), "bleve"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ix.Close() })
	if err := ix.Upsert(context.Background(), fixture()); err != nil {
		t.Fatal(err)
	}
	return ix
}

func clusters(r *Result) []string {
	out := []string{}
	for _, h := range r.Hits {
		out = append(out, h.Cluster)
	}
	return out
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

func TestSearchText(t *testing.T) {
	ix := openFixture(t)
	tests := []struct {
		name  string
		q     Query
		want  []string // expected clusters, any order
		first string   // expected top hit, if set
	}{
		{name: "english stem", q: Query{Text: "raising rate"}, want: []string{"c-en-bank"}},
		{name: "english possessive stop", q: Query{Text: "evacuated"}, want: []string{"c-en-rain"}},
		{name: "french plural stem", q: Query{Text: "banques européennes"}, want: []string{"c-fr"}},
		{name: "words stemmed in several languages", q: Query{Text: "centrales"}, want: []string{"c-fr", "c-en-bank"}},
		{name: "german stem", q: Query{Text: "Gesetz"}, want: []string{"c-de"}},
		{name: "arabic with article", q: Query{Text: "البنك"}, want: []string{"c-ar"}},
		{name: "arabic without article", q: Query{Text: "بنك"}, want: []string{"c-ar"}},
		{name: "russian inflection", q: Query{Text: "ставки"}, want: []string{"c-ru"}},
		{name: "fallback language", q: Query{Text: "riba"}, want: []string{"c-sw"}},
		{name: "phrase", q: Query{Text: `"interest rates"`}, want: []string{"c-en-bank"}},
		{name: "phrase word order matters", q: Query{Text: `"rates interest"`}, want: []string{}},
		{name: "phrase words present but apart", q: Query{Text: `"central inflation"`}, want: []string{}},
		{name: "phrase across a stop word", q: Query{Text: `"week of heavy rain"`}, want: []string{"c-en-rain"}},
		{name: "phrase gap must match", q: Query{Text: `"week heavy rain"`}, want: []string{}},
		{name: "phrase of three words", q: Query{Text: `"raised its interest rates"`}, want: []string{"c-en-bank"}},
		{name: "phrase in a title only", q: Query{Text: `title:"cup final"`}, want: []string{"c-en-football"}},
		{name: "phrase in a body only misses titles", q: Query{Text: `body:"heavy rain floods"`}, want: []string{}},
		{name: "phrase in french", q: Query{Text: `"banque centrale"`}, want: []string{"c-fr"}},
		{name: "phrase in arabic", q: Query{Text: `"البنك المركزي"`}, want: []string{"c-ar"}},
		{name: "phrase of one word", q: Query{Text: `"valley"`}, want: []string{"c-en-rain"}},
		{name: "absent phrase as must", q: Query{Text: `+"rates interest" +bank`}, want: []string{}},
		{name: "absent phrase as should", q: Query{Text: `"rates interest" tuesday`}, want: []string{"c-en-bank"}},
		{name: "must and must not", q: Query{Text: "+bank -inflation"}, want: []string{"c-en-rain"}},
		{name: "must", q: Query{Text: "+bank +tuesday"}, want: []string{"c-en-bank"}},
		{name: "must with optional words", q: Query{Text: "+bank valley zzzz"}, want: []string{"c-en-bank", "c-en-rain"}, first: "c-en-rain"},
		{name: "optional words with must not", q: Query{Text: "bank valley -inflation"}, want: []string{"c-en-rain"}},
		{name: "several words", q: Query{Text: "valley trophy zzzz"}, want: []string{"c-en-rain", "c-en-football"}},
		{name: "field title", q: Query{Text: "title:valley"}, want: []string{"c-en-rain"}},
		{name: "field title misses body word", q: Query{Text: "title:evacuated"}, want: []string{}},
		{name: "field body", q: Query{Text: "body:evacuated"}, want: []string{"c-en-rain"}},
		{name: "field site", q: Query{Text: "site:Sport.Example"}, want: []string{"c-en-football"}},
		{name: "field sites includes copies", q: Query{Text: "sites:copier.example"}, want: []string{"c-en-bank", "c-en-rain"}},
		{name: "field lang", q: Query{Text: "lang:fr"}, want: []string{"c-fr"}},
		{name: "numeric copies", q: Query{Text: "copies:>=2"}, want: []string{"c-en-bank"}},
		{name: "date range", q: Query{Text: `published:<"2023-01-01"`}, want: []string{"c-en-football"}},
		{name: "fuzzy", q: Query{Text: "footbal~1"}, want: []string{"c-en-football"}},
		{name: "wildcard", q: Query{Text: "Evacu*"}, want: []string{"c-en-rain"}},
		{name: "regexp", q: Query{Text: "/trop.*/"}, want: []string{"c-en-football"}},
		{name: "title boosted over body", q: Query{Text: "banks bank"}, first: "c-en-bank",
			want: []string{"c-en-bank", "c-en-rain"}},
		{name: "empty lists everything newest first", q: Query{Limit: 3},
			want: []string{"c-de", "c-ru", "c-ar"}, first: "c-de"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := ix.Search(context.Background(), tt.q)
			if err != nil {
				t.Fatal(err)
			}
			got := clusters(r)
			if !slices.Equal(sorted(got), sorted(tt.want)) {
				t.Errorf("Search(%+v) = %v, want %v", tt.q, got, tt.want)
			}
			if tt.first != "" && (len(got) == 0 || got[0] != tt.first) {
				t.Errorf("Search(%+v) first = %v, want %s", tt.q, got, tt.first)
			}
		})
	}
}

func TestSearchFilters(t *testing.T) {
	ix := openFixture(t)
	tests := []struct {
		name string
		q    Query
		want []string
	}{
		{name: "site of a copy", q: Query{Text: "bank", Sites: []string{"copier.example"}}, want: []string{"c-en-bank", "c-en-rain"}},
		{name: "site with www", q: Query{Sites: []string{"www.naql.example"}}, want: []string{"c-ar"}},
		{name: "two sites", q: Query{Sites: []string{"reprise.example", "sport.example"}}, want: []string{"c-fr", "c-en-football"}},
		{name: "lang", q: Query{Lang: "en"}, want: []string{"c-en-bank", "c-en-rain", "c-en-football"}},
		{name: "lang tag", q: Query{Lang: "FR-ca"}, want: []string{"c-fr"}},
		{name: "lang restricts text fields", q: Query{Text: "banque", Lang: "en"}, want: []string{}},
		{name: "lang absent from index", q: Query{Text: "bank", Lang: "ja"}, want: []string{}},
		{name: "from", q: Query{From: day("2024-03-06")}, want: []string{"c-ar", "c-ru", "c-de"}},
		{name: "to inclusive", q: Query{To: day("2023-11-20")}, want: []string{"c-en-rain", "c-en-football"}},
		{name: "from to", q: Query{Text: "bank banque", From: day("2024-01-01"), To: day("2024-03-05")}, want: []string{"c-en-bank", "c-fr"}},
		{name: "from to with a site, no words", q: Query{Sites: []string{"copier.example"}, From: day("2024-01-01"), To: day("2024-03-05")}, want: []string{"c-en-bank"}},
		{name: "from with lang, no words", q: Query{Lang: "en", From: day("2023-01-01")}, want: []string{"c-en-bank", "c-en-rain"}},
		{name: "undated never within dates", q: Query{Text: "benki", From: day("2000-01-01")}, want: []string{}},
		{name: "to with words", q: Query{Text: "bank rain", To: day("2023-11-20")}, want: []string{"c-en-rain"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := ix.Search(context.Background(), tt.q)
			if err != nil {
				t.Fatal(err)
			}
			if got := clusters(r); !slices.Equal(sorted(got), sorted(tt.want)) {
				t.Errorf("Search(%+v) = %v, want %v", tt.q, got, tt.want)
			}
			if r.Total != uint64(len(tt.want)) {
				t.Errorf("Total = %d, want %d", r.Total, len(tt.want))
			}
		})
	}
}

func TestSearchSortAndPages(t *testing.T) {
	ix := openFixture(t)
	all := []string{"c-de", "c-ru", "c-ar", "c-en-bank", "c-fr", "c-en-rain", "c-en-football", "c-sw"}
	tests := []struct {
		name string
		q    Query
		want []string // exact order
	}{
		{name: "newest first, undated last", q: Query{Sort: "-date", Limit: 8}, want: all},
		{name: "oldest first, undated last", q: Query{Sort: "date", Limit: 3}, want: []string{"c-en-football", "c-en-rain", "c-en-bank"}},
		{name: "page two", q: Query{Sort: "-date", Limit: 3, Offset: 3}, want: all[3:6]},
		{name: "last partial page", q: Query{Sort: "-date", Limit: 3, Offset: 6}, want: all[6:]},
		{name: "past the end", q: Query{Sort: "-date", Limit: 3, Offset: 20}, want: []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := ix.Search(context.Background(), tt.q)
			if err != nil {
				t.Fatal(err)
			}
			if got := clusters(r); !slices.Equal(got, tt.want) {
				t.Errorf("order = %v, want %v", got, tt.want)
			}
			if r.Total != 8 {
				t.Errorf("Total = %d, want 8", r.Total)
			}
		})
	}
}

func TestSearchHitDisplayAndFacets(t *testing.T) {
	ix := openFixture(t)
	r, err := ix.Search(context.Background(), Query{Text: "bank OR banque OR البنك", Highlight: true, Facets: true, Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	var bank *Hit
	for i := range r.Hits {
		if r.Hits[i].Cluster == "c-en-bank" {
			bank = &r.Hits[i]
		}
	}
	if bank == nil {
		t.Fatalf("c-en-bank not found in %v", clusters(r))
	}
	if bank.Title != "Central bank raises interest rates" || bank.Original.Site != "origin.example" ||
		bank.Original.URL != "https://origin.example/en1" || !bank.Published.Equal(day("2024-03-05")) || bank.Lang != "en" {
		t.Errorf("hit display = %+v", bank)
	}
	if len(bank.Copies) != 2 || bank.Copies[0].Site != "copier.example" || bank.Copies[0].Similarity != 0.93 ||
		!bank.Copies[1].Published.Equal(day("2024-03-07")) || bank.Copies[1].OriginalShare != 0.56 || bank.Copies[1].CopyShare != 1 ||
		bank.Copies[1].Via != "en1a" || bank.Copies[0].OriginalShare != 0 {
		t.Errorf("copies = %+v", bank.Copies)
	}
	if len(bank.Snippets) == 0 || !strings.Contains(bank.Snippets[0], "<mark>bank</mark>") {
		t.Errorf("snippets = %q, want a marked match", bank.Snippets)
	}
	if r.Facets == nil {
		t.Fatal("no facets")
	}
	facet := func(fs []FacetCount, term string) int {
		for _, f := range fs {
			if f.Term == term {
				return f.Count
			}
		}
		return 0
	}
	tests := []struct {
		name string
		got  int
		want int
	}{
		{"sites copier.example", facet(r.Facets.Sites, "copier.example"), 2},
		{"sites origin.example", facet(r.Facets.Sites, "origin.example"), 1},
		{"sites naql.example", facet(r.Facets.Sites, "naql.example"), 1},
		{"langs en", facet(r.Facets.Langs, "en"), 2},
		{"langs ar", facet(r.Facets.Langs, "ar"), 1},
		{"years 2024", facet(r.Facets.Years, "2024"), 3},
		{"years 2023", facet(r.Facets.Years, "2023"), 1},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s = %d, want %d (facets %+v)", tt.name, tt.got, tt.want, r.Facets)
		}
	}
	if len(r.Facets.Years) < 2 || r.Facets.Years[0].Term < r.Facets.Years[1].Term {
		t.Errorf("years not newest first: %+v", r.Facets.Years)
	}
}

func TestResultJSONShape(t *testing.T) {
	ix := openFixture(t)
	r, err := ix.Search(context.Background(), Query{Text: "riba", Facets: true})
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"total", "took_ms", "hits", "facets"} {
		if _, ok := m[k]; !ok {
			t.Errorf("result JSON lacks %q: %s", k, b)
		}
	}
	hit := m["hits"].([]any)[0].(map[string]any)
	for _, k := range []string{"cluster", "score", "title", "snippets", "lang", "original", "copies"} {
		if _, ok := hit[k]; !ok {
			t.Errorf("hit JSON lacks %q: %s", k, b)
		}
	}
	if _, ok := hit["published"]; ok {
		t.Errorf("undated hit has published: %s", b)
	}
	if c, ok := hit["copies"].([]any); !ok || len(c) != 0 {
		t.Errorf("copies should be an empty array, got %s", b)
	}
	for _, k := range []string{"sites", "langs", "years"} {
		if _, ok := m["facets"].(map[string]any)[k]; !ok {
			t.Errorf("facets lack %q: %s", k, b)
		}
	}
}

func TestBadQueries(t *testing.T) {
	ix := openFixture(t)
	tests := []struct {
		name   string
		text   string
		column int
		msg    string
	}{
		{name: "unterminated phrase", text: `bank "interest rates`, column: 6, msg: "unterminated phrase"},
		{name: "unterminated regexp", text: `bank /tro.*`, column: 6, msg: "unterminated regular expression"},
		{name: "invalid regexp", text: `bank /tro[/`, column: 6, msg: "invalid regular expression"},
		{name: "unknown field", text: `bank colour:red`, column: 6, msg: `unknown field "colour"`},
		{name: "dangling field", text: `bank title:`, column: 6, msg: "syntax error"},
		{name: "bad boost", text: `bank rates^x`, column: 6, msg: ""},
		{name: "column counts characters", text: `البنك title:`, column: 7, msg: "syntax error"},
		{name: "too fuzzy", text: `bank rates~5`, column: 6, msg: "fuzziness 5 exceeds 2"},
		{name: "bad date", text: `published:>"yesterday"`, column: 1, msg: ""},
		{name: "unclosed parenthesis", text: `title:(unclosed`, column: 7, msg: "missing closing )"},
		{name: "stray parenthesis", text: `bank rates) "a (b"`, column: 11, msg: "no ( before this )"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ix.Search(context.Background(), Query{Text: tt.text})
			var qe *QueryError
			if !errors.As(err, &qe) {
				t.Fatalf("Search(%q) err = %v, want *QueryError", tt.text, err)
			}
			if !errors.Is(err, ErrBadQuery) {
				t.Errorf("err does not wrap ErrBadQuery")
			}
			if qe.Column != tt.column {
				t.Errorf("column = %d, want %d (%v)", qe.Column, tt.column, err)
			}
			if !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("err = %v, want it to mention %q", err, tt.msg)
			}
		})
	}
	optionErrors := []Query{{Limit: -1}, {Limit: MaxLimit + 1}, {Offset: -1}, {Sort: "title"},
		{From: day("2024-02-01"), To: day("2024-01-01")}}
	for _, q := range optionErrors {
		if _, err := ix.Search(context.Background(), q); err == nil {
			t.Errorf("Search(%+v) accepted bad options", q)
		}
	}
}

func TestUpsertReplacesAndDelete(t *testing.T) {
	ix := openFixture(t)
	ctx := context.Background()
	count := func() uint64 {
		n, err := ix.Count()
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	find := func(text string) []string {
		r, err := ix.Search(ctx, Query{Text: text})
		if err != nil {
			t.Fatal(err)
		}
		return clusters(r)
	}
	if n := count(); n != 8 {
		t.Fatalf("count = %d, want 8", n)
	}
	// Dedup found an earlier original for the football story, in German.
	d := Doc{Cluster: "c-en-football", Original: art("de9", "sport.example", "de", "Pokalfinale gewonnen",
		"Die Mannschaft gewann das Pokalfinale in der Verlängerung.", "2022-05-13"),
		Copies: []*article.Article{cp("en3", "sport.example", "2022-05-14", 0.8), cp("x", "copier.example", "", 0.7)}}
	if err := ix.Upsert(ctx, []Doc{d}); err != nil {
		t.Fatal(err)
	}
	if n := count(); n != 8 {
		t.Errorf("count after replace = %d, want 8", n)
	}
	if got := find("trophy"); len(got) != 0 {
		t.Errorf("old text still found: %v", got)
	}
	if got := find("Pokalfinale"); !slices.Equal(got, []string{"c-en-football"}) {
		t.Errorf("new text: %v", got)
	}
	if got := find("sites:copier.example"); len(got) != 3 {
		t.Errorf("copy site not updated: %v", got)
	}
	if err := ix.Delete(ctx, []string{"c-en-football", "c-fr", "no-such-cluster"}); err != nil {
		t.Fatal(err)
	}
	if n := count(); n != 6 {
		t.Errorf("count after delete = %d, want 6", n)
	}
	if got := find("Pokalfinale banque"); len(got) != 0 {
		t.Errorf("deleted clusters found: %v", got)
	}
	if err := ix.Upsert(ctx, []Doc{{Cluster: "x"}}); err == nil {
		t.Error("Upsert accepted a doc without original")
	}
}

func TestCheckpointAndReopen(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "bleve")
	ix, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if cp, err := ix.Checkpoint(); err != nil || cp != 0 {
		t.Fatalf("new index checkpoint = %d, %v", cp, err)
	}
	ix.BatchSize = 3 // several batches
	if err := ix.Apply(ctx, fixture(), []string{"gone"}, 42); err != nil {
		t.Fatal(err)
	}
	if cp, _ := ix.Checkpoint(); cp != 42 {
		t.Errorf("checkpoint = %d, want 42", cp)
	}
	if err := ix.SetCheckpoint(43); err != nil {
		t.Fatal(err)
	}
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	ix, err = Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if cp, _ := ix.Checkpoint(); cp != 43 {
		t.Errorf("checkpoint after reopen = %d, want 43", cp)
	}
	if n, _ := ix.Count(); n != 8 {
		t.Errorf("count after reopen = %d", n)
	}
	// The languages present survive a reopen: an Arabic query still works.
	r, err := ix.Search(ctx, Query{Text: "بنك"})
	if err != nil || !slices.Equal(clusters(r), []string{"c-ar"}) {
		t.Errorf("arabic after reopen = %v, %v", r, err)
	}
}

func TestOpenErrors(t *testing.T) {
	build := func(t *testing.T) string {
		dir := filepath.Join(t.TempDir(), "bleve")
		ix, err := OpenWith(dir, Options{Shards: 2})
		if err != nil {
			t.Fatal(err)
		}
		if err := ix.Apply(context.Background(), fixture(), nil, 8); err != nil {
			t.Fatal(err)
		}
		if err := ix.Close(); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	tests := []struct {
		name   string
		damage func(t *testing.T, dir string)
		want   error
	}{
		{name: "garbage layout file", want: ErrCorrupt, damage: func(t *testing.T, dir string) {
			must(t, os.WriteFile(filepath.Join(dir, LayoutFile), []byte("{not json"), 0o644))
		}},
		{name: "missing layout file", want: ErrCorrupt, damage: func(t *testing.T, dir string) {
			must(t, os.Remove(filepath.Join(dir, LayoutFile)))
		}},
		{name: "impossible shard count", want: ErrCorrupt, damage: func(t *testing.T, dir string) {
			must(t, os.WriteFile(filepath.Join(dir, LayoutFile), []byte(`{"layout":"`+schema.MappingVersion+`","shards":0}`), 0o644))
		}},
		{name: "missing shard", want: ErrCorrupt, damage: func(t *testing.T, dir string) {
			must(t, os.RemoveAll(shardDir(dir, 1)))
		}},
		{name: "garbage shard meta", want: ErrCorrupt, damage: func(t *testing.T, dir string) {
			must(t, os.WriteFile(filepath.Join(shardDir(dir, 0), metaFile), []byte("{not json"), 0o644))
		}},
		{name: "garbage root", want: ErrCorrupt, damage: func(t *testing.T, dir string) {
			must(t, os.WriteFile(filepath.Join(shardDir(dir, 1), "store", "root.bolt"), bytes.Repeat([]byte{0xAB}, 8192), 0o600))
		}},
		{name: "truncated root", want: ErrCorrupt, damage: func(t *testing.T, dir string) {
			// Cut just after the two meta pages: every page they
			// point to is gone (half the file may hold them all).
			root := filepath.Join(shardDir(dir, 0), "store", "root.bolt")
			must(t, os.Truncate(root, 2*4096+100))
		}},
		{name: "zeroed freelist of root", want: ErrCorrupt, damage: func(t *testing.T, dir string) {
			root := filepath.Join(shardDir(dir, 1), "store", "root.bolt")
			b, err := os.ReadFile(root)
			must(t, err)
			for p := 2; p*4096 < len(b); p++ {
				if b[p*4096+8] == 0x10 { // the freelist page's type
					clear(b[p*4096 : (p+1)*4096])
				}
			}
			must(t, os.WriteFile(root, b, 0o600))
		}},
		{name: "other layout in a shard", want: ErrIncompatible, damage: func(t *testing.T, dir string) {
			ix, err := Open(dir)
			must(t, err)
			must(t, ix.shards[1].SetInternal([]byte(keyMapping), []byte("syndex-index-0")))
			must(t, ix.Close())
		}},
		{name: "other layout version", want: ErrIncompatible, damage: func(t *testing.T, dir string) {
			must(t, os.WriteFile(filepath.Join(dir, LayoutFile), []byte(`{"layout":"syndex-index-1","shards":2}`), 0o644))
		}},
		{name: "unsharded layout of earlier versions", want: ErrIncompatible, damage: func(t *testing.T, dir string) {
			must(t, os.Remove(filepath.Join(dir, LayoutFile)))
			must(t, os.WriteFile(filepath.Join(dir, metaFile), []byte(`{"storage":"boltdb","index_type":"scorch"}`), 0o644))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := build(t)
			tt.damage(t, dir)
			ix, err := Open(dir)
			if err == nil {
				ix.Close()
				t.Fatal("Open succeeded on a damaged index")
			}
			if !errors.Is(err, tt.want) {
				t.Errorf("Open err = %v, want %v", err, tt.want)
			}
			if !strings.Contains(err.Error(), dir) {
				t.Errorf("error %q does not name the directory", err)
			}
		})
	}
	t.Run("truncated segment", func(t *testing.T) {
		// Scorch falls back to the newest snapshot it can load; whatever
		// it opens must keep checkpoint and documents consistent.
		dir := build(t)
		segs, _ := filepath.Glob(filepath.Join(dir, "shard-*", "store", "*.zap"))
		if len(segs) == 0 {
			t.Fatal("no segment files")
		}
		for _, s := range segs {
			must(t, os.Truncate(s, 10))
		}
		ix, err := Open(dir)
		if err != nil {
			if !errors.Is(err, ErrCorrupt) {
				t.Errorf("Open err = %v, want ErrCorrupt", err)
			}
			return
		}
		defer ix.Close()
		n, _ := ix.Count()
		cp, _ := ix.Checkpoint()
		if !(n == 8 && cp == 8) && cp != 0 {
			t.Errorf("after fallback: %d docs with checkpoint %d", n, cp)
		}
	})
	t.Run("no index yet", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "none")
		if _, err := OpenExisting(dir); !errors.Is(err, ErrNoIndex) {
			t.Errorf("OpenExisting err = %v, want ErrNoIndex", err)
		}
		if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("OpenExisting created %s", dir)
		}
	})
	t.Run("locked", func(t *testing.T) {
		dir := build(t)
		ix, err := Open(dir)
		must(t, err)
		defer ix.Close()
		if ix2, err := OpenExisting(dir); !errors.Is(err, ErrLocked) {
			if err == nil {
				ix2.Close()
			}
			t.Errorf("second Open err = %v, want ErrLocked", err)
		}
		if ix2, err := OpenReader(dir); !errors.Is(err, ErrLocked) {
			if err == nil {
				ix2.Close()
			}
			t.Errorf("OpenReader beside a writer: err = %v, want ErrLocked", err)
		}
	})
	t.Run("readers share", func(t *testing.T) {
		dir := build(t)
		r1, err := OpenReader(dir)
		must(t, err)
		defer r1.Close()
		r2, err := OpenReader(dir)
		if err != nil {
			t.Fatalf("second reader: %v", err)
		}
		defer r2.Close()
		for i, r := range []*Index{r1, r2} {
			if n, err := r.Count(); err != nil || n != 8 {
				t.Errorf("reader %d: Count = %d, %v; want 8", i+1, n, err)
			}
		}
		if err := r1.Upsert(context.Background(), []Doc{{Cluster: "zz", Original: art("zz", "new.example", "en", "New", "a new story", "2025-02-01")}}); !errors.Is(err, ErrReadOnly) {
			t.Errorf("Upsert on a reader: err = %v, want ErrReadOnly", err)
		}
		if w, err := Open(dir); !errors.Is(err, ErrLocked) {
			if err == nil {
				w.Close()
			}
			t.Errorf("writer beside readers: err = %v, want ErrLocked", err)
		}
	})
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestWriteTable(t *testing.T) {
	ix := openFixture(t)
	r, err := ix.Search(context.Background(), Query{Text: "interest", Highlight: true})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := r.WriteTable(&b); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{
		"1–1 of 1 story",
		"  1. Central bank raises interest rates",
		"2024-03-05  origin.example  https://origin.example/en1  [en]",
		"copies (2): copier.example 2024-03-06 (0.93), mirror.example 2024-03-07 (0.88, 56% of the original, via copier.example)",
		"*interest*",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "<mark>") {
		t.Errorf("table keeps HTML marks:\n%s", out)
	}
	empty := &Result{}
	b.Reset()
	must(t, empty.WriteTable(&b))
	if b.String() != "no matches\n" {
		t.Errorf("empty table = %q", b.String())
	}
}

// TestReadWhileWriting checks a reader sharing the Index sees each batch
// as soon as Upsert returns, while the writer keeps going.
func TestReadWhileWriting(t *testing.T) {
	ctx := context.Background()
	ix, err := Open(filepath.Join(t.TempDir(), "bleve"))
	must(t, err)
	defer ix.Close()
	written := make(chan int, 100)
	errc := make(chan error, 1)
	go func() {
		defer close(written)
		for i := range 20 {
			d := Doc{Cluster: fmt.Sprintf("w%d", i), Original: art(fmt.Sprintf("w%d", i), "live.example", "en",
				fmt.Sprintf("Live story number%d", i), "Breaking news keeps arriving.", "2025-01-02")}
			if err := ix.Upsert(ctx, []Doc{d}); err != nil {
				errc <- err
				return
			}
			written <- i
		}
	}()
	for i := range written {
		r, err := ix.Search(ctx, Query{Text: fmt.Sprintf("title:number%d", i)})
		if err != nil {
			t.Fatal(err)
		}
		if r.Total != 1 {
			t.Errorf("story %d not visible after its Upsert returned (total %d)", i, r.Total)
		}
	}
	select {
	case err := <-errc:
		t.Fatal(err)
	default:
	}
	if n, _ := ix.Count(); n != 20 {
		t.Errorf("count = %d, want 20", n)
	}
}

func TestAnalysisFor(t *testing.T) {
	tests := map[string]string{
		"en": "en", "EN-us": "en", "pt_BR": "pt", "zh": "cjk", "ja": "cjk", "nb": "no",
		"bg": "bg", "ca": "ca", "": "std", "sw": "std", "pl": "std", "std": "std", "eng": "en",
	}
	for in, want := range tests {
		if got := schema.AnalysisFor(in); got != want {
			t.Errorf("analysisFor(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestOpenOrResetAndRemove(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "bleve")
	ix, reset, err := OpenOrReset(dir)
	must(t, err)
	if reset {
		t.Error("new index reported as reset")
	}
	must(t, ix.Apply(context.Background(), fixture(), nil, 8))
	must(t, ix.Close())
	must(t, os.WriteFile(filepath.Join(dir, LayoutFile), []byte("garbage"), 0o644))

	ix, reset, err = OpenOrReset(dir)
	must(t, err)
	defer ix.Close()
	n, _ := ix.Count()
	cp, _ := ix.Checkpoint()
	if !reset || n != 0 || cp != 0 {
		t.Errorf("after reset: reset=%v count=%d checkpoint=%d, want true 0 0", reset, n, cp)
	}

	other := t.TempDir()
	must(t, os.WriteFile(filepath.Join(other, "syndex.db"), []byte("precious"), 0o644))
	if err := Remove(other); err == nil {
		t.Error("Remove deleted a directory that is not an index")
	}
	if _, err := os.Stat(filepath.Join(other, "syndex.db")); err != nil {
		t.Errorf("Remove touched other data: %v", err)
	}
	if err := Remove(filepath.Join(other, "missing")); err != nil {
		t.Errorf("Remove of a missing index: %v", err)
	}
}

// TestAssembledAnalyzers covers languages for which Bleve has stop words
// and elision but no analyzer of its own.
func TestAssembledAnalyzers(t *testing.T) {
	ix, err := Open(filepath.Join(t.TempDir(), "bleve"))
	must(t, err)
	defer ix.Close()
	docs := []Doc{
		{Cluster: "ca", Original: art("ca1", "diari.example", "ca", "L'economia creix", "L'economia catalana creix per tercer any.", "2024-01-01")},
		{Cluster: "el", Original: art("el1", "efimerida.example", "el", "Η ΚΥΒΕΡΝΗΣΗ ανακοίνωσε μέτρα", "Η κυβέρνηση ανακοίνωσε νέα μέτρα.", "2024-01-02")},
		{Cluster: "bg", Original: art("bg1", "vestnik.example", "bg", "Правителството и бюджетът", "Правителството прие бюджета.", "2024-01-03")},
	}
	must(t, ix.Upsert(context.Background(), docs))
	tests := []struct {
		text string
		want []string
	}{
		{"economia", []string{"ca"}},       // elision strips l'
		{"κυβέρνηση", []string{"el"}},      // lower-cased Greek title and body
		{"правителството", []string{"bg"}}, // lower-cased Cyrillic
		{"и", []string{}},                  // Bulgarian stop word
	}
	for _, tt := range tests {
		r, err := ix.Search(context.Background(), Query{Text: tt.text})
		must(t, err)
		if got := clusters(r); !slices.Equal(got, tt.want) {
			t.Errorf("Search(%q) = %v, want %v", tt.text, got, tt.want)
		}
	}
}

func TestPhraseHighlight(t *testing.T) {
	ix := openFixture(t)
	r, err := ix.Search(context.Background(), Query{Text: `"interest rates"`, Highlight: true})
	must(t, err)
	if len(r.Hits) != 1 || len(r.Hits[0].Snippets) == 0 {
		t.Fatalf("hits = %+v", r.Hits)
	}
	if s := strings.Join(r.Hits[0].Snippets, " "); !strings.Contains(s, "<mark>interest</mark> <mark>rates</mark>") {
		t.Errorf("snippet %q does not mark the phrase", s)
	}
	// The bigram the phrase is answered through is in the index.
	var n uint64
	for _, sh := range ix.shards {
		q := query.NewTermQuery("interest rate")
		q.SetField(schema.BigramsField("en"))
		res, err := sh.Search(bleve.NewSearchRequest(q))
		must(t, err)
		n += res.Total
	}
	if n != 1 {
		t.Errorf("%d documents hold the bigram \"interest rate\", want 1", n)
	}
}

func TestOptimize(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "bleve")
	ix, err := OpenWith(dir, Options{Shards: 2})
	must(t, err)
	ix.BatchSize = 1 // one segment per document to start with
	docs := fixture()
	for i := range docs {
		must(t, ix.Apply(context.Background(), docs[i:i+1], nil, uint64(i+1)))
	}
	segments := func() []int {
		var n []int
		for _, s := range ix.shards {
			adv, err := s.Advanced()
			must(t, err)
			r, err := adv.Reader()
			must(t, err)
			n = append(n, len(r.(*scorch.IndexSnapshot).Segments()))
			must(t, r.Close())
		}
		return n
	}
	before := segments()
	must(t, ix.Optimize(context.Background()))
	// Scorch's own merger may already have merged some of the small
	// segments (it runs in the background); after Optimize there is one.
	if after := segments(); !slices.Equal(after, []int{1, 1}) {
		t.Errorf("segments per shard: %v before Optimize, %v after, want 1", before, after)
	}
	r, err := ix.Search(context.Background(), Query{Text: "bank"})
	must(t, err)
	if got := sorted(clusters(r)); !slices.Equal(got, []string{"c-en-bank", "c-en-rain"}) {
		t.Errorf("after Optimize: %v", got)
	}
	must(t, ix.Close())
	ix, err = Open(dir)
	must(t, err)
	defer ix.Close()
	if n, _ := ix.Count(); n != uint64(len(docs)) {
		t.Errorf("count after reopen = %d, want %d", n, len(docs))
	}
	if cp, _ := ix.Checkpoint(); cp != uint64(len(docs)) {
		t.Errorf("checkpoint after reopen = %d", cp)
	}
}

// TestClassifyOpenErrors: only a format error means corrupt; what the
// environment does (file handles, read-only media, permissions, a full
// disk) must not get an index deleted and rebuilt.
func TestClassifyOpenErrors(t *testing.T) {
	tests := []struct {
		err  error
		want error
	}{
		{&os.PathError{Op: "open", Path: "x/store", Err: syscall.EMFILE}, ErrUnavailable},
		{fmt.Errorf("error opening bolt segment: %v", &os.PathError{Op: "open", Path: "x", Err: syscall.EROFS}), ErrUnavailable},
		{errors.New("open x/root.bolt: permission denied"), ErrUnavailable},
		{errors.New("write x: no space left on device"), ErrUnavailable},
		{&os.PathError{Op: "open", Path: "x/000000000a.zap", Err: syscall.ENOENT}, ErrCorrupt},
		{errors.New("error parsing mapping JSON: unexpected end of JSON input"), ErrCorrupt},
		{errors.New("invalid database"), ErrCorrupt},
	}
	for _, tc := range tests {
		if got := classify(tc.err); !errors.Is(got, tc.want) {
			t.Errorf("classify(%v) = %v, want %v", tc.err, got, tc.want)
		}
	}
}

// TestShardedHitsLoaded: over several shards the hits' stored data and
// snippets are read after the merge (loadHits); every page of a result
// must carry what a one-shard index gives for the same documents.
func TestShardedHitsLoaded(t *testing.T) {
	open := func(shards int) *Index {
		ix, err := OpenWith(filepath.Join(t.TempDir(), "bleve"), Options{Shards: shards})
		must(t, err)
		t.Cleanup(func() { _ = ix.Close() })
		must(t, ix.Upsert(context.Background(), fixture()))
		return ix
	}
	one, three := open(1), open(3)
	type shown struct {
		Cluster, Title, Lang string
		Copies               int
		Snippets             []string
	}
	page := func(ix *Index, q Query) map[string]shown {
		r, err := ix.Search(context.Background(), q)
		must(t, err)
		out := map[string]shown{}
		for _, h := range r.Hits {
			out[h.Cluster] = shown{h.Cluster, h.Title, h.Lang, len(h.Copies), h.Snippets}
		}
		return out
	}
	for _, q := range []Query{
		{Text: "bank", Highlight: true},
		{Text: "bank", Highlight: true, Limit: 1, Offset: 1},
		{Text: `"interest rate"`, Highlight: true},
		{Text: "", Limit: 3},
		{Text: "bank"},
	} {
		want, got := page(one, q), page(three, q)
		if len(want) == 0 {
			t.Fatalf("%+v: no hits on one shard", q)
		}
		if q.Offset == 0 && !reflect.DeepEqual(got, want) {
			t.Errorf("%+v:\n3 shards %+v\n1 shard  %+v", q, got, want)
		}
		for id, h := range got {
			if h.Title == "" || (q.Highlight && len(h.Snippets) == 0) {
				t.Errorf("%+v: hit %s not loaded: %+v", q, id, h)
			}
		}
	}
}

// TestStoredMeta: a hit's display data is read from the segment its
// internal number names, the same as Bleve's loading by id gives, and not
// when the number names another document (a newer snapshot).
func TestStoredMeta(t *testing.T) {
	// Built in bulk: no merge changes the segments between the search
	// and the reading.
	ix := bulkFixture(t, 2)
	for i, sh := range ix.shards {
		req := bleve.NewSearchRequestOptions(query.NewMatchAllQuery(), 100, 0, false)
		req.Fields = []string{schema.FieldMeta}
		sr, err := sh.Search(req)
		must(t, err)
		adv, err := sh.Advanced()
		must(t, err)
		r, err := adv.Reader()
		must(t, err)
		for _, h := range sr.Hits {
			got, ok := storedMeta(r, h)
			if !ok || got != h.Fields[schema.FieldMeta] {
				t.Errorf("shard %d hit %s: storedMeta %q %v, want %q", i, h.ID, got, ok, h.Fields[schema.FieldMeta])
			}
			other := *h
			other.ID = h.ID + "-other"
			if _, ok := storedMeta(r, &other); ok {
				t.Errorf("shard %d: the document of %s read as %s", i, h.ID, other.ID)
			}
		}
		must(t, r.Close())
	}
}

// TestStoredMetaConcurrent: reading display data for a number that names
// another document (a search on an older snapshot) while other searches
// read theirs never mixes their values up. Stopping the segment's visit at
// the document id made zapx reuse one visit buffer for two readers.
func TestStoredMetaConcurrent(t *testing.T) {
	sh := bulkFixture(t, 1).shards[0]
	req := bleve.NewSearchRequestOptions(query.NewMatchAllQuery(), 100, 0, false)
	req.Fields = []string{schema.FieldMeta}
	sr, err := sh.Search(req)
	must(t, err)
	adv, err := sh.Advanced()
	must(t, err)
	r, err := adv.Reader()
	must(t, err)
	defer r.Close()
	var wg sync.WaitGroup
	errs := make(chan string, 8)
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := range 3000 {
				h := sr.Hits[(g+n)%len(sr.Hits)]
				if (g+n)%2 == 0 {
					other := *h
					other.ID = h.ID + "-other"
					storedMeta(r, &other)
					continue
				}
				if got, ok := storedMeta(r, h); !ok || got != h.Fields[schema.FieldMeta] {
					select {
					case errs <- fmt.Sprintf("hit %s: storedMeta %q %v, want %q", h.ID, got, ok, h.Fields[schema.FieldMeta]):
					default:
					}
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

// bulkFixture builds the fixture's stories into an index in bulk, as an
// import does, and closes it when the test ends.
func bulkFixture(t *testing.T, shards int) *Index {
	t.Helper()
	ctx := context.Background()
	b, err := NewBuilder(filepath.Join(t.TempDir(), "bleve"), Options{Shards: shards})
	must(t, err)
	for _, d := range fixture() {
		must(t, b.Add(ctx, d))
	}
	ix, err := b.Close(1)
	must(t, err)
	t.Cleanup(func() { ix.Close() })
	return ix
}
