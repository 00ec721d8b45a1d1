package extract

import (
	"fmt"
	"strings"

	"github.com/syndex/syndex/extract/meta"
	"github.com/syndex/syndex/extract/title"
)

// TitleSource names the markup a site's headline is read from when the
// generic choice between the candidates (title.Choose) is known to pick the
// wrong one for that site.
type TitleSource string

// Title sources a SiteProfile can name.
const (
	// TitleAuto leaves the choice to the generic rules.
	TitleAuto TitleSource = ""
	// TitleSocial is the social-card title (og:title, twitter:title).
	TitleSocial TitleSource = "og:title"
	// TitleJSONLD is the JSON-LD headline.
	TitleJSONLD TitleSource = "json-ld"
)

// SiteProfile is what the user tells the extractor about one site's markup
// beyond the generic rules (config extract.site_profiles); syndex ships no
// built-in profiles.
type SiteProfile struct {
	// Title is where the site's headline is read from; a page without
	// that source falls back to the generic choice.
	Title TitleSource
}

// ParseTitleSource reads a title source as written in a config file:
// "og:title", "json-ld", or "auto" (or "") for the generic rules.
func ParseTitleSource(s string) (TitleSource, error) {
	switch TitleSource(s) {
	case TitleSocial, TitleJSONLD:
		return TitleSource(s), nil
	case TitleAuto, "auto":
		return TitleAuto, nil
	}
	return TitleAuto, fmt.Errorf("unknown title source %q (want og:title, json-ld or auto)", s)
}

// profileFor returns the profile of site or of the nearest parent domain
// that has one ("fr.example.com" falls back to "example.com").
func profileFor(profiles map[string]SiteProfile, site string) (SiteProfile, bool) {
	for site != "" {
		if p, ok := profiles[site]; ok {
			return p, true
		}
		i := strings.IndexByte(site, '.')
		if i < 0 || !strings.Contains(site[i+1:], ".") {
			break
		}
		site = site[i+1:]
	}
	return SiteProfile{}, false
}

// profileTitle reads the headline from the source a profile names, the
// site's name cut from its end; "" when the page lacks that source.
func profileTitle(m meta.Page, src TitleSource, siteName string) string {
	switch src {
	case TitleSocial:
		return title.CutSiteSuffix(title.Clean(m.OGTitle), siteName)
	case TitleJSONLD:
		if m.TitleFromLD {
			return title.CutSiteSuffix(title.Clean(m.Title), siteName)
		}
	}
	return ""
}
