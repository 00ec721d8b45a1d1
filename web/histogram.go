package web

import (
	"bytes"
	"fmt"
	"html/template"
	"math"
	"net/url"
	"time"

	"github.com/syndex/syndex/index/histogram"
	"github.com/syndex/syndex/internal/plural"
)

// histogramSVG draws a search's attention over time: per bucket, the
// originals (blue) and copies (orange) of the matching stories stacked;
// each bar links to the same search narrowed to its dates. Only dates and
// counts are written, each escaped anyway.
func histogramSVG(h *histogram.Histogram, f form) template.HTML {
	if h == nil || len(h.Buckets) == 0 {
		return ""
	}
	var b bytes.Buffer
	const W, H, left, right, top, bottom = 900.0, 150.0, 40.0, 10.0, 12.0, 30.0
	esc := template.HTMLEscapeString
	fmt.Fprintf(&b, `<svg id="histogram" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %.0f %.0f" role="img" aria-label="originals and copies per %s" font-family="Helvetica, Arial, sans-serif" font-size="11">`+"\n", W, H, esc(h.Interval))
	maxN := tallest(h)
	plotW, plotH := W-left-right, H-top-bottom
	bw := math.Min(40, plotW/float64(len(h.Buckets)))
	x0 := left + (plotW-bw*float64(len(h.Buckets)))/2
	fmt.Fprintf(&b, `<line x1="%.0f" y1="%.0f" x2="%.0f" y2="%.0f" stroke="#a0aec0"/>`, left, top+plotH, W-right, top+plotH)
	fmt.Fprintf(&b, `<text x="%.0f" y="%.0f" text-anchor="end" fill="#4a5568">%d</text>`, left-5, top+8, maxN)
	fmt.Fprintf(&b, `<text x="%.0f" y="%.0f" text-anchor="end" fill="#4a5568">0</text>`+"\n", left-5, top+plotH)
	labelEvery := max(1, int(math.Ceil(float64(len(h.Buckets))/9)))
	layout := map[string]string{histogram.Day: "Jan 2", histogram.Week: "Jan 2 06", histogram.Month: "Jan 2006"}[h.Interval]
	for i, bk := range h.Buckets {
		start, err := time.Parse(time.DateOnly, bk.Start)
		if err != nil {
			continue
		}
		end := histogram.BucketEnd(start, h.Interval)
		x := x0 + float64(i)*bw
		ho := plotH * float64(bk.Originals) / float64(maxN)
		hc := plotH * float64(bk.Copies) / float64(maxN)
		label := bk.Start
		if h.Interval != histogram.Day {
			label += " – " + end.Format(time.DateOnly)
		}
		href := f.href(func(v url.Values) {
			v.Del("page")
			v.Set("from", bk.Start)
			v.Set("to", end.Format(time.DateOnly))
		})
		fmt.Fprintf(&b, `<a href="%s" class="bar"><title>%s: %s, %s</title>`, esc(href), esc(label),
			esc(plural.N(bk.Originals, "original", "originals")), esc(plural.N(bk.Copies, "copy", "copies")))
		fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="transparent"/>`, x, top, math.Max(bw, 0.5), plotH)
		if ho > 0 {
			fmt.Fprintf(&b, `<rect class="o" x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="#2b6cb0"/>`, x+bw*0.1, top+plotH-ho, math.Max(bw*0.8, 0.5), ho)
		}
		if hc > 0 {
			fmt.Fprintf(&b, `<rect class="c" x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="#dd6b20"/>`, x+bw*0.1, top+plotH-ho-hc, math.Max(bw*0.8, 0.5), hc)
		}
		b.WriteString("</a>")
		if i%labelEvery == 0 {
			fmt.Fprintf(&b, `<text x="%.1f" y="%.0f" text-anchor="middle" fill="#4a5568">%s</text>`, x+bw/2, H-12, esc(start.Format(layout)))
		}
		b.WriteString("\n")
	}
	b.WriteString("</svg>\n")
	return template.HTML(b.String()) // every string above is escaped
}

// tallest is the highest bar of h (originals and copies of one bucket),
// at least 1.
func tallest(h *histogram.Histogram) int {
	maxN := 1
	for _, bk := range h.Buckets {
		maxN = max(maxN, bk.Originals+bk.Copies)
	}
	return maxN
}
