package report_test

import (
	"bytes"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/syndex/syndex/internal/netgen"
	"github.com/syndex/syndex/report"
	"github.com/syndex/syndex/report/picture"
	"github.com/syndex/syndex/report/render"
)

// bigCollections are two collections over the generated network: some
// busy origins and a spread of outlets, most of them small.
func bigCollections() map[string][]string {
	coll := map[string][]string{}
	for i := 0; i < 200; i += 9 {
		coll["state-media"] = append(coll["state-media"], fmt.Sprintf("outlet%03d.example", 40+i%160))
	}
	for i := range 12 {
		coll["network-x"] = append(coll["network-x"], fmt.Sprintf("origin%03d.example", i*3))
	}
	return coll
}

var (
	svgCircle = regexp.MustCompile(`<circle cx="([0-9.]+)" cy="([0-9.]+)" r="([0-9.]+)"`)
	svgLabel  = regexp.MustCompile(`<text x="([0-9.]+)" y="([0-9.]+)" text-anchor="middle" font-size="13"[^>]*>([^<]*)</text>`)
	svgBox    = regexp.MustCompile(`viewBox="0 0 ([0-9.]+) ([0-9.]+)"`)
)

// TestBigNetworkPicture draws a network of 200 sites and 5,000 copies and
// checks that it stays readable: at most MaxNodes circles (the small sites
// collapsed per collection, with their copies), no two labels overlapping,
// everything inside the picture, the legend naming the collections.
func TestBigNetworkPicture(t *testing.T) {
	arts := netgen.Generate(netgen.Options{Sites: 200, Copies: 5000, Seed: 1})
	r := report.Build(arts, report.Filter{Collections: bigCollections()})
	if r.Totals.Copies != 5000 || r.Totals.Sites != 200 {
		t.Fatalf("generated %d copies on %d sites", r.Totals.Copies, r.Totals.Sites)
	}
	var buf bytes.Buffer
	if err := render.SVG(&buf, r, picture.Options{}); err != nil {
		t.Fatal(err)
	}
	svg := buf.String()
	box := svgBox.FindStringSubmatch(svg)
	W, _ := strconv.ParseFloat(box[1], 64)
	H, _ := strconv.ParseFloat(box[2], 64)
	nodes := 0
	for _, m := range svgCircle.FindAllStringSubmatch(svg, -1) {
		x, _ := strconv.ParseFloat(m[1], 64)
		y, _ := strconv.ParseFloat(m[2], 64)
		rad, _ := strconv.ParseFloat(m[3], 64)
		if rad == 6 {
			continue // legend swatches
		}
		nodes++
		if x-rad < 0 || x+rad > W || y-rad < 0 || y+rad > H {
			t.Errorf("circle at %.0f,%.0f r %.0f outside the %gx%g picture", x, y, rad, W, H)
		}
	}
	if nodes < 40 || nodes > 60 {
		t.Errorf("%d circles drawn, want 40–60", nodes)
	}
	type box4 struct{ x0, y0, x1, y1 float64 }
	var labels []box4
	for _, m := range svgLabel.FindAllStringSubmatch(svg, -1) {
		x, _ := strconv.ParseFloat(m[1], 64)
		y, _ := strconv.ParseFloat(m[2], 64)
		half := 3.6*float64(len([]rune(m[3]))) + 4
		b := box4{x - half, y - 12, x + half, y + 3}
		for _, o := range labels {
			if b.x0 < o.x1 && o.x0 < b.x1 && b.y0 < o.y1 && o.y0 < b.y1 {
				t.Errorf("label %q overlaps another", m[3])
			}
		}
		labels = append(labels, b)
		if b.x0 < 0 || b.x1 > W {
			t.Errorf("label %q leaves the picture", m[3])
		}
	}
	if len(labels) < nodes/2 {
		t.Errorf("only %d of %d circles labelled", len(labels), nodes)
	}
	for _, want := range []string{"other sites (", "other state-media sites (", "collapsed into 2 circles", ">network-x<", ">state-media<", ">in no collection<", "unlabelled: hover for their names"} {
		if !strings.Contains(svg, want) {
			t.Errorf("picture lacks %q", want)
		}
	}
	// The collapsed circles carry the small sites' copies.
	if !regexp.MustCompile(`<title>\d+ smaller sites collapsed: \d+ copies received, [1-9]\d* copies made</title>`).MatchString(svg) {
		t.Error("no collapsed circle with the copies of its sites")
	}
	if len(svg) > 150_000 {
		t.Errorf("picture is %d bytes", len(svg))
	}
	// The site table lists each site's collections.
	for _, s := range r.Sites {
		if s.Site == "origin000.example" && (len(s.Collections) != 1 || s.Collections[0] != "network-x") {
			t.Errorf("origin000.example collections %v", s.Collections)
		}
	}
}

// BenchmarkBigNetwork builds the report of a 200-site, 5,000-copy network
// and renders its HTML page (network picture, timeline, tables).
func BenchmarkBigNetwork(b *testing.B) {
	arts := netgen.Generate(netgen.Options{Sites: 200, Copies: 5000, Seed: 1})
	coll := bigCollections()
	b.ResetTimer()
	var size int
	for range b.N {
		r := report.Build(arts, report.Filter{Collections: coll})
		var cw countWriter
		if err := render.HTML(&cw, r); err != nil {
			b.Fatal(err)
		}
		size = int(cw)
	}
	b.ReportMetric(float64(size), "html-bytes")
}

type countWriter int

func (c *countWriter) Write(p []byte) (int, error) { *c += countWriter(len(p)); return len(p), nil }

var _ io.Writer = (*countWriter)(nil)
