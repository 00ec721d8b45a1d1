package picture

import (
	"fmt"
	"math"
)

// point is a place in the picture (or, during the layout, in the unit square).
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
	pos := onCircle(n)
	if n < 2 {
		return pos
	}
	k := math.Sqrt(1.0 / float64(n))
	temp := 0.1
	const iters = 400
	disp := make([]point, n)
	for it := 0; it < iters; it++ {
		forceStep(pos, disp, edges, weights, k, temp)
		temp = math.Max(0.002, temp*0.985)
	}
	normalise(pos)
	return pos
}

// onCircle is the layout's start: n nodes on a slight spiral around the
// centre, in node order (one node: the centre).
func onCircle(n int) []point {
	pos := make([]point, n)
	for i := range pos {
		a := 2 * math.Pi * float64(i) / float64(max(n, 1))
		// A slight spiral avoids symmetric deadlocks on regular graphs.
		rad := 0.35 + 0.1*float64(i%3)/3
		pos[i] = point{0.5 + rad*math.Cos(a), 0.5 + rad*math.Sin(a)}
	}
	if n == 1 {
		pos[0] = point{0.5, 0.5}
	}
	return pos
}

// forceStep is one step of the simulation: every pair of nodes repels,
// the ends of each edge attract (more for heavier edges), gravity pulls
// towards the centre, and each node moves by its displacement (disp,
// reused), at most temp.
func forceStep(pos, disp []point, edges [][2]int, weights []float64, k, temp float64) {
	n := len(pos)
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
}

// normalise scales the positions into the unit square (a flat dimension
// to its middle).
func normalise(pos []point) {
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
}

// EdgeWidth maps a count to a stroke width between 1.2 and 9.
func EdgeWidth(count, maxCount int) float64 {
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
