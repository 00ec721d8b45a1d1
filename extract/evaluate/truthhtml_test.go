package evaluate

import (
	"testing"
)

func TestSameTitle(t *testing.T) {
	cases := []struct {
		a, b string
		want bool
	}{
		{"Trump plant Helikopter\u00adlandeplatz", "Trump plant Helikopterlandeplatz", true},
		{"“Quoted” – headline", "\"quoted\" - Headline", true},
		{"Kosovo?s future", "Kosovo’s future", true},
		{"Headline", "Headline - Site", false},
	}
	for _, tc := range cases {
		if got := SameTitle(tc.a, tc.b); got != tc.want {
			t.Errorf("SameTitle(%q, %q) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
}

func TestHeadlineBlocks(t *testing.T) {
	cases := []struct {
		name, page string
		want       []string
	}{
		{
			name: "headline and deck in two blocks",
			page: `<div><h1><span class="x-nc-sel2"><span class="x-nc-sel1">Pepsi to push the store</span></span></h1>` +
				`<span class="x-nc-sel1"><h2><span class="x-nc-sel1">Singer lines up behind it</span></h2></span>` +
				`<p><span class="x-nc-sel2">Body text.</span></p></div>`,
			want: []string{"Pepsi to push the store", "Singer lines up behind it"},
		},
		{
			name: "unlabelled page",
			page: `<p><span class="x-nc-sel2">Body text.</span></p>`,
			want: nil,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := headlineBlocks([]byte(tc.page))
			if len(got) != len(tc.want) {
				t.Fatalf("headlineBlocks = %q, want %q", got, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Errorf("block %d = %q, want %q", i, got[i], tc.want[i])
				}
			}
		})
	}
}
