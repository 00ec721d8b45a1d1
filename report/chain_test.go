package report_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/syndex/syndex/article"
	"github.com/syndex/syndex/internal/printable"
	"github.com/syndex/syndex/report"
	"github.com/syndex/syndex/report/render"
)

// chainFixture: wire.example's story is copied by relay.example, whose copy
// launder.example and shadow.example take on (via); direct.example copies
// the wire itself; wire.example also carries the same story at a second
// address, and relay.example its contact page twice.
func chainFixture() []*article.Article {
	h := time.Hour
	o, c := article.RoleOriginal, article.RoleCopy
	arts := []*article.Article{
		art("w1", "wire.example", o, "w1", "w1", base, 1),
		art("r1", "relay.example", c, "w1", "w1", base.Add(2*h), 1),
		art("l1", "launder.example", c, "w1", "w1", base.Add(5*h), 1),
		art("s1", "shadow.example", c, "w1", "w1", base.Add(8*h), 1),
		art("d1", "direct.example", c, "w1", "w1", base.Add(3*h), 1),
		art("w1b", "wire.example", c, "w1", "w1", base.Add(h), 1),
		art("k1", "relay.example", o, "k1", "k1", time.Time{}, 1),
		art("k2", "relay.example", c, "k1", "k1", time.Time{}, 1),
	}
	arts[2].Via, arts[3].Via = "r1", "r1"
	arts[2].OriginalShare, arts[2].CopyShare = 0.56, 0.93
	return arts
}

func TestViaEdges(t *testing.T) {
	r := report.Build(chainFixture(), report.Filter{})
	type edge struct {
		src, dst string
		via      bool
		count    int
		median   int64
	}
	// launder and shadow each took the story from relay's copy: two via
	// edges, lagged after relay's copy (3h, 6h).
	want := []edge{
		{"relay.example", "launder.example", true, 1, 3 * 3600},
		{"relay.example", "shadow.example", true, 1, 6 * 3600},
		{"wire.example", "direct.example", false, 1, 3 * 3600},
		{"wire.example", "relay.example", false, 1, 2 * 3600},
	}
	if len(r.Edges) != len(want) {
		t.Fatalf("edges %+v, want %d", r.Edges, len(want))
	}
	for i, w := range want {
		e := r.Edges[i]
		if e.Source != w.src || e.Republisher != w.dst || e.Via != w.via || e.Count != w.count || e.MedianLagSeconds == nil || *e.MedianLagSeconds != w.median {
			t.Errorf("edge %d = %+v (lag %s), want %+v", i, e, printable.Lag(e.MedianLagSeconds), w)
		}
	}
	if e := r.Edges[0]; e.MedianOriginalShare != 0.56 {
		t.Errorf("via edge median original share %v, want 0.56", e.MedianOriginalShare)
	}
	if e := r.Edges[2]; e.MedianOriginalShare != 0 {
		t.Errorf("edge without shares: median original share %v, want none", e.MedianOriginalShare)
	}
	// The copy keeps its lag after the original, and says whom it took.
	var l1 *report.Copy
	for _, c := range r.Clusters {
		for i := range c.Copies {
			if c.Copies[i].ID == "l1" {
				l1 = &c.Copies[i]
			}
		}
	}
	if l1 == nil || l1.Via != "r1" || l1.ViaSite != "relay.example" || *l1.LagSeconds != 5*3600 || l1.OriginalShare != 0.56 || l1.CopyShare != 0.93 {
		t.Fatalf("l1 = %+v", l1)
	}
	// The relay's copies are taken from: it is ranked as an originator too.
	if o := r.Originators(); o[0].Site != "relay.example" || o[0].Copies != 2 {
		t.Errorf("originators %+v", o)
	}
	// --site on the middle of the chain keeps the via copies.
	if f := report.Build(chainFixture(), report.Filter{Site: "relay.example"}); f.Totals.Copies != 3 {
		t.Errorf("site filter relay.example: %d copies, want 3 (its own and the two taken from it)", f.Totals.Copies)
	}

	formats := map[string][]string{
		"json": {`"via": true`, `"via": "r1"`, `"via_site": "relay.example"`, `"original_share": 0.56`, `"copy_share": 0.93`},
		"dot":  {`"relay.example" -> "launder.example" [label="via · 1 · 3h00m"`, `style=dashed`},
		"gexf": {`<attribute id="via" title="via" type="boolean">`, `<attvalue for="via" value="true">`},
		"text": {"relay.example  ⇢  launder.example", "⇢ stories taken from", "carries 56% of the original, 93% of its text from it  via relay.example"},
		"html": {`class="via"`, `stroke-dasharray="6 4"`, `via: copied a copy`, `<span class="oshare">56%</span>`},
	}
	for format, wants := range formats {
		var b bytes.Buffer
		if err := render.Write(&b, r, format); err != nil {
			t.Fatal(err)
		}
		for _, w := range wants {
			if !strings.Contains(b.String(), w) {
				t.Errorf("%s output lacks %q", format, w)
			}
		}
	}
	var b bytes.Buffer
	if err := render.CSV(&b, r, "edges"); err != nil {
		t.Fatal(err)
	}
	rows, _ := csv.NewReader(&b).ReadAll()
	if rows[0][6] != "via" || rows[1][6] != "true" || rows[3][6] != "false" {
		t.Errorf("edges csv: %v", rows)
	}
	b.Reset()
	if err := render.CSV(&b, r, "clusters"); err != nil {
		t.Fatal(err)
	}
	rows, _ = csv.NewReader(&b).ReadAll()
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	found := false
	for _, row := range rows[1:] {
		if row[col["copy_id"]] == "l1" {
			found = true
			if row[col["original_share"]] != "0.5600" || row[col["copy_share"]] != "0.9300" || row[col["via"]] != "r1" || row[col["via_site"]] != "relay.example" {
				t.Errorf("clusters csv row %v", row)
			}
		}
		if row[col["copy_id"]] == "d1" && row[col["original_share"]] != "" {
			t.Errorf("a copy without shares got %q", row[col["original_share"]])
		}
	}
	if !found {
		t.Error("clusters csv lacks l1")
	}
}

// TestSameSiteCopiesAreNotSyndication: a story at two addresses of one
// site and a site's contact page under two paths are not edges, clusters
// or copies of the report.
func TestSameSiteCopiesAreNotSyndication(t *testing.T) {
	r := report.Build(chainFixture(), report.Filter{})
	for _, e := range r.Edges {
		if e.Source == e.Republisher {
			t.Errorf("self edge %+v", e)
		}
	}
	for _, c := range r.Clusters {
		if c.ID == "k1" {
			t.Errorf("a one-site cluster is reported: %+v", c)
		}
		for _, cp := range c.Copies {
			if cp.ID == "w1b" {
				t.Errorf("the original's own second address is reported as a copy")
			}
		}
	}
	if r.Totals.Clusters != 1 || r.Totals.Copies != 4 {
		t.Errorf("totals %+v, want 1 story and 4 copies", r.Totals)
	}
	// In the site table they are unique articles, not originals and copies.
	want := map[string]report.Site{
		"relay.example": {Site: "relay.example", Articles: 3, Copies: 1, Unique: 2, CopyShare: 1.0 / 3},
		"wire.example":  {Site: "wire.example", Articles: 2, Originals: 1, Unique: 1, Republished: 4},
	}
	for _, s := range r.Sites {
		if w, ok := want[s.Site]; ok && !reflect.DeepEqual(s, w) {
			t.Errorf("site %+v, want %+v", s, w)
		}
	}
}

// TestLagDayPrecision: a bare date is a day, not midnight UTC.
func TestLagDayPrecision(t *testing.T) {
	at := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	tests := []struct {
		name      string
		orig, cp  string
		want      int64
		precision string
	}{
		{"bare copy date on the original's day", "2024-03-01T09:30:00Z", "2024-03-01T00:00:00Z", 0, "day"},
		{"bare copy date the day after", "2024-03-01T23:10:00Z", "2024-03-02T00:00:00Z", 86400, "day"},
		{"original late in its own evening", "2024-03-01T22:00:00-05:00", "2024-03-01T00:00:00Z", 0, "day"},
		{"bare original, timed copy", "2024-03-01T00:00:00Z", "2024-03-03T08:00:00+02:00", 2 * 86400, "day"},
		{"both timed", "2024-03-01T09:30:00Z", "2024-03-01T11:00:00Z", 5400, ""},
		{"copy truly a day earlier", "2024-03-02T09:30:00Z", "2024-03-01T00:00:00Z", -86400, "day"},
	}
	// Without dates, first-seen times: a copy crawled before its original
	// has no known lag.
	o := &article.Article{Fetched: at("2024-03-01T10:00:00Z")}
	if lag, p := report.LagOf(o, &article.Article{Fetched: at("2024-03-01T12:00:00Z")}); lag == nil || *lag != 7200 || p != "fetched" {
		t.Errorf("fetch lag %s %q, want 2h00m fetched", printable.Lag(lag), p)
	}
	if lag, _ := report.LagOf(o, &article.Article{Fetched: at("2024-03-01T09:00:00Z")}); lag != nil {
		t.Errorf("copy crawled before its original: lag %s, want unknown", printable.Lag(lag))
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := &article.Article{Published: at(tc.orig)}
			c := &article.Article{Published: at(tc.cp)}
			lag, p := report.LagOf(o, c)
			if lag == nil || *lag != tc.want || p != tc.precision {
				t.Errorf("lag %s %q, want %s %q", printable.Lag(lag), p, printable.Lag(&tc.want), tc.precision)
			}
		})
	}
	// The median of an edge is taken over day-precision lags too: a copy
	// dated only by day never drags it below zero.
	h := time.Hour
	day := time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)
	arts := []*article.Article{
		art("o", "wire.example", article.RoleOriginal, "o", "o", day.Add(9*h+30*time.Minute), 1),
		art("a", "bare.example", article.RoleCopy, "o", "o", day, 1),
		art("p", "wire.example", article.RoleOriginal, "p", "p", day.Add(14*h), 1),
		art("b", "bare.example", article.RoleCopy, "p", "p", day, 1),
	}
	r := report.Build(arts, report.Filter{})
	if m := r.Edges[0].MedianLagSeconds; m == nil || *m != 0 {
		t.Errorf("median lag %s, want 0s", printable.Lag(m))
	}
	var doc struct {
		Clusters []struct {
			Copies []map[string]any `json:"copies"`
		} `json:"clusters"`
	}
	var b bytes.Buffer
	if err := render.Write(&b, r, "json"); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if p := doc.Clusters[0].Copies[0]["lag_precision"]; p != "day" {
		t.Errorf("lag_precision %v, want day", p)
	}
}
