// Package progress draws the progress of long commands on a terminal: the
// crawl status line (pages/s, pages, articles, hosts, queue, errors, the
// hosts that wait beyond their politeness gap) and the bars of bulk work
// (an import's input, an index build). Nothing is drawn when the output is
// not a terminal.
package progress

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/syndex/syndex/archive"
	"github.com/syndex/syndex/crawler"
	"golang.org/x/term"
)

// rateWindow is how far back the status line's pages/s looks: recent
// enough to show a crawl slowing down, long enough not to flicker.
const rateWindow = 10 * time.Second

// Crawl draws a one-line crawl status on a terminal: elapsed time,
// recent pages/s, what the pipeline did with the pages and, once the
// crawler is attached, hosts, queue and errors.
type Crawl struct {
	w      io.Writer
	counts *archive.PageCounts
	c      chan *crawler.Crawler
	quit   chan struct{}
	ended  chan struct{}
}

// StartCrawl starts drawing the status of a crawl whose pages counts
// counts on w, when w is a terminal.
func StartCrawl(w *os.File, counts *archive.PageCounts) *Crawl {
	p := &Crawl{w: w, counts: counts, c: make(chan *crawler.Crawler, 1), quit: make(chan struct{}), ended: make(chan struct{})}
	if !term.IsTerminal(int(w.Fd())) {
		close(p.ended)
		return p
	}
	go func() {
		defer close(p.ended)
		var cr *crawler.Crawler
		rate := &pageRate{}
		start := time.Now()
		t := time.NewTicker(200 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case cr = <-p.c:
			case <-p.quit:
				fmt.Fprint(p.w, "\r\033[K")
				return
			case now := <-t.C:
				var st *crawler.Stats
				if cr != nil {
					s := cr.Stats()
					st = &s
				}
				pages := p.counts.Pages.Load()
				fmt.Fprintf(p.w, "\r\033[K%s", statusLine(now.Sub(start), rate.add(now, pages), p.counts, st))
			}
		}
	}()
	return p
}

// Attach adds the crawler's own figures (hosts, queue, errors) to the
// line; it fits archive.Archive.Crawl's attach argument.
func (p *Crawl) Attach(c *crawler.Crawler) {
	select {
	case p.c <- c:
	default:
	}
}

// Done stops drawing and clears the line.
func (p *Crawl) Done() {
	select {
	case <-p.ended:
	default:
		close(p.quit)
		<-p.ended
	}
}

// pageRate turns samples of a growing page count into pages per second
// over the last rateWindow.
type pageRate struct {
	at    []time.Time
	pages []int64
}

// add records a sample and returns the rate since the oldest sample kept.
func (r *pageRate) add(now time.Time, pages int64) float64 {
	r.at, r.pages = append(r.at, now), append(r.pages, pages)
	for len(r.at) > 2 && now.Sub(r.at[1]) >= rateWindow {
		r.at, r.pages = r.at[1:], r.pages[1:]
	}
	d := now.Sub(r.at[0]).Seconds()
	if d <= 0 {
		return 0
	}
	return float64(pages-r.pages[0]) / d
}

// statusLine is the text of the crawl status line.
func statusLine(elapsed time.Duration, perSec float64, counts *archive.PageCounts, st *crawler.Stats) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s  %.1f pages/s  pages %d  articles %d  skipped %d  failed %d", clock(elapsed), perSec,
		counts.Pages.Load(), counts.Articles.Load(), counts.Skipped.Load(), counts.Failed.Load())
	if st != nil {
		fmt.Fprintf(&b, "  hosts %d/%d  queue %d  errors %d", st.HostsActive, st.Hosts, st.Queue, st.Errors)
		b.WriteString(waitingNote(st.Waiting, time.Now()))
	}
	return b.String()
}

// clock formats an elapsed time as m:ss, or h:mm:ss from an hour on.
func clock(d time.Duration) string {
	s := int64(d.Round(time.Second) / time.Second)
	if s >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}
