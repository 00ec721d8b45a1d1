// Package read holds the commands that read an archive: search, report,
// export (articles, or their captures as a WACZ or WARC), lookup (is this
// text a copy?), alerts (what syndex run's saved searches fired) and serve
// (the web UI and JSON API). Each opens the archive read-only, or reads
// through the API of the process that holds it (cli.Globals.OpenReader),
// calls one library function and prints; none writes the archive.
package read
