package store

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/syndex/syndex/article"
)

// mappedRSS returns how many bytes of the file at path this process's
// memory maps hold resident (the Rss lines of /proc/self/smaps).
func mappedRSS(t *testing.T, path string) int64 {
	t.Helper()
	f, err := os.Open("/proc/self/smaps")
	if err != nil {
		t.Skipf("no /proc/self/smaps: %v", err)
	}
	defer f.Close()
	var rss int64
	in := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		fields := strings.Fields(line)
		if len(fields) > 0 && strings.Contains(fields[0], "-") && len(fields) >= 5 {
			// A mapping's header: address range, perms, offset, dev, inode[, path].
			in = len(fields) >= 6 && fields[len(fields)-1] == path
			continue
		}
		if in && len(fields) == 3 && fields[0] == "Rss:" {
			kb, _ := strconv.ParseInt(fields[1], 10, 64)
			rss += kb << 10
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return rss
}

// TestCountLeavesStoreUnmapped: counting the articles of a store of
// several megabytes leaves at most a few pages of it resident, with the
// kept count and with the walk that stands in for it.
func TestCountLeavesStoreUnmapped(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Repeat("word ", 1000)
	var batch []*article.Article
	for i := range 2000 {
		batch = append(batch, &article.Article{ID: fmt.Sprint("a", i), Text: text})
	}
	if err := s.PutArticles(batch); err != nil {
		t.Fatal(err)
	}
	s.Close()
	path := dir + "/" + FileName
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	const most = 1 << 20
	for _, kept := range []bool{true, false} {
		if !kept {
			setKeptCount(t, dir, nil)
		}
		ro, err := Open(dir, Options{ReadOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		if err := ro.ReleasePages(); err != nil {
			t.Fatal(err)
		}
		before := mappedRSS(t, path)
		if got := ro.Count(); got != 2000 {
			t.Errorf("kept %v: Count = %d, want 2000", kept, got)
		}
		after := mappedRSS(t, path)
		t.Logf("kept count %v: store %d KiB, resident %d KiB before Count, %d KiB after", kept, fi.Size()>>10, before>>10, after>>10)
		if after > most {
			t.Errorf("kept count %v: %d KiB of the %d KiB store resident after Count, want at most %d", kept, after>>10, fi.Size()>>10, most>>10)
		}
		ro.Close()
	}
}
