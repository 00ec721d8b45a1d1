package farm

import (
	"sort"
	"strings"
)

// furniturePage is one of an outlet's pages besides its stories (with
// Options.Furniture): long enough to read as an article, the same on every
// crawl, and, where outlets share a publishing template, the same text on
// every site but for the outlet's name.
type furniturePage struct {
	Path  string
	Title string
	Paras []string
}

// The texts of the furniture pages; NAME is replaced by the outlet's name,
// HOST by its key.
var (
	aboutText = []string{
		"NAME is an independent newsroom. TAGLINE. Our reporters and editors cover the people, institutions and events that shape the communities we serve, and we publish every story free to read.",
		"We are funded by readers, advertisers and foundations that have no say over what we cover. Our editorial decisions are made by our editors alone, following the standards described in our newsroom policies.",
		"We welcome corrections, tips and criticism. If you believe we got something wrong, write to the editors and we will look into it promptly and publish a correction where one is due.",
	}
	contactText = []string{
		"To reach the newsroom of NAME, write to newsroom@HOST.example or call the front desk during office hours, Monday to Friday from nine in the morning until six in the evening.",
		"Story tips can be sent in confidence to tips@HOST.example. We read every message, although we cannot reply to all of them. Please do not send documents you are not allowed to share.",
		"For questions about subscriptions, advertising or events, write to office@HOST.example. Our postal address is printed in the imprint of every edition and on the last page of our annual report.",
	}
	donateText = []string{
		"NAME depends on readers like you. Independent journalism costs money: reporters, editors, photographers and the servers that bring their work to you every day of the year.",
		"A monthly gift of any size keeps our reporting free for everyone, including readers who cannot afford to pay. Gifts are processed securely by our payment partner and you can cancel at any time.",
		"Donors receive our weekly newsletter from the editors and an invitation to our annual readers' meeting. Thank you for supporting local news and the people who make it.",
	}
	privacyText = []string{
		"This privacy policy explains how NAME collects, uses and protects the personal data of the readers of this website, and which rights those readers have under the applicable data protection law.",
		"We collect the data you give us when you subscribe to a newsletter, create an account or make a donation, and data about your visits collected by cookies and similar technologies, as described in our cookie notice.",
		"We use this data to provide our services, to measure readership and to keep our website secure. We do not sell personal data. Service providers that process data on our behalf are bound by contract to our instructions.",
		"You may ask for a copy of your data, for its correction or deletion, or object to its processing at any time by writing to our data protection officer. You may also lodge a complaint with the supervisory authority.",
	}
	// readersText is the network's own template page, under a slug no
	// furniture vocabulary lists: only its sameness across the outlets
	// tells it from a story.
	readersText = []string{
		"NAME makes four promises to the people who read it, and this page explains how we keep each of them in our daily work.",
		"We tell you who we are and who pays for our work. We separate what we saw from what we think, and we label analysis and opinion clearly so that nobody has to guess which is which.",
		"We listen. Every message from a reader goes to an editor on duty, who answers within two working days, and the questions readers send most often shape the explainers we publish.",
		"We show our work. Where a story rests on documents, we link them; where it rests on people who cannot be named, we say why, and how we checked what they told us.",
	}
	policiesText = []string{
		"These newsroom policies of NAME set out how we report: we verify what we publish, we name our sources unless doing so would put them at risk, and we correct our mistakes openly and promptly.",
		"Our reporters do not accept gifts, travel or payment from the people and organisations they cover. Opinion pieces are labelled as such and kept apart from news reporting in print and online.",
		"Partner content and republished stories from other newsrooms carry the name of the original publisher and a link to the original story, and are edited only for length and house style.",
	}
)

// furnitureFor returns the furniture pages of an outlet: about, contact,
// donate and privacy pages, a page of promises to readers under an
// unusual slug, and for the first origin its newsroom
// policies under two addresses (the same page linked from two menus).
func furnitureFor(o *outlet) []furniturePage {
	fill := func(paras []string) []string {
		out := make([]string, len(paras))
		r := strings.NewReplacer("NAME", o.def.Name, "HOST", o.def.Key, "TAGLINE", o.def.Tagline)
		for i, p := range paras {
			out[i] = r.Replace(p)
		}
		return out
	}
	pages := []furniturePage{
		{"/about", "About " + o.def.Name, fill(aboutText)},
		{"/contact-us", "Contact " + o.def.Name, fill(contactText)},
		{"/support-us", "Support " + o.def.Name, fill(donateText)},
		{"/privacy-policy", "Privacy policy", fill(privacyText)},
		{"/our-promise-to-readers", "Our promise to readers", fill(readersText)},
	}
	if o.def.Key == outletDefs[0].Key {
		pol := fill(policiesText)
		pages = append(pages, furniturePage{"/newsroom-policies", "Our newsroom policies", pol},
			furniturePage{"/standards/newsroom-policies", "Our newsroom policies", pol})
	}
	return pages
}

// Furniture returns the URLs of every outlet's furniture pages (empty
// unless Options.Furniture), sorted.
func (f *Farm) Furniture() []string {
	f.cmu.RLock()
	defer f.cmu.RUnlock()
	var out []string
	for _, o := range f.outlets {
		for _, p := range o.furniture {
			out = append(out, o.base+p.Path)
		}
	}
	sort.Strings(out)
	return out
}
