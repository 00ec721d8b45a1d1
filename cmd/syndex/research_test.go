package main

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/syndex/syndex/dedup/synth"
)

// researchArchive imports a generated, labelled syndication set of 300
// stories into a fresh archive and
// writes a config with two collections; it returns the work directory,
// the archive and the config file.
func researchArchive(t *testing.T) (work, data, cfg string, origins, repubs []string) {
	t.Helper()
	work = t.TempDir()
	data = filepath.Join(work, "data")
	arts := synth.Generate(synth.Options{Stories: 300, Origins: 4, Republishers: 6}, 11)
	f, err := os.Create(filepath.Join(work, "in.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	enc := json.NewEncoder(f)
	seen := map[string]bool{}
	for _, a := range arts {
		if err := enc.Encode(a); err != nil {
			t.Fatal(err)
		}
		if !seen[a.Site] {
			seen[a.Site] = true
			if a.TruthOriginal {
				origins = append(origins, a.Site)
			}
		}
	}
	for _, a := range arts {
		if !a.TruthOriginal && !containsStr(repubs, a.Site) && !containsStr(origins, a.Site) {
			repubs = append(repubs, a.Site)
		}
	}
	f.Close()
	r := syndex(t, work, "import", "--data", data, "--in", filepath.Join(work, "in.jsonl"))
	if r.code != 0 {
		t.Fatalf("import: exit %d: %s", r.code, r.stderr)
	}
	cfg = filepath.Join(work, "syndex.yaml")
	conf := fmt.Sprintf("collections:\n  wires: [%s]\n  spinners: [%s]\n", strings.Join(origins[:2], ", "), strings.Join(repubs[:2], ", "))
	if err := os.WriteFile(cfg, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	return work, data, cfg, origins, repubs
}

func containsStr(s []string, x string) bool {
	for _, v := range s {
		if v == x {
			return true
		}
	}
	return false
}

// TestResearchCommands covers the research workflows from the command
// line: the histogram of search --json, exports of every hit past the
// 1,000-hit page cap, collections in search and report, and lookup.
func TestResearchCommands(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test builds and runs the binary")
	}
	work, data, cfg, origins, repubs := researchArchive(t)

	var total uint64
	t.Run("histogram", func(t *testing.T) {
		r := syndex(t, work, "search", "--data", data, "--json", "--interval", "week", "")
		if r.code != 0 {
			t.Fatalf("exit %d: %s", r.code, r.stderr)
		}
		var res struct {
			Total     uint64 `json:"total"`
			Histogram struct {
				Interval string `json:"interval"`
				Buckets  []struct {
					Start             string
					Originals, Copies int
				} `json:"buckets"`
				UndatedOriginals int `json:"undated_originals"`
				UndatedCopies    int `json:"undated_copies"`
			} `json:"histogram"`
		}
		if err := json.Unmarshal([]byte(r.stdout), &res); err != nil {
			t.Fatal(err)
		}
		total = res.Total
		h := res.Histogram
		o, c := h.UndatedOriginals, h.UndatedCopies
		for _, b := range h.Buckets {
			o += b.Originals
			c += b.Copies
		}
		if h.Interval != "week" || len(h.Buckets) < 4 || uint64(o) != res.Total || c < 250 {
			t.Errorf("histogram %s, %d buckets, %d originals (total %d), %d copies", h.Interval, len(h.Buckets), o, res.Total, c)
		}
		r = syndex(t, work, "search", "--data", data, "--histogram", "--limit", "1", "")
		if r.code != 0 || !strings.Contains(r.stdout, "originals and copies per day") {
			t.Errorf("search --histogram: exit %d\n%s", r.code, r.stdout)
		}
	})

	t.Run("export csv and jsonl", func(t *testing.T) {
		// Pages of 64 stories: the export crosses several, as one of
		// more than 1,000 stories crosses pages of the default size.
		out := filepath.Join(work, "all.csv")
		r := syndex(t, work, "search", "--data", data, "--format", "csv", "--page-size", "64", "--out", out, "")
		if r.code != 0 {
			t.Fatalf("exit %d: %s", r.code, r.stderr)
		}
		f, err := os.Open(out)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(f).ReadAll()
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		stories, copies, lags := map[string]bool{}, 0, 0
		for _, row := range rows[1:] {
			stories[row[1]] = true
			if row[2] == "copy" {
				copies++
				if row[10] == "" || row[11] == "" {
					t.Errorf("copy row without shares: %v", row)
				}
				if row[8] != "" {
					lags++
				}
			}
		}
		if lags < copies*8/10 { // an undated original or copy has no lag
			t.Errorf("%d of %d copy rows with a lag", lags, copies)
		}
		if uint64(len(stories)) != total || copies < 250 || rows[0][0] != "rank" {
			t.Errorf("csv: %d stories (want %d), %d copies", len(stories), total, copies)
		}
		r = syndex(t, work, "search", "--data", data, "--format", "jsonl", "--page-size", "50", "--sort", "date", "")
		if r.code != 0 {
			t.Fatalf("exit %d: %s", r.code, r.stderr)
		}
		sc := bufio.NewScanner(strings.NewReader(r.stdout))
		sc.Buffer(nil, 1<<20)
		n, last := 0, ""
		for sc.Scan() {
			var h struct {
				Cluster   string `json:"cluster"`
				Published string `json:"published"`
			}
			if err := json.Unmarshal(sc.Bytes(), &h); err != nil {
				t.Fatal(err)
			}
			if h.Published != "" && h.Published < last {
				t.Fatalf("jsonl line %d out of date order", n+1)
			}
			if h.Published != "" {
				last = h.Published
			}
			n++
		}
		if uint64(n) != total {
			t.Errorf("jsonl: %d stories, want %d", n, total)
		}
		r = syndex(t, work, "search", "--data", data, "--format", "jsonl", "--limit", "5", "")
		if got := strings.Count(r.stdout, "\n"); r.code != 0 || got != 5 {
			t.Errorf("--limit 5: %d lines", got)
		}
		if r := syndex(t, work, "search", "--data", data, "--format", "csv", "--offset", "3", "x"); r.code != 2 {
			t.Errorf("--format csv --offset: exit %d", r.code)
		}
	})

	t.Run("collections", func(t *testing.T) {
		r := syndex(t, work, "search", "--data", data, "--config", cfg, "--json", "--limit", "1000", "--site", "spinners", "")
		if r.code != 0 {
			t.Fatalf("exit %d: %s", r.code, r.stderr)
		}
		var res struct {
			Total uint64 `json:"total"`
			Hits  []struct {
				Original struct{ Site string }
				Copies   []struct{ Site string }
			}
		}
		if err := json.Unmarshal([]byte(r.stdout), &res); err != nil {
			t.Fatal(err)
		}
		if res.Total == 0 || res.Total >= total {
			t.Errorf("--site spinners: %d of %d stories", res.Total, total)
		}
		for _, h := range res.Hits {
			found := containsStr(repubs[:2], h.Original.Site)
			for _, c := range h.Copies {
				found = found || containsStr(repubs[:2], c.Site)
			}
			if !found {
				t.Errorf("hit carried by none of %v", repubs[:2])
				break
			}
		}
		if r := syndex(t, work, "search", "--data", data, "--config", cfg, "--site", "@nope", "x"); r.code != 2 || !strings.Contains(r.stderr, "collections: spinners, wires") {
			t.Errorf("unknown collection: exit %d: %s", r.code, r.stderr)
		}
		r = syndex(t, work, "report", "--data", data, "--config", cfg, "--format", "json", "--site", "@wires")
		if r.code != 0 {
			t.Fatalf("report: exit %d: %s", r.code, r.stderr)
		}
		var rep struct {
			Sites []struct {
				Site        string
				Collections []string
			}
			Filter struct{ Sites []string }
		}
		if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
			t.Fatal(err)
		}
		if len(rep.Filter.Sites) != 2 {
			t.Errorf("report filter %+v", rep.Filter)
		}
		tagged := 0
		for _, s := range rep.Sites {
			if containsStr(origins[:2], s.Site) {
				if len(s.Collections) != 1 || s.Collections[0] != "wires" {
					t.Errorf("site %s collections %v", s.Site, s.Collections)
				}
				tagged++
			}
		}
		if tagged != 2 {
			t.Errorf("%d sites of the collection in the report", tagged)
		}
		r = syndex(t, work, "report", "--data", data, "--config", cfg, "--format", "csv", "--table", "sites")
		if r.code != 0 || !strings.Contains(strings.SplitN(r.stdout, "\n", 2)[0], ",collections") || !strings.Contains(r.stdout, ",wires") {
			t.Errorf("report csv sites: exit %d\n%.300s", r.code, r.stdout)
		}
		r = syndex(t, work, "report", "--data", data, "--config", cfg, "--format", "html", "--out", filepath.Join(work, "net.html"))
		html, _ := os.ReadFile(filepath.Join(work, "net.html"))
		if r.code != 0 || !strings.Contains(string(html), ">wires<") || !strings.Contains(string(html), ">spinners<") {
			t.Errorf("report html: exit %d, collections not in the legend", r.code)
		}
	})

	t.Run("lookup", func(t *testing.T) {
		// A copy's text, edited, that is not in the archive.
		var orig struct {
			ID, Text, Site, Title string
		}
		r := syndex(t, work, "search", "--data", data, "--format", "jsonl", "--limit", "1", "")
		var hit struct {
			Original struct{ ID, URL string }
		}
		json.Unmarshal([]byte(r.stdout), &hit)
		r = syndex(t, work, "export", "--data", data)
		for _, line := range strings.Split(r.stdout, "\n") {
			if strings.Contains(line, `"id":"`+hit.Original.ID+`"`) {
				json.Unmarshal([]byte(line), &orig)
			}
		}
		if orig.Text == "" {
			t.Fatalf("original %s not exported", hit.Original.ID)
		}
		paras := strings.Split(orig.Text, "\n\n")
		probe := "Reposted from a partner.\n\n" + strings.Join(paras[:len(paras)-1], "\n\n")
		file := filepath.Join(work, "probe.txt")
		os.WriteFile(file, []byte(probe), 0o644)
		r = syndex(t, work, "lookup", "--data", data, "--json", file)
		var res struct {
			Verdict string
			Matches []struct {
				Original struct{ ID string }
				Copy     bool
			}
		}
		if err := json.Unmarshal([]byte(r.stdout), &res); err != nil || r.code != 0 {
			t.Fatalf("lookup: exit %d %v: %s", r.code, err, r.stderr)
		}
		if res.Verdict != "copy" || res.Matches[0].Original.ID != orig.ID {
			t.Errorf("lookup: %+v, want a copy of %s", res, orig.ID)
		}
		// The same as a saved page, from stdin, and the archived page by URL.
		page := "<html><head><title>" + orig.Title + "</title></head><body><article><h1>" + orig.Title + "</h1><p>" +
			strings.Join(paras, "</p><p>") + "</p></article></body></html>"
		cmd := exec.Command(syndexBin(t), "lookup", "--data", data, "-")
		cmd.Stdin = strings.NewReader(page)
		out, err := cmd.Output()
		if err != nil || !strings.HasPrefix(string(out), "COPY of") && !strings.HasPrefix(string(out), "ORIGINAL") {
			t.Errorf("lookup of a page on stdin: %v\n%s", err, out)
		}
		r = syndex(t, work, "lookup", "--data", data, "--url", hit.Original.URL)
		if r.code != 0 || !strings.HasPrefix(r.stdout, "ORIGINAL") {
			t.Errorf("lookup --url of an original: exit %d\n%s%s", r.code, r.stdout, r.stderr)
		}
		if r := syndex(t, work, "lookup", "--data", data); r.code != 2 {
			t.Errorf("lookup without input: exit %d", r.code)
		}
		// Many texts in one run: one answer per line, in order.
		lines, _ := json.Marshal(map[string]string{"id": "q1", "text": probe, "site": "elsewhere.example"})
		line2, _ := json.Marshal(map[string]string{"id": "q2", "text": "Tomatoes grow well in clay pots on a sunny balcony when watered every evening."})
		batch := filepath.Join(work, "batch.jsonl")
		os.WriteFile(batch, []byte(string(lines)+"\n"+string(line2)+"\n{\"id\": \"q3\"}\n"), 0o644)
		r = syndex(t, work, "lookup", "--data", data, "--in", batch)
		var verdicts []string
		for _, l := range strings.Split(strings.TrimSpace(r.stdout), "\n") {
			var res struct {
				Query   struct{ ID string }
				Verdict string
			}
			json.Unmarshal([]byte(l), &res)
			verdicts = append(verdicts, res.Query.ID+"="+res.Verdict)
		}
		if r.code != 1 || strings.Join(verdicts, ",") != "q1=copy,q2=none" || !strings.Contains(r.stderr, `line 3: article "q3" has no text`) {
			t.Errorf("lookup --in: exit %d, %v\n%s", r.code, verdicts, r.stderr)
		}
	})
}

// TestEvalLookup runs the lookup evaluation on a small generated set, and
// as a floor that fails.
func TestEvalLookup(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test builds and runs the binary")
	}
	work := t.TempDir()
	r := syndex(t, work, "eval", "lookup", "--generate", "150", "--seed", "3", "--json")
	var res struct {
		Queries int     `json:"queries"`
		Top1    float64 `json:"top1"`
		P95MS   float64 `json:"p95_ms"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &res); err != nil || r.code != 0 {
		t.Fatalf("exit %d %v: %s%s", r.code, err, r.stdout, r.stderr)
	}
	if res.Queries < 20 || res.Top1 < 0.9 || res.P95MS <= 0 {
		t.Errorf("eval lookup: %+v", res)
	}
	if r := syndex(t, work, "eval", "lookup", "--generate", "150", "--seed", "3", "--min-top1", "1.01"); r.code != 1 || !strings.Contains(r.stderr, "below the floor") {
		t.Errorf("floor: exit %d: %s", r.code, r.stderr)
	}
	if r := syndex(t, work, "eval", "lookup", "--generate", "10", "--holdout", "0"); r.code != 2 {
		t.Errorf("--holdout 0: exit %d", r.code)
	}
}
