package index

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

const crashEnv = "SYNDEX_INDEX_CRASH_WRITER"

const crashBatch = 40

func crashDocs(seq uint64) []Doc {
	docs := make([]Doc, crashBatch)
	for j := range docs {
		id := fmt.Sprintf("b%d-%d", seq, j)
		docs[j] = Doc{Cluster: id, Original: art(id, "crash.example", "en",
			fmt.Sprintf("Batch batch%d story", seq), "Text written just before the power went out.", "2025-02-01")}
	}
	return docs
}

// crashWriter is the child process: it indexes one batch per checkpoint,
// resuming after the index's checkpoint, and prints each checkpoint once
// Apply returned, until it is killed.
func crashWriter(dir string) {
	ix, err := Open(dir)
	if err != nil {
		fmt.Println("error", err)
		os.Exit(3)
	}
	cp, err := ix.Checkpoint()
	if err != nil {
		fmt.Println("error", err)
		os.Exit(3)
	}
	for seq := cp + 1; ; seq++ {
		if err := ix.Apply(context.Background(), crashDocs(seq), nil, seq); err != nil {
			fmt.Println("error", err)
			os.Exit(3)
		}
		fmt.Println(seq)
	}
}

// TestCrashConsistency kills a writer process with SIGKILL mid-stream,
// several times, and checks the index reopens with every document its
// checkpoint promises, a checkpoint at or past every batch the writer saw
// commit, and nothing beyond the one batch that was in flight; the next
// writer resumes from the checkpoint and completes that batch.
func TestCrashConsistency(t *testing.T) {
	if dir := os.Getenv(crashEnv); dir != "" {
		crashWriter(dir)
		return
	}
	if testing.Short() {
		t.Skip("spawns writer processes")
	}
	dir := filepath.Join(t.TempDir(), "bleve")
	for round := range 3 {
		cmd := exec.Command(os.Args[0], "-test.run=^TestCrashConsistency$")
		cmd.Env = append(os.Environ(), crashEnv+"="+dir)
		out, err := cmd.StdoutPipe()
		must(t, err)
		must(t, cmd.Start())
		sc := bufio.NewScanner(out)
		var acked uint64
		lines := 0
		for sc.Scan() && lines < 4+round*3 {
			n, err := strconv.ParseUint(sc.Text(), 10, 64)
			if err != nil {
				_ = cmd.Process.Kill()
				t.Fatalf("writer said %q", sc.Text())
			}
			acked = n
			lines++
		}
		time.Sleep(time.Duration(round*7) * time.Millisecond) // land mid-batch at varying points
		must(t, cmd.Process.Kill())
		_ = cmd.Wait()

		ix, err := Open(dir)
		if err != nil {
			t.Fatalf("round %d: reopen after kill -9: %v", round, err)
		}
		cp, err := ix.Checkpoint()
		must(t, err)
		n, err := ix.Count()
		must(t, err)
		if cp < acked {
			t.Errorf("round %d: checkpoint %d behind acknowledged batch %d", round, cp, acked)
		}
		// Shards commit independently: the checkpoint is the lowest
		// shard's, and a shard may hold its part of the one batch that
		// was in flight. Re-applying from the checkpoint makes it whole.
		if n < cp*crashBatch || n > (cp+1)*crashBatch {
			t.Errorf("round %d: %d documents, checkpoint %d promises %d (+ at most one batch in flight)", round, n, cp, cp*crashBatch)
		}
		for _, c := range []struct {
			seq      uint64
			min, max uint64
		}{{cp, crashBatch, crashBatch}, {cp + 1, 0, crashBatch}, {cp + 2, 0, 0}} {
			if c.seq == 0 {
				continue
			}
			r, err := ix.Search(context.Background(), Query{Text: fmt.Sprintf("title:batch%d", c.seq)})
			must(t, err)
			if r.Total < c.min || r.Total > c.max {
				t.Errorf("round %d: batch %d has %d documents, want %d–%d", round, c.seq, r.Total, c.min, c.max)
			}
		}
		must(t, ix.Close())
		t.Logf("round %d: writer acknowledged %d, index at checkpoint %d with %d docs", round, acked, cp, n)
	}
}

// TestRemoveCutShort stands for a kill during Remove (a rebuild deletes
// the old index first): whatever part of the directory is gone, the rest
// opens as an index whose creation did not finish, which the next writer
// rebuilds, and never as a complete index with a shard missing.
func TestRemoveCutShort(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "ix")
	ix, err := OpenWith(dir, Options{Shards: 2})
	if err != nil {
		t.Fatal(err)
	}
	if err := ix.Apply(context.Background(), crashDocs(1), nil, 1); err != nil {
		t.Fatal(err)
	}
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	whole := removeAll
	defer func() { removeAll = whole }()
	removeAll = func(string) error {
		// The kill came after one shard's marker was unlinked.
		if err := os.Remove(filepath.Join(shardDir(dir, 1), metaFile)); err != nil {
			t.Fatal(err)
		}
		return fmt.Errorf("killed")
	}
	if err := Remove(dir); err == nil {
		t.Fatal("Remove cut short reported no error")
	}
	removeAll = whole
	_, err = Open(dir)
	if !errors.Is(err, ErrUnfinished) {
		t.Fatalf("open after a cut-short Remove: %v, want ErrUnfinished", err)
	}
	ix, reset, err := OpenOrReset(dir)
	if err != nil || !reset {
		t.Fatalf("OpenOrReset: reset %v, %v", reset, err)
	}
	ix.Close()
}
