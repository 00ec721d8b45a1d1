package report

import (
	"fmt"
	"html"
	"io"
	"math"
	"strings"

	"github.com/syndex/syndex/internal/plural"
)

// SVGOptions tune the network picture.
type SVGOptions struct {
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

type point struct{ x, y float64 }

func (p point) add(q point) point   { return point{p.x + q.x, p.y + q.y} }
func (p point) sub(q point) point   { return point{p.x - q.x, p.y - q.y} }
func (p point) mul(k float64) point { return point{p.x * k, p.y * k} }
func (p point) len() float64        { return math.Hypot(p.x, p.y) }
func (p point) unit() point {
	l := p.len()
	if l == 0 {
		return point{1, 0}
	}
	return p.mul(1 / l)
}
func (p point) perp() point { return point{-p.y, p.x} }

// layout places nodes with a Fruchterman–Reingold force simulation started
// from a circle in node order, so the result depends only on the input.
// Positions are in [0,1]².
func layout(n int, edges [][2]int, weights []float64) []point {
	pos := make([]point, n)
	for i := range pos {
		a := 2 * math.Pi * float64(i) / float64(max(n, 1))
		// A slight spiral avoids symmetric deadlocks on regular graphs.
		rad := 0.35 + 0.1*float64(i%3)/3
		pos[i] = point{0.5 + rad*math.Cos(a), 0.5 + rad*math.Sin(a)}
	}
	if n < 2 {
		if n == 1 {
			pos[0] = point{0.5, 0.5}
		}
		return pos
	}
	k := math.Sqrt(1.0 / float64(n))
	temp := 0.1
	const iters = 400
	disp := make([]point, n)
	for it := 0; it < iters; it++ {
		for i := range disp {
			disp[i] = point{}
		}
		for i := 0; i < n; i++ {
			for j := i + 1; j < n; j++ {
				d := pos[i].sub(pos[j])
				l := math.Max(d.len(), 1e-4)
				f := k * k / l
				u := d.mul(1 / l)
				disp[i] = disp[i].add(u.mul(f))
				disp[j] = disp[j].sub(u.mul(f))
			}
		}
		for ei, e := range edges {
			d := pos[e[0]].sub(pos[e[1]])
			l := math.Max(d.len(), 1e-4)
			f := l * l / k * (0.6 + 0.4*weights[ei])
			u := d.mul(1 / l)
			disp[e[0]] = disp[e[0]].sub(u.mul(f))
			disp[e[1]] = disp[e[1]].add(u.mul(f))
		}
		for i := range pos {
			// Gravity keeps disconnected parts on screen.
			disp[i] = disp[i].add(point{0.5, 0.5}.sub(pos[i]).mul(0.8 * k))
			l := disp[i].len()
			if l > 0 {
				pos[i] = pos[i].add(disp[i].mul(math.Min(l, temp) / l))
			}
		}
		temp = math.Max(0.002, temp*0.985)
	}
	// Normalise into the unit square.
	minP, maxP := pos[0], pos[0]
	for _, p := range pos {
		minP = point{math.Min(minP.x, p.x), math.Min(minP.y, p.y)}
		maxP = point{math.Max(maxP.x, p.x), math.Max(maxP.y, p.y)}
	}
	span := maxP.sub(minP)
	for i, p := range pos {
		q := p.sub(minP)
		if span.x > 1e-9 {
			q.x /= span.x
		} else {
			q.x = 0.5
		}
		if span.y > 1e-9 {
			q.y /= span.y
		} else {
			q.y = 0.5
		}
		pos[i] = q
	}
	return pos
}

// edgeWidth maps a count to a stroke width between 1.2 and 9.
func edgeWidth(count, maxCount int) float64 {
	if maxCount <= 1 {
		return 1.5
	}
	return 1.2 + 7.8*math.Sqrt(float64(count-1)/float64(maxCount-1))
}

// nodeColor blends blue (pure originator) to orange (pure republisher).
func nodeColor(out, in int) string {
	t := 0.5
	if out+in > 0 {
		t = float64(in) / float64(out+in)
	}
	blue, orange := [3]float64{43, 108, 176}, [3]float64{221, 107, 32}
	var c [3]int
	for i := range c {
		c[i] = int(math.Round(blue[i] + t*(orange[i]-blue[i])))
	}
	return fmt.Sprintf("#%02x%02x%02x", c[0], c[1], c[2])
}

// WriteTimelineSVG draws copies per week as a bar chart.
func (r *Report) WriteTimelineSVG(w io.Writer) error {
	ew := &errWriter{w: w}
	const W, H, left, right, top, bottom = 960.0, 200.0, 48.0, 16.0, 16.0, 34.0
	ew.printf(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %.0f %.0f" width="%.0f" height="%.0f" role="img" aria-label="copies per week" font-family="Helvetica, Arial, sans-serif" font-size="11">`+"\n", W, H, W, H)
	ew.printf(`<rect x="0" y="0" width="%.0f" height="%.0f" fill="#fbfcfe" rx="8"/>`+"\n", W, H)
	weeks := r.Timeline
	if len(weeks) == 0 {
		ew.printf(`<text x="%.0f" y="%.0f" text-anchor="middle" font-size="14" fill="#667">No dated copies.</text>`+"\n</svg>\n", W/2, H/2)
		return ew.err
	}
	maxN := 1
	for _, wk := range weeks {
		maxN = max(maxN, wk.Copies)
	}
	plotW, plotH := W-left-right, H-top-bottom
	// Bars are at most 56px wide, centred, so a short timeline does not
	// turn into one slab.
	bw := math.Min(56, plotW/float64(len(weeks)))
	x0 := left + (plotW-bw*float64(len(weeks)))/2
	ew.printf(`<line x1="%.0f" y1="%.0f" x2="%.0f" y2="%.0f" stroke="#a0aec0"/>`, left, top+plotH, W-right, top+plotH)
	ew.printf(`<text x="%.0f" y="%.0f" text-anchor="end" fill="#4a5568">%d</text>`, left-6, top+8, maxN)
	ew.printf(`<text x="%.0f" y="%.0f" text-anchor="end" fill="#4a5568">0</text>`+"\n", left-6, top+plotH)
	labelEvery := max(1, int(math.Ceil(float64(len(weeks))/10)))
	for i, wk := range weeks {
		h := plotH * float64(wk.Copies) / float64(maxN)
		x := x0 + float64(i)*bw
		ew.printf(`<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="#dd6b20" fill-opacity="0.8"><title>week of %s: %s</title></rect>`,
			x+bw*0.1, top+plotH-h, math.Max(bw*0.8, 0.5), h, wk.Start.Format("2006-01-02"), plural.N(wk.Copies, "copy", "copies"))
		if i%labelEvery == 0 {
			ew.printf(`<text x="%.1f" y="%.0f" text-anchor="middle" fill="#4a5568">%s</text>`, x+bw/2, H-12, wk.Start.Format("Jan 2 06"))
		}
		ew.printf("\n")
	}
	ew.printf("</svg>\n")
	return ew.err
}
