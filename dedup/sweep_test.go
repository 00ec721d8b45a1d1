package dedup_test

import (
	"testing"

	"github.com/syndex/syndex/dedup"
	"github.com/syndex/syndex/dedup/synth"
)

func TestSweep(t *testing.T) {
	type tc struct {
		sample  int
		j, c    float64
		sf      float64
	}
	for _, p := range []tc{{4, 0.12, 0.5, 0.2}, {4, 0.05, 0.5, 0.2}, {4, 0.05, 0.5, 0.1}, {2, 0.05, 0.5, 0.1}, {2, 0.05, 0.6, 0.1}, {4, 0.05, 0.5, 0.05}} {
		cfg := dedup.DefaultConfig()
		cfg.Sample, cfg.Jaccard, cfg.Containment, cfg.SiteFrac = p.sample, p.j, p.c, p.sf
		var f, o float64
		for _, seed := range []uint64{1, 2, 3, 4} {
			arts := synth.Generate(synth.Default(), seed)
			r := dedup.Evaluate(arts, runArticles(t, arts, cfg))
			f += r.F1 / 4
			o += r.OriginalAccuracy / 4
		}
		t.Logf("%+v F1=%.4f orig=%.4f", p, f, o)
	}
}
