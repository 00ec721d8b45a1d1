package attribution

import (
	"regexp"
	"strings"

	"github.com/syndex/syndex/extract/internal/dom"
)

// agencies maps news-agency names, as credit lines and datelines write
// them, to their sites.
var agencies = map[string]string{
	"ap": "apnews.com", "associated press": "apnews.com", "the associated press": "apnews.com",
	"reuters": "reuters.com", "thomson reuters": "reuters.com", "afp": "afp.com",
	"agence france-presse": "afp.com", "agence france presse": "afp.com", "dpa": "dpa.com",
	"efe": "efe.com", "agencia efe": "efe.com", "xinhua": "xinhuanet.com", "upi": "upi.com",
	"ansa": "ansa.it", "tass": "tass.ru", "ria novosti": "ria.ru", "kyodo": "kyodonews.net",
	"pa": "pa.media", "press association": "pa.media", "aap": "aap.com.au", "cp": "thecanadianpress.com",
	"the canadian press": "thecanadianpress.com", "bloomberg": "bloomberg.com", "anadolu": "aa.com.tr",
}

var (
	agencyAlt = `(the associated press|associated press|ap|thomson reuters|reuters|agence france[- ]presse|afp|dpa|agencia efe|efe|xinhua|upi|ansa|tass|ria novosti|kyodo|press association|pa|aap|the canadian press|cp|bloomberg|anadolu)`
	// datelineRE: "TORONTO (AP) —", "LOS ANGELES (Reuters) -".
	datelineRE = regexp.MustCompile(`^[\p{Lu}][\p{Lu}\p{M} .,'’/-]{1,60}\s*\(` + `(?i:` + agencyAlt + `)` + `\)\s*[-—–:]?`)
	// wireCopyrightRE: "Copyright 2008 The Associated Press. All rights
	// reserved.", "© Reuters 2008 All rights reserved".
	wireCopyrightRE = regexp.MustCompile(`(?i)^[(\[]?\s*(?:©|\(c\)|copyright)\s*(?:\d{4}\s*)?(?:by\s+)?` + agencyAlt + `\b[\s.,]*(?:\d{4})?`)
)

// Wire finds a news agency credited by a dateline in the first
// paragraph or a copyright line among the last three. It returns the
// agency's site ("" when none, or when it is the page's own site) and the
// index of a copyright line to move to Boilerplate (-1 for none: a
// dateline is part of the story and stays).
func Wire(blocks []dom.Block, self string) (source string, remove int) {
	remove = -1
	for i := len(blocks) - 1; i >= 0 && i >= len(blocks)-3; i-- {
		t := blocks[i].Text
		if len(t) > 400 {
			continue
		}
		if m := wireCopyrightRE.FindStringSubmatch(t); m != nil {
			return SelfFilter(agencies[normAgency(m[1])], self), i
		}
	}
	for i := 0; i < len(blocks) && i < 2; i++ {
		if m := datelineRE.FindStringSubmatch(blocks[i].Text); m != nil {
			return SelfFilter(agencies[normAgency(m[1])], self), -1
		}
	}
	return "", -1
}

func normAgency(s string) string {
	return strings.ReplaceAll(strings.ToLower(s), "agence france presse", "agence france-presse")
}
