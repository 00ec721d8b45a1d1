package render

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/syndex/syndex/report"
)

// CSVFiles writes every table to its own CSV file beside out: out
// "net.csv" gives net-edges.csv, net-clusters.csv and net-sites.csv.
// wrote, when set, is told each file's name once it is complete.
func CSVFiles(r *report.Report, out string, wrote func(name string)) error {
	base := strings.TrimSuffix(out, filepath.Ext(out))
	for _, t := range Tables {
		name := base + "-" + t + ".csv"
		f, err := os.Create(name)
		if err != nil {
			return fmt.Errorf("report: %w", err)
		}
		if err := CSV(f, r, t); err != nil {
			f.Close()
			return fmt.Errorf("report %s: %w", name, err)
		}
		if err := f.Close(); err != nil {
			return fmt.Errorf("report %s: %w", name, err)
		}
		if wrote != nil {
			wrote(name)
		}
	}
	return nil
}
