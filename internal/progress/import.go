package progress

import (
	"fmt"
	"os"
	"time"

	"github.com/syndex/syndex/archive"
)

// Import draws the progress of a web archive import on stderr
// (archive.WARCImport.Progress, for a terminal): files, records and their
// rate, HTML pages, articles, and the share of the input read with the
// time left.
func Import(p archive.ImportProgress) {
	secs := p.Elapsed.Seconds()
	if secs <= 0 {
		secs = 1e-9
	}
	line := fmt.Sprintf("%d/%d files · %d records (%.0f/s) · %d HTML · %d articles", p.FilesDone, p.Files, p.Records, float64(p.Records)/secs, p.HTML, p.Articles)
	if p.TotalBytes > 0 {
		frac := float64(p.Bytes) / float64(p.TotalBytes)
		line += fmt.Sprintf(" · %.0f%%", 100*frac)
		if frac > 0.01 && p.Elapsed > 2*time.Second {
			eta := time.Duration(float64(p.Elapsed) * (1 - frac) / frac).Round(time.Second)
			line += " · ETA " + eta.String()
		}
	}
	fmt.Fprintf(os.Stderr, "\r\033[K%s", line)
}
