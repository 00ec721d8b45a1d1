package render

import (
	"io"
	"slices"

	"github.com/syndex/syndex/report"
	"github.com/syndex/syndex/report/picture"
)

// SVG draws the syndication network (package picture): a circle per
// site (blue for sites whose stories are copied, orange for sites that
// copy, or the colour of its collection; size by volume), an arrow from
// each source to each republisher, width by count. Beyond opt.MaxNodes
// sites the smallest are collapsed into one circle per collection.
func SVG(w io.Writer, r *report.Report, opt picture.Options) error {
	return picture.Write(w, graph(r), opt)
}

// graph is the report's network as the picture draws it: its nodes
// (busiest first), each coloured by its first collection, and its edges.
func graph(r *report.Report) picture.Graph {
	groupOf := map[string]string{}
	var g picture.Graph
	for _, s := range r.Sites {
		if len(s.Collections) > 0 {
			groupOf[s.Site] = s.Collections[0]
			for _, c := range s.Collections {
				if !slices.Contains(g.Collections, c) {
					g.Collections = append(g.Collections, c)
				}
			}
		}
	}
	slices.Sort(g.Collections)
	for _, n := range r.Nodes() {
		g.Nodes = append(g.Nodes, picture.Node{Site: n.Site, Name: n.Name, Out: n.Out, In: n.In, Articles: n.Articles, Collection: groupOf[n.Site]})
	}
	for _, e := range r.Edges {
		g.Links = append(g.Links, picture.Link{Source: e.Source, Republisher: e.Republisher, Count: e.Count, MedianLagSeconds: e.MedianLagSeconds, Via: e.Via})
	}
	return g
}
