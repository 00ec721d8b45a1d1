package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestEvalDedupModes(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	work := t.TempDir()
	usage := []struct {
		name string
		args []string
		want string
	}{
		{"two sources", []string{"eval", "dedup", "--generate", "10", "--corpus", work}, "exactly one"},
		{"no source", []string{"eval", "dedup", "--no-site"}, "exactly one"},
		{"network without generate", []string{"eval", "dedup", "--in", "x.jsonl", "--network", "40"}, "--network"},
	}
	for _, tc := range usage {
		r := syndex(t, work, tc.args...)
		if r.code != 2 || !strings.Contains(r.stderr, tc.want) {
			t.Errorf("%s: exit %d, stderr %q; want 2 naming %q", tc.name, r.code, r.stderr, tc.want)
		}
	}
	if r := syndex(t, work, "eval", "dedup", "--corpus", work); r.code != 1 || !strings.Contains(r.stderr, "not a known corpus layout") {
		t.Errorf("unknown corpus: exit %d, stderr %q; want 1 and the layout error", r.code, r.stderr)
	}
	if r := syndex(t, work, "eval", "dedup", "--generate", "30", "--min-f1", "1.01"); r.code != 1 || !strings.Contains(r.stderr, "below the floor: pairwise F1") {
		t.Errorf("impossible floor: exit %d, stderr %q; want 1 naming the F1", r.code, r.stderr)
	}
	// --no-site: the written set has only id, text and the labels.
	set := filepath.Join(work, "bare.jsonl")
	r := syndex(t, work, "eval", "dedup", "--generate", "30", "--network", "12", "--no-site", "--write", set, "--json")
	if r.code != 0 {
		t.Fatalf("eval dedup --no-site: exit %d, stderr %s", r.code, r.stderr)
	}
	var res struct {
		Articles int
		F1       float64
	}
	if err := json.Unmarshal([]byte(r.stdout), &res); err != nil || res.Articles == 0 {
		t.Fatalf("eval dedup --json printed %q (%v)", r.stdout, err)
	}
	raw, err := os.ReadFile(set)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(raw)), "\n")
	if len(lines) != res.Articles {
		t.Errorf("wrote %d lines, scored %d articles", len(lines), res.Articles)
	}
	for _, line := range lines {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatal(err)
		}
		for k := range m {
			if k != "id" && k != "text" && k != "truth_cluster" && k != "truth_original" {
				t.Fatalf("--no-site line has field %q: %s", k, line)
			}
		}
	}
}
