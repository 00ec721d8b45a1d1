package title

import (
	"testing"

	trafilatura "github.com/markusmobius/go-trafilatura"

	"github.com/syndex/syndex/extract/meta"
)

// TestChooseTitleHeadingRules covers the rules that read the visible
// headings against a decorated or damaged title.
func TestChooseTitleHeadingRules(t *testing.T) {
	cases := []struct {
		name string
		m    meta.Page
		host string
		want string
	}{
		{
			name: "a heading reading the title's first segment drops tagline and site",
			m:    meta.Page{OGTitle: "Winter pike on the lake - pikeworld.ch - Your fishing magazine", Headings: []string{"Winter pike on the lake", "Rigs"}},
			host: "pikeworld.ch",
			want: "Winter pike on the lake",
		},
		{
			name: "a heading reading the first segments after a date kicker drops an unknown site",
			m:    meta.Page{OGTitle: "Minister Raab: new rules for family support - Federal Chancellery", Headings: []string{"1 February 2022 Minister Raab: new rules for family support", "Goals"}},
			host: "chancellery.example",
			want: "Minister Raab: new rules for family support",
		},
		{
			name: "a title naming only the site gives way to the <title>'s headline",
			m:    meta.Page{OGTitle: "International Rowing Union - IRU", SiteName: "International Rowing Union - IRU", DocTitle: "Paris 2024 - a big chance for rowing in Asia", Headings: []string{"Paris 2024 - a big chance for rowing in Asia", "Subscribe"}},
			host: "rowing.example",
			want: "Paris 2024 - a big chance for rowing in Asia",
		},
		{
			name: "a heading that reads the site segment does not become the title",
			m:    meta.Page{OGTitle: "Hard fronts after the lecture riot - RIVER TV ONE", SiteName: "RIVER TV ONE", Headings: []string{"RIVER TV ONE", "Hard fronts after the lecture riot"}},
			host: "river.example",
			want: "Hard fronts after the lecture riot",
		},
		{
			name: "a one-word og:title the <title> does not carry is a section label",
			m:    meta.Page{OGTitle: "Pressemitteilungen", DocTitle: "BDV: Artist designs the front page for every paper", SiteName: "BDV", Headings: []string{"The BDV magazine", "Goals"}},
			host: "bdv.example",
			want: "Artist designs the front page for every paper",
		},
		{
			name: "a two-word og:title the <title> carries stays",
			m:    meta.Page{OGTitle: "Brexit chaos", DocTitle: "Brexit chaos | Daily Example"},
			host: "daily.example",
			want: "Brexit chaos",
		},
		{
			name: "a heading reading the title's last segments drops a section prefix",
			m:    meta.Page{OGTitle: "Local news and reports from the district - Church treasures sold", Headings: []string{"Church treasures sold"}},
			want: "Church treasures sold",
		},
		{
			name: "a one-word heading does not cut a title whose rest names no site",
			m:    meta.Page{OGTitle: "Brexit - what happens next in parliament", Headings: []string{"Brexit"}},
			host: "news.example",
			want: "Brexit - what happens next in parliament",
		},
		{
			name: "a kicker stays when a heading shows the whole title",
			m:    meta.Page{OGTitle: "Patrick Brown: the hearing shows the union's unwillingness", Headings: []string{"Social media", "Patrick Brown: the hearing shows the union's unwillingness", "0 comments on “Patrick Brown: the hearing shows the union's unwillingness”"}},
			want: "Patrick Brown: the hearing shows the union's unwillingness",
		},
		{
			name: "a kicker stays when the heading shows the whole title after another kicker",
			m:    meta.Page{OGTitle: "Brown: the country stands with the food programme", Headings: []string{"Food security Brown: the country stands with the food programme"}},
			want: "Brown: the country stands with the food programme",
		},
		{
			name: "a site name that holds separators is cut whole",
			m:    meta.Page{OGTitle: "Shops close ever faster - Watch - News e.V. - Current events", SiteName: "Watch - News e.V. - Current events"},
			want: "Shops close ever faster",
		},
		{
			name: "an og:title cut short by a quote in its attribute gives way to the heading",
			m:    meta.Page{OGTitle: "Senator calls the president ", DocTitle: "Senator calls the president \"unfit\"", Headings: []string{"Senator calls the president \"unfit\""}},
			want: "Senator calls the president \"unfit\"",
		},
		{
			name: "an og:title merely shorter than the heading stays",
			m:    meta.Page{OGTitle: "Senator calls the president", DocTitle: "Senator calls the president unfit for office", Headings: []string{"Senator calls the president unfit for office"}},
			want: "Senator calls the president",
		},
		{
			name: "a <title> crediting another paper with (from ...) drops the credit",
			m:    meta.Page{DocTitle: "City could be 15m Olympic loser (from Valley Evening Argus)"},
			host: "thisisvalley.example",
			want: "City could be 15m Olympic loser",
		},
		{
			name: "a JSON-LD headline ending in an ellipsis gives way to the full heading",
			m:    meta.Page{Title: "Tsai's playbook should be essential reading for Hong Kong leader...", TitleFromLD: true, DocTitle: "Tsai's playbook should be essential reading for Hong Kong leader Carrie Lam | Post", Headings: []string{"Tsai's playbook should be essential reading for Hong Kong leader Carrie Lam"}},
			want: "Tsai's playbook should be essential reading for Hong Kong leader Carrie Lam",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := Choose(tc.m, trafilatura.Metadata{}, tc.host); got != tc.want {
				t.Errorf("Choose = %q, want %q", got, tc.want)
			}
		})
	}
}
