package archive

import (
	"bytes"
	"context"
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/syndex/syndex/article"
	"github.com/syndex/syndex/dedup"
)

// rewriteFixture returns a long agency story and a newspaper's rewrite of
// its second half the next day, every sentence reworded: too different
// for the index's sketches (the stage off, they stay apart), a copy on
// the whole texts.
func rewriteFixture() (agency, paper *article.Article) {
	r := rand.New(rand.NewPCG(7, 99))
	syl := strings.Fields("ka lo mi ne ra tu be si do va zen tor ul an ri po gha mer sta qui ob el dru fin")
	common := strings.Fields("the of and to in a is that for on was with as by at from")
	vocab := make([]string, 3000)
	for i := range vocab {
		var b strings.Builder
		for range 2 + r.IntN(3) {
			b.WriteString(syl[r.IntN(len(syl))])
		}
		vocab[i] = b.String()
	}
	names := []string{"Quetta", "Rashid", "Multan", "2015"}
	sentence := func() []string {
		ws := make([]string, 10+r.IntN(12))
		for i := range ws {
			switch {
			case r.IntN(8) == 0:
				ws[i] = names[r.IntN(len(names))]
			case r.IntN(3) == 0:
				ws[i] = common[r.IntN(len(common))]
			default:
				ws[i] = vocab[r.IntN(len(vocab))]
			}
		}
		return ws
	}
	var story, rewrite []string
	for p := range 6 {
		var para, repara []string
		for range 3 {
			ws := sentence()
			para = append(para, strings.Join(ws, " ")+".")
			rw := slices.Clone(ws)
			for j := 1; j < len(rw); j += 3 {
				rw[j] += "i"
			}
			rw[0], rw[1], rw[2] = rw[2], rw[0], rw[1]
			rw = append(rw, vocab[r.IntN(len(vocab))])
			repara = append(repara, strings.Join(rw, " ")+".")
		}
		story = append(story, strings.Join(para, " "))
		if p >= 3 {
			rewrite = append(rewrite, strings.Join(repara, " "))
		}
	}
	day := time.Date(2024, 5, 1, 8, 0, 0, 0, time.UTC)
	agency = &article.Article{ID: "agency", Site: "app.example", URL: "https://app.example/agency", Published: day,
		Text: strings.Join(story, "\n\n")}
	paper = &article.Article{ID: "paper", Site: "dawn.example", URL: "https://dawn.example/paper", Published: day.Add(24 * time.Hour),
		Text: strings.Join(rewrite, "\n\n")}
	return agency, paper
}

func cloneArt(a *article.Article) *article.Article { c := *a; return &c }

// TestVerifyOnIngest: the verifying stage runs on the archive's ingest
// path, reading the earlier article's text from the store. The rewrite,
// ingested in a later call after a restart (so its source is only in the
// store), joins the agency story's cluster, and stays there when both are
// ingested again, when the archive reopens, when the dedup checkpoint is
// one from before the rewrite arrived (a kill -9 between the store write
// and the checkpoint: the replay from the store runs the stage again),
// and when there is no checkpoint at all. With the stage off the two
// stay apart.
func TestVerifyOnIngest(t *testing.T) {
	ctx := context.Background()
	agency, paper := rewriteFixture()
	together := func(t *testing.T, a *Archive, want bool) {
		t.Helper()
		x, err := a.Store.Article("agency")
		if err != nil {
			t.Fatal(err)
		}
		y, err := a.Store.Article("paper")
		if err != nil {
			t.Fatal(err)
		}
		if got := x.Cluster == y.Cluster; got != want {
			t.Fatalf("stored together %v, want %v (agency %s/%s, paper %s/%s)", got, want, x.Cluster, x.Role, y.Cluster, y.Role)
		}
		if want && (y.Role != article.RoleCopy || y.Original != "agency" || x.Role != article.RoleOriginal) {
			t.Fatalf("agency %s, paper %s of %s: want the agency story the original", x.Role, y.Role, y.Original)
		}
		if as, ok := a.Dedup.Assignment("paper"); !ok || as.Cluster != y.Cluster {
			t.Fatalf("dedup index has the paper in %q, the store in %q", as.Cluster, y.Cluster)
		}
	}
	ingest := func(t *testing.T, a *Archive, arts ...*article.Article) {
		t.Helper()
		var batch []*article.Article
		for _, x := range arts {
			batch = append(batch, cloneArt(x))
		}
		if err := a.Ingest(ctx, batch); err != nil {
			t.Fatal(err)
		}
	}

	t.Run("off", func(t *testing.T) {
		cfg := dedup.DefaultConfig()
		cfg.Verify = -1
		a, err := Open(ctx, t.TempDir(), Options{Dedup: &cfg})
		if err != nil {
			t.Fatal(err)
		}
		defer a.Close()
		ingest(t, a, agency)
		ingest(t, a, paper)
		together(t, a, false)
	})

	dir := t.TempDir()
	a := openT(t, dir)
	ingest(t, a, agency)
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	ckpt := filepath.Join(dir, DedupFile)
	before, err := os.ReadFile(ckpt)
	if err != nil {
		t.Fatal(err)
	}
	a = openT(t, dir)
	ingest(t, a, paper)
	together(t, a, true)
	ingest(t, a, agency, paper)
	together(t, a, true)
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	a = openT(t, dir)
	together(t, a, true)
	a.Close()

	// The checkpoint from before the rewrite: the replay finds it again.
	if err := os.WriteFile(ckpt, before, 0o644); err != nil {
		t.Fatal(err)
	}
	a = openT(t, dir)
	together(t, a, true)
	a.Close()
	// No checkpoint: the index is rebuilt from the store alone.
	if err := os.Remove(ckpt); err != nil {
		t.Fatal(err)
	}
	a = openT(t, dir)
	together(t, a, true)
	a.Close()
}

// TestVerifyOnImport: on the bulk import path each batch is stored while
// the next is deduplicated, so the rewrite's source, one batch earlier,
// may not be in the store yet: the stage reads it from the batch in
// flight.
func TestVerifyOnImport(t *testing.T) {
	ctx := context.Background()
	agency, paper := rewriteFixture()
	var in bytes.Buffer
	for _, x := range []*article.Article{agency, paper} {
		line, _ := json.Marshal(x)
		in.Write(append(line, '\n'))
	}
	a := openT(t, t.TempDir())
	defer a.Close()
	if _, err := a.ImportJSONL(ctx, &in, 1); err != nil {
		t.Fatal(err)
	}
	if err := a.EndBulk(ctx); err != nil {
		t.Fatal(err)
	}
	y, err := a.Store.Article("paper")
	if err != nil {
		t.Fatal(err)
	}
	if y.Role != article.RoleCopy || y.Original != "agency" {
		t.Fatalf("paper imported as %s of %q, want a copy of the agency story", y.Role, y.Original)
	}
}
