package render

import (
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/syndex/syndex/internal/plural"
	"github.com/syndex/syndex/internal/printable"
	"github.com/syndex/syndex/report"
	"github.com/syndex/syndex/report/picture"
)

type gexfDoc struct {
	XMLName xml.Name  `xml:"gexf"`
	XMLNS   string    `xml:"xmlns,attr"`
	Version string    `xml:"version,attr"`
	Meta    gexfMeta  `xml:"meta"`
	Graph   gexfGraph `xml:"graph"`
}

type gexfMeta struct {
	Creator     string `xml:"creator"`
	Description string `xml:"description"`
}

type gexfGraph struct {
	DefaultEdgeType string           `xml:"defaultedgetype,attr"`
	Mode            string           `xml:"mode,attr"`
	Attributes      []gexfAttributes `xml:"attributes"`
	Nodes           []gexfNode       `xml:"nodes>node"`
	Edges           []gexfEdge       `xml:"edges>edge"`
}

type gexfAttributes struct {
	Class string     `xml:"class,attr"`
	Attrs []gexfAttr `xml:"attribute"`
}

type gexfAttr struct {
	ID    string `xml:"id,attr"`
	Title string `xml:"title,attr"`
	Type  string `xml:"type,attr"`
}

type gexfValue struct {
	For   string `xml:"for,attr"`
	Value string `xml:"value,attr"`
}

type gexfNode struct {
	ID     string      `xml:"id,attr"`
	Label  string      `xml:"label,attr"`
	Values []gexfValue `xml:"attvalues>attvalue"`
}

type gexfEdge struct {
	ID     string      `xml:"id,attr"`
	Source string      `xml:"source,attr"`
	Target string      `xml:"target,attr"`
	Weight int         `xml:"weight,attr"`
	Label  string      `xml:"label,attr,omitempty"`
	Values []gexfValue `xml:"attvalues>attvalue"`
}

// GEXF writes the network as GEXF 1.3 (Gephi): a node per site with
// article/original/copy counts, a directed edge from source to republisher
// weighted by count, with median lag, first/last copy dates and whether
// the republisher took the stories from the source's own copies (via).
func GEXF(w io.Writer, r *report.Report) error {
	nodes := r.Nodes()
	id := map[string]string{}
	doc := gexfDoc{XMLNS: "http://gexf.net/1.3", Version: "1.3",
		Meta: gexfMeta{Creator: "syndex", Description: "syndication network: edges point from the original outlet to the republisher"}}
	g := &doc.Graph
	g.DefaultEdgeType, g.Mode = "directed", "static"
	g.Attributes = []gexfAttributes{
		{Class: "node", Attrs: []gexfAttr{
			{"name", "name", "string"}, {"articles", "articles", "integer"}, {"originals", "originals", "integer"}, {"copies", "copies", "integer"},
			{"copies_received", "copies_received", "integer"}, {"copies_made", "copies_made", "integer"}}},
		{Class: "edge", Attrs: []gexfAttr{
			{"count", "count", "integer"}, {"median_lag_seconds", "median_lag_seconds", "long"},
			{"first", "first", "string"}, {"last", "last", "string"}, {"via", "via", "boolean"},
			{"median_original_share", "median_original_share", "double"}}},
	}
	for i, n := range nodes {
		id[n.Site] = "n" + strconv.Itoa(i)
		vals := []gexfValue{{"articles", strconv.Itoa(n.Articles)}, {"originals", strconv.Itoa(n.Originals)}, {"copies", strconv.Itoa(n.Copies)},
			{"copies_received", strconv.Itoa(n.Out)}, {"copies_made", strconv.Itoa(n.In)}}
		if n.Name != "" {
			vals = append(vals, gexfValue{"name", n.Name})
		}
		g.Nodes = append(g.Nodes, gexfNode{ID: id[n.Site], Label: n.Site, Values: vals})
	}
	for i, e := range r.Edges {
		g.Edges = append(g.Edges, gexfEdge{ID: "e" + strconv.Itoa(i), Source: id[e.Source], Target: id[e.Republisher],
			Weight: e.Count, Label: strconv.Itoa(e.Count), Values: gexfEdgeValues(e)})
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return fmt.Errorf("write gexf: %w", err)
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("write gexf: %w", err)
	}
	if _, err := io.WriteString(w, "\n"); err != nil {
		return fmt.Errorf("write gexf: %w", err)
	}
	return nil
}

// gexfEdgeValues are the attribute values of the edge e: count and via,
// and the median lag, median share and first and last copy when known.
func gexfEdgeValues(e report.Edge) []gexfValue {
	vals := []gexfValue{{"count", strconv.Itoa(e.Count)}, {"via", strconv.FormatBool(e.Via)}}
	if e.MedianLagSeconds != nil {
		vals = append(vals, gexfValue{"median_lag_seconds", strconv.FormatInt(*e.MedianLagSeconds, 10)})
	}
	if e.MedianOriginalShare > 0 {
		vals = append(vals, gexfValue{"median_original_share", strconv.FormatFloat(e.MedianOriginalShare, 'f', 2, 64)})
	}
	if !e.First.IsZero() {
		vals = append(vals, gexfValue{"first", timeCell(e.First)}, gexfValue{"last", timeCell(e.Last)})
	}
	return vals
}

// dotQuote quotes s as a DOT string: backslashes and quotes are escaped,
// line breaks and control characters removed.
func dotQuote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range printable.Clean(s) {
		switch r {
		case '"', '\\':
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	b.WriteByte('"')
	return b.String()
}

// dotLabel quotes a label whose line breaks become Graphviz's centred
// line escape.
func dotLabel(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		q := dotQuote(l)
		lines[i] = q[1 : len(q)-1]
	}
	return `"` + strings.Join(lines, `\n`) + `"`
}

// DOT writes the network as a Graphviz digraph: source → republisher,
// pen width by count, labelled with count and median lag; a via edge (the
// republisher copied the source's copies) is dashed.
func DOT(w io.Writer, r *report.Report) error {
	ew := &errWriter{w: w}
	ew.printf("// syndex syndication network: edges point from the original outlet to the republisher\n")
	ew.printf("digraph syndication {\n  rankdir=LR;\n  node [shape=box, style=\"rounded,filled\", fillcolor=\"#eef3fb\", fontname=\"Helvetica\"];\n  edge [color=\"#4a6fa5\", fontname=\"Helvetica\", fontsize=10];\n")
	maxCount := 1
	for _, e := range r.Edges {
		maxCount = max(maxCount, e.Count)
	}
	for _, n := range r.Nodes() {
		label := n.Site
		if n.Name != "" {
			label = n.Name + "\n" + n.Site
		}
		ew.printf("  %s [label=%s, tooltip=%s];\n", dotQuote(n.Site), dotLabel(label),
			dotQuote(fmt.Sprintf("%s received, %d made", plural.N(n.Out, "copy", "copies"), n.In)))
	}
	for _, e := range r.Edges {
		label, style := fmt.Sprintf("%d · %s", e.Count, printable.Lag(e.MedianLagSeconds)), ""
		if e.Via {
			label, style = "via · "+label, `, style=dashed, color="#c05621"`
		}
		ew.printf("  %s -> %s [label=%s, weight=%d, penwidth=%.2f%s];\n", dotQuote(e.Source), dotQuote(e.Republisher),
			dotQuote(label), e.Count, picture.EdgeWidth(e.Count, maxCount), style)
	}
	ew.printf("}\n")
	return ew.err
}
