package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/syndex/syndex/config"
	"github.com/syndex/syndex/dedup"
)

func TestConfigCommands(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.yaml")
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(good, []byte(config.Example()), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bad, []byte("crawl:\n  max_pages: -1\n  delay: soon\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		args   []string
		code   int
		stdout string
	}{
		{"example", []string{"config", "example"}, 0, "sources:"},
		{"check good", []string{"config", "check", good}, 0, good + ": ok (2 sources)"},
		{"check via --config", []string{"config", "check", "--config", good}, 0, "ok (2 sources)"},
		{"check bad", []string{"config", "check", bad}, 2, ""},
		{"check missing", []string{"config", "check", filepath.Join(dir, "none.yaml")}, 2, ""},
		{"too many args", []string{"config", "check", good, bad}, 2, ""},
		{"example takes no args", []string{"config", "example", "x"}, 2, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			rootCmd.SetOut(&out)
			defer rootCmd.SetOut(nil)
			if f := configCheckCmd.Flags().Lookup("config"); f != nil {
				_ = f.Value.Set("")
			}
			if code := run(tc.args); code != tc.code {
				t.Fatalf("exit %d, want %d", code, tc.code)
			}
			if !strings.Contains(out.String(), tc.stdout) {
				t.Errorf("stdout %q does not contain %q", out.String(), tc.stdout)
			}
		})
	}
}

func TestConfigMapping(t *testing.T) {
	c, err := config.Parse("t.yaml", []byte(config.Example()))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		got  any
		want any
	}{
		{"global delay", fileCrawlerConfig(c, nil).Delay, 2 * time.Second},
		{"source delay", fileCrawlerConfig(c, &c.Sources[1]).Delay, 5 * time.Second},
		{"source max pages", fileCrawlerConfig(c, &c.Sources[1]).MaxPages, 2000},
		{"seeds", fileCrawlerConfig(c, &c.Sources[0]).Seeds[0], "https://ledger.example/"},
		{"include merged", len(fileCrawlerConfig(c, &c.Sources[0]).Include), 1},
		{"body cap", fileCrawlerConfig(c, nil).MaxBodySize, int64(10 << 20)},
		{"user agent", fileCrawlerConfig(c, nil).UserAgent, "syndex/0.1 (+https://example.org/about-our-crawler)"},
		{"dedup shingle", fileDedupConfig(c).Shingle, 3},
		{"dedup default kept", fileDedupConfig(config.Default()).Sample, dedup.DefaultConfig().Sample},
	}
	for _, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("%s: got %v, want %v", tc.name, tc.got, tc.want)
		}
	}
	if err := fileDedupConfig(c).Validate(); err != nil {
		t.Errorf("mapped dedup config invalid: %v", err)
	}
}
