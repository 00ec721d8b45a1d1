// Package crawl holds the commands that crawl into an archive: one pass
// (syndex crawl), every source on its schedule (syndex run, with its alerts
// and its web UI), the scale-out workers and the one consumer that writes
// their articles (syndex worker, syndex index), and the demo over an
// embedded news network (syndex demo). It also holds what they share: the
// crawl flags and how they merge with the configuration (settings.go) and
// the soft memory limit while pages are parsed (heap.go). The crawling
// itself is package crawler, wired to the archive by package archive.
package crawl
