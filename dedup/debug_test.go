package dedup_test

import (
	"testing"

	"github.com/syndex/syndex/dedup"
	"github.com/syndex/syndex/dedup/synth"
)

func TestDebugMisses(t *testing.T) {
	arts := synth.Generate(synth.Default(), 3)
	as := runArticles(t, arts, dedup.DefaultConfig())
	byID := map[string]int{}
	for i, a := range as {
		byID[a.ID] = i
	}
	orig := map[string]string{}
	for _, a := range arts {
		if a.TruthOriginal {
			orig[a.TruthCluster] = a.ID
		}
	}
	for _, a := range arts {
		x := as[byID[a.ID]]
		o := as[byID[orig[a.TruthCluster]]]
		if x.Cluster != o.Cluster {
			t.Logf("MISS %s (cluster %s role %s) vs orig %s (cluster %s)", a.ID, x.Cluster, x.Role, o.ID, o.Cluster)
		} else if a.TruthOriginal && x.Original != a.ID {
			t.Logf("ORIG %s: predicted %s evidence %v", a.ID, x.Original, x.Evidence)
		}
	}
}
