package crawler

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/syndex/syndex/crawler/fetch"
	"github.com/syndex/syndex/crawler/frontier"
)

// A page is recorded as fetched (its queue entry names the WARC record of
// the response) as soon as the response is archived, before the handler
// runs. A crawl killed while the handler works on it (extraction, dedup
// and indexing take far longer than the fetch) finds the entry with its
// record on restart and processes the archived response instead of
// asking the server again: nothing fetched is fetched twice.

// shouldRecordFetch reports whether f's outcome is worth recording before
// processing: a complete 2xx page response archived in the WARC, which
// the handler will see.
func shouldRecordFetch(e *frontier.Entry, f *fetch.Fetch, err error) bool {
	return e.Kind == frontier.KindPage && err == nil && f.Err == nil && f.WARC != "" && f.Replay == "" &&
		f.Status >= 200 && f.Status < 300 && f.Truncated != "time" && f.Truncated != "disconnect" &&
		!f.Skipped && !f.Revisit
}

// haveWARC reports whether the WARC file of location loc is in this
// crawler's WARC directory (a response is only replayed from there, so
// the page's record is in the archive that keeps it).
func (c *Crawler) haveWARC(loc string) bool {
	i := strings.LastIndexByte(loc, '#')
	if i <= 0 || c.s.WARCDir == "-" {
		return false
	}
	_, err := os.Stat(filepath.Join(c.s.WARCDir, filepath.Base(loc[:i])))
	return err == nil
}
