package extract

import (
	"strings"
	"unicode"

	"github.com/syndex/syndex/extract/internal/dom"
	"github.com/syndex/syndex/extract/internal/scan"
)

// promoLabels open the short in-article lines that point elsewhere rather
// than tell the story: "Read more: …", "Lesen Sie auch", "À lire aussi",
// "Lee también", a newsletter or follow-us prompt. They are matched,
// lower-cased, at the start of a paragraph and must end on a word
// boundary.
var promoLabels = []string{
	// English
	"read more", "read also", "also read", "read next", "read the full story",
	"see more", "see also:", "related:", "related video", "related videos", "related articles", "related stories",
	"related content", "related coverage", "related reading", "related news",
	"related posts", "more:", "more on this", "more from", "don't miss",
	"don’t miss", "do not miss", "you may also like", "you might also like",
	"you may also be interested", "you might be interested", "recommended for you",
	"recommended reading", "continue reading below", "story continues below",
	"article continues below", "share this:", "share this article", "share this story",
	"download our app", "download the app", "get the app", "get our app", "follow us on", "follow us at", "like us on", "join us on",
	// German
	"lesen sie auch", "lesen sie mehr", "lesen sie hier", "lies auch", "lies mehr",
	"auch lesen", "mehr zum thema", "mehr dazu", "mehr lesen", "mehr themen",
	"weitere themen", "weitere artikel", "weiterlesen", "zum weiterlesen",
	"auch interessant", "ebenfalls interessant", "das könnte sie auch",
	"das könnte dich auch", "das thema könnte", "schon gelesen", "empfohlene beiträge",
	"newsletter abonnieren", "abonnieren sie", "abonniere unseren", "zum newsletter",
	"jetzt newsletter", "folgen sie uns", "folge uns", "lust auf mehr", "teilen mit:",
	"ähnliche artikel", "ähnliche beiträge", "verwandte artikel", "passend zum thema",
	// French
	"lire aussi", "à lire aussi", "a lire aussi", "lire également", "à lire également",
	"voir aussi", "à voir aussi", "sur le même sujet", "suivez-nous", "suivez nous",
	"abonnez-vous", "inscrivez-vous", "articles similaires",
	// Spanish
	"lee también", "lea también", "lee más", "lea más", "leer más", "te puede interesar",
	"le puede interesar", "también te puede interesar", "también le puede interesar",
	"puede interesarte", "artículos relacionados",
	"te podría interesar", "vea también", "ver también", "mira también",
	"contenido relacionado", "noticias relacionadas", "síguenos", "siguenos", "suscríbete",
	// Italian, Portuguese, Dutch, Polish
	"leggi anche", "leia também", "leia mais", "veja também", "lees ook", "lees meer",
	"czytaj też", "czytaj także", "zobacz też", "zobacz także",
}

// callLabels open a call to act (sign up, subscribe, click): a promo line
// in a paragraph, but a step of the how-to in a list item ("Sign up for
// an account", "Click here to download the form").
var callLabels = []string{
	"click here to", "sign up for", "sign up to", "sign up now", "subscribe to",
	"subscribe now", "subscribe for",
}

// newsletterCalls mark a paragraph that is, as a whole, a call to join
// the publication's newsletter wherever it appears in the line.
var newsletterCalls = []string{
	"our newsletter", "our free newsletter", "unseren newsletter", "unserem newsletter",
	"notre newsletter", "nuestro newsletter", "nuestro boletín",
}

// socialNetworks are named by "Follow X on …" lines.
var socialNetworks = []string{"twitter", "facebook", "instagram", "linkedin", "tiktok", "telegram", "youtube", "whatsapp"}

// maxPromoWords is the longest paragraph read as a promo line; a longer
// one that opens with a label carries a real sentence and stays.
const maxPromoWords = 25

// maxNewsletterTitleWords is the longest line ending in "newsletter" read
// as the title of a sign-up box.
const maxNewsletterTitleWords = 5

// promoLine reports whether a paragraph (its text and tag) is a promo
// line, and whether it is a bare label ("Auch interessant", "Read more:")
// announcing the teaser links that follow it.
func promoLine(text, tag string) (promo, bare bool) {
	words := scan.FieldCount(text)
	if words == 0 || words > maxPromoWords {
		return false, false
	}
	t := strings.ToLower(strings.TrimLeftFunc(text, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}))
	if ok, bare := hasLabel(t, promoLabels); ok {
		return true, bare
	}
	if tag != "li" {
		if ok, bare := hasLabel(t, callLabels); ok {
			return true, bare
		}
	}
	return signUpOrFollow(t, words), false
}

// signUpOrFollow reports whether the lower-cased line t of n words asks
// to sign up for a newsletter, is the title of a newsletter box, or asks
// to follow the site on a social network.
func signUpOrFollow(t string, n int) bool {
	for _, c := range newsletterCalls {
		if strings.Contains(t, c) {
			return true
		}
	}
	// The title of a newsletter box: "The Morning Briefing Newsletter".
	if n <= maxNewsletterTitleWords {
		if last := strings.TrimRightFunc(t, func(r rune) bool { return !unicode.IsLetter(r) }); strings.HasSuffix(last, "newsletter") || strings.HasSuffix(last, "newsletters") {
			return true
		}
	}
	if strings.HasPrefix(t, "follow ") && n <= 15 {
		for _, s := range socialNetworks {
			if strings.Contains(t, s) {
				return true
			}
		}
	}
	return false
}

// hasLabel reports whether the lower-cased text t opens with one of
// labels, ending on a word boundary, and whether nothing but decoration
// follows the label.
func hasLabel(t string, labels []string) (ok, bare bool) {
	for _, l := range labels {
		if !strings.HasPrefix(t, l) {
			continue
		}
		rest := t[len(l):]
		if r := firstRune(rest); r != 0 && (unicode.IsLetter(r) || unicode.IsDigit(r)) && !strings.HasSuffix(l, ":") {
			continue // a longer word: "Related" in "Relatedness"
		}
		rest = strings.TrimFunc(rest, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
		return true, rest == "" || isDecoration(rest)
	}
	return false, false
}

// isDecoration reports whether what follows a label is only an
// interjection that still leaves it bare ("Lesen Sie auch die folgenden
// Beiträge", "Das könnte Sie auch interessieren").
func isDecoration(rest string) bool {
	switch rest {
	case "interessieren", "die folgenden beiträge", "hier", "here", "below":
		return true
	}
	return false
}

func firstRune(s string) rune {
	for _, r := range s {
		return r
	}
	return 0
}

// dropPromoLines removes the promo lines inside the text ("Read more: …",
// "Lesen Sie auch", "Lire aussi", "Sign up for our newsletter", "Follow us
// on Twitter") and, after a bare label, the short link paragraphs it
// announces. It returns the kept blocks and the removed texts, in order,
// so nothing is lost. A text made only of such lines is returned whole.
func dropPromoLines(shares *linkShareTable, blocks []dom.Block) (kept []dom.Block, removed []string) {
	drop := make([]bool, len(blocks))
	n := 0
	for i := 0; i < len(blocks); i++ {
		promo, bare := promoLine(blocks[i].Text, blocks[i].Tag)
		if !promo {
			continue
		}
		drop[i] = true
		n++
		if !bare {
			continue
		}
		for i+1 < len(blocks) && announcedLink(shares, blocks[i+1]) {
			i++
			drop[i] = true
			n++
		}
	}
	if n == 0 || n == len(blocks) {
		return blocks, nil
	}
	return splitDropped(blocks, drop, n)
}

// announcedLink reports whether b is a link paragraph a bare label
// announces: short, almost all link text in the page, not a heading.
func announcedLink(shares *linkShareTable, b dom.Block) bool {
	s, ok := shares.get(b.Text)
	return ok && s >= minLinkShare && scan.FieldCount(b.Text) <= maxLinkWords && !isHeading(b.Tag)
}

// splitDropped returns the blocks not marked in drop, and the texts of
// the n that are (for Article.Boilerplate).
func splitDropped(blocks []dom.Block, drop []bool, n int) (kept []dom.Block, removed []string) {
	kept = make([]dom.Block, 0, len(blocks)-n)
	removed = make([]string, 0, n)
	for i, b := range blocks {
		if drop[i] {
			removed = append(removed, b.Text)
		} else {
			kept = append(kept, b)
		}
	}
	return kept, removed
}
