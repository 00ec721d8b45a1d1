package dedup_test

import (
	"bytes"
	"testing"

	"github.com/syndex/syndex/dedup"
)

// quote puts a paragraph in quotation marks, as a report quotes a
// speaker.
func quote(p string) string { return "“" + p + "”" }

// TestVerifyQuotes: an agency story quotes a speaker at length; the next
// day another paper's independent report of the event carries the same
// quotations word for word around a paragraph of its own. Three quarters
// of its text aligns, sentence by sentence, to the agency's; but all of
// that is quotation, which independent reports of one event share, and
// the verifying stage wants the share to hold without the quotations
// too: the two stay apart. A rewrite that rephrases the second half of the agency's
// reporting and keeps its quotations still joins the story (through the
// stage: the clusterer alone leaves it apart).
func TestVerifyQuotes(t *testing.T) {
	g := newTextGen(11)
	names := []string{"Quetta", "Rashid", "Multan", "2015"}
	narrative := g.paras(4, names...)
	var quotes []string
	for _, p := range g.paras(3, names...) {
		quotes = append(quotes, quote(p))
	}
	agency := join(narrative, quotes)
	report := join(g.paras(1, names...), quotes)
	rewrite := join(rephrase(g, narrative[2:]), quotes) // past what the clusterer's sketch reads
	cfg := dedup.DefaultConfig()
	off := cfg
	off.Verify = 0
	tests := []struct {
		name  string
		cfg   dedup.Config
		other []string
		same  bool
	}{
		{"independent report with the same quotations", cfg, report, false},
		{"its premise: the clusterer alone leaves it apart", off, report, false},
		{"rewrite keeping the quotations", cfg, rewrite, true},
		{"the rewrite, the stage off", off, rewrite, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := jsonl(art("agency", "app.example", 0, agency...), art("paper", "dawn.example", 24, tc.other...))
			got := runAll(t, bytes.NewReader(in), tc.cfg)
			x, y := got["agency"], got["paper"]
			if same := x.Cluster == y.Cluster; same != tc.same {
				t.Errorf("agency in %s, paper in %s: same cluster %v, want %v", x.Cluster, y.Cluster, same, tc.same)
			}
		})
	}
}
