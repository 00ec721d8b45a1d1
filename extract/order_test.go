package extract

import (
	"context"
	"testing"
)

func TestInPageOrder(t *testing.T) {
	src := []byte(`<script>{"employee":{"name":"Miron Schneckenberger"},"founder":{"name":"Rudolf Haufe"},"x":"Gr\u00FCn Ltd"}</script>`)
	tests := []struct{ list, want string }{
		{"", ""},
		{"Rudolf Haufe", "Rudolf Haufe"},
		{"Rudolf Haufe; Miron Schneckenberger", "Miron Schneckenberger; Rudolf Haufe"},
		{"Miron Schneckenberger; Rudolf Haufe", "Miron Schneckenberger; Rudolf Haufe"},
		// Not in the source as they are: after the others, sorted.
		{"Zed Nobody; Grün Ltd; Rudolf Haufe", "Rudolf Haufe; Grün Ltd; Zed Nobody"},
		// One name inside another: both found at one place, sorted.
		{"Rudolf Haufe; Rudolf", "Rudolf; Rudolf Haufe"},
	}
	for _, tc := range tests {
		if got := inPageOrder(tc.list, src); got != tc.want {
			t.Errorf("inPageOrder(%q) = %q, want %q", tc.list, got, tc.want)
		}
	}
}

// TestAuthorFromJSONLDPersonsIsStable: persons that go-trafilatura finds
// anywhere in a page's JSON-LD (an organisation's employee and founder)
// come out in the page's order in every run, not in the order of a map
// iteration (trafilatura's set's haufe.de page alternated between runs).
func TestAuthorFromJSONLDPersonsIsStable(t *testing.T) {
	const page = `<html><head><title>Fine against a lawyer</title>
<script type="application/ld+json">{"@context":"https://schema.org","@type":"NewsMediaOrganization","name":"Haufe",
"url":"https://www.example.de/","legalName":"Example GmbH","email":"info@example.de","telephone":"+49 761 000",
"employee":{"@type":"Person","name":"Miron Schneckenberger","jobTitle":"Editor"},
"address":{"@type":"PostalAddress","streetAddress":"Munzinger Str. 9","addressLocality":"Freiburg"},
"foundingDate":"1954-01-01","founder":{"@type":"Person","name":"Rudolf Haufe"},
"sameAs":["https://twitter.com/example"],"logo":{"@type":"ImageObject","url":"https://www.example.de/logo.png"}}</script>
</head><body><article><h1>Fine against a lawyer who would not wear a mask</h1>
<p>A court has fined a lawyer who refused to wear a mask in the courtroom, ending a dispute that had lasted for several months and drawn wide attention.</p>
<p>The lawyer argued that the rule did not apply to counsel. The judges disagreed and set the fine at the upper end of the range the law allows for such cases.</p>
<p>An appeal is possible within two weeks, the court said in a statement published after the hearing on Friday morning.</p></article></body></html>`
	ex := New(Options{})
	const want = "Miron Schneckenberger; Rudolf Haufe"
	for i := range 40 {
		res, err := ex.Extract(context.Background(), Input{URL: "https://www.example.de/recht/fine.html", HTML: []byte(page)})
		if err != nil {
			t.Fatal(err)
		}
		if res.Article.Author != want {
			t.Fatalf("run %d: Author = %q, want %q", i, res.Article.Author, want)
		}
	}
}
