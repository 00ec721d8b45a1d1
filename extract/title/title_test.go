package title

import (
	"strings"
	"testing"

	trafilatura "github.com/markusmobius/go-trafilatura"

	"github.com/syndex/syndex/extract/meta"
)

func TestChooseTitle(t *testing.T) {
	cases := []struct {
		name string
		m    meta.Page
		tr   string // go-trafilatura's title
		host string
		want string
	}{
		{
			name: "JSON-LD headline beats a differing og:title",
			m:    meta.Page{Title: "Long SEO headline about the council vote", TitleFromLD: true, OGTitle: "Council votes", Headings: []string{"Long SEO headline about the council vote"}},
			want: "Long SEO headline about the council vote",
		},
		{
			name: "og:title shown after a kicker in the visible heading",
			m:    meta.Page{Title: "Olympics: German guard impresses, France falters badly", TitleFromLD: true, OGTitle: "German guard impresses, France falters", Headings: []string{"Dream team grows stronger German guard impresses, France falters"}},
			want: "German guard impresses, France falters",
		},
		{
			name: "og:title shown as a heading beats a JSON-LD headline only the <title> carries",
			m:    meta.Page{Title: "Council vote: what it means for rents in 2024", TitleFromLD: true, OGTitle: "Council votes to freeze rents", DocTitle: "Council vote: what it means for rents in 2024 | Town Post", Headings: []string{"Council votes to freeze rents", "More stories"}},
			want: "Council votes to freeze rents",
		},
		{
			name: "a JSON-LD headline shown nowhere stays against an og:title shown as a heading",
			m:    meta.Page{Title: "Factory fire in the east end - heavy smoke", TitleFromLD: true, OGTitle: "Factory fire: warning of toxic fumes", DocTitle: "Factory fire: warning of toxic fumes", Headings: []string{"Factory fire: warning of toxic fumes", "More stories"}},
			want: "Factory fire in the east end - heavy smoke",
		},
		{
			name: "a microdata headline the og:title begins with drops the og:title's furniture",
			m:    meta.Page{OGTitle: "Mayor opens the new bridge-Local\u3163Daily Post", MicroHeadline: "Mayor opens the new bridge", SiteName: "Daily Post"},
			want: "Mayor opens the new bridge",
		},
		{
			name: "a microdata headline equal to the og:title changes nothing",
			m:    meta.Page{OGTitle: "Mayor opens the new bridge", MicroHeadline: "Mayor opens the new bridge"},
			want: "Mayor opens the new bridge",
		},
		{
			name: "a one-word microdata headline is no headline",
			m:    meta.Page{OGTitle: "Sport: Mayor opens the new bridge", MicroHeadline: "Sport"},
			want: "Sport: Mayor opens the new bridge",
		},
		{
			name: "kicker of the og:title differs from the visible heading's",
			m:    meta.Page{OGTitle: "Attack on the port: «Restraint has much to do with allies»", Headings: []string{"Menu", "Escalation in the region - «Restraint has much to do with allies»"}},
			want: "«Restraint has much to do with allies»",
		},
		{
			name: "a dash is not a kicker separator",
			m:    meta.Page{OGTitle: "I sell holidays - booking the right day saves thousands", Headings: []string{"I sell theme park holidays - booking the right day saves thousands"}},
			want: "I sell holidays - booking the right day saves thousands",
		},
		{
			name: "og:title with the site name cut",
			m:    meta.Page{OGTitle: "Storm closes the harbour - Daily Example", SiteName: "Daily Example"},
			want: "Storm closes the harbour",
		},
		{
			name: "document title segment equal to a heading",
			m:    meta.Page{DocTitle: "Example Post | Storm closes the harbour | News", Headings: []string{"Latest News", "Storm closes the harbour"}},
			host: "examplepost.com",
			want: "Storm closes the harbour",
		},
		{
			name: "longest heading the title contains wins over a section heading",
			m:    meta.Page{DocTitle: "Metro: World Views : Another murder, another dashed hope", Headings: []string{"Metro: World Views", "Another murder, another dashed hope"}},
			want: "Another murder, another dashed hope",
		},
		{
			name: "title naming only the site yields to the first heading",
			m:    meta.Page{DocTitle: "Cape Herald", Headings: []string{"News", "Mayor opens the new bridge", "Most read"}},
			host: "capeherald.co.za",
			want: "Mayor opens the new bridge",
		},
		{
			name: "site and section segments are dropped",
			m:    meta.Page{DocTitle: "capeherald.com - Sport - Mayor opens the new bridge"},
			host: "capeherald.com",
			want: "Mayor opens the new bridge",
		},
		{
			name: "title that swallowed markup is cut at the markup",
			m:    meta.Page{DocTitle: "Mayor opens the new bridge</titl <script>var x = 1</script>"},
			want: "Mayor opens the new bridge",
		},
		{
			name: "a full-headline title is kept even when a heading is page furniture",
			m:    meta.Page{DocTitle: "Radio band denies asking for money", Headings: []string{"Have your say on this story"}},
			host: "example.com",
			want: "Radio band denies asking for money",
		},
		{
			name: "title made of site and section segments yields to the first heading",
			m:    meta.Page{DocTitle: "Sportal > Golf > News", Headings: []string{"News", "Bookmark this page:", "Gamez the man to catch"}},
			host: "sportal.com.au",
			want: "Gamez the man to catch",
		},
		{
			name: "no title and no go-trafilatura title: the first heading",
			m:    meta.Page{Headings: []string{"Bookmark with:", "Gulf states urge peace with Iran"}},
			want: "Gulf states urge peace with Iran",
		},
		{
			name: "trailing (from Site) is cut",
			m:    meta.Page{DocTitle: "Aidy Recalls Big Guns (from Harrow Times)"},
			host: "harrowtimes.co.uk",
			want: "Aidy Recalls Big Guns",
		},
		{
			name: "bare-hyphen section chain ending in the site is cut",
			m:    meta.Page{DocTitle: "Lukla airport to be renamed for Hillary- Travel-Services-News By Industry-News-The Economic Times"},
			host: "economictimes.indiatimes.com",
			want: "Lukla airport to be renamed for Hillary",
		},
		{
			name: "hyphenated words in a spaced-separator title stay",
			m:    meta.Page{DocTitle: "Carle sparks A-League interest - National - Sport - Blacktown Sun"},
			host: "blacktownsun.com.au",
			want: "Carle sparks A-League interest",
		},
		{
			name: "leading Site: is cut",
			m:    meta.Page{DocTitle: "KalingaTimes.com: Move over Orkut, here comes BigAdda"},
			host: "kalingatimes.com",
			want: "Move over Orkut, here comes BigAdda",
		},
		{
			name: "a wire headline's source after a colon stays",
			m:    meta.Page{DocTitle: "AFP: Health of the president improving: doctors", Headings: []string{"Health of the president improving: doctors"}},
			host: "afp.google.com",
			want: "Health of the president improving: doctors",
		},
		{
			name: "a kicker before a colon stays when the part before names no site",
			m:    meta.Page{DocTitle: "Goal.com - Chelsea - Cole: Winning the cup would give momentum"},
			host: "goal.com",
			want: "Cole: Winning the cup would give momentum",
		},
		{
			name: "soft hyphens neither show nor split words",
			m:    meta.Page{Title: "Trump plans a heli\u00adpad at the White House", TitleFromLD: true},
			want: "Trump plans a helipad at the White House",
		},
		{
			name: "an enormous title is capped",
			m:    meta.Page{DocTitle: strings.Repeat("word ", 5000)},
			want: strings.TrimSpace(strings.Repeat("word ", 5000)[:maxTitleBytes]),
		},
		{
			name: "no title at all falls back to go-trafilatura",
			m:    meta.Page{Headings: []string{"Get involved...", "Home News"}},
			tr:   "Mayor opens the new bridge",
			want: "Mayor opens the new bridge",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := Choose(tc.m, trafilatura.Metadata{Title: tc.tr}, tc.host)
			if got != tc.want {
				t.Errorf("Choose = %q, want %q", got, tc.want)
			}
		})
	}
}
