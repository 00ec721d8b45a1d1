package crawler

import "github.com/syndex/syndex/crawler/frontier"

// The records of package frontier that are part of the crawler's API.
type (
	// LogRecord is one line of the fetch log (FetchLog).
	LogRecord = frontier.LogRecord
	// HostWait is one host waiting before its next request (Stats.Waiting).
	HostWait = frontier.HostWait
	// Hints are what a sitemap or feed said about a URL (Page.Hints).
	Hints = frontier.Hints
)
