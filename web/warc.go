package web

import (
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/syndex/syndex/article"
	"github.com/syndex/syndex/warc"
)

// RevisitBackend is a Backend that knows which record an imported revisit
// record repeats (the archive does; /warc/{id} then shows both).
type RevisitBackend interface {
	RevisitOriginal(loc string) string
}

// pathOf is the file of a record location.
func pathOf(loc string) string {
	src, _, _, err := warc.ParseLocation(loc)
	if err != nil {
		return ""
	}
	return src.Path
}

// maxRecord bounds how much of a WARC record's block /warc/ serves.
const maxRecord = 16 << 20

// parseLocation splits an Article.WARC value "file.warc.gz#offset". Only
// the base name of the file is kept, so a stored value cannot point outside
// the WARC directory.
func parseLocation(loc string) (file string, off int64, err error) {
	name, o, ok := strings.Cut(loc, "#")
	if !ok {
		return "", 0, fmt.Errorf("warc location %q has no #offset", loc)
	}
	off, err = strconv.ParseInt(o, 10, 64)
	if err != nil || off < 0 {
		return "", 0, fmt.Errorf("warc location %q: bad offset", loc)
	}
	file = filepath.Base(filepath.Clean("/" + name))
	if file == "/" || file == "." || file == "" {
		return "", 0, fmt.Errorf("warc location %q has no file", loc)
	}
	return file, off, nil
}

// warcPlace names where an article's record is for a reader: the file's
// name (with the entry inside a WACZ) and the offset, without the
// directories of the machine that imported it.
func warcPlace(loc string) string {
	i := strings.LastIndexByte(loc, '#')
	if i < 0 {
		return ""
	}
	file, off := loc[:i], loc[i+1:]
	entry := ""
	if j := strings.LastIndex(file, ".wacz!"); j >= 0 {
		file, entry = file[:j+5], file[j+5:]
	}
	return filepath.Base(file) + entry + " at offset " + off
}

func (s *server) warc(w http.ResponseWriter, r *http.Request) {
	if s.opt.WARCDir == "" {
		s.errorPage(w, http.StatusNotFound, "This server was started without access to the WARC files.")
		return
	}
	a, err := s.b.Article(r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err, false)
		return
	}
	if a.WARC == "" {
		s.errorPage(w, http.StatusNotFound, "This article has no archived WARC record (it was imported as JSON).")
		return
	}
	var buf strings.Builder
	read := s.crawledRecord
	if src, _, _, err := warc.ParseLocation(a.WARC); err == nil && filepath.IsAbs(src.Path) {
		read = s.importedRecord
	}
	if missing, err := read(&buf, a); missing != "" {
		s.errorPage(w, http.StatusNotFound, missing)
		return
	} else if err != nil {
		s.fail(w, r, err, false)
		return
	}
	// Served as inert text: the record holds the crawled page verbatim.
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Content-Security-Policy", "sandbox; default-src 'none'")
	_, _ = io.WriteString(w, buf.String())
}

// importedRecord reads article a's record from the web archive it was
// imported from into buf, followed, for a revisit record (which holds no
// page), by the record it repeats. missing says why there is nothing to
// show: the file is not one this archive imported.
func (s *server) importedRecord(buf *strings.Builder, a *article.Article) (missing string, err error) {
	if !warc.IsImported(s.opt.WARCDir, pathOf(a.WARC)) {
		return "This article's record is in a file that was not imported into this archive.", nil
	}
	if err := warc.ReadRaw(buf, a.WARC, maxRecord); err != nil {
		return "", fmt.Errorf("article %s: %w", a.ID, err)
	}
	if rb, ok := s.b.(RevisitBackend); ok {
		if orig := rb.RevisitOriginal(a.WARC); orig != "" && warc.IsImported(s.opt.WARCDir, pathOf(orig)) {
			fmt.Fprintf(buf, "\n\n--- the page this revisit repeats: the record at %s ---\n\n", warcPlace(orig))
			if err := warc.ReadRaw(buf, orig, maxRecord); err != nil {
				fmt.Fprintf(buf, "(unreadable: %v)\n", err)
			}
		}
	}
	return "", nil
}

// crawledRecord reads article a's crawled record, in this server's WARC
// directory, into buf.
func (s *server) crawledRecord(buf *strings.Builder, a *article.Article) (missing string, err error) {
	file, off, err := parseLocation(a.WARC)
	if err != nil {
		return "", err
	}
	loc := filepath.Join(s.opt.WARCDir, file) + "#" + strconv.FormatInt(off, 10)
	if err := warc.ReadRaw(buf, loc, maxRecord); err != nil {
		return "", fmt.Errorf("article %s: %w", a.ID, err)
	}
	return "", nil
}
