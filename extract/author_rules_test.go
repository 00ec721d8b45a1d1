package extract

import (
	"context"
	"testing"
)

// TestCleanBylineRules covers the byline clean-up rules one by one.
func TestCleanBylineRules(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"handle with digits is no year", "Dezember 10, 2019 · von jdoe1984 · in Allgemein", "jdoe1984"},
		{"a year still ends the name", "Jane Doe 2019", "Jane Doe"},
		{"forum profile link printed twice", "Zum Profil von jesusfreak jesusfreak", "jesusfreak"},
		{"label glued to its by-word", "Beitragvon jdoe1984", "jdoe1984"},
		{"label glued to its by-word before a name", "Beitragvon Jane Doe", "Jane Doe"},
		{"a name spelt with von is kept", "Ursula von der Leyen", "Ursula von der Leyen"},
		{"a doubled-looking name that is not repeated whole", "Jane Jane Doe", "Jane Jane Doe"},
		{"repeated initials are a name", "Von R. R. am 12.02.2014", "R. R."},
		{"a user name ending in digits before a date stays whole", "von Marianne1 Mai 2019", "Marianne1"},
		{"a handle ending in digits stays", "by jdoe84", "jdoe84"},
		{"an update note is no name", "Last Updated: January 7, 2025", ""},
		{"a navigation box title is no name", "Authority control", ""},
		{"weekday glued to the name", "Jane DoeDo 9 Apr 2020", "Jane Doe"},
		{"weekday glued, English", "Jane DoeMon 3 May 2021", "Jane Doe"},
		{"category fragment", "in Uncategorized", ""},
		{"sentence fragment", "deinen Hochzeitsbloggern", ""},
		{"lower-case user name kept", "jane doe", "jane doe"},
		{"particle first kept", "de la Cruz", "de la Cruz"},
		{"licence note", "CC Attribution", ""},
		{"bare plural label", "Auteur(s)", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := cleanByline(tc.in); got != tc.want {
				t.Errorf("cleanByline(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

// TestAuthorRulesOnPages runs the author rules on small whole pages.
func TestAuthorRulesOnPages(t *testing.T) {
	const body = `<h1>Council votes on the new bridge</h1>
<p>The city council voted on Tuesday to build a new bridge across the river, ending a debate that lasted for more than ten years and divided the town.</p>
<p>Supporters said the bridge would cut travel times in half. Opponents warned about the cost and the noise for the people living along the river banks.</p>
<p>Construction is expected to begin next spring and take about three years, the mayor said after the vote in the town hall.</p>`
	tests := []struct{ name, page, want string }{
		{
			name: "byline inside a layout wrapper named for its sidebar",
			page: `<div class="content-sidebar-wrap"><article>` + body + `<p class="byline author vcard">Par Jeanne Dupont</p></article><aside class="sidebar"><span class="author">Other Writer</span></aside></div>`,
			want: "Jeanne Dupont",
		},
		{
			name: "a real sidebar's author stays foreign",
			page: `<article>` + body + `</article><div class="sidebar-wrap"><span class="author">Other Writer</span></div>`,
			want: "",
		},
		{
			name: "author box bio yields to the plain byline",
			page: `<div class="has-sidebar"><article>` + body + `<div class="author-box">Jane Doe, photographer from Hamburg and founder of a studio</div><span class="author vcard">Jane Doe</span></article></div>`,
			want: "Jane Doe",
		},
		{
			name: "label words before the by-word",
			page: `<article>` + body + `<p><em>Text von Max Muster</em></p></article>`,
			want: "Max Muster",
		},
		{
			name: "article label before the by-word, date after",
			page: `<article><div><strong>Ein Artikel von Erika Muster | 27.01.2022 - 12:45</strong></div>` + body + `</article>`,
			want: "Erika Muster",
		},
		{
			name: "posted on a date by",
			page: `<article><div>Posted on September 21, 2020 by Jane Doe</div>` + body + `</article>`,
			want: "Jane Doe",
		},
		{
			name: "by-word with a colon",
			page: `<article>` + body + `<p>Von: Max Muster</p></article>`,
			want: "Max Muster",
		},
		{
			name: "a sentence opening with a connector is no byline",
			page: `<article>` + body + `<p>Und von Berlin aus Weiter Nach Hamburg</p></article>`,
			want: "",
		},
	}
	for _, tc := range tests {
		checkAuthor(t, tc.name, "", tc.page, tc.want)
	}
}

// TestAuthorMarkupCleaning covers author markup whose value needs
// cleaning: a Korean reporter title after the name, a share bar marked
// up as the author.
func TestAuthorMarkupCleaning(t *testing.T) {
	const body = `<h1>Council votes on the new bridge</h1><p>The council met on the river bank on Monday to discuss the new bridge, its cost to the town and the closure of the old ferry.</p><p>Members agreed to put the plan to a public vote in the spring, after a second survey of the river bed and the banks.</p>`
	tests := []struct{ name, head, page, want string }{
		{"Korean reporter title", `<meta name="author" content="신현주 기자">`, `<article>` + body + `</article>`, "신현주"},
		{"a name that is only the title is kept", `<meta name="author" content="기자">`, `<article>` + body + `</article>`, "기자"},
		{"share bar as author", "", `<article><div class="author">Twitter Facebook</div>` + body + `</article>`, ""},
		{"an author box's description is not the name", `<meta property="og:site_name" content="Town Post">`, `<article>` + body + `<div class="author-box"><h5><a href="/author/townpost/" rel="author">Town Post</a></h5><div class="author-description">Town Post's widely read newspaper, published every Thursday.</div></div></article>`, "Town Post"},
	}
	for _, tc := range tests {
		checkAuthor(t, tc.name, tc.head, tc.page, tc.want)
	}
}

// TestCleanBylineDescriptions covers descriptions and codes after names.
func TestCleanBylineDescriptions(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Autor: Max Muster (Sponsored Post), Redner bei example.org", "Max Muster"},
		{"Jane Doe, photographer from Hamburg and founder of a studio", "Jane Doe"},
		{"Jane Doe (avec John Roe)", "Jane Doe (avec John Roe)"},
		{"Jane Doe, John Roe and Max Muster", "Jane Doe, John Roe and Max Muster"},
		{"KB3075249", ""},
		{"user2019x", "user2019x"},
	}
	for _, tc := range tests {
		if got := cleanByline(tc.in); got != tc.want {
			t.Errorf("cleanByline(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestCleanBylineJobTitles covers job titles written after a comma.
func TestCleanBylineJobTitles(t *testing.T) {
	tests := []struct{ in, want string }{
		{"By Jane Doe, Senior Staff Technologist, Example Speech and Technology Project", "Jane Doe"},
		{"Max Muster, Pressesprecher der Stadt", "Max Muster"},
		{"Jane Doe, John Roe", "Jane Doe, John Roe"},
	}
	for _, tc := range tests {
		if got := cleanByline(tc.in); got != tc.want {
			t.Errorf("cleanByline(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestCleanBylineGluedAndCredits covers text glued to names by markup,
// initials codes and picture credits.
func TestCleanBylineGluedAndCredits(t *testing.T) {
	tests := []struct{ in, want string }{
		{"ByJane DoeLifestyle Writer 14:00, 28 Apr 2024 | comments", "Jane Doe"},
		{"Jane DoeFollow Coach for new work", "Jane Doe"},
		{"Autor: Max MusterQuelle: Example", "Max Muster"},
		{"Ronald McDonald", "Ronald McDonald"},
		{"Jane Doe (jd)", "Jane Doe"},
		{"Max Muster (mmu.)", "Max Muster"},
		{"(Image: Agency Images/Stock)", ""},
		{"Foto: Max Muster", ""},
	}
	for _, tc := range tests {
		if got := cleanByline(tc.in); got != tc.want {
			t.Errorf("cleanByline(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestTextBylineForms covers plain-text bylines without byline markup.
func TestTextBylineForms(t *testing.T) {
	const body = `<h1>Council votes on the new bridge</h1>
<p>The city council voted on Tuesday to build a new bridge across the river, ending a debate that lasted for more than ten years and divided the town.</p>
<p>Supporters said the bridge would cut travel times in half. Opponents warned about the cost and the noise for the people living along the river banks.</p>`
	tests := []struct{ name, pre, post, want string }{
		{"picture credit after the writer", "", `<p><em>Text von Max Muster Illustration von Erika Muster</em></p>`, "Max Muster"},
		{"plural label without a colon", "", `<p>Autoren Max Muster und Erika Muster</p>`, "Max Muster und Erika Muster"},
		{"capitalised by-word after a separator", `<div><span>Health | By Jane Doe | April 13, 2020</span></div>`, "", "Jane Doe"},
		{"lower-case by after a separator is running text", `<div><span>Health | by the river we sat</span></div>`, "", ""},
		{"label then a sentence", "", `<p>Autoren Schreiben gern über Brücken und Flüsse</p>`, ""},
	}
	ex := New(Options{})
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			page := `<html><head><title>Council votes</title></head><body><article>` + tc.pre + body + tc.post + `</article></body></html>`
			res, err := ex.Extract(context.Background(), Input{URL: "https://example.org/news/bridge", HTML: []byte(page)})
			if err != nil {
				t.Fatal(err)
			}
			if res.Article.Author != tc.want {
				t.Errorf("Author = %q, want %q", res.Article.Author, tc.want)
			}
		})
	}
}

// TestCopyrightHolder covers the copyright line rule.
func TestCopyrightHolder(t *testing.T) {
	tests := []struct{ in, want string }{
		{"© 2019 Jane Doe", "Jane Doe"},
		{"Copyright (c) 2012- Jane Doe. All rights reserved. Design by Templates.", "Jane Doe"},
		{"(c) Max Muster • Weitere Rechte siehe Impressum", "Max Muster"},
		{"© since 2010 by Max Muster", "Max Muster"},
		{"© 2024 Example Media GmbH", ""},
		{"© 2024 Daily Planet Publishing Company. All rights reserved.", ""},
		{"© 2024 Example", ""},
		{"Copyright laws protect this text in many countries", ""},
	}
	for _, tc := range tests {
		if got := copyrightHolder(tc.in); got != tc.want {
			t.Errorf("copyrightHolder(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	const body = `<h1>Council votes on the new bridge</h1>
<p>The city council voted on Tuesday to build a new bridge across the river, ending a debate that lasted for more than ten years and divided the town.</p>
<p>Supporters said the bridge would cut travel times in half. Opponents warned about the cost and the noise for the people living along the river banks.</p>`
	pages := []struct{ name, page, want string }{
		{"copyright holder when nobody else is named", `<article>` + body + `</article><footer><p>© 2019 Jane Doe</p></footer>`, "Jane Doe"},
		{"the byline wins over the copyright holder", `<article><p class="byline">By John Roe</p>` + body + `</article><footer><p>© 2019 Jane Doe</p></footer>`, "John Roe"},
	}
	for _, tc := range pages {
		checkAuthor(t, tc.name, "", tc.page, tc.want)
	}
}

// TestCopyrightHolderRefusals covers copyright lines that name no person.
func TestCopyrightHolderRefusals(t *testing.T) {
	for _, in := range []string{
		"© Provided by The Daily Planet",
		"© 2020 EXAMPLE Schweiz",
		"© 2021 Example A/S",
		"© 2021 The Big Example",
		"© 2022 Deutsches Example Forum",
	} {
		if got := copyrightHolder(in); got != "" {
			t.Errorf("copyrightHolder(%q) = %q, want none", in, got)
		}
	}
	for in, want := range map[string]bool{"© 2019 Jane Doe": true, "© Agency Images": false, "(c) Jane Doe • Weitere Rechte siehe Impressum": true} {
		if got := copyrightRE.MatchString(in) && copyrightFooterRE.MatchString(in); got != want {
			t.Errorf("copyright footer %q = %v, want %v", in, got, want)
		}
	}
}

// TestBylineGlueOutletRole covers an outlet name glued to a role.
func TestBylineGlueOutletRole(t *testing.T) {
	if got := cleanByline("By Jane Doe ExampleVoice Staff"); got != "Jane Doe" {
		t.Errorf("got %q", got)
	}
}

// TestAuthorAccountsAndSuffixes covers generic accounts, obfuscated e-mail addresses and agency codes after a slash.
func TestAuthorAccountsAndSuffixes(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Jane Doe/AP", "Jane Doe"},
		{"Jane Doe/AB-C", "Jane Doe"},
		{"jd/AP", "jd/AP"},
		{"jane[at]example.org", ""},
	} {
		if got := cleanByline(tc.in); got != tc.want {
			t.Errorf("cleanByline(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	const body = `<h1>Council votes on the new bridge</h1>
<p>The city council voted on Tuesday to build a new bridge across the river, ending a debate that lasted for more than ten years and divided the town.</p>
<p>Supporters said the bridge would cut travel times in half. Opponents warned about the cost and the noise for the people living along the river banks.</p>`
	pages := []struct{ name, head, page, want string }{
		{"a CMS account yields to the byline", `<script type="application/ld+json">{"@type":"Article","author":{"@type":"Person","name":"admin"}}</script>`,
			`<article><p>Von Max Muster</p>` + body + `</article>`, "Max Muster"},
		{"a CMS account alone is kept", `<script type="application/ld+json">{"@type":"Article","author":{"@type":"Person","name":"admin"}}</script>`,
			`<article>` + body + `</article>`, "admin"},
	}
	for _, tc := range pages {
		checkAuthor(t, tc.name, tc.head, tc.page, tc.want)
	}
}

// TestSignatureLine covers a writer's name closing the story.
func TestSignatureLine(t *testing.T) {
	const text = `<p>The city council voted on Tuesday to build a new bridge across the river, ending a debate that lasted for more than ten years and divided the town into two camps that rarely spoke to each other.</p>
<p>Supporters said the bridge would cut travel times in half. Opponents warned about the cost and the noise for the people living along the river banks, and about the trees that would have to go.</p>`
	tests := []struct{ name, tail, want string }{
		{"bold italic name after the text", `<p><b><i>Max Muster</i></b></p>`, "Max Muster"},
		{"right-aligned name before footnotes", `<p align="right"><em><font>Jeanne Dupont</font></em></p><p>(1) These figures come from the council's own report on traffic in the region over the last ten years, as published in spring.</p>`, "Jeanne Dupont"},
		{"a closing heading is no signature", `<p><strong>Weitere Informationen</strong></p>`, ""},
		{"a subheading followed by more text is no signature", `<p><strong>Max Muster</strong></p>` + text, ""},
		{"a plain paragraph is no signature", `<p>Max Muster</p>`, ""},
	}
	ex := New(Options{})
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			page := `<html><head><title>Council votes</title></head><body><article><h1>Council votes on the new bridge</h1>` + text + tc.tail + `</article></body></html>`
			res, err := ex.Extract(context.Background(), Input{URL: "https://example.org/news/bridge", HTML: []byte(page)})
			if err != nil {
				t.Fatal(err)
			}
			if res.Article.Author != tc.want {
				t.Errorf("Author = %q, want %q", res.Article.Author, tc.want)
			}
		})
	}
}

// TestBylinePlaceOrOutlet covers a place or outlet after the name.
func TestBylinePlaceOrOutlet(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Von Erika Muster, Frankfurt", "Erika Muster"},
		{"von Max Muster, EXAMPLE TV", "Max Muster"},
		{"Jane Doe, John Roe", "Jane Doe, John Roe"},
		{"Doe, Jane", "Doe, Jane"},
		{"Jane Doe und John Roe, Berlin", "Jane Doe und John Roe, Berlin"},
	} {
		if got := cleanByline(tc.in); got != tc.want {
			t.Errorf("cleanByline(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestDatedNameLine covers meta lines of a date and a name.
func TestDatedNameLine(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want bool
	}{
		{"04.02.2022 | 13:10 Uhr | Erika Muster", true},
		{"25.10.2022 - Max Muster", true},
		{"05.02.2020 - Redaktion: Max Muster (Pressesprecher des Vereins)", true},
		{"25.10.2022 - Weitere Informationen", false},
		{"25.10.2022 - Politik", false},
		{"Max Muster - 25.10.2022", false},
		{"12 Tipps - Max Muster", false},
	} {
		if got := datedNameLine(tc.in); got != tc.want {
			t.Errorf("datedNameLine(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
	for _, tc := range []struct{ in, want string }{
		{"05.02.2020 - Redaktion: Max Muster (Pressesprecher des Vereins)", "Max Muster"},
		{"04.02.2022 | 13:10 Uhr | Erika Muster", "Erika Muster"},
	} {
		if got := cleanByline(tc.in); got != tc.want {
			t.Errorf("cleanByline(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// checkAuthor extracts a page made of head markup and body markup and
// checks its author, as subtest name.
func checkAuthor(t *testing.T, name, head, body, want string) {
	t.Helper()
	t.Run(name, func(t *testing.T) {
		page := `<html><head><title>Council votes</title>` + head + `</head><body>` + body + `</body></html>`
		res, err := New(Options{}).Extract(context.Background(), Input{URL: "https://example.org/news/bridge", HTML: []byte(page)})
		if err != nil {
			t.Fatal(err)
		}
		if res.Article.Author != want {
			t.Errorf("Author = %q, want %q", res.Article.Author, want)
		}
	})
}
