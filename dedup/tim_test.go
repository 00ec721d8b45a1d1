package dedup

import (
	"bytes"
	"context"
	"encoding/json"
	"syscall"
	"testing"
	"time"

	"github.com/syndex/syndex/dedup/synth"
)

func cpu() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func TestTiming(t *testing.T) {
	opt := synth.Default()
	opt.Stories = 4000
	arts := synth.Generate(opt, 42)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	for _, a := range arts {
		enc.Encode(a)
	}
	cfg := DefaultConfig()
	t0 := cpu()
	items, err := parseAll(context.Background(), bytes.NewReader(buf.Bytes()), cfg)
	t.Logf("parse %v %d %v", cpu()-t0, len(items), err)
	t0 = cpu()
	ix := NewIndex(cfg)
	for _, it := range items {
		ix.siteFor(siteName(it.art)).freq.add(it.feats, cfg.SiteMinDocs, cfg.SiteFrac)
		ix.global.add(it.feats, cfg.GlobalMinDocs, cfg.GlobalFrac)
	}
	ix.primed = true
	t.Logf("prime %v", cpu()-t0)
	t0 = cpu()
	for _, it := range items {
		ix.addFeatures(it.art, it.feats)
	}
	t.Logf("add %v", cpu()-t0)
}
