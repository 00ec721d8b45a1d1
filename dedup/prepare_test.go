package dedup_test

import (
	"reflect"
	"testing"

	"github.com/syndex/syndex/article"
	"github.com/syndex/syndex/dedup"
)

// TestAddPrepared checks that adding articles whose text work was done
// ahead (Preparer, on another goroutine) gives every assignment Add gives,
// also when a prepared text no longer matches the article's (then it is
// computed again) and when none was prepared.
func TestAddPrepared(t *testing.T) {
	var arts []*article.Article
	for _, c := range indexCases() {
		arts = append(arts, c.arts...)
	}
	plain, ahead := dedup.NewClusterer(dedup.DefaultConfig()), dedup.NewClusterer(dedup.DefaultConfig())
	p := ahead.Preparer()
	prepared := make([]*dedup.Prepared, len(arts))
	done := make(chan struct{})
	go func() { // as an import's decoding goroutine does
		defer close(done)
		for i, a := range arts {
			if i%7 == 3 {
				b := *a
				b.Text += " A sentence added later."
				prepared[i] = p.Prepare(&b) // another text: not used
				continue
			}
			if i%5 != 2 {
				prepared[i] = p.Prepare(a)
			}
		}
	}()
	<-done
	for i, a := range arts {
		want := plain.Add(a)
		b := *a
		got := ahead.AddPrepared(&b, prepared[i])
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("article %d (%s): AddPrepared gave %+v, Add %+v", i, a.ID, got, want)
		}
	}
	if len(arts) < 20 {
		t.Fatalf("only %d articles", len(arts))
	}
}
