// Package article defines the one record that flows through syndex: the
// Article (a page's extracted text and metadata, plus the cluster fields that
// dedup adds) and the Assignment that dedup emits for it.
//
// The JSON shapes are the contract in SPEC.md; scripts depend on them, so
// fields may be added but never renamed or removed.
package article

import (
	"encoding/hex"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/cespare/xxhash/v2"
)

// Role is an article's place in its syndication cluster.
type Role string

// The roles of SPEC.md.
const (
	RoleOriginal Role = "original" // the member the others copied
	RoleCopy     Role = "copy"     // a republished copy of the original
	RoleUnique   Role = "unique"   // no copies known
)

// Evidence names why a member was chosen as the original (SPEC.md).
const (
	EvidenceAttribution      = "attribution"        // a copy names the original's site or URL
	EvidenceCanonical        = "canonical"          // a copy's rel=canonical points at the original
	EvidenceEarliest         = "earliest-published" // the original has the earliest publication date
	EvidenceContainment      = "containment"        // the others contain the original's text
	EvidenceEarliestFetched  = "earliest-fetched"   // tie broken by first-seen time
	EvidenceLexicographicTie = "tie"                // nothing else decided; smallest id
)

// Article is one extracted page (SPEC.md "Article").
type Article struct {
	ID        string    `json:"id"`
	URL       string    `json:"url,omitempty"`
	Site      string    `json:"site,omitempty"`
	Title     string    `json:"title,omitempty"`
	Text      string    `json:"text"`
	Author    string    `json:"author,omitempty"`
	Published time.Time `json:"published,omitzero"`
	Modified  time.Time `json:"modified,omitzero"`
	Fetched   time.Time `json:"fetched,omitzero"`
	Lang      string    `json:"lang,omitempty"`
	Canonical string    `json:"canonical,omitempty"`
	Source    string    `json:"source,omitempty"`
	SiteName  string    `json:"site_name,omitempty"`
	// Boilerplate holds blocks removed from Text because the site repeats
	// them on many pages (disclaimers, donation appeals) or because they are
	// the attribution line; kept so nothing the page said is lost.
	Boilerplate []string `json:"boilerplate,omitempty"`
	// WARC locates the raw response this article was extracted from
	// ("file#offset"), empty for imported articles.
	WARC string `json:"warc,omitempty"`

	Cluster  string `json:"cluster,omitempty"`
	Role     Role   `json:"role,omitempty"`
	Original string `json:"original,omitempty"`
	// Similarity and Evidence mirror the article's latest Assignment.
	Similarity float64  `json:"similarity,omitempty"`
	Evidence   []string `json:"evidence,omitempty"`

	// TruthCluster and TruthOriginal carry labels for `syndex eval dedup`.
	TruthCluster  string `json:"truth_cluster,omitempty"`
	TruthOriginal bool   `json:"truth_original,omitempty"`
}

// Assignment is dedup's verdict on one article (SPEC.md "Assignment").
type Assignment struct {
	ID         string   `json:"id"`
	Cluster    string   `json:"cluster"`
	Role       Role     `json:"role"`
	Original   string   `json:"original"`
	Similarity float64  `json:"similarity"`
	Evidence   []string `json:"evidence"`
}

// Apply copies an assignment's cluster fields onto the article.
func (a *Article) Apply(as Assignment) {
	a.Cluster = as.Cluster
	a.Role = as.Role
	a.Original = as.Original
	a.Similarity = as.Similarity
	a.Evidence = as.Evidence
}

// Normalize fills the defaults SPEC.md promises for input articles: a site
// derived from the URL and an id derived from the URL when either is
// missing. It reports an error when the article cannot be identified.
func (a *Article) Normalize() error {
	if a.Site == "" && a.URL != "" {
		a.Site = SiteOf(a.URL)
	}
	if a.ID == "" {
		if a.URL == "" {
			return fmt.Errorf("article has neither id nor url")
		}
		a.ID = IDFor(a.URL)
	}
	return nil
}

// SiteOf returns the host of rawURL, lower-cased, without port and without a
// leading "www.". It returns "" for an unparsable URL.
func SiteOf(rawURL string) string {
	u, err := url.Parse(strings.TrimSpace(rawURL))
	if err != nil || u.Host == "" {
		return ""
	}
	h := strings.ToLower(u.Hostname())
	return strings.TrimPrefix(h, "www.")
}

// IDFor derives a stable article id from a (canonicalised) URL: 16 hex
// digits of its xxhash.
func IDFor(rawURL string) string {
	var b [8]byte
	h := xxhash.Sum64String(rawURL)
	for i := 0; i < 8; i++ {
		b[i] = byte(h >> (56 - 8*i))
	}
	return hex.EncodeToString(b[:])
}
