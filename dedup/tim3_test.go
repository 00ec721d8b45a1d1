package dedup

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"runtime"
	"testing"

	"github.com/syndex/syndex/dedup/synth"
)

func heap() float64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return float64(ms.HeapAlloc)
}

func TestLiveHeap(t *testing.T) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	n := 0
	for chunk := range 40 {
		opt := synth.Default()
		opt.Stories = 500
		opt.Origins, opt.Republishers, opt.SiteSeed = 200, 800, 1
		for _, a := range synth.Generate(opt, uint64(chunk+1000)) {
			a.ID = fmt.Sprintf("%d/%s", chunk, a.ID)
			enc.Encode(a)
			n++
		}
	}
	cfg := DefaultConfig()
	h0 := heap()
	items, _ := parseAll(context.Background(), bytes.NewReader(buf.Bytes()), cfg)
	h1 := heap()
	var nf int
	for _, it := range items {
		nf += len(it.feats)
	}
	t.Logf("%d docs; items: %.0f B/doc; features/doc %.1f", n, (h1-h0)/float64(n), float64(nf)/float64(n))
	ix := NewIndex(cfg)
	ix.reserve(len(items))
	for i := range items {
		it := &items[i]
		it.doc.site = ix.siteIndex(it.siteName)
		ix.add(it.doc, it.feats, nil, false)
	}
	h2 := heap()
	t.Logf("index+items: %.0f B/doc", (h2-h0)/float64(n))
	items = nil
	h3 := heap()
	t.Logf("index alone: %.0f B/doc; lsh next+tags %d B/doc, heads %d B/doc; sites %d", (h3-h0)/float64(n), (cap(ix.lsh.next)+cap(ix.lsh.tags))*4/n, len(ix.lsh.heads)*4/n, len(ix.sites))
	runtime.KeepAlive(ix)
	runtime.KeepAlive(buf)
}
