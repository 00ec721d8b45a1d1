package warc

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/syndex/syndex/internal/atomicfile"
)

// cdxEntry is one CDXJ line: "<surt> <timestamp> {json}".
type cdxEntry struct {
	key    string
	date   time.Time
	url    string
	mime   string
	status int
	digest string
	loc    Location
}

func (e *cdxEntry) line() string {
	j := map[string]string{
		"url":      e.url,
		"digest":   e.digest,
		"length":   strconv.FormatInt(e.loc.Length, 10),
		"offset":   strconv.FormatInt(e.loc.Offset, 10),
		"filename": e.loc.File,
	}
	if e.mime != "" {
		j["mime"] = e.mime
	}
	if e.status != 0 {
		j["status"] = strconv.Itoa(e.status)
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b) // map keys are sorted: stable output
	enc.SetEscapeHTML(false)
	_ = enc.Encode(j)
	return e.key + " " + e.date.UTC().Format("20060102150405") + " " + b.String()
}

// SURT returns the Sort-friendly URI Reordering Transform of rawURL as CDXJ
// indexes use it: scheme and "www." dropped, host labels reversed and
// comma-joined, non-default port kept, then ")" and the path with a sorted
// query, all lower-cased ("http://www.Example.com/a?b=1&a=2" becomes
// "com,example)/a?a=2&b=1"). An unparsable URL is returned lower-cased.
func SURT(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil || u.Host == "" {
		return strings.ToLower(rawURL)
	}
	var b strings.Builder
	writeSURTHost(&b, u)
	b.WriteString(")")
	path := u.EscapedPath()
	if path == "" {
		path = "/"
	}
	b.WriteString(path)
	if u.RawQuery != "" {
		parts := strings.Split(u.RawQuery, "&")
		sort.Strings(parts)
		b.WriteString("?" + strings.Join(parts, "&"))
	}
	return strings.ToLower(b.String())
}

// writeSURTHost writes the host part of u's SURT: its labels reversed and
// comma-joined ("www." dropped; an IP address as it is), and a port that
// is not the scheme's default.
func writeSURTHost(b *strings.Builder, u *url.URL) {
	host := strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.")
	if isIPLiteral(host) {
		b.WriteString(host)
	} else {
		labels := strings.Split(host, ".")
		slices.Reverse(labels)
		b.WriteString(strings.Join(labels, ","))
	}
	if p := u.Port(); p != "" && !(p == "80" && u.Scheme == "http") && !(p == "443" && u.Scheme == "https") {
		b.WriteString(":" + p)
	}
}

func isIPLiteral(h string) bool {
	if strings.Contains(h, ":") {
		return true
	}
	for _, r := range h {
		if (r < '0' || r > '9') && r != '.' {
			return false
		}
	}
	return h != ""
}

// SortCDXJ sorts the lines of a CDXJ file in place (byte order, which is
// the order CDXJ binary search expects).
func SortCDXJ(path string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("read cdxj %s: %w", path, err)
	}
	lines := bytes.SplitAfter(b, []byte("\n"))
	keep := wholeLines(lines)
	if slices.IsSortedFunc(keep, bytes.Compare) && len(keep) == len(lines)-1 {
		return nil
	}
	slices.SortFunc(keep, bytes.Compare)
	if err := atomicfile.Write(path, func(w io.Writer) error { return writeLines(w, keep) }); err != nil {
		return fmt.Errorf("sort cdxj %s: %w", path, err)
	}
	return nil
}

// wholeLines returns the lines that end with their newline: a crash can
// leave a final line without it.
func wholeLines(lines [][]byte) [][]byte {
	var keep [][]byte
	for _, l := range lines {
		if len(l) > 0 && l[len(l)-1] == '\n' {
			keep = append(keep, l)
		}
	}
	return keep
}

// writeLines writes lines to w.
func writeLines(w io.Writer, lines [][]byte) error {
	for _, l := range lines {
		if _, err := w.Write(l); err != nil {
			return err
		}
	}
	return nil
}

// CDXJLine formats the CDXJ line (newline included) that indexes a record
// at loc, as the Writer writes it: for rebuilding the index of a WARC
// file from its records.
func CDXJLine(uri string, date time.Time, mime string, status int, digest string, loc Location) string {
	e := cdxEntry{key: SURT(uri), date: date, url: uri, mime: mime, status: status, digest: digest, loc: loc}
	return e.line()
}
