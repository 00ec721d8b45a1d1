package discover

import (
	"bytes"
	"fmt"
	"time"

	"github.com/mmcdole/gofeed"
)

// FeedItem is one entry of a feed.
type FeedItem struct {
	Link      string
	Title     string
	Published time.Time // its publication time, else its update time; zero when it gives none
}

// ParseFeed reads RSS, Atom or JSON Feed; items without a link are
// skipped.
func ParseFeed(body []byte) ([]FeedItem, error) {
	f, err := gofeed.NewParser().Parse(bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("feed: %w", err)
	}
	var out []FeedItem
	for _, it := range f.Items {
		if it == nil || it.Link == "" {
			continue
		}
		fi := FeedItem{Link: it.Link, Title: it.Title}
		if it.PublishedParsed != nil {
			fi.Published = *it.PublishedParsed
		} else if it.UpdatedParsed != nil {
			fi.Published = *it.UpdatedParsed
		}
		out = append(out, fi)
	}
	return out, nil
}
