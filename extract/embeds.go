package extract

import (
	"strings"
	"unicode"

	"golang.org/x/net/html"

	"github.com/syndex/syndex/extract/internal/dom"
	"github.com/syndex/syndex/extract/internal/scan"
)

// This file keeps page furniture that sits inside the article container
// out of the text: embedded social-media cards, the author's bio box,
// teaser cards and all-caps teaser links for other stories, and the
// byline repeated as a paragraph. What it removes goes to
// Article.Boilerplate.

// embedClasses mark the markup the social networks' embed codes produce
// for a photo or video post: the blockquote or div that their script turns
// into a card, whose text is the card's chrome ("View this post on
// Instagram", "A post shared by …"). Embedded tweets are not among them:
// their text is the quoted post, which the ScrapingHub and trafilatura
// benchmarks' annotators keep as part of the story (removing them, with
// their "— Name (@handle) date" signature lines, cost 0.002 and 0.001 F1
// there).
var embedClasses = map[string]bool{
	"instagram-media": true, "tiktok-embed": true, "fb-post": true, "fb-video": true,
	"reddit-embed-bq": true, "bluesky-embed": true, "text-post-media": true,
}

// bioMarkers are the pieces of a class or id that name an author's bio
// box ("author-bio", "about-the-author").
var bioMarkers = []string{"author-bio", "author_bio", "authorbio", "author-biography", "about-author", "about-the-author", "about_author", "aboutauthor", "about_the_author"}

// maxFurnitureText bounds the text of a marked box read as furniture: a
// longer one is a mislabelled container holding the story itself.
const maxFurnitureText = 1500

// minFurnitureKey is the shortest paragraph (letters and digits, spaces
// dropped) matched against a furniture box: shorter ones ("Share") occur
// anywhere.
const minFurnitureKey = 8

// furnitureBoxes returns the squeezed texts (see squeeze) of the page's
// embedded social-media cards, teaser cards and author bio boxes.
func furnitureBoxes(doc *html.Node) []string {
	var out []string
	dom.WalkElements(doc, func(n *html.Node) bool {
		if dom.SkipTags[n.Data] {
			return false
		}
		if !isFurnitureBox(n) {
			return true
		}
		if t := dom.NodeText(n); t != "" && len(t) <= maxFurnitureText {
			out = append(out, squeeze(t))
			return false
		}
		return true
	})
	return out
}

// isFurnitureBox reports whether n is, by its class or id, an embedded
// social-media card (embedClasses), a teaser card for another story set
// in the text (class "promo"; its parts are "promo-title",
// "promo-description" inside it) or an author's bio box.
func isFurnitureBox(n *html.Node) bool {
	cls := strings.ToLower(dom.Attr(n, "class"))
	for c := range strings.FieldsSeq(cls) {
		if embedClasses[c] || c == "promo" {
			return true
		}
	}
	return isBioBox(cls) || isBioBox(strings.ToLower(dom.Attr(n, "id")))
}

// isBioBox reports whether a lower-cased class or id names an author's
// bio box.
func isBioBox(v string) bool {
	// Every marker names the author.
	if !strings.Contains(v, "author") {
		return false
	}
	for _, m := range bioMarkers {
		if strings.Contains(v, m) {
			return true
		}
	}
	return false
}

// squeeze lower-cases s and drops everything but letters and digits, so
// a paragraph matches the box it came from whatever spacing the main-text
// extractor gave it ("byJane Doe" for "<em>by</em> Jane Doe").
func squeeze(s string) string {
	var sb strings.Builder
	sb.Grow(len(s))
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			sb.WriteRune(unicode.ToLower(r))
		}
	}
	return sb.String()
}

// dropFurniture removes from the text the paragraphs that belong to an
// embedded social-media card, a teaser card or an author bio box, the
// byline repeated as a paragraph, a closing "<author> is a reporter
// who covers …" bio and all-caps teaser links to other stories. It
// returns the kept blocks and the removed texts, in order. A text made
// only of such paragraphs is returned whole.
func dropFurniture(doc *html.Node, shares *linkShareTable, blocks []dom.Block, author string) (kept []dom.Block, removed []string) {
	names := authorNames(author)
	drop, weak, n := markFurniture(furnitureBoxes(doc), shares, blocks, names)
	n += dropBesideFurniture(drop, weak)
	n += dropClosingBio(blocks, drop, names)
	if n == 0 || n == len(blocks) {
		return blocks, nil
	}
	return splitDropped(blocks, drop, n)
}

// markFurniture marks the paragraphs to drop: found in a box as a long
// text, the byline repeated, all-caps teaser links; and, apart, those
// found in a box as a short text (weak). n counts those to drop.
func markFurniture(boxes []string, shares *linkShareTable, blocks []dom.Block, names []string) (drop, weak []bool, n int) {
	drop = make([]bool, len(blocks))
	weak = make([]bool, len(blocks))
	for i, b := range blocks {
		switch in := inFurniture(b.Text, boxes); {
		case in == furnitureStrong || isBylineLine(b.Text, names) || capsLinkLine(shares, b):
			drop[i] = true
			n++
		case in == furnitureWeak:
			weak[i] = true
		}
	}
	return drop, weak, n
}

// dropBesideFurniture drops the weak paragraphs next to a dropped one,
// until none is left: a short paragraph found in a box goes only beside
// another of the box's paragraphs, as alone it may be a quote the story
// shares with a post it embeds. It returns how many it dropped.
func dropBesideFurniture(drop, weak []bool) int {
	n := 0
	for changed := true; changed; {
		changed = false
		for i := range drop {
			if weak[i] && (i > 0 && drop[i-1] || i+1 < len(drop) && drop[i+1]) {
				weak[i], drop[i] = false, true
				n++
				changed = true
			}
		}
	}
	return n
}

// dropClosingBio drops the author's bio that closes the text: the last
// paragraphs left (at most three from the end). It returns how many it
// dropped.
func dropClosingBio(blocks []dom.Block, drop []bool, names []string) int {
	n := 0
	for i := len(blocks) - 1; i >= 0 && i >= len(blocks)-3; i-- {
		if drop[i] {
			continue
		}
		if !isAuthorBio(blocks[i].Text, names) {
			break
		}
		drop[i] = true
		n++
	}
	return n
}

// How a paragraph lies in the furniture boxes: not at all, as a short
// text that may also occur elsewhere, or as a long one.
const (
	furnitureNone = iota
	furnitureWeak
	furnitureStrong
)

// minStrongKey is the shortest squeezed paragraph that, found in a
// furniture box, surely came from it.
const minStrongKey = 40

// inFurniture reports whether, and how surely, the paragraph text lies
// inside one of the furniture boxes.
func inFurniture(text string, boxes []string) int {
	if len(boxes) == 0 {
		return furnitureNone
	}
	k := squeeze(text)
	if len(k) < minFurnitureKey {
		return furnitureNone
	}
	for _, b := range boxes {
		if strings.Contains(b, k) {
			if len(k) >= minStrongKey {
				return furnitureStrong
			}
			return furnitureWeak
		}
	}
	return furnitureNone
}

// authorNames splits an Article.Author value ("Jane Doe, John Roe") into
// the names of at least two words it credits.
func authorNames(author string) []string {
	var out []string
	for _, part := range strings.Split(author, ",") {
		for _, nm := range strings.Split(part, " and ") {
			nm = scan.CollapseSpace(nm)
			if len(strings.Fields(nm)) >= 2 {
				out = append(out, nm)
			}
		}
	}
	return out
}

// isBylineLine reports whether a paragraph is only the byline: "By Jane
// Doe" for one of the article's authors.
func isBylineLine(text string, names []string) bool {
	if len(names) == 0 {
		return false
	}
	k := squeeze(text)
	if !strings.HasPrefix(k, "by") {
		return false
	}
	for _, nm := range names {
		if k == "by"+squeeze(nm) {
			return true
		}
	}
	return false
}

// bioVerbs follow the author's name in a closing bio: "Jane Doe is a
// reporter …", "Jane Doe covers …".
var bioVerbs = []string{" is a ", " is an ", " is the ", " covers ", " writes about ", " reports on "}

// maxBioWords is the longest paragraph read as an author's bio.
const maxBioWords = 90

// isAuthorBio reports whether a paragraph is a short bio of one of the
// article's authors: it opens with the name, possibly behind the
// outlet's possessive ("Jane Doe is a reporter who covers …", "The
// Post's Jane Doe is the author of …").
func isAuthorBio(text string, names []string) bool {
	if len(names) == 0 || scan.FieldCount(text) > maxBioWords {
		return false
	}
	for _, nm := range names {
		i := strings.Index(text, nm)
		if i < 0 {
			continue
		}
		if i > 0 && !possessivePrefix(text[:i]) {
			continue
		}
		rest := text[i+len(nm):]
		for _, v := range bioVerbs {
			if strings.HasPrefix(rest, v) {
				return true
			}
		}
	}
	return false
}

// possessivePrefix reports whether s, the text before an author's name,
// is a short possessive naming the outlet: "CNBC's ", "The Times' ".
func possessivePrefix(s string) bool {
	s = strings.TrimSuffix(s, " ")
	if scan.FieldCount(s) > 3 {
		return false
	}
	return strings.HasSuffix(s, "'s") || strings.HasSuffix(s, "’s") || strings.HasSuffix(s, "'") || strings.HasSuffix(s, "’")
}

// minCapsLetters is the fewest letters an all-caps teaser line has; a
// shorter upper-case line is an acronym or a label.
const minCapsLetters = 15

// capsLinkLine reports whether a paragraph is an all-caps teaser link to
// another story ("SENATE PASSES BUDGET AFTER ALL-NIGHT SESSION" linked to
// that story): no lower-case letter, and in the page almost all link
// text.
func capsLinkLine(shares *linkShareTable, b dom.Block) bool {
	if words := scan.FieldCount(b.Text); isHeading(b.Tag) || words < 3 || words > maxLinkWords {
		return false
	}
	letters := 0
	for _, r := range b.Text {
		if unicode.IsLower(r) {
			return false
		}
		if unicode.IsUpper(r) {
			letters++
		}
	}
	if letters < minCapsLetters {
		return false
	}
	s, ok := shares.get(b.Text)
	return ok && s >= minLinkShare
}
