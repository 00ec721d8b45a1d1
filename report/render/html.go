package render

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io"
	"strings"
	"time"

	"github.com/syndex/syndex/internal/plural"
	"github.com/syndex/syndex/internal/printable"
	"github.com/syndex/syndex/report"
	"github.com/syndex/syndex/report/picture"
)

//go:embed templates/report.html.tmpl
var templateFS embed.FS

// Funcs are the template helpers the report page uses; the web UI reuses
// them.
var Funcs = template.FuncMap{
	"lag":  printable.Lag,
	"date": fmtDate,
	"pct":  pct,
	"pct0": pctRound,
	// precision notes how a lag was measured (" (by day)", " (first seen)").
	"precision": precisionNote,
	"trunc":     printable.Truncate,
	"sim":       func(f float64) string { return fmt.Sprintf("%.2f", f) },
	"join":      strings.Join,
	"inc":       func(i int) int { return i + 1 },
	// plural writes a counted noun: {{plural 1 "copy" "copies"}} is "1 copy".
	"plural": plural.N,
	// weblink reports whether a crawled URL is http(s), the only kind
	// rendered as a link.
	"weblink": func(u string) bool {
		l := strings.ToLower(strings.TrimSpace(u))
		return strings.HasPrefix(l, "http://") || strings.HasPrefix(l, "https://")
	},
	"bar": func(f float64) string { // width of a share bar, in percent
		return fmt.Sprintf("%.1f", 100*max(0, min(1, f)))
	},
}

var htmlTemplate = template.Must(template.New("report.html.tmpl").Funcs(Funcs).ParseFS(templateFS, "templates/report.html.tmpl"))

// htmlTop bounds the rows of long tables in the HTML report.
const htmlTop = 50

type htmlPage struct {
	R            *report.Report
	Network      template.HTML
	Timeline     template.HTML
	Originators  []report.Outlet
	Republishers []report.Outlet
	Edges        []report.Edge
	MoreEdges    int
	Clusters     []report.Cluster
	MoreClusters int
	From, To     string
}

// HTML writes one self-contained HTML page (inline CSS, inline SVG,
// no scripts, no external requests) with the summary tables, the network
// picture and the weekly timeline.
func HTML(w io.Writer, r *report.Report) error {
	var net, tl bytes.Buffer
	if err := SVG(&net, r, picture.Options{}); err != nil {
		return err
	}
	if err := TimelineSVG(&tl, r); err != nil {
		return err
	}
	p := htmlPage{R: r,
		// Both SVGs escape every string they carry (picture.Write escapes its text).
		Network: template.HTML(net.String()), Timeline: template.HTML(tl.String()),
		Originators: r.Originators(), Republishers: r.Republishers(),
		Edges: r.Edges, Clusters: r.Clusters}
	p.cut()
	if !r.Filter.From.IsZero() {
		p.From = r.Filter.From.UTC().Format(time.DateOnly)
	}
	if !r.Filter.To.IsZero() {
		p.To = r.Filter.To.UTC().Format(time.DateOnly)
	}
	if err := htmlTemplate.Execute(w, p); err != nil {
		return fmt.Errorf("write html report: %w", err)
	}
	return nil
}

// cut keeps the first htmlTop edges, htmlTop/2 clusters and 20
// originators and republishers of the page, counting the edges and
// clusters left out.
func (p *htmlPage) cut() {
	if len(p.Edges) > htmlTop {
		p.Edges, p.MoreEdges = p.Edges[:htmlTop], len(p.Edges)-htmlTop
	}
	if len(p.Clusters) > htmlTop/2 {
		p.Clusters, p.MoreClusters = p.Clusters[:htmlTop/2], len(p.Clusters)-htmlTop/2
	}
	if len(p.Originators) > 20 {
		p.Originators = p.Originators[:20]
	}
	if len(p.Republishers) > 20 {
		p.Republishers = p.Republishers[:20]
	}
}
