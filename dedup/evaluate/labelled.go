package evaluate

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/syndex/syndex/article"
	"github.com/syndex/syndex/dedup"
)

// A labelled set travels as JSONL of Articles carrying truth_cluster and
// truth_original: what `syndex eval dedup --write` saves and what
// `--in` reads.

// Bare is a without every field but its id, text and truth labels: what
// dedup sees of a set run with --no-site.
func Bare(a *article.Article) *article.Article {
	return &article.Article{ID: a.ID, Text: a.Text, TruthCluster: a.TruthCluster, TruthOriginal: a.TruthOriginal}
}

// EncodeLabelled writes arts as JSONL; bare keeps only what Bare keeps
// of each.
func EncodeLabelled(arts []*article.Article, bare bool) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	for _, a := range arts {
		if bare {
			a = Bare(a)
		}
		if err := enc.Encode(a); err != nil {
			return nil, fmt.Errorf("encode article %s: %w", a.ID, err)
		}
	}
	return buf.Bytes(), nil
}

// ReadLabelled decodes the good lines of a labelled JSONL set; a line
// that is not an Article is left out (dedup.Run reports it when the set
// is clustered).
func ReadLabelled(raw []byte) []*article.Article {
	var arts []*article.Article
	for _, line := range bytes.Split(raw, []byte("\n")) {
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		var a article.Article
		if json.Unmarshal(line, &a) != nil || a.Normalize() != nil {
			continue
		}
		arts = append(arts, &a)
	}
	return arts
}

// ClusterRun is what dedup made of a labelled set.
type ClusterRun struct {
	Stats       dedup.Stats
	Assignments []article.Assignment
	Bad         *dedup.LineError // the set's unusable lines, skipped (nil: none)
	Took        time.Duration    // dedup's run, assignments written
}

// Cluster runs dedup over the labelled set raw, as `syndex dedup` would,
// and reads its assignments back; unusable lines are reported in Bad,
// not as a failure.
func Cluster(ctx context.Context, raw []byte, cfg dedup.Config) (ClusterRun, error) {
	var run ClusterRun
	var out bytes.Buffer
	start := time.Now()
	st, err := dedup.Run(ctx, bytes.NewReader(raw), &out, cfg)
	if err != nil && !errors.As(err, &run.Bad) {
		return ClusterRun{}, err
	}
	run.Stats, run.Took = st, time.Since(start)
	for dec := json.NewDecoder(&out); dec.More(); {
		var x article.Assignment
		if err := dec.Decode(&x); err != nil {
			return ClusterRun{}, fmt.Errorf("read assignments: %w", err)
		}
		run.Assignments = append(run.Assignments, x)
	}
	return run, nil
}
