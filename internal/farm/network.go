package farm

import (
	"time"
)

// outletDef describes one outlet of the network: its identity, its kind and
// the shape of its site (feed format, paths, robots rules).
type outletDef struct {
	Key      string
	Name     string
	Role     Role
	Lang     string
	Tagline  string
	Prefix   string // article path prefix; origins add a /yyyy/mm/dd/ date
	Dated    bool   // article paths carry the publication date
	Section  string // section copies are filed under
	Atom     bool   // Atom feed instead of RSS 2.0
	Index    bool   // sitemap.xml is a sitemap index
	Canon    bool   // copies carry rel=canonical pointing at the original
	Tracking bool   // related links carry a utm_source parameter
	Delay    bool   // robots.txt declares Crawl-delay
	// Attribution formats the credit line on copies: origin name, origin
	// URL and the original's publication date.
	Attribution func(name, url string, published time.Time) string
	Appeal      string // boilerplate file of the donation appeal
	Disclaimer  string // boilerplate file of the legal disclaimer
	Intro       string // header above every copy
}

// copyDef is one planned copy of a story on another outlet.
type copyDef struct {
	Story  string
	Outlet string
	Kind   CopyKind
	Lag    time.Duration // after the original, when Options.Seed is 0
	Title  string        // new headline for KindRetitled
}

var outletDefs = []outletDef{
	{
		Key: "ledger", Name: "Harbor City Ledger", Role: RoleOrigin, Lang: "en",
		Tagline: "Harbor City's newspaper since 1889", Prefix: "/news/", Dated: true,
	},
	{
		Key: "meridian", Name: "The Meridian Review", Role: RoleOrigin, Lang: "en",
		Tagline: "Investigations and science for the Saxon Valley", Prefix: "/reports/", Index: true,
	},
	{
		Key: "gazette", Name: "La Gazette de la Baie", Role: RoleOrigin, Lang: "fr",
		Tagline: "L'actualité de Port-Saint-Laurent", Prefix: "/articles/", Dated: true, Atom: true,
	},
	{
		Key: "coastwire", Name: "Coastal Wire Daily", Role: RoleRepublisher, Lang: "en",
		Tagline: "News from around the bay, every day", Prefix: "/stories/", Section: "local",
		Atom: true, Tracking: true,
		Attribution: func(name, url string, _ time.Time) string {
			return "The original source of this article is " + name + " (" + url + ")."
		},
		Appeal: "coastwire-appeal", Disclaimer: "coastwire-disclaimer",
		Intro: "Coastal Wire Daily shares reporting from trusted newsrooms around the bay.",
	},
	{
		Key: "exchange", Name: "Regional News Exchange", Role: RoleRepublisher, Lang: "en",
		Tagline: "Partner journalism from across Saxon County", Prefix: "/partner/", Section: "region",
		Canon: true,
		Attribution: func(name, _ string, published time.Time) string {
			return "This article first appeared in " + name + " on " + published.Format("January 2, 2006") +
				". Republished with permission."
		},
		Appeal: "exchange-appeal", Disclaimer: "exchange-disclaimer",
		Intro: "From our partner newsrooms",
	},
	{
		Key: "digest", Name: "Morning Brief Digest", Role: RoleTruncator, Lang: "en",
		Tagline: "Everything you need to know before coffee", Prefix: "/brief/", Section: "briefs",
		Delay: true,
	},
}

var copyDefs = []copyDef{
	{Story: "water-main-repairs", Outlet: "coastwire", Kind: KindWrapped, Lag: 6 * time.Hour},
	{Story: "water-main-repairs", Outlet: "exchange", Kind: KindWrapped, Lag: 26 * time.Hour},
	{Story: "ferry-terminal-fire", Outlet: "coastwire", Kind: KindWrapped, Lag: 2*time.Hour + 30*time.Minute},
	{Story: "ferry-terminal-fire", Outlet: "digest", Kind: KindTruncated, Lag: 9 * time.Hour},
	{Story: "old-mill-bridge-closure", Outlet: "exchange", Kind: KindWrapped, Lag: 20 * time.Hour},
	{Story: "microplastics-estuary", Outlet: "exchange", Kind: KindRetitled, Lag: 50 * time.Hour,
		Title: "Study: microplastics in the Saxon estuary have tripled since 2015"},
	{Story: "microplastics-estuary", Outlet: "digest", Kind: KindTruncated, Lag: 4 * time.Hour},
	{Story: "hospital-billing", Outlet: "coastwire", Kind: KindWrapped, Lag: 70 * time.Hour},
	{Story: "marche-du-port", Outlet: "coastwire", Kind: KindWrapped, Lag: 30 * time.Hour},
}
