package warc

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// ImportedList is the file, in an archive's WARC directory, that lists the
// web archives imported into it (absolute paths, one per line). Articles
// point into those files, and readers of the archive may show their records
// (and no other file outside the WARC directory).
const ImportedList = "imported.txt"

// AddImported adds paths (absolute) to the list in dir.
func AddImported(dir string, paths []string) error {
	add := notListed(readImported(dir), paths)
	if len(add) == 0 {
		return nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("list imported files: %w", err)
	}
	f, err := os.OpenFile(filepath.Join(dir, ImportedList), os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("list imported files: %w", err)
	}
	for _, p := range add {
		fmt.Fprintln(f, p)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("list imported files: %w", err)
	}
	return nil
}

// notListed returns the paths, each once, that are not in listed and can
// be listed: absolute, on one line.
func notListed(listed, paths []string) []string {
	have := map[string]bool{}
	for _, p := range listed {
		have[p] = true
	}
	var add []string
	for _, p := range paths {
		if !have[p] && filepath.IsAbs(p) && !strings.ContainsAny(p, "\r\n") {
			have[p] = true
			add = append(add, p)
		}
	}
	return add
}

// IsImported reports whether path is listed in dir's ImportedList.
func IsImported(dir, path string) bool {
	for _, p := range readImported(dir) {
		if p == path {
			return true
		}
	}
	return false
}

func readImported(dir string) []string {
	f, err := os.Open(filepath.Join(dir, ImportedList))
	if err != nil {
		return nil
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		if l := strings.TrimSpace(sc.Text()); l != "" {
			out = append(out, l)
		}
	}
	return out
}
