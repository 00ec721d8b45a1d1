package extract

import (
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/extract")

const fixtures = "../testdata/extract"

var fetched = time.Date(2024, 3, 20, 12, 0, 0, 0, time.UTC)

func extractFixture(t testing.TB, ex *Extractor, file, url, contentType string) *Result {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(fixtures, file))
	if err != nil {
		t.Fatal(err)
	}
	res, err := ex.Extract(context.Background(), Input{URL: url, HTML: raw, ContentType: contentType, Fetched: fetched})
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	return res
}

// golden compares got with testdata/extract/<name>.golden.json.
func golden(t *testing.T, name string, got any) {
	t.Helper()
	b, err := json.MarshalIndent(got, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	b = append(b, '\n')
	path := filepath.Join(fixtures, name+".golden.json")
	if *update {
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./extract -update)", err)
	}
	if string(want) != string(b) {
		t.Errorf("%s differs from golden file:\n got: %s\nwant: %s", name, b, want)
	}
}

func TestExtractFixtures(t *testing.T) {
	tests := []struct {
		file, url, contentType string
		isArticle              bool
		title, author, source  string
		published              string // RFC 3339, "" for zero
		lang                   string
		textHas, textLacks     []string
		boilerplateHas         []string
	}{
		{
			file: "original.html", url: "https://valleyledger.example/news/2024/03/18/river-towns-brace-for-second-flood",
			isArticle: true, title: "River towns brace for a second spring flood", author: "Marta Oyelaran, Dev Kaplan",
			published: "2024-03-18T06:30:00-05:00", lang: "en",
			textHas:   []string{"Sandbag crews returned", "passes nineteen feet."},
			textLacks: []string{"School board delays vote", "All rights reserved", "Home"},
		},
		{
			file: "republisher.html", url: "https://commonswire.example/2024/03/19/river-towns-flood/",
			isArticle: true, title: "River towns brace for a second spring flood", author: "Marta Oyelaran",
			published: "2024-03-19T14:00:00Z", lang: "en",
			source:         "https://valleyledger.example/news/2024/03/18/river-towns-brace-for-second-flood",
			textHas:        []string{"Sandbag crews returned", "passes nineteen feet."},
			textLacks:      []string{"originally published", "Read the original article", "Donate"},
			boilerplateHas: []string{"This article was originally published by the Valley Ledger. Read the original article."},
		},
		{
			file: "section.html", url: "https://valleyledger.example/news/",
			isArticle: false, title: "News",
		},
		{
			file: "latin1.html", url: "https://village-infos.example/2023/07/15/fete", contentType: "text/html",
			isArticle: true, title: "La fête du village attire des milliers de visiteurs", lang: "fr",
			published: "2023-07-14T00:00:00Z",
			source:    "https://lecho-rural.example/fete",
			textHas:   []string{"La fête annuelle du village a attiré", "stationnement, jugée insuffisante"},
			textLacks: []string{"Cet article a d'abord été publié"},
		},
		{
			file: "syndicated-meta.html", url: "https://www.kreisblatt.example/region/radweg",
			isArticle: true, title: "Stadtrat beschließt neuen Radweg", author: "Jonas Albrecht",
			published: "2023-09-05T17:20:00+02:00", lang: "de",
			source:         "https://www.stadtanzeiger.example/lokales/stadtrat-beschliesst-radweg-123.html",
			textHas:        []string{"Der Stadtrat hat am Dienstagabend"},
			textLacks:      []string{"erschien zuerst"},
			boilerplateHas: []string{"Dieser Artikel erschien zuerst im Stadtanzeiger."},
		},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			res := extractFixture(t, New(Options{}), tc.file, tc.url, tc.contentType)
			a := res.Article
			if res.IsArticle != tc.isArticle {
				t.Errorf("IsArticle = %v (%s), want %v", res.IsArticle, res.Reason, tc.isArticle)
			}
			if a.Title != tc.title {
				t.Errorf("Title = %q, want %q", a.Title, tc.title)
			}
			if a.Author != tc.author {
				t.Errorf("Author = %q, want %q", a.Author, tc.author)
			}
			if a.Source != tc.source {
				t.Errorf("Source = %q, want %q", a.Source, tc.source)
			}
			gotPub := ""
			if !a.Published.IsZero() {
				gotPub = a.Published.Format(time.RFC3339)
			}
			if gotPub != tc.published {
				t.Errorf("Published = %q, want %q", gotPub, tc.published)
			}
			if tc.lang != "" && a.Lang != tc.lang {
				t.Errorf("Lang = %q, want %q", a.Lang, tc.lang)
			}
			for _, s := range tc.textHas {
				if !strings.Contains(a.Text, s) {
					t.Errorf("Text lacks %q:\n%s", s, a.Text)
				}
			}
			for _, s := range tc.textLacks {
				if strings.Contains(a.Text, s) {
					t.Errorf("Text has %q:\n%s", s, a.Text)
				}
			}
			for _, s := range tc.boilerplateHas {
				found := false
				for _, b := range a.Boilerplate {
					found = found || b == s
				}
				if !found {
					t.Errorf("Boilerplate %q lacks %q", a.Boilerplate, s)
				}
			}
			if a.ID == "" || a.Site == "" || !a.Fetched.Equal(fetched) {
				t.Errorf("ID %q, Site %q, Fetched %v not filled", a.ID, a.Site, a.Fetched)
			}
			if a.Text != "" && strings.Contains(a.Text, "\n\n\n") {
				t.Errorf("Text has empty paragraphs: %q", a.Text)
			}
			golden(t, strings.TrimSuffix(tc.file, ".html"), res)
		})
	}
}

// TestSiteBoilerplate feeds three cross-posts of one republisher: the
// donation appeal and disclaimer they share become boilerplate from the
// third page on, while each page's own text stays.
func TestSiteBoilerplate(t *testing.T) {
	ex := New(Options{BoilerplatePages: 3})
	pages := []struct{ file, url, source string }{
		{"republisher.html", "https://commonswire.example/2024/03/19/river-towns-flood/", "https://valleyledger.example/news/2024/03/18/river-towns-brace-for-second-flood"},
		{"republisher-2.html", "https://commonswire.example/2024/03/20/ferries/", "Harbor Post"},
		{"republisher-3.html", "https://commonswire.example/2024/03/21/depot-library/", "northsidenews.example"},
	}
	const appeal = "Independent journalism needs readers like you."
	const disclaimer = "Disclaimer: The views and opinions"
	for i, p := range pages {
		a := extractFixture(t, ex, p.file, p.url, "").Article
		if a.Source != p.source {
			t.Errorf("%s: Source = %q, want %q", p.file, a.Source, p.source)
		}
		learned := i == len(pages)-1
		for _, s := range []string{appeal, disclaimer} {
			if got := strings.Contains(a.Text, s); got == learned {
				t.Errorf("%s: Text contains %q = %v, want %v", p.file, s, got, !learned)
			}
			inBP := false
			for _, b := range a.Boilerplate {
				inBP = inBP || strings.HasPrefix(b, s)
			}
			if inBP != learned {
				t.Errorf("%s: Boilerplate has %q = %v, want %v (%q)", p.file, s, inBP, learned, a.Boilerplate)
			}
		}
		if learned {
			golden(t, "republisher-3-learned", a)
		}
	}
	// The same page fetched again must not count as a new page.
	ex2 := New(Options{BoilerplatePages: 2})
	for range 3 {
		a := extractFixture(t, ex2, "republisher-2.html", "https://commonswire.example/2024/03/20/ferries/", "").Article
		if !strings.Contains(a.Text, appeal) {
			t.Fatalf("re-fetching one page taught the model: %q", a.Text)
		}
	}
}
