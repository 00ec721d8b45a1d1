// Package outlets names the news outlets that credit lines name without a
// site ("The Associated Press", "Reuters"): extraction resolves a credit
// line's outlet with it, and its evaluation matches credited outlets with
// the same table.
package outlets

// Sites maps outlet names, lower-cased as credit lines write them, to their
// sites.
var Sites = map[string]string{
	"the associated press": "apnews.com", "associated press": "apnews.com", "ap": "apnews.com",
	"reuters": "reuters.com", "afp": "afp.com", "agence france-presse": "afp.com", "agence france presse": "afp.com",
	"the conversation": "theconversation.com", "live science": "livescience.com", "the atlantic": "theatlantic.com",
	"futurism": "futurism.com", "propublica": "propublica.org", "kaiser health news": "kffhealthnews.org",
	"kff health news": "kffhealthnews.org", "grist": "grist.org", "inside climate news": "insideclimatenews.org",
	"mongabay": "mongabay.com", "global voices": "globalvoices.org", "common dreams": "commondreams.org",
	"truthout": "truthout.org", "the guardian": "theguardian.com", "guardian": "theguardian.com",
	"bbc": "bbc.com", "bbc news": "bbc.com", "wired": "wired.com", "the hill": "thehill.com",
	"bloomberg": "bloomberg.com", "cnn": "cnn.com", "al jazeera": "aljazeera.com", "tass": "tass.ru",
	"ria novosti": "ria.ru", "риа новости": "ria.ru", "тасс": "tass.ru", "интерфакс": "interfax.ru",
	"dpa": "dpa.com", "efe": "efe.com", "agencia efe": "efe.com", "xinhua": "xinhuanet.com",
	"the new york times": "nytimes.com", "the washington post": "washingtonpost.com",
	"le monde": "lemonde.fr", "der spiegel": "spiegel.de", "spiegel online": "spiegel.de", "el país": "elpais.com",
	"the 74": "the74million.org", "the marshall project": "themarshallproject.org", "the texas tribune": "texastribune.org",
	"calmatters": "calmatters.org", "stateline": "stateline.org", "global research": "globalresearch.ca",
	"scientific american": "scientificamerican.com", "space.com": "space.com", "vice": "vice.com",
}
