package attribution

import (
	"testing"

	"github.com/syndex/syndex/extract/internal/dom"
)

// TestCreditPlacement covers credit lines away from the text's last three
// blocks or inside a paragraph: a credit before the short lines that close
// a page, at the end of the story's last paragraph, in a metadata line
// above the story, and a byline naming a news agency; with the look-alikes
// each rule must leave alone.
func TestCreditPlacement(t *testing.T) {
	story := dom.Block{Text: "The county board approved the new bus routes on Tuesday after a long hearing in which residents of the northern villages asked for an evening service to the hospital and the railway station, officials said.", Tag: "p"}
	short := func(s string) dom.Block { return dom.Block{Text: s, Tag: "p"} }
	links := []Link{{Text: "Harbour Gazette", Href: "https://gazette.example/buses"}, {Text: "7Days", Href: "https://sevendays.example/"}}
	sidebar := []dom.Block{short("Need someone to talk to? Call our helpline any time."), short("Share this page"), short("Tags: transport, county"), short("Subscribe to the morning briefing")}
	seq := func(parts ...[]dom.Block) []dom.Block {
		var out []dom.Block
		for _, p := range parts {
			out = append(out, p...)
		}
		return out
	}
	stories := []dom.Block{story, story, story, story, story}
	tests := []struct {
		name       string
		blocks     []dom.Block
		self       string
		wantSource string // "" with wantNone false: a self credit
		wantNone   bool
		wantLine   string
		wantRest   string // the block's text left after the credit
	}{
		{"credit above sidebar lines", seq(stories, []dom.Block{short("Source: The Associated Press")}, sidebar), "", "apnews.com", false, "Source: The Associated Press", ""},
		{"unresolved organisation above sidebar lines", seq(stories, []dom.Block{short("Source: Regional Water Authority")}, sidebar), "", "Regional Water Authority", false, "Source: Regional Water Authority", ""},
		{"figure source with the story going on", seq(stories[:2], []dom.Block{short("Source: Regional Water Authority")}, stories, sidebar[:1]), "", "", true, "", ""},
		{"lower-case source above sidebar", seq(stories, []dom.Block{short("Source: Times database")}, sidebar), "", "", true, "", ""},
		{"unnamed agencies close the story", seq(stories, []dom.Block{short("SOURCE: News agencies")}), "", "News agencies", false, "SOURCE: News agencies", ""},
		{"unnamed agencies in German", seq(stories, []dom.Block{short("Quelle: Agenturen")}), "", "Agenturen", false, "Quelle: Agenturen", ""},
		{"a phrase is no agency", seq(stories, []dom.Block{short("Source: reports from the region")}), "", "", true, "", ""},
		{"source after the last sentence", seq(stories, []dom.Block{short(story.Text + " Source: Harbour Gazette")}, sidebar), "", "https://gazette.example/buses", false, "Source: Harbour Gazette", story.Text},
		{"outlet name opening with a digit", seq(stories, []dom.Block{short(story.Text + " Source: 7Days")}), "", "sevendays.example", false, "Source: 7Days", story.Text},
		{"photo source after the last sentence", seq(stories, []dom.Block{short(story.Text + " Photo Source: Harbour Gazette")}), "", "", true, "", ""},
		{"source after a sentence mid-text", seq(stories[:1], []dom.Block{short(story.Text + " Source: Harbour Gazette")}, stories), "", "", true, "", ""},
		{"metadata line names the source", seq([]dom.Block{short("Updated: 4 March 2024 Source: Harbour Television")}, stories), "", "Harbour Television", false, "Updated: 4 March 2024 Source: Harbour Television", ""},
		{"metadata line, lower-case source", seq([]dom.Block{short("Updated: 4 March 2024 Source: our reporters")}, stories), "", "", true, "", ""},
		{"metadata line without a date", seq([]dom.Block{short("Updated: yes Source: Harbour Television")}, stories), "", "", true, "", ""},
		{"agency byline (Spanish)", seq([]dom.Block{short("Por Agencia EFE")}, stories), "", "efe.com", false, "Por Agencia EFE", ""},
		{"agency byline (English)", seq([]dom.Block{short("By The Associated Press")}, stories), "", "apnews.com", false, "By The Associated Press", ""},
		{"agency byline on the agency's own site", seq([]dom.Block{short("By The Associated Press")}, stories), "apnews.com", "", false, "By The Associated Press", ""},
		{"byline naming a person", seq([]dom.Block{short("By Maria Lopez")}, stories), "", "", true, "", ""},
		{"agency named in a sentence", seq([]dom.Block{short("By Reuters count, forty ships were waiting outside the port on Monday.")}, stories), "", "", true, "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Find(tc.blocks, Links(links), tc.self)
			if checkCredit(t, got, tc.wantNone, tc.wantSource, tc.wantRest) && got.Line != tc.wantLine {
				t.Errorf("got line %q, want %q", got.Line, tc.wantLine)
			}
		})
	}
}

// TestNumberIsNoOutlet: a year, decade or ordinal after "first appeared
// in" is a date, not an outlet.
func TestNumberIsNoOutlet(t *testing.T) {
	tests := []struct {
		s    string
		want bool
	}{
		{"2014", false}, {"1990s", false}, {"20th century Europe", false}, {"3, 2019", false},
		{"1UP", true}, {"7Days", true}, {"The Tribune", true},
	}
	for _, tc := range tests {
		if got := plausibleOutlet(tc.s); got != tc.want {
			t.Errorf("plausibleOutlet(%q) = %v, want %v", tc.s, got, tc.want)
		}
	}
}

// TestReworkedAndSignoffCredits: a text naming the earlier post it grew
// from, and a German press release's sign-off, with look-alikes.
func TestReworkedAndSignoffCredits(t *testing.T) {
	story := dom.Block{Text: "The county board approved the new bus routes on Tuesday after a long hearing in which residents of the northern villages asked for an evening service to the hospital.", Tag: "p"}
	links := []Link{{Text: "Lakeside Forum", Href: "https://lakeside.example/forum/"}}
	tests := []struct {
		name       string
		blocks     []dom.Block
		wantNone   bool
		wantSource string
		wantRest   string
	}{
		{"reworked from a forum post", []dom.Block{{Text: "This essay is an expanded version of a post that Jo Marsh originally published on the Lakeside Forum before revising it for us. The first part covers the early games and the second the later ones.", Tag: "p"}, story, story},
			false, "https://lakeside.example/forum/", "The first part covers the early games and the second the later ones."},
		{"adapted from an earlier column", []dom.Block{story, {Text: "Adapted from an earlier column she first published in The Tribune.", Tag: "p"}, story, story},
			false, "The Tribune", ""},
		{"book reworked from a year", []dom.Block{story, {Text: "The novel is a version of a story that he first published in 1966 under another title, critics noted in their reviews at the time.", Tag: "p"}, story, story},
			true, "", ""},
		{"press release sign-off, acronym spelt out", []dom.Block{{Text: "Der Verband für Uferschutz (VfU) hat am Montag neue Zahlen vorgelegt, die den Rückgang der Brutpaare belegen.", Tag: "p"}, story, {Text: "PM VfU/ab", Tag: "p"}},
			false, "Verband für Uferschutz", ""},
		{"press release sign-off, named", []dom.Block{story, story, {Text: "Pressemitteilung der Stadtwerke Lindau", Tag: "p"}},
			false, "Stadtwerke Lindau", ""},
		{"afternoon time is no sign-off", []dom.Block{story, story, {Text: "PM 4:30", Tag: "p"}}, true, "", ""},
		{"sign-off without initials is no sign-off", []dom.Block{story, story, {Text: "PM Modi", Tag: "p"}}, true, "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			checkCredit(t, Find(tc.blocks, Links(links), ""), tc.wantNone, tc.wantSource, tc.wantRest)
		})
	}
}

// checkCredit compares a found credit with the expected one: none when
// wantNone, else its source and the text left in its block. It reports
// whether a credit was found and matched, so callers can check more.
func checkCredit(t *testing.T, got *Credit, wantNone bool, wantSource, wantRest string) bool {
	t.Helper()
	if wantNone {
		if got != nil {
			t.Errorf("found %+v, want none", got)
		}
		return false
	}
	if got == nil {
		t.Errorf("found none, want source %q", wantSource)
		return false
	}
	if got.Source != wantSource || got.Rest != wantRest {
		t.Errorf("got source %q rest %q, want %q %q", got.Source, got.Rest, wantSource, wantRest)
		return false
	}
	return true
}

func TestFindAttribution(t *testing.T) {
	links := []Link{
		{Text: "Read the original article", Href: "https://futurism.example/the-story"},
		{Text: "The Tribune", Href: "https://tribune.example/"},
	}
	tests := []struct {
		name, para, self string
		wantOutlet       string // "" for no attribution
		wantSource       string
		wantRest         string
	}{
		{"en original source", "The original source of this article is Global Research.", "", "Global Research", "globalresearch.ca", ""},
		{"en published by + link", "This article was originally published by Futurism. Read the original article.", "", "Futurism", "https://futurism.example/the-story", ""},
		{"en first appeared", "This story first appeared in The Tribune.", "", "The Tribune", "tribune.example", ""},
		{"en originally published on domain", "Originally published on Example-News.com.", "", "Example-News.com", "example-news.com", ""},
		{"en republished with permission", "Republished with permission from ProPublica.", "", "ProPublica", "propublica.org", ""},
		{"en print origin", "This article was originally published on page 28 of The Sunday Tribune on December 30, 2007", "", "The Sunday Tribune", "The Sunday Tribune", ""},
		{"en self credit", "This article first appeared in The Tribune.", "tribune.example", "The Tribune", "", ""},
		{"en not a credit: year", "It first appeared in 2014, when the first cases were reported.", "", "", "", ""},
		{"en not a credit: event", "The disease first appeared in West Michigan at the end of August.", "", "", "", ""},
		{"en not a credit: clause at start", "First appeared in West Michigan at the end of August, the beetle spread.", "", "", "", ""},
		{"en copy pointer is not a credit", "This article was reprinted on Wired.com.", "", "", "", ""},
		{"en source: weak, unresolved, closing", "Source: Environment Canada", "", "Environment Canada", "Environment Canada", ""},
		{"en source: image credit", "Source: Markus Spiske from Pexels", "", "", "", ""},
		{"en source: weak, unresolved, not alone", "Source: Environment Canada, with figures from the council", "", "", "", ""},
		{"en source: weak, known", "Source: Reuters", "", "Reuters", "reuters.com", ""},
		{"en via domain", "via example-wire.org", "", "example-wire.org", "example-wire.org", ""},
		{"fr", "Cet article a été initialement publié sur Le Monde.", "", "Le Monde", "lemonde.fr", ""},
		{"de", "Dieser Beitrag erschien zuerst bei Spiegel Online.", "", "Spiegel Online", "spiegel.de", ""},
		{"es", "Este artículo fue publicado originalmente en El País.", "", "El País", "elpais.com", ""},
		{"ru", "Материал впервые опубликован на сайте ria.ru", "", "сайте ria.ru", "ria.ru", ""},
		{"ru source", "Источник: ТАСС", "", "ТАСС", "tass.ru", ""},
		{"ar", "نقلا عن الجزيرة نت aljazeera.net", "", "الجزيرة نت aljazeera.net", "aljazeera.net", ""},
		{"sentence inside a paragraph", "Officials did not respond to requests for comment by Friday evening. This article first appeared in The Tribune.", "", "The Tribune", "tribune.example", "Officials did not respond to requests for comment by Friday evening."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			blocks := []dom.Block{{Text: "A first paragraph of the story that says nothing about where it came from.", Tag: "p"}, {Text: tc.para, Tag: "p"}}
			got := Find(blocks, Links(links), tc.self)
			if tc.wantOutlet == "" {
				if got != nil {
					t.Fatalf("found %+v, want none", got)
				}
				return
			}
			if got == nil {
				t.Fatalf("found none, want outlet %q", tc.wantOutlet)
			}
			if got.Outlet != tc.wantOutlet || got.Source != tc.wantSource || got.Rest != tc.wantRest || got.Block != 1 {
				t.Errorf("got outlet %q source %q rest %q block %d, want %q %q %q 1", got.Outlet, got.Source, got.Rest, got.Block, tc.wantOutlet, tc.wantSource, tc.wantRest)
			}
		})
	}
}

// TestWeakCreditInsideText: "Source: X" that no link or known name
// resolves is a figure or table source when more text follows it.
func TestWeakCreditInsideText(t *testing.T) {
	p := dom.Block{Text: "A paragraph of the story that says nothing about where it came from.", Tag: "p"}
	blocks := []dom.Block{p, {Text: "Source: National Institute on Aging", Tag: "p"}, p, p, p}
	if got := Find(blocks, nil, ""); got != nil {
		t.Errorf("found %+v inside the text, want none", got)
	}
	blocks = []dom.Block{p, p, p, p, {Text: "Source: National Institute on Aging", Tag: "p"}}
	if got := Find(blocks, nil, ""); got == nil || got.Source != "National Institute on Aging" {
		t.Errorf("closing credit: got %+v", got)
	}
}

func TestWireCredit(t *testing.T) {
	body := dom.Block{Text: "The rest of the story goes on for a while and names nobody in particular.", Tag: "p"}
	tests := []struct {
		name       string
		blocks     []dom.Block
		self       string
		wantSource string
		wantRemove int
	}{
		{"ap dateline", []dom.Block{{Text: "TORONTO (AP) — Raptors guard was cleared to resume workouts.", Tag: "p"}, body}, "", "apnews.com", -1},
		{"reuters dateline", []dom.Block{{Text: "LOS ANGELES (Reuters) - An actress was arrested on Thursday.", Tag: "p"}, body}, "", "reuters.com", -1},
		{"ap copyright line", []dom.Block{body, {Text: "Copyright 2008 The Associated Press. All rights reserved. This material may not be published.", Tag: "p"}}, "", "apnews.com", 1},
		{"agency's own page", []dom.Block{body, {Text: "© Reuters 2008 All rights reserved", Tag: "p"}}, "reuters.com", "", 1},
		{"no agency", []dom.Block{{Text: "WASHINGTON — Lawmakers met on Monday.", Tag: "p"}, body}, "", "", -1},
		{"lower-case city is no dateline", []dom.Block{{Text: "Meanwhile (AP) reported nothing.", Tag: "p"}, body}, "", "", -1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src, idx := Wire(tc.blocks, tc.self)
			if src != tc.wantSource || idx != tc.wantRemove {
				t.Errorf("Wire = %q, %d; want %q, %d", src, idx, tc.wantSource, tc.wantRemove)
			}
		})
	}
}
