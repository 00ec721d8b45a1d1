package dates

import (
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/syndex/syndex/extract/internal/dom"
)

func TestHeadlineDate(t *testing.T) {
	para := "<p>" + strings.Repeat("The council met on the river bank to discuss the new bridge and its cost to the town. ", 6) + "</p>"
	tests := []struct {
		name, html, title string
		want              string // "" for no date
	}{
		{"date under the headline", `<h1>Bridge vote</h1><div class="meta"><span>Anna Berg</span><span>20.12.2022</span></div>` + para, "Bridge vote", "2022-12-20"},
		{"the headline naming the title, not the logo's h1", `<h1>Town Post</h1><p>Mon 02.01.2023</p><main><h1>Bridge vote passes</h1><p>19 December 2022</p>` + para + `</main>`, "Bridge vote passes", "2022-12-19"},
		{"a date in a related-stories box is skipped", `<h1>Bridge vote</h1><ul class="related-posts"><li>Old story, 01.02.2020</li></ul><p>Posted March 3, 2021</p>` + para, "Bridge vote", "2021-03-03"},
		{"a date after the article text has begun is not the headline's", `<h1>Bridge vote</h1>` + para + para + `<p>Meeting of 12.05.2021</p>`, "Bridge vote", ""},
		{"a link to another page is skipped", `<h1>Bridge vote</h1><a href="/archive">Archive 05.05.2019</a>` + para, "Bridge vote", ""},
		{"a heading naming the title on a page without <h1>", `<div class="top"><h2>Bridge vote passes</h2><span>12.03.2021</span></div>` + para, "Bridge vote passes - Town Post", "2021-03-12"},
		{"no headline", `<p>20.12.2022</p>` + para, "Bridge vote", ""},
		{"an update line is passed over for the publication date", `<h1>Bridge vote</h1><div class="time-info"><span>Updated May 6, 2019</span></div><p>Published March 3, 2019</p>` + para, "Bridge vote", "2019-03-03"},
		{"an update line alone gives no date", `<h1>Bridge vote</h1><ul><li>Updated 20:49, 5 Aug 2024</li></ul>` + para, "Bridge vote", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			doc, err := html.Parse(strings.NewReader("<html><body>" + tc.html + "</body></html>"))
			if err != nil {
				t.Fatal(err)
			}
			r := HeadlineDate(doc, tc.title)
			got, ok := time.Time{}, len(r) == 1
			if ok {
				got = r[0]
			}
			if tc.want == "" {
				if len(r) > 0 {
					t.Errorf("headlineDate = %s, want none", got.Format(time.DateOnly))
				}
				return
			}
			if !ok || got.Format(time.DateOnly) != tc.want {
				t.Errorf("headlineDate = %s, %v; want %s", got.Format(time.DateOnly), ok, tc.want)
			}
		})
	}
}

func TestURLDate(t *testing.T) {
	tests := []struct {
		url, want string // want "" for no date
	}{
		{"https://a.example/2019/01/31/slug/", "2019-01-31"},
		{"https://a.example/news/2019-1-5-slug", "2019-01-05"},
		{"https://a.example/2019/02/31/slug/", ""},
		{"https://a.example/2019/43/slug", ""},
		{"https://web.archive.org/web/20160218174457/http://a.example/2010/05/slug/", ""},
		{"https://a.example/item?id=2019/01/31", ""},
	}
	for _, tc := range tests {
		d, ok := URLDate(tc.url)
		got := ""
		if ok {
			got = d.Format(time.DateOnly)
		}
		if got != tc.want {
			t.Errorf("urlDate(%q) = %q, want %q", tc.url, got, tc.want)
		}
	}
}

func TestVisibleDate(t *testing.T) {
	tests := []struct{ in, want string }{
		{"29.04.2020, 12:01 Uhr", "2020-04-29T12:01"},
		{"Stand: 7.1.22", "2022-01-07T00:00"},
		{"Veröffentlicht am 14. März 2021", "2021-03-14T00:00"},
		{"Monday, 6 January 2020", "2020-01-06T00:00"},
		{"Posted on January 17th, 2020", "2020-01-17T00:00"},
		{"2023-11-07 15:03:30", "2023-11-07T15:03"},
		{"Publicado el 5 de mayo de 2022", "2022-05-05T00:00"},
		{"le 12 juillet 2021", "2021-07-12T00:00"},
		{"3 maggio 2019", "2019-05-03T00:00"},
		{"Von Anna Berg, 07 Dezember, 2022", "2022-12-07T00:00"},
		{"Familie 17/02/2022", "2022-02-17T00:00"},
		{"posted 02/17/2022", "2022-02-17T00:00"},
		{"03/04/2022", ""},
		{"3 de mayo de 2022, 21:25", "2022-05-03T21:25"},
		{"January 17, 2020 at 9:25 p.m.", "2020-01-17T21:25"},
		{"January 17, 2020 12:05 am", "2020-01-17T00:05"},
		{"17/02/2022 18:40", "2022-02-17T18:40"},
		{"30 April 2019 13:10 GMT", "2019-04-30T00:00"},
		{"31.02.2020", ""},
		{"Version 1.2.3", ""},
		{"12 Monkeys 1995", ""},
	}
	for _, tc := range tests {
		d, ok := Visible(tc.in)
		got := ""
		if ok {
			got = d.Format("2006-01-02T15:04")
		}
		if got != tc.want {
			t.Errorf("visibleDate(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestLeadDateline(t *testing.T) {
	tests := []struct{ in, want string }{
		{"29.11.2022 – Mehrfach hatte die Branche gewarnt.", "2022-11-29"},
		{"WASHINGTON, May 3, 2022 — The Senate voted.", "2022-05-03"},
		{"Berlin, 3. Mai 2022 (dpa) - Die Regierung hat beschlossen.", "2022-05-03"},
		{"Berlin (dpa) - Die Regierung hat am 3. Mai 2022 beschlossen.", ""},
		{"The vote - held on 3 May 2022 - passed.", ""},
	}
	for _, tc := range tests {
		d, ok := leadDateline(tc.in)
		got := ""
		if ok {
			got = d.Format(time.DateOnly)
		}
		if got != tc.want {
			t.Errorf("leadDateline(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestVisibleDates(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"03/05/2022 21:44", []string{"2022-05-03T21:44", "2022-03-05T21:44"}},
		{"3/5/2022", []string{"2022-05-03T00:00", "2022-03-05T00:00"}},
		{"05/05/2022", []string{"2022-05-05T00:00"}},
		{"17/02/2022", []string{"2022-02-17T00:00"}},
		{"no date here", nil},
	}
	for _, tc := range tests {
		var got []string
		for _, d := range visibleDates(tc.in) {
			got = append(got, d.Format("2006-01-02T15:04"))
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("visibleDates(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestPrintedZone(t *testing.T) {
	at := func(s string) time.Time {
		v, err := time.Parse("2006-01-02T15:04:05Z07:00", s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	wall := func(s string) time.Time {
		v, err := time.Parse("2006-01-02T15:04", s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	tests := []struct {
		name, stamp, printed string
		want                 string // RFC 3339, "" for no zone found
	}{
		{"evening in the Americas, next day in UTC", "2022-05-04T00:44:52Z", "2022-05-03T21:44", "2022-05-03T21:44:52-03:00"},
		{"central Europe in summer", "2019-10-19T21:38:00Z", "2019-10-19T23:38", "2019-10-19T23:38:00+02:00"},
		{"half-hour zone", "2024-01-10T12:00:00Z", "2024-01-10T17:30", "2024-01-10T17:30:00+05:30"},
		{"printed clock equals the stamp: no zone to learn", "2022-05-04T10:00:00Z", "2022-05-04T10:00", ""},
		{"minutes differ: another time", "2022-05-04T10:07:00Z", "2022-05-04T12:30", ""},
		{"date-only stamp", "2024-04-22T00:00:00Z", "2024-04-22T06:00", ""},
		{"no printed clock", "2022-05-04T00:44:52Z", "2022-05-03T00:00", ""},
		{"morning hour that may be a 12-hour clock's evening", "2024-11-26T13:27:18Z", "2024-11-26T09:27", ""},
		{"exactly 12 hours apart", "2019-07-25T11:15:00Z", "2019-07-25T23:15", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := printedZone(at(tc.stamp), wall(tc.printed))
			if tc.want == "" {
				if ok {
					t.Errorf("printedZone = %s, want none", got.Format(time.RFC3339))
				}
				return
			}
			if !ok || got.Format(time.RFC3339) != tc.want {
				t.Errorf("printedZone = %s, %v; want %s", got.Format(time.RFC3339), ok, tc.want)
			}
		})
	}
}

func TestShortText(t *testing.T) {
	tests := []struct {
		html string
		want string
		ok   bool
	}{
		{`<div class="d">Published:
                <span>12 May 2024</span>   </div>`, "Published: 12 May 2024", true},
		{`<div><p>one</p><p>two</p><script>var x = 1;</script></div>`, "one two", true},
		{`<div>` + strings.Repeat("long text ", 20) + `</div>`, "", false},
		{`<div>` + strings.Repeat("<span></span>", 1000) + `x</div>`, "", false},
	}
	for _, tc := range tests {
		doc, err := html.Parse(strings.NewReader("<html><body>" + tc.html + "</body></html>"))
		if err != nil {
			t.Fatal(err)
		}
		div := doc.FirstChild.LastChild.FirstChild
		got, ok := shortText(div, 80)
		if ok != tc.ok || got != tc.want {
			t.Errorf("shortText(%.40q) = %q, %v; want %q, %v", tc.html, got, ok, tc.want, tc.ok)
		}
		if ok && got != dom.NodeText(div) {
			t.Errorf("shortText %q differs from nodeText %q", got, dom.NodeText(div))
		}
	}
}

// TestDatelineOutsideOtherItems checks that only containers of other
// items (comments, related stories) hide a dateline, not a <body> class
// stating a page setting (WordPress's "comments-open").
func TestDatelineOutsideOtherItems(t *testing.T) {
	tests := []struct {
		name, html string
		want       bool
	}{
		{"plain page", `<body><div class="entry-date">16.08.2019</div></body>`, true},
		{"body class naming comments", `<body class="post comments-open"><div class="entry-date">16.08.2019</div></body>`, true},
		{"inside the comment thread", `<body><div class="comments"><div class="entry-date">16.08.2019</div></div></body>`, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			doc, err := html.Parse(strings.NewReader("<html>" + tc.html + "</html>"))
			if err != nil {
				t.Fatal(err)
			}
			found := false
			dom.WalkElements(doc, func(n *html.Node) bool {
				if dom.Attr(n, "class") == "entry-date" {
					_, found = Dateline(n)
					if dom.InComments(n) == found {
						t.Errorf("inComments = %v, dateline found = %v", dom.InComments(n), found)
					}
				}
				return true
			})
			if found != tc.want {
				t.Errorf("dateline found = %v, want %v", found, tc.want)
			}
		})
	}
}
