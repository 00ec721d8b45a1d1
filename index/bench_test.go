package index

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/index/scorch/mergeplan"

	"github.com/syndex/syndex/article"
	"github.com/syndex/syndex/index/schema"
)

// The generated corpus: SYNDEX_BENCH_DOCS articles (default 5000), each a
// deterministic function of its number, so any size can be produced in a
// stream without holding it in memory.

func benchDocs() int {
	if s := os.Getenv("SYNDEX_BENCH_DOCS"); s != "" {
		if n, err := strconv.Atoi(s); err == nil && n > 0 {
			return n
		}
	}
	return 5000
}

type genLang struct {
	code    string
	share   int // out of 100
	letters []string
}

var genLangs = []genLang{
	{"en", 55, strings.Split("ba be bi bo bu ca ce co da de di do fa fe fi ga ge go ha he hi la le li lo ma me mi mo na ne ni no pa pe pi po ra re ri ro sa se si so ta te ti to va ve wa we ya st tr pr ch sh th ing ed er s", " ")},
	{"fr", 10, strings.Split("ba be bé ça ce cé da dé è fa fe ga ge la le lé ma me mé na ne ni pa pe ra re ré sa se ta te tu vé ou eau ion ent es", " ")},
	{"de", 10, strings.Split("ba be bi da de di fa fe ga ge ha he ka ke la le ma me na ne ra re sa se ta te za ze ch sch ung en er ä ö ü ß", " ")},
	{"ru", 10, strings.Split("ба бе ва ве да де за зе ка ке ла ле ма ме на не по пе ра ре са се та те ко ли ни ов ый ая ие ть", " ")},
	{"ar", 10, strings.Split("ال ب ت ث ج ح خ د ذ ر ز س ش ص ض ط ع غ ف ق ك ل م ن ه و ي ة ات ون", " ")},
	{"sw", 5, strings.Split("ba be bi ka ke ki la le li ma me mi na ne ni pa pe ra re sa se ta te wa we ya", " ")},
}

const genVocab = 20000

// vocab holds each language's words, most frequent first.
var vocab = func() map[string][]string {
	out := map[string][]string{}
	for li, l := range genLangs {
		r := rand.New(rand.NewPCG(uint64(li), 7))
		seen := map[string]bool{}
		var words []string
		for len(words) < genVocab {
			var b strings.Builder
			for range 2 + r.IntN(3) {
				b.WriteString(l.letters[r.IntN(len(l.letters))])
			}
			w := b.String()
			if !seen[w] {
				seen[w] = true
				words = append(words, w)
			}
		}
		out[l.code] = words
	}
	return out
}()

// ranks maps each language's words to their frequency rank.
var ranks = func() map[string]map[string]int {
	out := map[string]map[string]int{}
	for l, ws := range vocab {
		m := make(map[string]int, len(ws))
		for i, w := range ws {
			m[w] = i
		}
		out[l] = m
	}
	return out
}()

const genSites = 200

func genSite(i int) string { return fmt.Sprintf("site%03d.example", i) }

func genLangOf(r *rand.Rand) string {
	p := r.IntN(100)
	for _, l := range genLangs {
		if p < l.share {
			return l.code
		}
		p -= l.share
	}
	return "en"
}

// genDoc builds cluster document i: a Zipf-distributed text of 300 words
// in one of six languages, published 2015–2025, a quarter with 1–3 copies.
func genDoc(i int) Doc {
	r := rand.New(rand.NewPCG(uint64(i), 99))
	lang := genLangOf(r)
	words := vocab[lang]
	z := rand.NewZipf(r, 1.07, 2, genVocab-1)
	text := func(n int) string {
		ws := make([]string, n)
		for k := range ws {
			ws[k] = words[z.Uint64()]
		}
		return strings.Join(ws, " ")
	}
	var body strings.Builder
	for p := range 5 {
		if p > 0 {
			body.WriteString("\n\n")
		}
		body.WriteString(text(60))
	}
	pub := time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(r.IntN(11*365*24)) * time.Hour)
	id := fmt.Sprintf("g%08d", i)
	site := genSite(r.IntN(genSites))
	o := &article.Article{ID: id, URL: "https://" + site + "/" + id, Site: site, Lang: lang,
		Title: text(8), Text: body.String(), Author: fmt.Sprintf("Author %d", r.IntN(500)),
		Published: pub, Fetched: pub.Add(time.Hour), Role: article.RoleUnique}
	d := Doc{Cluster: id, Original: o}
	if i%4 == 0 {
		o.Role = article.RoleOriginal
		for c := range 1 + r.IntN(3) {
			cs := genSite(r.IntN(genSites))
			d.Copies = append(d.Copies, &article.Article{ID: fmt.Sprintf("%s-c%d", id, c), URL: "https://" + cs + "/" + id,
				Site: cs, Published: pub.Add(time.Duration(1+r.IntN(72)) * time.Hour), Similarity: 0.8 + r.Float64()/5})
		}
	}
	return d
}

// plainDoc is the same content as a cluster document, shaped the way a
// user of Bleve's default mapping would hand it over.
type plainDoc struct {
	Cluster   string    `json:"cluster"`
	Title     string    `json:"title"`
	Body      string    `json:"body"`
	Site      string    `json:"site"`
	Sites     []string  `json:"sites"`
	Role      string    `json:"role"`
	Lang      string    `json:"lang"`
	Author    string    `json:"author"`
	Published time.Time `json:"published"`
	Fetched   time.Time `json:"fetched"`
	Copies    int       `json:"copies"`
}

func plainOf(d Doc) plainDoc {
	o := d.Original
	p := plainDoc{Cluster: d.Cluster, Title: o.Title, Body: o.Text, Site: o.Site, Sites: []string{o.Site},
		Role: string(o.Role), Lang: o.Lang, Author: o.Author, Published: o.Published, Fetched: o.Fetched, Copies: len(d.Copies)}
	for _, c := range d.Copies {
		p.Sites = append(p.Sites, c.Site)
	}
	return p
}

func dirSize(t testing.TB, dir string) int64 {
	var n int64
	err := filepath.WalkDir(dir, func(_ string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !e.IsDir() {
			info, err := e.Info()
			if err != nil {
				return err
			}
			n += info.Size()
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// buildSyndex indexes docs [0,n) into dir with our mapping, handing Apply
// DefaultBatchSize documents per shard at a time; with SYNDEX_BENCH_BULK
// set, with a Builder, as syndex import and reindex do (faster for large
// corpora; one segment per shard).
func buildSyndex(tb testing.TB, dir string, n int) {
	shards, _ := strconv.Atoi(os.Getenv("SYNDEX_BENCH_SHARDS")) // 0: one per CPU
	if os.Getenv("SYNDEX_BENCH_BULK") != "" {
		b, err := NewBuilder(dir, Options{Shards: shards})
		if err != nil {
			tb.Fatal(err)
		}
		for i := range n {
			if err := b.Add(context.Background(), genDoc(i)); err != nil {
				tb.Fatal(err)
			}
		}
		ix, err := b.Close(uint64(n))
		if err != nil {
			tb.Fatal(err)
		}
		if err := ix.Close(); err != nil {
			tb.Fatal(err)
		}
		return
	}
	ix, err := OpenWith(dir, Options{Shards: shards})
	if err != nil {
		tb.Fatal(err)
	}
	per := DefaultBatchSize * ix.Shards()
	batch := make([]Doc, 0, per)
	for i := range n {
		batch = append(batch, genDoc(i))
		if len(batch) == per || i == n-1 {
			if err := ix.Apply(context.Background(), batch, nil, uint64(i+1)); err != nil {
				tb.Fatal(err)
			}
			batch = batch[:0]
		}
	}
	if err := ix.Close(); err != nil {
		tb.Fatal(err)
	}
}

// buildBaseline indexes the same docs with a bare default-mapping Bleve
// (one index, no shards).
func buildBaseline(tb testing.TB, dir string, n int) {
	bi, err := bleve.New(dir, bleve.NewIndexMapping())
	if err != nil {
		tb.Fatal(err)
	}
	// The same documents per batch call as buildSyndex hands Apply.
	per := DefaultBatchSize * DefaultShards()
	b := bi.NewBatch()
	for i := range n {
		d := genDoc(i)
		if err := b.Index(d.Cluster, plainOf(d)); err != nil {
			tb.Fatal(err)
		}
		if b.Size() == per || i == n-1 {
			if err := bi.Batch(b); err != nil {
				tb.Fatal(err)
			}
			b.Reset()
		}
	}
	if err := bi.Close(); err != nil {
		tb.Fatal(err)
	}
}

// BenchmarkIndexing compares our mapping with a default-mapping Bleve on
// the same generated documents and batch size, reporting docs/s and index
// bytes per document. Run with -benchtime=1x; SYNDEX_BENCH_DOCS sets the
// corpus size.
func BenchmarkIndexing(b *testing.B) {
	n := benchDocs()
	for _, v := range []struct {
		name  string
		build func(testing.TB, string, int)
	}{{"baseline", buildBaseline}, {"syndex", buildSyndex}, {"baseline2", buildBaseline}, {"syndex2", buildSyndex}} {
		b.Run(v.name, func(b *testing.B) {
			var total time.Duration
			var bytes int64
			for range b.N {
				dir := filepath.Join(b.TempDir(), "ix")
				start := time.Now()
				v.build(b, dir, n)
				total += time.Since(start)
				bytes = dirSize(b, dir)
				must2(b, os.RemoveAll(dir))
			}
			b.ReportMetric(float64(n*b.N)/total.Seconds(), "docs/s")
			b.ReportMetric(float64(bytes)/float64(n), "bytes/doc")
			b.ReportMetric(0, "ns/op")
		})
	}
}

func must2(tb testing.TB, err error) {
	tb.Helper()
	if err != nil {
		tb.Fatal(err)
	}
}

// searchIndex opens the generated index, building it when needed: in
// SYNDEX_BENCH_DIR when set, so large corpora are built once and reused
// across runs, else in a temporary directory. With SYNDEX_BENCH_OPTIMIZE
// set it merges every shard into one segment first (as syndex reindex
// does).
func searchIndex(b *testing.B) *Index {
	n := benchDocs()
	dir := os.Getenv("SYNDEX_BENCH_DIR")
	if dir == "" {
		dir = filepath.Join(b.TempDir(), "ix")
	}
	ix, err := Open(dir)
	if errors.Is(err, ErrIncompatible) || errors.Is(err, ErrCorrupt) {
		b.Logf("rebuilding %s: %v", dir, err)
		must2(b, Remove(dir))
		ix, err = Open(dir)
	}
	if err != nil {
		b.Fatal(err)
	}
	if cp, _ := ix.Checkpoint(); cp != uint64(n) {
		must2(b, ix.Close())
		must2(b, os.RemoveAll(dir))
		start := time.Now()
		buildSyndex(b, dir, n)
		took := time.Since(start)
		b.Logf("built %d-doc index in %s: %.0f docs/s, %.0f bytes/doc",
			n, took.Round(time.Second), float64(n)/took.Seconds(), float64(dirSize(b, dir))/float64(n))
		if ix, err = Open(dir); err != nil {
			b.Fatal(err)
		}
	}
	if os.Getenv("SYNDEX_BENCH_OPTIMIZE") != "" {
		start := time.Now()
		must2(b, ix.Optimize(context.Background()))
		b.Logf("optimized (one segment per shard) in %s", time.Since(start).Round(time.Second))
	}
	b.Cleanup(func() { _ = ix.Close() })
	return ix
}

// benchQueries draws queries from the generated vocabulary: terms of
// ranks 10–2000 (from very common to rare) and phrases taken from real
// generated texts so they match.
func benchQueries(kind string, k int) []Query {
	r := rand.New(rand.NewPCG(uint64(len(kind)), 5))
	en := vocab["en"]
	word := func() string { return en[10+r.IntN(1990)] }
	qs := make([]Query, k)
	for i := range qs {
		switch kind {
		case "1term":
			qs[i] = Query{Text: word()}
		case "2term":
			qs[i] = Query{Text: word() + " " + word()}
		case "phrase":
			d := genDoc(r.IntN(benchDocs()))
			ws := strings.Fields(d.Original.Text)
			j := r.IntN(len(ws) - 1)
			qs[i] = Query{Text: `"` + ws[j] + " " + ws[j+1] + `"`}
		case "phrase3":
			d := genDoc(r.IntN(benchDocs()))
			ws := strings.Fields(d.Original.Text)
			j := r.IntN(len(ws) - 2)
			qs[i] = Query{Text: `"` + strings.Join(ws[j:j+3], " ") + `"`}
		case "phrase-content":
			// Real analyzers drop stop words; the generated texts have
			// none, so pick bigrams of words outside the 100 most frequent.
			for qs[i].Text == "" {
				d := genDoc(r.IntN(benchDocs()))
				ws := strings.Fields(d.Original.Text)
				j := r.IntN(len(ws) - 1)
				rk := ranks[d.Original.Lang]
				if rk[ws[j]] >= 100 && rk[ws[j+1]] >= 100 {
					qs[i] = Query{Text: `"` + ws[j] + " " + ws[j+1] + `"`}
				}
			}
		case "date":
			qs[i] = Query{Text: word(), Sort: "-date"}
		case "filtered":
			from := time.Date(2016+r.IntN(8), 1, 1, 0, 0, 0, 0, time.UTC)
			qs[i] = Query{Text: word(), Sites: []string{genSite(r.IntN(genSites)), genSite(r.IntN(genSites))},
				Lang: "en", From: from, To: from.AddDate(2, 0, 0)}
		case "facets":
			qs[i] = Query{Text: word(), Facets: true, Highlight: true}
		}
	}
	return qs
}

// BenchmarkSearch reports p50/p99 latency of 1-term, 2-term, phrase
// (any adjacent bigram, three adjacent words, and bigrams of content words) and filtered queries (top
// 10 by relevance), 1-term sorted by date, and 1-term with facets and
// highlighting, over the generated index.
func BenchmarkSearch(b *testing.B) {
	ix := searchIndex(b)
	for _, kind := range []string{"1term", "2term", "phrase", "phrase3", "phrase-content", "filtered", "date", "facets"} {
		b.Run(kind, func(b *testing.B) { benchQueryLatency(b, ix, benchQueries(kind, 200)) })
	}
}

// benchQueryLatency runs qs round robin b.N times and reports the
// latency percentiles, the process CPU per query and the share of
// queries with hits.
func benchQueryLatency(b *testing.B, ix *Index, qs []Query) {
	lat := make([]time.Duration, 0, b.N)
	cpu := make([]time.Duration, 0, b.N) // the process's CPU per query
	hits := 0
	b.ResetTimer()
	cpu0 := processCPU()
	for i := range b.N {
		ix.facetMemo.Reset() // measure the counting, not the memo
		start, c := time.Now(), processCPU()
		r, err := ix.Search(context.Background(), qs[i%len(qs)])
		lat = append(lat, time.Since(start))
		cpu = append(cpu, processCPU()-c)
		if err != nil {
			b.Fatal(err)
		}
		if r.Total > 0 {
			hits++
		}
	}
	b.ReportMetric(float64((processCPU()-cpu0).Microseconds())/1000/float64(b.N), "cpu-ms/op")
	slices.Sort(lat)
	slices.Sort(cpu)
	pct := func(d []time.Duration, p float64) float64 {
		return float64(d[min(len(d)-1, int(p*float64(len(d))))].Microseconds()) / 1000
	}
	b.ReportMetric(pct(lat, 0.50), "p50-ms")
	b.ReportMetric(pct(lat, 0.99), "p99-ms")
	// The CPU a query took, whatever the load: on idle cores its wall
	// time is between this over the shards searched in parallel and this.
	b.ReportMetric(pct(cpu, 0.50), "cpu-p50-ms")
	b.ReportMetric(pct(cpu, 0.99), "cpu-p99-ms")
	b.ReportMetric(float64(hits)/float64(b.N), "hit-rate")
}

// BenchmarkSearchArchive measures queries on an existing index, such as
// the one `syndex import` leaves in an archive (SYNDEX_BENCH_INDEX=
// ARCHIVE/bleve; skipped without it), opened read-only as a reader of a
// live archive opens it. The words are drawn from the index itself: body
// terms of frequency ranks 10–2,000 of its largest language field, from
// very common to rare, as BenchmarkSearch draws them from the generated
// vocabulary.
func BenchmarkSearchArchive(b *testing.B) {
	dir := os.Getenv("SYNDEX_BENCH_INDEX")
	if dir == "" {
		b.Skip("SYNDEX_BENCH_INDEX not set")
	}
	ix, err := OpenReader(dir)
	must2(b, err)
	b.Cleanup(func() { _ = ix.Close() })
	words := archiveWords(b, ix)
	r := rand.New(rand.NewPCG(1, 5))
	word := func() string { return words[r.IntN(len(words))] }
	for _, kind := range []string{"1term", "2term", "facets", "facets-2term"} {
		qs := make([]Query, 200)
		for i := range qs {
			switch kind {
			case "1term":
				qs[i] = Query{Text: word()}
			case "2term":
				qs[i] = Query{Text: word() + " " + word()}
			case "facets":
				qs[i] = Query{Text: word(), Facets: true, Highlight: true}
			case "facets-2term":
				qs[i] = Query{Text: word() + " " + word(), Facets: true, Highlight: true}
			}
		}
		b.Run(kind, func(b *testing.B) { benchQueryLatency(b, ix, qs) })
	}
}

// archiveWords returns the body terms of frequency ranks 10–2,000 of the
// index's body field with the most postings (in its first shard).
func archiveWords(b *testing.B, ix *Index) []string {
	adv, err := ix.shards[0].Advanced()
	must2(b, err)
	rd, err := adv.Reader()
	must2(b, err)
	defer rd.Close()
	type term struct {
		t string
		n uint64
	}
	var best []term
	var bestSum uint64
	for _, a := range ix.langsFor("") {
		d, err := rd.FieldDict(schema.BodyField(a))
		must2(b, err)
		var ts []term
		var sum uint64
		for e, err := d.Next(); e != nil || err != nil; e, err = d.Next() {
			must2(b, err)
			if len([]rune(e.Term)) >= 3 {
				ts = append(ts, term{e.Term, e.Count})
				sum += e.Count
			}
		}
		must2(b, d.Close())
		if sum > bestSum {
			best, bestSum = ts, sum
		}
	}
	slices.SortFunc(best, func(x, y term) int { return cmp.Compare(y.n, x.n) })
	if len(best) < 100 {
		b.Fatalf("%s: only %d body terms", ix.Dir(), len(best))
	}
	best = best[min(10, len(best)/10):min(2000, len(best))]
	words := make([]string, len(best))
	for i, t := range best {
		words[i] = t.t
	}
	b.Logf("%d query words, from %q (%d docs) to %q (%d)", len(words), best[0].t, best[0].n, best[len(best)-1].t, best[len(best)-1].n)
	return words
}

// baselineIndex opens (building when needed) the same generated corpus in
// a bare default-mapping Bleve index: SYNDEX_BENCH_DIR-bleve when set.
func baselineIndex(b *testing.B) bleve.Index {
	n := benchDocs()
	dir := os.Getenv("SYNDEX_BENCH_DIR")
	if dir == "" {
		dir = filepath.Join(b.TempDir(), "ix")
	}
	dir += "-bleve"
	bi, err := bleve.Open(dir)
	if err == nil {
		if c, _ := bi.DocCount(); c == uint64(n) {
			optimizeBaseline(b, bi)
			b.Cleanup(func() { _ = bi.Close() })
			return bi
		}
		must2(b, bi.Close())
	}
	must2(b, os.RemoveAll(dir))
	start := time.Now()
	buildBaseline(b, dir, n)
	b.Logf("built %d-doc baseline index in %s", n, time.Since(start).Round(time.Second))
	bi, err = bleve.Open(dir)
	must2(b, err)
	optimizeBaseline(b, bi)
	b.Cleanup(func() { _ = bi.Close() })
	return bi
}

// optimizeBaseline merges the baseline into one segment when
// SYNDEX_BENCH_OPTIMIZE is set, as searchIndex does ours (an index built
// in bulk has one segment per shard already).
func optimizeBaseline(b *testing.B, bi bleve.Index) {
	if os.Getenv("SYNDEX_BENCH_OPTIMIZE") == "" {
		return
	}
	adv, err := bi.Advanced()
	must2(b, err)
	sc, ok := adv.(*scorch.Scorch)
	if !ok {
		b.Fatalf("baseline is not a scorch index (%T)", adv)
	}
	opts := mergeplan.SingleSegmentMergePlanOptions
	must2(b, sc.ForceMerge(context.Background(), &opts))
}

// BenchmarkSearchBaseline runs BenchmarkSearch's one- and two-word
// queries on a bare default-mapping Bleve index of the same documents
// (query-string syntax on its _all field, the top 10 with their title and
// site), interleaved with ours, and reports both latencies.
func BenchmarkSearchBaseline(b *testing.B) {
	ix := searchIndex(b)
	bi := baselineIndex(b)
	for _, kind := range []string{"1term", "2term"} {
		qs := benchQueries(kind, 200)
		for _, side := range []string{"bleve", "syndex"} {
			b.Run(kind+"/"+side, func(b *testing.B) {
				lat := make([]time.Duration, 0, b.N)
				b.ResetTimer()
				for i := range b.N {
					q := qs[i%len(qs)]
					start := time.Now()
					if side == "syndex" {
						_, err := ix.Search(context.Background(), q)
						must2(b, err)
					} else {
						req := bleve.NewSearchRequest(bleve.NewQueryStringQuery(q.Text))
						req.Fields = []string{"title", "site"}
						_, err := bi.Search(req)
						must2(b, err)
					}
					lat = append(lat, time.Since(start))
				}
				slices.Sort(lat)
				pct := func(p float64) float64 {
					return float64(lat[min(len(lat)-1, int(p*float64(len(lat))))].Microseconds()) / 1000
				}
				b.ReportMetric(pct(0.50), "p50-ms")
				b.ReportMetric(pct(0.99), "p99-ms")
			})
		}
	}
}
