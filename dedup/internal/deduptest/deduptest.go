// Package deduptest holds what dedup's test packages share: running a set
// of articles through dedup.Run as `syndex dedup` reads a file, and reading
// the assignments back. It is internal to dedup and imported only by tests.
package deduptest

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"

	"github.com/syndex/syndex/article"
	"github.com/syndex/syndex/dedup"
)

// Offline clusters arts, in that order, through dedup.Run from their JSONL
// (one article a line, as `syndex dedup` reads a file) and returns the
// assignments by article id (an id read twice keeps its last). Any error fails t.
func Offline(t testing.TB, cfg dedup.Config, arts ...*article.Article) map[string]article.Assignment {
	t.Helper()
	var in, out bytes.Buffer
	enc := json.NewEncoder(&in)
	for _, a := range arts {
		if err := enc.Encode(a); err != nil {
			t.Fatalf("encode article %s: %v", a.ID, err)
		}
	}
	if _, err := dedup.Run(context.Background(), &in, &out, cfg); err != nil {
		t.Fatalf("dedup.Run over %d articles: %v", len(arts), err)
	}
	got := make(map[string]article.Assignment, len(arts))
	for dec := json.NewDecoder(&out); dec.More(); {
		var as article.Assignment
		if err := dec.Decode(&as); err != nil {
			t.Fatalf("read assignment %d: %v", len(got)+1, err)
		}
		got[as.ID] = as
	}
	return got
}
