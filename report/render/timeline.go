package render

import (
	"io"
	"math"

	"github.com/syndex/syndex/internal/plural"
	"github.com/syndex/syndex/report"
)

// TimelineSVG draws copies per week as a bar chart.
func TimelineSVG(w io.Writer, r *report.Report) error {
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
