// Package alert evaluates saved searches and watches (the config's
// alerts) against the articles arriving in an archive, and delivers each
// match once: appended to a JSONL alert file and, when configured, POSTed
// to a webhook with timeouts and retries.
//
// The evaluator follows the store's arrival order from a checkpoint kept
// beside the alert file, so it sees every article once however it
// arrived (crawl, feed poll, re-crawl, import) and picks up where it
// stopped after a restart or a kill. An alert's id names its rule and
// subject (an article, or a story for "reach"); ids already in the alert
// file are never written again, and deliveries are recorded in a second
// file, so neither a restart nor a crash between the two writes repeats an
// alert. Saved searches are run on the search index, and so wait until the
// index reflects the article (it is updated in batches).
//
// The package reads the archive and writes only its own files; it owns
// no part of the archive's consistency.
package alert

import (
	"time"

	"github.com/syndex/syndex/article"
)

// Kinds of alerts: a saved search matched, a watched copy appeared, a
// story reached a number of copies.
const (
	KindSearch = "search"
	KindCopies = "copies"
	KindReach  = "reach"
)

// Alert is one match, a line of the alert file and a webhook's body.
type Alert struct {
	// ID is rule|kind|subject: the same match always has the same id
	// (a webhook receiver may use it to drop a repeated delivery).
	ID    string    `json:"id"`
	Rule  string    `json:"rule"`
	Kind  string    `json:"kind"`
	Fired time.Time `json:"fired"`
	// Article is the arriving article that fired the rule.
	Article Ref `json:"article"`
	// Cluster and Original are the article's story and its original.
	Cluster  string `json:"cluster,omitempty"`
	Original *Ref   `json:"original,omitempty"`
	// Copies is the number of copies the story has (reach and copies).
	Copies int `json:"copies,omitempty"`
	// Query is the saved search (search); Count the threshold (reach).
	Query string `json:"query,omitempty"`
	Count int    `json:"count,omitempty"`
	// LagSeconds is a copy's delay after its original, when known.
	LagSeconds *int64 `json:"lag_seconds,omitempty"`
}

// Ref identifies an archived article in an alert.
type Ref struct {
	ID        string       `json:"id"`
	URL       string       `json:"url,omitempty"`
	Site      string       `json:"site,omitempty"`
	Title     string       `json:"title,omitempty"`
	Published time.Time    `json:"published,omitzero"`
	Role      article.Role `json:"role,omitempty"`
}

func refOf(a *article.Article) Ref {
	return Ref{ID: a.ID, URL: a.URL, Site: a.Site, Title: a.Title, Published: a.Published, Role: a.Role}
}
