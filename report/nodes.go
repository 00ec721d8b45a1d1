package report

import (
	"cmp"
	"slices"
)

// Node is one site in the syndication network.
type Node struct {
	Site string
	// Name is the outlet's own name, when known (see Site.Name).
	Name string
	// Out counts copies other sites made of this site's originals; In
	// counts copies this site made.
	Out, In int
	// Articles, Originals, Copies come from the site table (0 when the
	// site has no article in the filtered range).
	Articles, Originals, Copies int
}

// Nodes returns the sites that appear on an edge, busiest first.
func (r *Report) Nodes() []Node {
	idx := map[string]*Node{}
	get := func(s string) *Node {
		n := idx[s]
		if n == nil {
			n = &Node{Site: s}
			idx[s] = n
		}
		return n
	}
	for _, e := range r.Edges {
		get(e.Source).Out += e.Count
		get(e.Republisher).In += e.Count
	}
	for _, s := range r.Sites {
		if n := idx[s.Site]; n != nil {
			n.Articles, n.Originals, n.Copies, n.Name = s.Articles, s.Originals, s.Copies, s.Name
		}
	}
	out := make([]Node, 0, len(idx))
	for _, n := range idx {
		out = append(out, *n)
	}
	slices.SortFunc(out, func(a, b Node) int {
		return cmp.Or(cmp.Compare(b.Out+b.In, a.Out+a.In), cmp.Compare(a.Site, b.Site))
	})
	return out
}
