package evaluate

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/syndex/syndex/article"
	"github.com/syndex/syndex/dedup"
)

// TestLabelledRoundTrip writes a labelled set, bare and not, reads it
// back, and clusters it: a story and its copy in one cluster, another
// story apart, and an unusable line reported, not fatal.
func TestLabelledRoundTrip(t *testing.T) {
	story := strings.Repeat("The harbour ferry returns after a winter of repairs to its hull and engines. ", 12)
	other := strings.Repeat("A council vote on the school budget was delayed until the spring session. ", 12)
	pub := time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC)
	arts := []*article.Article{
		{ID: "a", Site: "ledger.example", URL: "https://ledger.example/a", Published: pub, Text: story, TruthCluster: "s1", TruthOriginal: true},
		{ID: "b", Site: "copier.example", URL: "https://copier.example/b", Published: pub.Add(time.Hour), Text: story, TruthCluster: "s1"},
		{ID: "c", Site: "ledger.example", URL: "https://ledger.example/c", Published: pub, Text: other, TruthCluster: "s2", TruthOriginal: true},
	}
	bare, err := EncodeLabelled(arts, true)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(bare, []byte("ledger.example")) || !bytes.Contains(bare, []byte(`"truth_cluster":"s1"`)) {
		t.Errorf("bare set keeps a site or loses a label: %.300s", bare)
	}
	full, err := EncodeLabelled(arts, false)
	if err != nil {
		t.Fatal(err)
	}
	raw := append(append([]byte{}, full...), "not json\n"...)
	got := ReadLabelled(raw)
	if len(got) != 3 || got[1].Site != "copier.example" || !got[2].TruthOriginal {
		t.Fatalf("ReadLabelled: %d articles, want the 3 good lines back", len(got))
	}
	run, err := Cluster(context.Background(), raw, dedup.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	var le *dedup.LineError
	if run.Bad == nil || !errors.As(error(run.Bad), &le) {
		t.Errorf("the unusable line was not reported: %v", run.Bad)
	}
	if len(run.Assignments) != 3 {
		t.Fatalf("%d assignments, want 3", len(run.Assignments))
	}
	res := Clusters(got, run.Assignments)
	if res.F1 != 1 || res.OriginalAccuracy != 1 {
		t.Errorf("scores %+v, want F1 1 and the original named", res)
	}
}
