// Package picture draws the syndication network as one SVG: a circle per
// site, an arrow from each source to each republisher, laid out by a force
// simulation that depends only on its input. It owns the drawing (sizes,
// colours, labels that give way, the legend, the collapse of small sites
// into one circle per collection); what the network is (which sites, which
// copies, the lags) is package report's, which hands it over as a Graph.
package picture

import (
	"bytes"
	"cmp"
	"fmt"
	"html"
	"io"
	"maps"
	"math"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/syndex/syndex/internal/plural"
	"github.com/syndex/syndex/internal/printable"
)

// Graph is the network to draw.
type Graph struct {
	// Nodes are the sites on a link, busiest first.
	Nodes []Node
	// Links are the copies from one site to another.
	Links []Link
	// Collections are the names of the sites' collections, sorted; each
	// gets a colour.
	Collections []string
}

// Node is one site of the network.
type Node struct {
	Site string
	// Name is the outlet's own name, when known.
	Name string
	// Out counts copies other sites made of this site's originals; In
	// counts copies this site made; Articles, the site's articles.
	Out, In, Articles int
	// Collection is the collection the site is coloured by ("" for none).
	Collection string
}

// Link is the copies one site made of another's stories.
type Link struct {
	Source, Republisher string
	Count               int
	// MedianLagSeconds is the median lag of the copies (nil: unknown).
	MedianLagSeconds *int64
	// Via marks copies taken from the source's own copies.
	Via bool
}

// Options tune the picture.
type Options struct {
	// Href, when set, makes each node a link to Href(site) (the web UI's
	// site page). The result is escaped; it should be a relative path.
	Href func(site string) string
	// MaxNodes keeps the picture legible by drawing only the busiest sites
	// (default 60), and only the heaviest MaxEdges links (default 150).
	MaxNodes, MaxEdges int
	// Width and Height of the view box (default 960 × a height that grows
	// with the node count).
	Width, Height float64
}

// xmlText escapes s for XML text or a quoted attribute, dropping characters
// XML 1.0 cannot carry.
func xmlText(s string) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '\t' || r == '\n' || r == '\r':
			return ' '
		case r < 0x20, r == 0xFFFE, r == 0xFFFF, r >= 0xD800 && r <= 0xDFFF:
			return -1
		}
		return r
	}, strings.ToValidUTF8(s, "\uFFFD"))
	return html.EscapeString(s)
}

// The network picture stays readable on large networks: the busiest
// sites are drawn one by one and the rest are collapsed into one circle
// per collection (and one for the sites in none), with their copies
// summed on the arrows; labels that would overlap an earlier (busier)
// site's label are left to the tooltip; the legend wraps. Sites in the
// config's collections are filled with their collection's colour and
// ringed with their role (blue: copied by others, orange: copies others).

// picNode is one circle: a site, or several small sites collapsed.
type picNode struct {
	Node
	members int // sites collapsed into it (0 for a single site)
}

// picEdge is one arrow between circles.
type picEdge struct {
	src, dst int
	count    int
	lag      *int64 // median lag of a single edge; nil for merged ones
	via      bool
	merged   bool // sums edges of collapsed sites
}

// collectionPalette colours collections, in the order of their names.
var collectionPalette = []string{"#805ad5", "#38a169", "#d53f8c", "#d69e2e", "#319795", "#e53e3e", "#5a67d8", "#718096"}

// noCollection is the fill of sites outside every collection when the
// picture shows collections.
const noCollection = "#cbd5e0"

// collapseNodes keeps the nodes (busiest first) up to maxNodes and
// collapses the rest into one node per collection; idx gives each site's
// node.
func collapseNodes(all []Node, maxNodes int) (nodes []picNode, idx map[string]int) {
	idx = map[string]int{}
	if len(all) <= maxNodes {
		for i, n := range all {
			nodes = append(nodes, picNode{Node: n})
			idx[n.Site] = i
		}
		return nodes, idx
	}
	// The collapsed circles take slots of their own.
	groups := map[string]bool{}
	for _, n := range all[maxNodes:] {
		groups[n.Collection] = true
	}
	keep := max(1, maxNodes-len(groups))
	for i, n := range all[:keep] {
		nodes = append(nodes, picNode{Node: n})
		idx[n.Site] = i
	}
	agg := map[string]int{}
	for _, g := range slices.Sorted(maps.Keys(groups)) {
		agg[g] = len(nodes)
		nodes = append(nodes, picNode{Node: Node{Collection: g}})
	}
	for _, n := range all[keep:] {
		g := n.Collection
		a := &nodes[agg[g]]
		a.members++
		a.Out += n.Out
		a.In += n.In
		a.Articles += n.Articles
		idx[n.Site] = agg[g]
	}
	for g, i := range agg {
		a := &nodes[i]
		a.Site = fmt.Sprintf("%s (%d)", cmp.Or(g, "other sites"), a.members)
		if g != "" {
			a.Site = fmt.Sprintf("other %s sites (%d)", g, a.members)
		}
	}
	return nodes, idx
}

// mergeEdges maps the links onto the nodes, merging those between the
// same two nodes (a merged edge has no one lag), heaviest first.
func mergeEdges(links []Link, nodes []picNode, idx map[string]int) []picEdge {
	type key struct {
		src, dst int
		via      bool
	}
	merged := map[key]*picEdge{}
	for _, e := range links {
		i, ok1 := idx[e.Source]
		j, ok2 := idx[e.Republisher]
		if !ok1 || !ok2 || i == j {
			continue
		}
		k := key{i, j, e.Via}
		pe := merged[k]
		if pe == nil {
			pe = &picEdge{src: i, dst: j, via: e.Via, lag: e.MedianLagSeconds}
			merged[k] = pe
		} else {
			pe.merged, pe.lag = true, nil
		}
		pe.count += e.Count
		if nodes[i].members > 0 || nodes[j].members > 0 {
			pe.merged = true
		}
	}
	edges := make([]picEdge, 0, len(merged))
	for _, e := range merged {
		edges = append(edges, *e)
	}
	slices.SortFunc(edges, func(a, b picEdge) int {
		return cmp.Or(cmp.Compare(b.count, a.count), cmp.Compare(a.src, b.src), cmp.Compare(a.dst, b.dst), cmpBool(a.via, b.via))
	})
	return edges
}

// rect is a label's box, for the overlap test.
type rect struct{ x0, y0, x1, y1 float64 }

func (a rect) overlaps(b rect) bool { return a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1 }

// legendItem is one entry of the picture's legend.
type legendItem struct {
	svg   func(x, y float64) string // the swatch at (x, y), the text's baseline
	text  string
	width float64
}

// Write draws g as SVG: a circle per site (blue for
// sites whose stories are copied, orange for sites that copy, or the
// colour of its collection; size by volume), an arrow from each source to
// each republisher, width by count. Beyond MaxNodes sites the smallest are
// collapsed into one circle per collection.
func Write(w io.Writer, g Graph, opt Options) error {
	if opt.MaxNodes <= 0 {
		opt.MaxNodes = 60
	}
	if opt.MaxEdges <= 0 {
		opt.MaxEdges = 150
	}
	nodes, idx := collapseNodes(g.Nodes, opt.MaxNodes)
	edges := mergeEdges(g.Links, nodes, idx)
	d := newDrawing(nodes, thinEdges(nodes, edges, opt.MaxEdges), g.Collections, opt)
	ew := &svgWriter{}
	ew.printf(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %.0f %.0f" width="%.0f" height="%.0f" role="img" aria-label="syndication network: %d sites, %d links" font-family="Helvetica, Arial, sans-serif">`+"\n",
		d.W, d.H, d.W, d.H, len(d.nodes), len(d.edges))
	ew.printf(`<rect x="0" y="0" width="%.0f" height="%.0f" fill="#fbfcfe" rx="8"/>`+"\n", d.W, d.H)
	if len(d.nodes) == 0 {
		ew.printf(`<text x="%.0f" y="%.0f" text-anchor="middle" font-size="15" fill="#667">No syndication found in this range.</text>`+"\n</svg>\n", d.W/2, d.H/2)
		return ew.writeTo(w)
	}
	d.drawEdges(ew)
	unlabelled := d.placeLabels()
	d.drawNodes(ew, opt.Href)
	d.drawLegend(ew, unlabelled)
	ew.printf("</g>\n</svg>\n")
	return ew.writeTo(w)
}

// thinEdges keeps the maxEdges heaviest edges (edges come heaviest first),
// and every circle's heaviest arrow, so none is left floating apart from
// the rest.
func thinEdges(nodes []picNode, edges []picEdge, maxEdges int) []picEdge {
	if len(edges) <= maxEdges {
		return edges
	}
	has := make([]bool, len(nodes))
	for _, e := range edges[:maxEdges] {
		has[e.src], has[e.dst] = true, true
	}
	kept := edges[:maxEdges:maxEdges]
	for _, e := range edges[maxEdges:] {
		if !has[e.src] || !has[e.dst] {
			kept = append(kept, e)
			has[e.src], has[e.dst] = true, true
		}
	}
	return kept
}

// drawing is the network picture laid out: its size, each circle's place
// and radius, the legend and the labels.
type drawing struct {
	nodes     []picNode
	edges     []picEdge
	colls     []string
	colour    map[string]string // collection → colour
	W, H      float64
	legend    []placedItem
	legendH   float64
	hoverItem int // the legend's "unlabelled" entry, -1 when none
	at        []point
	rad       []float64
	maxCount  int
	// labels, labelX and labelAt are each circle's label, its centre and
	// its baseline (0: left to the tooltip).
	labels          []string
	labelX, labelAt []float64
}

// placedItem is a legend entry at its x and row.
type placedItem struct {
	it   legendItem
	x, y float64
}

// newDrawing sizes the picture, lays out its legend and its circles.
func newDrawing(nodes []picNode, edges []picEdge, colls []string, opt Options) *drawing {
	d := &drawing{nodes: nodes, edges: edges, colls: colls, colour: map[string]string{}, W: opt.Width, H: opt.Height}
	if d.W <= 0 {
		d.W = 960
	}
	if d.H <= 0 {
		d.H = math.Min(860, 380+10*float64(len(nodes)))
	}
	for i, c := range colls {
		d.colour[c] = collectionPalette[i%len(collectionPalette)]
	}
	items := d.legendItems()
	x, row := 16.0, 0
	for _, it := range items {
		if x+it.width > d.W-16 && x > 16 {
			x, row = 16, row+1
		}
		d.legend = append(d.legend, placedItem{it, x, float64(row)})
		x += it.width + 14
	}
	d.legendH = 34 + 18*float64(row)
	d.layout()
	return d
}

// legendItems returns the legend's entries: the colours, the arrows, the
// collapsed circles and, on a busy picture, the unlabelled sites.
func (d *drawing) legendItems() []legendItem {
	var items []legendItem
	swatch := func(fill, ring string) func(x, y float64) string {
		return func(x, y float64) string {
			return fmt.Sprintf(`<circle cx="%.0f" cy="%.0f" r="6" fill="%s" stroke="%s" stroke-width="2"/>`, x+6, y-4, fill, ring)
		}
	}
	textW := func(s string) float64 { return 6.6*float64(utf8.RuneCountInString(s)) + 28 }
	add := func(sw func(x, y float64) string, text string) {
		items = append(items, legendItem{sw, text, textW(text)})
	}
	if len(d.colls) > 0 {
		add(swatch("#fff", "#2b6cb0"), "ring: stories copied by others")
		add(swatch("#fff", "#dd6b20"), "ring: copies others' stories")
		for _, c := range d.colls {
			add(swatch(d.colour[c], d.colour[c]), printable.Truncate(c, 40))
		}
		add(swatch(noCollection, noCollection), "in no collection")
	} else {
		add(swatch("#2b6cb0", "#fff"), "stories copied by others")
		add(swatch("#dd6b20", "#fff"), "copies others' stories")
	}
	add(nil, "arrow: source → republisher, width: number of copies")
	if slices.ContainsFunc(d.edges, func(e picEdge) bool { return e.via }) {
		add(func(x, y float64) string {
			return fmt.Sprintf(`<line x1="%.0f" y1="%.0f" x2="%.0f" y2="%.0f" stroke="#c05621" stroke-width="2" stroke-dasharray="6 4"/>`, x, y-4, x+22, y-4)
		}, "via: copied a copy")
	}
	collapsed := 0
	for _, n := range d.nodes {
		collapsed += n.members
	}
	if collapsed > 0 {
		add(nil, fmt.Sprintf("%s collapsed into %s", plural.N(collapsed, "smaller site", "smaller sites"), plural.N(countAgg(d.nodes), "circle", "circles")))
	}
	d.hoverItem = -1
	if len(d.nodes) > 20 { // labels may have to give way: say so
		d.hoverItem = len(items)
		add(nil, "000 sites unlabelled: hover for their names")
	}
	return items
}

// layout places the circles (force-directed, heavier edges pulling
// harder) above the legend, each sized by its copies.
func (d *drawing) layout() {
	idx := make([][2]int, len(d.edges))
	weights := make([]float64, len(d.edges))
	d.maxCount = 1
	maxFlow := 1
	for _, e := range d.edges {
		d.maxCount = max(d.maxCount, e.count)
	}
	for i, e := range d.edges {
		idx[i] = [2]int{e.src, e.dst}
		weights[i] = float64(e.count) / float64(d.maxCount)
	}
	for _, n := range d.nodes {
		maxFlow = max(maxFlow, n.Out+n.In)
	}
	pos := layout(len(d.nodes), idx, weights)
	const margin = 70.0
	d.at = make([]point, len(d.nodes))
	d.rad = make([]float64, len(d.nodes))
	for i, p := range pos {
		d.at[i] = point{margin + p.x*(d.W-2*margin), margin*0.6 + p.y*(d.H-d.legendH-margin*1.4)}
		d.rad[i] = 6 + 14*math.Sqrt(float64(d.nodes[i].Out+d.nodes[i].In)/float64(maxFlow))
	}
}

// drawEdges draws an arrow per edge, bent apart from the edge the other
// way and from a direct edge beside a via edge.
func (d *drawing) drawEdges(ew *svgWriter) {
	reverse := map[[2]int]bool{}
	for _, e := range d.edges {
		reverse[[2]int{e.src, e.dst}] = true
	}
	// Dense pictures need fainter lines to stay readable.
	opacity := 0.6
	if len(d.edges) > 25 {
		opacity = 0.35
	}
	ew.printf(`<g fill="none" stroke-linecap="round">` + "\n")
	for _, e := range d.edges {
		i, j := e.src, e.dst
		s, t := d.at[i], d.at[j]
		dir := t.sub(s)
		bend := 0.08
		if reverse[[2]int{j, i}] {
			bend = 0.18
		}
		if e.via {
			bend = -bend - 0.06 // beside a direct edge between the same sites
		}
		c := s.add(dir.mul(0.5)).add(dir.perp().mul(bend))
		sw := EdgeWidth(e.count, d.maxCount)
		alen, awid := 7+1.1*sw, 6+1.0*sw
		p0 := s.add(c.sub(s).unit().mul(d.rad[i]))
		back := c.sub(t).unit()
		tip := t.add(back.mul(d.rad[j] + 1))
		base := tip.add(back.mul(alen))
		wing := back.perp().mul(awid / 2)
		l1, l2 := base.add(wing), base.sub(wing)
		src, dst := d.nodes[i].Site, d.nodes[j].Site
		lag := ", median lag " + printable.Lag(e.lag)
		if e.merged {
			lag = ""
		}
		tip2 := fmt.Sprintf("%s: %s of stories from %s%s", dst, plural.N(e.count, "copy", "copies"), src, lag)
		color, dash := "#4a6fa5", ""
		if e.via {
			tip2 = fmt.Sprintf("%s: %s taken from %s's own copies%s", dst, plural.N(e.count, "story", "stories"), src, lag)
			color, dash = "#c05621", ` stroke-dasharray="6 4" class="via"`
		}
		ew.printf(`<g><title>%s</title><path d="M%.1f %.1f Q%.1f %.1f %.1f %.1f" stroke="%s" stroke-opacity="%.2f" stroke-width="%.2f"%s/>`,
			xmlText(tip2), p0.x, p0.y, c.x, c.y, base.x, base.y, color, opacity, sw, dash)
		ew.printf(`<polygon points="%.1f,%.1f %.1f,%.1f %.1f,%.1f" fill="%s" fill-opacity="0.85" stroke="none"/></g>`+"\n",
			tip.x, tip.y, l1.x, l1.y, l2.x, l2.y, color)
	}
	ew.printf("</g>\n<g>\n")
}

// placeLabels places the labels, collapsed circles first, then the others
// in order (busiest first); one that would overlap an earlier label is
// moved above its circle, or left to the tooltip. It returns how many were
// left.
func (d *drawing) placeLabels() int {
	var boxes []rect
	unlabelled := 0
	n := len(d.nodes)
	d.labels, d.labelX, d.labelAt = make([]string, n), make([]float64, n), make([]float64, n)
	for _, i := range d.labelOrder() {
		p := d.at[i]
		label := d.nodes[i].label()
		half := 3.6*float64(utf8.RuneCountInString(label)) + 4
		lx := math.Max(half, math.Min(d.W-half, p.x))
		d.labels[i], d.labelX[i] = label, lx
		for _, ly := range []float64{p.y + d.rad[i] + 15, p.y - d.rad[i] - 6} {
			box := rect{lx - half, ly - 12, lx + half, ly + 3}
			if !slices.ContainsFunc(boxes, box.overlaps) {
				boxes = append(boxes, box)
				d.labelAt[i] = ly
				break
			}
		}
		if d.labelAt[i] == 0 {
			unlabelled++
		}
	}
	return unlabelled
}

// labelOrder is the order labels are placed in: the collapsed circles
// first, then the others in order.
func (d *drawing) labelOrder() []int {
	order := make([]int, 0, len(d.nodes))
	for i, nd := range d.nodes {
		if nd.members > 0 {
			order = append(order, i)
		}
	}
	for i, nd := range d.nodes {
		if nd.members == 0 {
			order = append(order, i)
		}
	}
	return order
}

// label is a circle's label: the site's name when the config gives one,
// else the site, cut to 30 characters.
func (n picNode) label() string {
	label := n.Site
	if n.Name != "" && n.members == 0 {
		label = n.Name
	}
	return printable.Truncate(label, 30)
}

// drawNodes draws each circle with its tooltip, label and link.
func (d *drawing) drawNodes(ew *svgWriter, href func(site string) string) {
	for i, n := range d.nodes {
		p := d.at[i]
		tip := n.tooltip()
		link := href != nil && n.members == 0
		if link {
			ew.printf(`<a href="%s">`, xmlText(href(n.Site)))
		}
		fill, ring, ringW := d.nodeColors(n)
		extra := ""
		if n.members > 0 {
			extra = ` stroke-dasharray="3 2" class="collapsed"`
		}
		ew.printf(`<g><title>%s</title><circle cx="%.1f" cy="%.1f" r="%.1f" fill="%s" stroke="%s" stroke-width="%.0f"%s/>`,
			xmlText(tip), p.x, p.y, d.rad[i], fill, ring, ringW, extra)
		if d.labelAt[i] != 0 {
			ew.printf(`<text x="%.1f" y="%.1f" text-anchor="middle" font-size="13" fill="#1a202c" stroke="#fbfcfe" stroke-width="4" paint-order="stroke" stroke-linejoin="round">%s</text>`,
				d.labelX[i], d.labelAt[i], xmlText(d.labels[i]))
		}
		ew.printf(`</g>`)
		if link {
			ew.printf(`</a>`)
		}
		ew.printf("\n")
	}
	ew.printf("</g>\n")
}

// tooltip is what hovering over a circle says: the site's copies
// received and made and its articles, or for the collapsed circle how
// many sites it stands for.
func (n picNode) tooltip() string {
	if n.members > 0 {
		return fmt.Sprintf("%s collapsed: %s received, %s made", plural.N(n.members, "smaller site", "smaller sites"), plural.N(n.Out, "copy", "copies"), plural.N(n.In, "copy", "copies"))
	}
	name := n.Site
	if n.Name != "" {
		name = n.Name + " (" + n.Site + ")"
	}
	return fmt.Sprintf("%s: %s received, %s made, %s", name, plural.N(n.Out, "copy", "copies"), plural.N(n.In, "copy", "copies"), plural.S(n.Articles, "article"))
}

// nodeColors are a circle's fill, ring colour and ring width: coloured
// by what the site does (nodeColor), or, when the picture shows
// collections, filled with its collection's colour and ringed by what it
// does.
func (d *drawing) nodeColors(n picNode) (fill, ring string, ringW float64) {
	if len(d.colls) == 0 {
		return nodeColor(n.Out, n.In), "#fff", 2.0
	}
	fill = noCollection
	if c, ok := d.colour[n.Collection]; ok {
		fill = c
	}
	return fill, nodeColor(n.Out, n.In), 3
}

// drawLegend writes the legend below the picture.
func (d *drawing) drawLegend(ew *svgWriter, unlabelled int) {
	ew.printf(`<g font-size="12" fill="#4a5568" class="legend">`)
	top := d.H - d.legendH + 20
	for k, l := range d.legend {
		y := top + 18*l.y
		tx := l.x
		if k == d.hoverItem {
			if unlabelled == 0 {
				continue
			}
			l.it.text = plural.N(unlabelled, "site", "sites") + " unlabelled: hover for their names"
		}
		if l.it.svg != nil {
			ew.printf("%s", l.it.svg(l.x, y))
			tx += 18
			if strings.HasPrefix(l.it.text, "via") {
				tx += 10
			}
		}
		ew.printf(`<text x="%.0f" y="%.0f">%s</text>`, tx, y, xmlText(l.it.text))
	}
}

func countAgg(nodes []picNode) int {
	n := 0
	for _, x := range nodes {
		if x.members > 0 {
			n++
		}
	}
	return n
}

// svgWriter collects the picture before it is written in one piece.
type svgWriter struct{ bytes.Buffer }

func (s *svgWriter) printf(format string, args ...any) { fmt.Fprintf(&s.Buffer, format, args...) }

// writeTo writes the picture to w.
func (s *svgWriter) writeTo(w io.Writer) error {
	if _, err := w.Write(s.Bytes()); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	return nil
}

// cmpBool orders false before true.
func cmpBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case !a:
		return -1
	}
	return 1
}
