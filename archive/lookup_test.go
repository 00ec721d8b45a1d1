package archive

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/syndex/syndex/dedup/synth"
)

// TestLookup looks texts up in an archive opened read-only (the dedup
// index loaded on demand) and through the read API of the process that
// holds it, and checks that nothing in the archive changed.
func TestLookup(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	a := openT(t, dir)
	if err := a.Ingest(ctx, testArticles()); err != nil {
		t.Fatal(err)
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	stat := func() map[string]time.Time {
		out := map[string]time.Time{}
		filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
			if err == nil && !info.IsDir() {
				out[p] = info.ModTime()
			}
			return nil
		})
		return out
	}
	before := stat()

	ro, err := Open(ctx, dir, Options{ReadOnly: true, NoIndex: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	edited := strings.Replace(story, "eighteen months", "a year and a half", 1)
	pub := time.Date(2025, 3, 6, 9, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name    string
		q       LookupQuery
		verdict string
		cluster string
		lag     int64 // seconds; -1 for none
	}{
		{"edited copy, dated", LookupQuery{Text: "Shared from our partners.\n\n" + edited, Published: pub}, VerdictCopy, "orig", 2 * 86400},
		{"archived copy by id", LookupQuery{Text: testArticles()[0].Text, ID: "copy1", Site: "wire.example"}, VerdictCopy, "orig", -1},
		{"archived original by id", LookupQuery{Text: story, ID: "orig", Site: "ledger.example"}, VerdictOriginal, "orig", -1},
		{"unrelated", LookupQuery{Text: "Tomatoes grow well in clay pots on a sunny balcony if they are watered every evening in summer."}, VerdictNone, "", -1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := ro.Lookup(ctx, tc.q)
			if err != nil {
				t.Fatal(err)
			}
			if res.Verdict != tc.verdict {
				t.Errorf("verdict %s, want %s (%+v)", res.Verdict, tc.verdict, res.Matches)
			}
			if tc.cluster == "" {
				if len(res.Matches) != 0 {
					t.Errorf("matches %+v, want none", res.Matches)
				}
				return
			}
			if len(res.Matches) == 0 {
				t.Fatal("no match")
			}
			m := res.Matches[0]
			if m.Original.ID != "orig" || m.Original.Site != "ledger.example" || m.Rank != 1 {
				t.Errorf("first match's original %+v", m.Original)
			}
			if tc.q.ID == "" && (len(m.Copies) != 1 || m.Copies[0].ID != "copy1" || m.Copies[0].LagSeconds == nil || *m.Copies[0].LagSeconds != 26*3600) {
				t.Errorf("copies %+v, want copy1 26h after", m.Copies)
			}
			if c := m.Copies; len(c) > 0 && (c[0].OriginalShare < 0.9 || c[0].CopyShare <= 0 || c[0].CopyShare > 1) {
				t.Errorf("copy shares %+v: want the stored shares of copy1", c[0])
			}
			if tc.q.ID == "copy1" && (len(m.Copies) != 1 || !m.Copies[0].Query) {
				t.Errorf("copies %+v, want copy1 marked as the looked-up article", m.Copies)
			}
			if tc.verdict == VerdictCopy && (m.OriginalShare < 0.8 || m.CopyShare < 0.7) {
				t.Errorf("shares %.2f / %.2f, want ≥ 0.8 and ≥ 0.7", m.OriginalShare, m.CopyShare)
			}
			if (m.LagSeconds == nil) != (tc.lag < 0) || (m.LagSeconds != nil && *m.LagSeconds != tc.lag) {
				t.Errorf("lag %v, want %d", m.LagSeconds, tc.lag)
			}
		})
	}
	if _, err := ro.Lookup(ctx, LookupQuery{Text: "  "}); !errors.Is(err, ErrBadLookup) {
		t.Errorf("empty lookup: %v, want ErrBadLookup", err)
	}
	art, err := ro.ArticleAt("https://www.ledger.example/news/breakwater/")
	if err != nil || art.ID != "orig" {
		t.Errorf("ArticleAt with another spelling: %v %v", art, err)
	}

	after := stat()
	for p, m := range before {
		if !after[p].Equal(m) {
			t.Errorf("%s changed", p)
		}
	}
	if len(after) != len(before) {
		t.Errorf("files %d, were %d", len(after), len(before))
	}
}

// TestLookupWhileIngesting looks texts up in the process that is
// ingesting (as `syndex run` serves lookups); run with -race.
func TestLookupWhileIngesting(t *testing.T) {
	ctx := context.Background()
	a := openT(t, t.TempDir())
	defer a.Close()
	if err := a.Ingest(ctx, testArticles()); err != nil {
		t.Fatal(err)
	}
	done := make(chan error)
	more := synth.Generate(synth.Options{Stories: 60}, 9) // other stories, other sites
	go func() {
		for len(more) > 0 {
			n := min(10, len(more))
			if err := a.Ingest(ctx, more[:n]); err != nil {
				done <- err
				return
			}
			more = more[n:]
		}
		done <- nil
	}()
	for range 50 {
		res, err := a.Lookup(ctx, LookupQuery{Text: story})
		if err != nil {
			t.Fatal(err)
		}
		if res.Verdict != VerdictCopy || res.Matches[0].Original.Site != "ledger.example" {
			t.Fatalf("lookup during ingest: %+v", res)
		}
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
