package extract

import (
	"strings"
)

// furnitureLeaves are the last path segments of the pages every site
// carries besides its stories: who we are, how to reach us, give us money,
// what we do with your data. They are the same on every crawl and, on a
// network run from one template, the same on every site, so as articles
// they would show up as copies of themselves. The names are those sites
// use in the languages syndex analyses; a news story's slug is several
// words, so an exact match on the whole segment does not catch one.
var furnitureLeaves = func() map[string]bool {
	m := map[string]bool{}
	for _, s := range strings.Fields(`
		about about-us aboutus about-the-site who-we-are our-team team staff masthead mission our-mission our-story
		contact contact-us contactus contacts get-in-touch
		donate donation donations donate-now give support support-us supportus membership become-a-member join
		subscribe subscription subscriptions newsletter newsletters
		privacy privacy-policy privacypolicy privacy-notice privacy-statement cookie-policy cookies cookie-notice cookie-settings
		terms terms-of-use terms-of-service terms-and-conditions terms-conditions tos legal legal-notice disclaimer imprint
		accessibility advertise advertising advertise-with-us careers jobs faq faqs help
		corrections ethics ethics-policy editorial-policy editorial-standards code-of-ethics copyright licensing permissions
		republish republishing republishing-guidelines syndication tips send-a-tip write-for-us
		comment-policy community-guidelines funding funders supporters transparency ownership
		login signin sign-in register signup sign-up
		impressum kontakt datenschutz datenschutzerklaerung datenschutzerklarung ueber-uns uber-uns agb
		nutzungsbedingungen spenden mediadaten barrierefreiheit
		a-propos qui-sommes-nous contactez-nous mentions-legales politique-de-confidentialite confidentialite cgu
		conditions-generales faire-un-don soutenir soutenez-nous abonnement
		contacto contactanos quienes-somos sobre-nosotros aviso-legal politica-de-privacidad privacidad terminos
		terminos-y-condiciones donar donaciones suscribete
		chi-siamo contatti contattaci note-legali dona sostienici abbonati
		sobre-nos contato fale-conosco politica-de-privacidade termos-de-uso apoie assine expediente
		over-ons privacybeleid colofon doneer steun-ons adverteren
		kontakty o-nas o-proekte polityka-prywatnosci regulamin wesprzyj
		iletisim hakkimizda kunye gizlilik gizlilik-politikasi kvkk
		om-oss om-os integritetspolicy personvern privatlivspolitik`) {
		m[s] = true
	}
	return m
}()

// furniturePath reports whether a URL path is one of a site's furniture
// pages (see furnitureLeaves): its last segment, without an extension such
// as .html or .php, is one of those names. A dated path (/2024/05/01/…) is
// a story whatever its slug.
func furniturePath(path string) bool {
	if datedPathRE.MatchString(path) {
		return false
	}
	p := strings.TrimRight(path, "/")
	leaf := strings.ToLower(p[strings.LastIndex(p, "/")+1:])
	if i := strings.LastIndexByte(leaf, '.'); i > 0 && len(leaf)-i <= 6 {
		leaf = leaf[:i]
	}
	leaf = strings.ReplaceAll(leaf, "_", "-")
	return furnitureLeaves[leaf]
}
