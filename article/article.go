// Package article defines the one record that flows through syndex: the
// Article (a page's extracted text and metadata, plus the cluster fields that
// dedup adds) and the Assignment that dedup emits for it.
//
// The JSON shapes are the data contract (README "Data contract"); scripts
// depend on them, so fields may be added but never renamed or removed.
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

// The roles of the data contract.
const (
	RoleOriginal Role = "original" // the member the others copied
	RoleCopy     Role = "copy"     // a republished copy of the original
	RoleUnique   Role = "unique"   // no copies known
)

// Evidence names why a member was chosen as the original (README "Data contract").
const (
	EvidenceAttribution      = "attribution"        // a copy names the original's site or URL
	EvidenceCanonical        = "canonical"          // a copy's rel=canonical points at the original
	EvidenceEarliest         = "earliest-published" // the original has the earliest publication date
	EvidenceContainment      = "containment"        // the others contain the original's text
	EvidenceEarliestFetched  = "earliest-fetched"   // tie broken by first-seen time
	EvidenceLexicographicTie = "tie"                // nothing else decided; smallest id
	// EvidenceNoIndex: the other members are marked noindex, as
	// syndication partners are asked to mark their copies.
	EvidenceNoIndex = "noindex"
	// EvidenceFurniture is on a unique article that dedup found to be
	// one site's copy of a template page the same on many sites (an
	// undated page at a plain address, credited by nobody): furniture,
	// not a syndicated story, so it is in no cluster.
	EvidenceFurniture = "furniture"
)

// Article is one extracted page (README "Data contract").
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
	// NoIndex records that the page asked search engines not to index it
	// (meta robots or X-Robots-Tag noindex), as syndication partners are
	// asked to do on their copies; dedup counts it as a sign of a copy.
	NoIndex bool `json:"noindex,omitempty"`

	Cluster  string `json:"cluster,omitempty"`
	Role     Role   `json:"role,omitempty"`
	Original string `json:"original,omitempty"`
	// Similarity, OriginalShare, CopyShare, Via and Evidence mirror the
	// article's latest Assignment.
	Similarity    float64  `json:"similarity,omitempty"`
	OriginalShare float64  `json:"original_share,omitempty"`
	CopyShare     float64  `json:"copy_share,omitempty"`
	Via           string   `json:"via,omitempty"`
	Evidence      []string `json:"evidence,omitempty"`

	// TruthCluster and TruthOriginal carry labels for `syndex eval dedup`.
	TruthCluster  string `json:"truth_cluster,omitempty"`
	TruthOriginal bool   `json:"truth_original,omitempty"`
}

// Assignment is dedup's verdict on one article (README "Data contract").
type Assignment struct {
	ID         string  `json:"id"`
	Cluster    string  `json:"cluster"`
	Role       Role    `json:"role"`
	Original   string  `json:"original"`
	Similarity float64 `json:"similarity"`
	// OriginalShare is the share of the original's text the copy carries
	// (a copy of the first half of a story: about 0.5); CopyShare the
	// share of the copy's text that comes from the original (a full copy
	// inside the republisher's own header and appeals: below 1). Both are
	// 1 for an original or a unique article.
	OriginalShare float64 `json:"original_share"`
	CopyShare     float64 `json:"copy_share"`
	// Via is the id of the copy this copy was taken from, when it is a
	// copy of a copy (it credits that copy, or carries its edits).
	Via      string   `json:"via,omitempty"`
	Evidence []string `json:"evidence"`
}

// Apply copies an assignment's cluster fields onto the article.
func (a *Article) Apply(as Assignment) {
	a.Cluster = as.Cluster
	a.Role = as.Role
	a.Original = as.Original
	a.Similarity = as.Similarity
	a.OriginalShare = as.OriginalShare
	a.CopyShare = as.CopyShare
	a.Via = as.Via
	a.Evidence = as.Evidence
}

// DateOnly reports whether t is a bare date: midnight UTC, the form
// extraction gives a date printed without a time of day. Such a value
// stands for the whole day, and comparisons with it are made by day.
func DateOnly(t time.Time) bool {
	if t.IsZero() {
		return false
	}
	u := t.UTC()
	return u.Hour() == 0 && u.Minute() == 0 && u.Second() == 0 && u.Nanosecond() == 0
}

// Normalize fills the defaults the data contract promises for input articles: a site
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
	return SiteName(u.Hostname())
}

// SiteName is host as articles name sites: lower-cased, without a
// leading "www." (a user's site filter, a host of a URL).
func SiteName(host string) string {
	return strings.TrimPrefix(strings.ToLower(host), "www.")
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

// NoIndexMode is what a listing (search, report, export, the web UI) does
// with pages marked noindex: the zero value keeps them like any other.
type NoIndexMode string

// The noindex modes.
const (
	NoIndexKeep    NoIndexMode = ""        // noindex pages are listed like any other
	NoIndexExclude NoIndexMode = "exclude" // noindex pages are left out
	NoIndexOnly    NoIndexMode = "only"    // only noindex pages are listed
)

// ParseNoIndexMode reads a --noindex value: exclude, only, or empty (or
// "include") for the default.
func ParseNoIndexMode(s string) (NoIndexMode, error) {
	switch m := NoIndexMode(strings.ToLower(strings.TrimSpace(s))); m {
	case NoIndexKeep, NoIndexExclude, NoIndexOnly:
		return m, nil
	case "include":
		return NoIndexKeep, nil
	}
	return NoIndexKeep, fmt.Errorf("noindex %q: want exclude, only or include", s)
}

// Keeps reports whether a page with the given noindex mark is listed.
func (m NoIndexMode) Keeps(noindex bool) bool {
	switch m {
	case NoIndexExclude:
		return !noindex
	case NoIndexOnly:
		return noindex
	}
	return true
}
