package extract

import (
	"context"
	"os"
	"testing"

	"github.com/syndex/syndex/extract/meta"
)

func TestProfileFor(t *testing.T) {
	profiles := map[string]SiteProfile{
		"example.com":      {Title: TitleSocial},
		"news.example.org": {Title: TitleJSONLD},
	}
	cases := []struct {
		site string
		want TitleSource
		ok   bool
	}{
		{"example.com", TitleSocial, true},
		{"fr.example.com", TitleSocial, true},
		{"a.b.example.com", TitleSocial, true},
		{"news.example.org", TitleJSONLD, true},
		{"example.org", TitleAuto, false},
		{"sport.example.org", TitleAuto, false},
		{"com", TitleAuto, false},
		{"", TitleAuto, false},
	}
	for _, tc := range cases {
		t.Run(tc.site, func(t *testing.T) {
			p, ok := profileFor(profiles, tc.site)
			if ok != tc.ok || p.Title != tc.want {
				t.Errorf("profileFor(%q) = %q, %v; want %q, %v", tc.site, p.Title, ok, tc.want, tc.ok)
			}
		})
	}
}

func TestProfileTitle(t *testing.T) {
	m := meta.Page{Title: "Ferry returns after repairs", TitleFromLD: true, OGTitle: "The ferry is back - Gullport Gazette"}
	noLD := meta.Page{Title: "The ferry is back", OGTitle: "The ferry is back"}
	cases := []struct {
		name string
		m    meta.Page
		src  TitleSource
		want string
	}{
		{"social title without the site name", m, TitleSocial, "The ferry is back"},
		{"JSON-LD headline", m, TitleJSONLD, "Ferry returns after repairs"},
		{"no JSON-LD headline on the page", noLD, TitleJSONLD, ""},
		{"no social title on the page", meta.Page{Title: "X y z", TitleFromLD: true}, TitleSocial, ""},
		{"auto names no source", m, TitleAuto, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := profileTitle(tc.m, tc.src, "Gullport Gazette"); got != tc.want {
				t.Errorf("profileTitle = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestSiteProfilesOption(t *testing.T) {
	page, err := os.ReadFile("testdata/two_headlines.html")
	if err != nil {
		t.Fatal(err)
	}
	const url = "https://www.gullport-gazette.test/2025/03/ferry"
	cases := []struct {
		name     string
		profiles map[string]SiteProfile
		want     string
	}{
		{"nil: no profiles", nil, "Harbour ferry returns after a winter of repairs"},
		{"empty table", map[string]SiteProfile{}, "Harbour ferry returns after a winter of repairs"},
		{"profile reads the social title", map[string]SiteProfile{"gullport-gazette.test": {Title: TitleSocial}}, "The ferry is back"},
		{"profile reads the JSON-LD headline", map[string]SiteProfile{"gullport-gazette.test": {Title: TitleJSONLD}}, "Harbour ferry returns after a winter of repairs"},
		{"auto profile keeps the generic choice", map[string]SiteProfile{"gullport-gazette.test": {Title: TitleAuto}}, "Harbour ferry returns after a winter of repairs"},
		{"another site's profile", map[string]SiteProfile{"other.test": {Title: TitleSocial}}, "Harbour ferry returns after a winter of repairs"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res, err := New(Options{SiteProfiles: tc.profiles}).Extract(context.Background(), Input{URL: url, HTML: page})
			if err != nil {
				t.Fatal(err)
			}
			if res.Article.Title != tc.want {
				t.Errorf("title = %q, want %q", res.Article.Title, tc.want)
			}
		})
	}
}

func TestParseTitleSource(t *testing.T) {
	cases := []struct {
		in      string
		want    TitleSource
		wantErr bool
	}{
		{"og:title", TitleSocial, false},
		{"json-ld", TitleJSONLD, false},
		{"auto", TitleAuto, false},
		{"", TitleAuto, false},
		{"OG:TITLE", TitleAuto, true},
		{"headline", TitleAuto, true},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseTitleSource(tc.in)
			if (err != nil) != tc.wantErr || got != tc.want {
				t.Errorf("ParseTitleSource(%q) = %q, %v; want %q, error %v", tc.in, got, err, tc.want, tc.wantErr)
			}
		})
	}
}
