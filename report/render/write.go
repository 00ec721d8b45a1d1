// Package render writes a syndication network report (package report) in
// each of its formats: text for a terminal, the data contract's JSON, CSV
// tables, GEXF (Gephi), DOT (Graphviz), the network picture and the weekly
// timeline as SVG, and one self-contained HTML page holding them all. A
// new format is a writer in a file of its own and one line in formats
// (write.go). Every string a report carries came from crawled pages: each
// writer escapes it for its own syntax. The tests are in report's
// directory (package report_test): they build reports from Articles and
// check each format against golden files in testdata/report.
package render

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/syndex/syndex/internal/plural"
	"github.com/syndex/syndex/internal/printable"
	"github.com/syndex/syndex/report"
)

// formats lists each format Write accepts with its writer, in the order
// Formats gives them. A new format is a file with its writer and one line
// here: the command's --format check, help and usage line follow.
var formats = []struct {
	name  string
	write func(io.Writer, *report.Report) error
}{
	{"text", Text},
	{"json", writeJSON},
	{"csv", func(w io.Writer, r *report.Report) error { return CSV(w, r, "edges") }},
	{"gexf", GEXF},
	{"dot", DOT},
	{"html", HTML},
}

// Formats lists the formats Write accepts.
var Formats = func() []string {
	names := make([]string, len(formats))
	for i, f := range formats {
		names[i] = f.name
	}
	return names
}()

// FormatChoice lists Formats for a message: "text, json, ... or html".
func FormatChoice() string {
	return strings.Join(Formats[:len(Formats)-1], ", ") + " or " + Formats[len(Formats)-1]
}

// Tables lists the tables CSV accepts; "csv" in Write means the first.
var Tables = []string{"edges", "clusters", "sites"}

// Write renders the report in format (one of Formats; empty means text).
// The "csv" format writes the edges table; use CSV for the others.
func Write(w io.Writer, r *report.Report, format string) error {
	if format == "" {
		format = "text"
	}
	for _, f := range formats {
		if f.name == format {
			return f.write(w, r)
		}
	}
	return fmt.Errorf("unknown report format %q (want one of %s)", format, strings.Join(Formats, ", "))
}

// writeJSON writes the report as the data contract's JSON, indented.
func writeJSON(w io.Writer, r *report.Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(r); err != nil {
		return fmt.Errorf("write json report: %w", err)
	}
	return nil
}

func fmtDate(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format("2006-01-02")
}

func pct(x float64) string { return strconv.FormatFloat(100*x, 'f', 1, 64) + "%" }

// textTop bounds the rows of each ranking in the text report.
const textTop = 15

// Text renders a terminal summary: totals, top originating outlets,
// top republishers, edges with counts and median lag, each site's copy
// share, and the largest clusters.
func Text(w io.Writer, r *report.Report) error {
	ew := &errWriter{w: w}
	t := r.Totals
	ew.printf("Syndication report: %s on %s, %s, %s, median lag %s\n",
		plural.S(t.Articles, "article"), plural.S(t.Sites, "site"), plural.N(t.Clusters, "syndicated story", "syndicated stories"),
		plural.N(t.Copies, "copy", "copies"), printable.Lag(t.MedianLagSeconds))
	if f := r.Filter; !f.From.IsZero() || !f.To.IsZero() || f.Site != "" || f.MinCount > 0 {
		ew.printf("Filter: from %s to %s, site %q, min count %d\n", fmtDate(f.From), fmtDate(f.To), printable.Clean(f.Site), f.MinCount)
	}

	writeOutlets(ew, "Top originating outlets", "RECEIVED", r.Originators())
	writeOutlets(ew, "Top republishers", "MADE", r.Republishers())
	writeEdges(ew, r)
	writeSites(ew, r)
	writeClusters(ew, r)
	return ew.err
}

// writeOutlets writes the table of the top outlets, originators or
// republishers (verb says which copies they counted).
func writeOutlets(ew *errWriter, title, verb string, os []report.Outlet) {
	ew.printf("\n%s\n", title)
	if len(os) == 0 {
		ew.printf("  (none)\n")
		return
	}
	tw := tabwriter.NewWriter(ew, 2, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "  SITE\tCOPIES %s\tSTORIES\tPARTNERS\n", verb)
	for i, o := range os {
		if i == textTop {
			fmt.Fprintf(tw, "  … %d more\t\t\t\n", len(os)-textTop)
			break
		}
		fmt.Fprintf(tw, "  %s\t%d\t%d\t%d\n", printable.Clean(o.Site), o.Copies, o.Stories, o.Partners)
	}
	_ = tw.Flush()
}

// writeEdges writes who republishes whom: each edge with its count,
// median lag and share carried.
func writeEdges(ew *errWriter, r *report.Report) {
	ew.printf("\nWho republishes whom\n")
	if len(r.Edges) == 0 {
		ew.printf("  (none)\n")
		return
	}
	tw := tabwriter.NewWriter(ew, 2, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "  SOURCE\t\tREPUBLISHER\tCOPIES\tMEDIAN LAG\tCARRIED\tFIRST\tLAST\n")
	vias := false
	for i, e := range r.Edges {
		if i == 2*textTop {
			fmt.Fprintf(tw, "  … %d more\t\t\t\t\t\t\t\n", len(r.Edges)-i)
			break
		}
		arrow := "→"
		if e.Via {
			arrow, vias = "⇢", true
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%d\t%s\t%s\t%s\t%s\n", printable.Clean(e.Source), arrow, printable.Clean(e.Republisher), e.Count,
			printable.Lag(e.MedianLagSeconds), shareText(e.MedianOriginalShare), fmtDate(e.First), fmtDate(e.Last))
	}
	_ = tw.Flush()
	ew.printf("  CARRIED: median share of the original's story in the copies\n")
	if vias {
		ew.printf("  ⇢ stories taken from the source's own copies of another site's original\n")
	}
}

// writeSites writes each site's articles, originals, copies and copy
// share (and collections, when any site has one).
func writeSites(ew *errWriter, r *report.Report) {
	ew.printf("\nSites\n")
	if len(r.Sites) == 0 {
		ew.printf("  (none)\n")
		return
	}
	tw := tabwriter.NewWriter(ew, 2, 4, 2, ' ', 0)
	coll := hasCollections(r)
	head := "  SITE\tARTICLES\tORIGINALS\tCOPIES\tUNIQUE\tCOPY SHARE"
	if coll {
		head += "\tCOLLECTIONS"
	}
	fmt.Fprintf(tw, "%s\n", head)
	for _, s := range r.Sites {
		fmt.Fprintf(tw, "  %s\t%d\t%d\t%d\t%d\t%s", printable.Clean(s.Site), s.Articles, s.Originals, s.Copies, s.Unique, pct(s.CopyShare))
		if coll {
			fmt.Fprintf(tw, "\t%s", printable.Clean(strings.Join(s.Collections, ", ")))
		}
		fmt.Fprintf(tw, "\n")
	}
	_ = tw.Flush()
}

// writeClusters writes the largest clusters (10), each with its evidence
// and first copies (5).
func writeClusters(ew *errWriter, r *report.Report) {
	ew.printf("\nLargest clusters\n")
	if len(r.Clusters) == 0 {
		ew.printf("  (none)\n")
	}
	for i, c := range r.Clusters {
		if i == 10 {
			ew.printf("  … %d more\n", len(r.Clusters)-i)
			break
		}
		title := printable.Clean(c.Original.Title)
		if title == "" {
			title = printable.Clean(c.Original.URL)
		}
		ew.printf("  %s  %s  [%s, %s]\n", plural.N(len(c.Copies), "copy", "copies"), title, printable.Clean(c.Original.Site), fmtDate(c.Original.Published))
		if len(c.Evidence) > 0 {
			ew.printf("      evidence: %s\n", printable.Clean(strings.Join(c.Evidence, ", ")))
		}
		for j, cp := range c.Copies {
			if j == 5 {
				ew.printf("      … %s more\n", plural.N(len(c.Copies)-j, "copy", "copies"))
				break
			}
			ew.printf("      → %s  +%s%s  sim %.2f%s%s  %s\n", printable.Clean(cp.Site), printable.Lag(cp.LagSeconds), precisionNote(cp.LagPrecision),
				cp.Similarity, sharesNote(cp), viaNote(cp), printable.Clean(cp.URL))
		}
	}
}

// sharesNote describes how much of the original a copy carries and how
// much of the copy is the original's ("" for copies without shares).
func sharesNote(cp report.Copy) string {
	if cp.OriginalShare == 0 && cp.CopyShare == 0 {
		return ""
	}
	return fmt.Sprintf("  carries %s of the original, %s of its text from it", pctRound(cp.OriginalShare), pctRound(cp.CopyShare))
}

func viaNote(cp report.Copy) string {
	if cp.ViaSite == "" {
		return ""
	}
	return "  via " + printable.Clean(cp.ViaSite)
}

// precisionNote says how a lag was measured when it is not between two
// publication times: " (by day)", " (first seen)".
func precisionNote(p string) string {
	switch p {
	case "":
		return ""
	case "fetched":
		return " (first seen)"
	}
	return " (by " + p + ")"
}

// shareText renders a median share, "?" when unknown.
func shareText(x float64) string {
	if x == 0 {
		return "?"
	}
	return pctRound(x)
}

// pctRound renders a share as a whole percentage ("56%").
func pctRound(x float64) string { return strconv.Itoa(int(100*x+0.5)) + "%" }

type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(p)
	if err != nil {
		e.err = fmt.Errorf("write report: %w", err)
	}
	return n, e.err
}

func (e *errWriter) printf(format string, args ...any) { fmt.Fprintf(e, format, args...) }

func lagCell(p *int64) string {
	if p == nil {
		return ""
	}
	return strconv.FormatInt(*p, 10)
}

// shareCell writes share x, or nothing when the copy has no shares (o and
// c both zero: deduplicated before they were computed).
func shareCell(o, c, x float64) string {
	if o == 0 && c == 0 {
		return ""
	}
	return strconv.FormatFloat(x, 'f', 4, 64)
}

// timeCell writes a time for machine-readable output: RFC 3339 with the
// offset its publisher stated (README, "Times").
func timeCell(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.RFC3339)
}

// CSV writes one table (edges, clusters or sites; see Tables) as CSV
// with a header row. The clusters table has one row per copy.
func CSV(w io.Writer, r *report.Report, table string) error {
	var rows [][]string
	switch table {
	case "edges":
		rows = edgeRows(r)
	case "clusters":
		rows = clusterRows(r)
	case "sites":
		rows = siteRows(r)
	default:
		return fmt.Errorf("unknown csv table %q (want one of %s)", table, strings.Join(Tables, ", "))
	}
	if err := csv.NewWriter(w).WriteAll(rows); err != nil {
		return fmt.Errorf("write csv table %s: %w", table, err)
	}
	return nil
}

// edgeRows is the edges table: one row per edge.
func edgeRows(r *report.Report) [][]string {
	rows := [][]string{{"source", "republisher", "count", "median_lag_seconds", "first", "last", "via", "median_original_share"}}
	for _, e := range r.Edges {
		rows = append(rows, []string{printable.CSV(e.Source), printable.CSV(e.Republisher), strconv.Itoa(e.Count),
			lagCell(e.MedianLagSeconds), timeCell(e.First), timeCell(e.Last), strconv.FormatBool(e.Via),
			shareCell(e.MedianOriginalShare, 0, e.MedianOriginalShare)})
	}
	return rows
}

// clusterRows is the clusters table: one row per copy, with its
// cluster's original.
func clusterRows(r *report.Report) [][]string {
	rows := [][]string{{"cluster", "original_id", "original_site", "original_url", "original_published",
		"copy_id", "copy_site", "copy_url", "copy_published", "similarity", "lag_seconds", "evidence",
		"original_share", "copy_share", "via", "via_site", "lag_precision"}}
	for _, c := range r.Clusters {
		o := c.Original
		for _, cp := range c.Copies {
			rows = append(rows, []string{printable.CSV(c.ID), printable.CSV(o.ID), printable.CSV(o.Site), printable.CSV(o.URL), timeCell(o.Published),
				printable.CSV(cp.ID), printable.CSV(cp.Site), printable.CSV(cp.URL), timeCell(cp.Published),
				strconv.FormatFloat(cp.Similarity, 'f', 4, 64), lagCell(cp.LagSeconds), printable.CSV(strings.Join(c.Evidence, ";")),
				shareCell(cp.OriginalShare, cp.CopyShare, cp.OriginalShare), shareCell(cp.OriginalShare, cp.CopyShare, cp.CopyShare),
				printable.CSV(cp.Via), printable.CSV(cp.ViaSite), cp.LagPrecision})
		}
	}
	return rows
}

// siteRows is the sites table: one row per site. The collections column
// is there when the config names collections (it is added at the end,
// after the stable columns).
func siteRows(r *report.Report) [][]string {
	coll := hasCollections(r)
	head := []string{"site", "articles", "originals", "copies", "unique", "copy_share", "republished"}
	if coll {
		head = append(head, "collections")
	}
	rows := [][]string{head}
	for _, s := range r.Sites {
		row := []string{printable.CSV(s.Site), strconv.Itoa(s.Articles), strconv.Itoa(s.Originals),
			strconv.Itoa(s.Copies), strconv.Itoa(s.Unique), strconv.FormatFloat(s.CopyShare, 'f', 4, 64), strconv.Itoa(s.Republished)}
		if coll {
			row = append(row, printable.CSV(strings.Join(s.Collections, ";")))
		}
		rows = append(rows, row)
	}
	return rows
}

// hasCollections reports whether any site of the report belongs to a
// collection.
func hasCollections(r *report.Report) bool {
	for _, s := range r.Sites {
		if len(s.Collections) > 0 {
			return true
		}
	}
	return false
}
